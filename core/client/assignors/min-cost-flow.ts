// Min-cost max-flow by successive shortest paths (Dijkstra on reduced costs with potentials): the
// exact optimiser behind the sticky assignor's general case. Integer costs, non-negative at start;
// ties break by node index, so the same graph always gives the same flow.

import { assert } from "../../assert.ts";

export interface FlowResult {
  readonly flow: number;
  readonly cost: number;
}

export class MinCostFlow {
  readonly #nodeCount: number;
  readonly #head: Int32Array;
  readonly #to: number[] = [];
  readonly #capacity: number[] = [];
  readonly #initialCapacity: number[] = [];
  readonly #cost: number[] = [];
  readonly #next: number[] = [];

  constructor(nodeCount: number) {
    assert(Number.isSafeInteger(nodeCount) && nodeCount >= 2, `node count ${nodeCount}`);
    this.#nodeCount = nodeCount;
    this.#head = new Int32Array(nodeCount).fill(-1);
  }

  /** Adds from -> to; returns the edge id (its residual twin is id ^ 1). */
  addEdge(from: number, to: number, capacity: number, cost: number): number {
    assert(from >= 0 && from < this.#nodeCount && to >= 0 && to < this.#nodeCount, "edge node");
    assert(Number.isSafeInteger(capacity) && capacity >= 0, `capacity ${capacity}`);
    assert(Number.isSafeInteger(cost) && cost >= 0, `cost ${cost} must be a non-negative integer`);
    const id = this.#to.length;
    this.#push(from, to, capacity, cost);
    this.#push(to, from, 0, -cost);
    return id;
  }

  #push(from: number, to: number, capacity: number, cost: number): void {
    this.#to.push(to);
    this.#capacity.push(capacity);
    this.#initialCapacity.push(capacity);
    this.#cost.push(cost);
    this.#next.push(this.#head[from]!);
    this.#head[from] = this.#to.length - 1;
  }

  /** Flow currently on an edge returned by addEdge. */
  flowOn(edge: number): number {
    return this.#initialCapacity[edge]! - this.#capacity[edge]!;
  }

  /** Pushes the maximum flow from source to sink at the minimum total cost among maximum flows. */
  run(source: number, sink: number): FlowResult {
    assert(source !== sink, "source and sink must differ");
    const n = this.#nodeCount;
    const potential = new Float64Array(n);
    const distance = new Float64Array(n);
    const viaEdge = new Int32Array(n);
    const done = new Uint8Array(n);
    let flow = 0;
    let cost = 0;
    for (;;) {
      if (!this.#shortestPaths(source, sink, potential, distance, viaEdge, done)) break;
      const sinkDistance = distance[sink]!;
      for (let v = 0; v < n; v++) potential[v]! += done[v] === 1 ? distance[v]! : sinkDistance;
      let push = Number.POSITIVE_INFINITY;
      for (let v = sink; v !== source; v = this.#to[viaEdge[v]! ^ 1]!) {
        push = Math.min(push, this.#capacity[viaEdge[v]!]!);
      }
      assert(push > 0 && Number.isFinite(push), "augmenting path without capacity");
      for (let v = sink; v !== source; v = this.#to[viaEdge[v]! ^ 1]!) {
        const e = viaEdge[v]!;
        this.#capacity[e]! -= push;
        this.#capacity[e ^ 1]! += push;
        cost += push * this.#cost[e]!;
      }
      flow += push;
    }
    return { flow, cost };
  }

  /** Dijkstra on reduced costs until the sink is settled; false when the sink is unreachable. */
  #shortestPaths(
    source: number,
    sink: number,
    potential: Float64Array,
    distance: Float64Array,
    viaEdge: Int32Array,
    done: Uint8Array,
  ): boolean {
    distance.fill(Number.POSITIVE_INFINITY);
    viaEdge.fill(-1);
    done.fill(0);
    distance[source] = 0;
    const heap = new NodeHeap();
    heap.push(0, source);
    while (heap.size > 0) {
      const [d, u] = heap.pop();
      if (done[u] === 1 || d > distance[u]!) continue;
      done[u] = 1;
      if (u === sink) return true;
      for (let e = this.#head[u]!; e !== -1; e = this.#next[e]!) {
        if (this.#capacity[e]! === 0) continue;
        const v = this.#to[e]!;
        const reduced = this.#cost[e]! + potential[u]! - potential[v]!;
        assert(reduced >= 0, "negative reduced cost: potentials are broken");
        const candidate = d + reduced;
        if (candidate < distance[v]!) {
          distance[v] = candidate;
          viaEdge[v] = e;
          heap.push(candidate, v);
        }
      }
    }
    return false;
  }
}

/** A binary min-heap of (distance, node), ties by node: a total order, hence determinism. */
class NodeHeap {
  readonly #keys: number[] = [];
  readonly #nodes: number[] = [];

  get size(): number {
    return this.#keys.length;
  }

  #less(i: number, j: number): boolean {
    const a = this.#keys[i]!;
    const b = this.#keys[j]!;
    return a < b || (a === b && this.#nodes[i]! < this.#nodes[j]!);
  }

  #swap(i: number, j: number): void {
    [this.#keys[i], this.#keys[j]] = [this.#keys[j]!, this.#keys[i]!];
    [this.#nodes[i], this.#nodes[j]] = [this.#nodes[j]!, this.#nodes[i]!];
  }

  push(key: number, node: number): void {
    this.#keys.push(key);
    this.#nodes.push(node);
    let i = this.#keys.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  pop(): [number, number] {
    const top: [number, number] = [this.#keys[0]!, this.#nodes[0]!];
    const lastKey = this.#keys.pop()!;
    const lastNode = this.#nodes.pop()!;
    if (this.#keys.length > 0) {
      this.#keys[0] = lastKey;
      this.#nodes[0] = lastNode;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < this.#keys.length && this.#less(left, smallest)) smallest = left;
        if (right < this.#keys.length && this.#less(right, smallest)) smallest = right;
        if (smallest === i) break;
        this.#swap(i, smallest);
        i = smallest;
      }
    }
    return top;
  }
}
