// The directed links between every pair of endpoints: latency distribution, slowness, bandwidth
// and what blocks them (partitions, clogs). Invariant: arrival times are whole microseconds, never
// before the send, and a link transmits one message at a time when it has a bandwidth limit.

import { assert } from "../core/assert.ts";
import type { NodeId } from "../core/ids.ts";
import type { SimRng } from "./prng.ts";

/** True time is kept in ms rounded to whole microseconds, so traces stay short and exact. */
export function quantizeMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

export interface LinkLatency {
  /** The floor of the one-way delay. */
  readonly minMs: number;
  /** Mean of the exponential part added to the floor. */
  readonly meanMs: number;
}

export interface LinkSetting extends LinkLatency {
  readonly from: NodeId;
  readonly to: NodeId;
}

/** The static network of one run (the swarm draws it; printed in the trace header). */
export interface NetworkParams {
  /** Latency of links not listed in `links`. */
  readonly defaultLink: LinkLatency;
  readonly links: readonly LinkSetting[];
  /** Chance that a message takes the slow tail, and the multiplier of that tail. */
  readonly tailProbability: number;
  readonly tailFactor: number;
  /** An open connection still partitioned this long after the partition began is broken. */
  readonly partitionBreakMs: number;
  /** A connection attempt that cannot complete (partition) fails after this long. */
  readonly connectTimeoutMs: number;
}

export const calmNetwork: NetworkParams = {
  defaultLink: { minMs: 1, meanMs: 1 },
  links: [],
  tailProbability: 0,
  tailFactor: 1,
  partitionBreakMs: 1000,
  connectTimeoutMs: 1000,
};

/** Why a direction holds its messages instead of transmitting them. */
export const Block = { none: 0, clog: 1, partition: 2 } as const;
export type Block = (typeof Block)[keyof typeof Block];

interface ActivePartition {
  readonly from: readonly number[];
  readonly to: readonly number[];
  readonly oneWay: boolean;
}

export class Links {
  readonly #n: number;
  readonly #index: ReadonlyMap<NodeId, number>;
  readonly #params: NetworkParams;
  readonly #rng: SimRng;
  readonly #minMs: Float64Array;
  readonly #meanMs: Float64Array;
  readonly #slow: Float64Array;
  readonly #bytesPerMs: Float64Array;
  readonly #busyUntil: Float64Array;
  readonly #clogs: Uint32Array;
  readonly #partitioned: Uint8Array;
  readonly #exempt: Uint8Array;
  readonly #partitions = new Map<number, ActivePartition>();

  constructor(endpoints: readonly NodeId[], params: NetworkParams, rng: SimRng) {
    const n = endpoints.length;
    this.#n = n;
    this.#index = new Map(endpoints.map((id, i) => [id, i]));
    assert(this.#index.size === n, "endpoint ids must be distinct");
    this.#params = params;
    this.#rng = rng;
    this.#minMs = new Float64Array(n * n).fill(params.defaultLink.minMs);
    this.#meanMs = new Float64Array(n * n).fill(params.defaultLink.meanMs);
    this.#slow = new Float64Array(n * n).fill(1);
    this.#bytesPerMs = new Float64Array(n * n);
    this.#busyUntil = new Float64Array(n * n);
    this.#clogs = new Uint32Array(n * n);
    this.#partitioned = new Uint8Array(n * n);
    this.#exempt = new Uint8Array(n);
    for (const link of params.links) {
      const k = this.key(link.from, link.to);
      assert(link.minMs >= 0 && link.meanMs >= 0, "link latency must be >= 0");
      this.#minMs[k] = link.minMs;
      this.#meanMs[k] = link.meanMs;
    }
  }

  get params(): NetworkParams {
    return this.#params;
  }

  indexOf(id: NodeId): number {
    const i = this.#index.get(id);
    assert(i !== undefined, `unknown endpoint ${id}`);
    return i;
  }

  key(from: NodeId, to: NodeId): number {
    return this.indexOf(from) * this.#n + this.indexOf(to);
  }

  /** What holds the directed link `k` (partition wins over clog). */
  block(k: number): Block {
    if (this.#partitioned[k] === 1) return Block.partition;
    return this.#clogs[k]! > 0 ? Block.clog : Block.none;
  }

  /** Whether link `k` has a bandwidth limit (then messages need a size). */
  limited(k: number): boolean {
    return this.#bytesPerMs[k]! > 0;
  }

  /** When a message of `size` bytes sent now on link `k` arrives (whole microseconds). */
  arrival(k: number, nowMs: number, size: number): number {
    let sent = nowMs;
    const bandwidth = this.#bytesPerMs[k]!;
    if (bandwidth > 0) {
      sent = Math.max(nowMs, this.#busyUntil[k]!) + size / bandwidth;
      this.#busyUntil[k] = sent;
    }
    const at = quantizeMs(sent + this.sampleLatency(k));
    assert(at >= nowMs, "a message may not arrive before it was sent");
    return at;
  }

  /** One draw of the one-way delay of link `k` (ms, not rounded). */
  sampleLatency(k: number): number {
    const p = this.#params;
    let latency = this.#minMs[k]! + this.#rng.exponential("latency", this.#meanMs[k]!);
    // The healed core's links are ordinary again: no slow tail (a tail of seconds on one message
    // holds up every later one on its connection, which no healed network does).
    if (!this.#exemptPair(k) && this.#rng.chance("latency-tail", p.tailProbability)) {
      latency *= p.tailFactor;
    }
    return latency * this.#slow[k]!;
  }

  setSlow(from: NodeId, to: NodeId, factor: number): void {
    assert(factor >= 1 && Number.isFinite(factor), `bad slowness ${factor}`);
    this.#slow[this.key(from, to)] = factor;
  }

  setBandwidth(from: NodeId, to: NodeId, bytesPerMs: number | null): void {
    assert(bytesPerMs === null || bytesPerMs > 0, `bad bandwidth ${bytesPerMs}`);
    this.#bytesPerMs[this.key(from, to)] = bytesPerMs ?? 0;
  }

  clog(from: NodeId, to: NodeId): void {
    const k = this.key(from, to);
    if (this.#exemptPair(k)) return;
    this.#clogs[k]!++;
  }

  /** Undoes one clog of the link; false when it was not clogged. */
  unclog(from: NodeId, to: NodeId): boolean {
    const k = this.key(from, to);
    if (this.#clogs[k] === 0) return false;
    this.#clogs[k]!--;
    return true;
  }

  /** Starts partition `id`; false when that id is already active. */
  partition(id: number, sides: readonly [readonly NodeId[], readonly NodeId[]], oneWay: boolean) {
    if (this.#partitions.has(id)) return false;
    const from = sides[0].map((node) => this.indexOf(node));
    const to = sides[1].map((node) => this.indexOf(node));
    this.#partitions.set(id, { from, to, oneWay });
    this.#recompute();
    return true;
  }

  /** Ends partition `id`; false when it was not active. */
  heal(id: number): boolean {
    const removed = this.#partitions.delete(id);
    if (removed) this.#recompute();
    return removed;
  }

  get activePartitions(): number {
    return this.#partitions.size;
  }

  /**
   * From now on nothing blocks or slows links among `nodes`: their clogs, slowness, bandwidth
   * limits and latency tails are lifted and partitions no longer separate them (the quiet phase's
   * healed core).
   */
  exempt(nodes: readonly NodeId[]): void {
    for (const node of nodes) this.#exempt[this.indexOf(node)] = 1;
    for (let k = 0; k < this.#n * this.#n; k++) {
      if (!this.#exemptPair(k)) continue;
      this.#clogs[k] = 0;
      this.#slow[k] = 1;
      this.#bytesPerMs[k] = 0;
    }
    this.#recompute();
  }

  #exemptPair(k: number): boolean {
    const i = Math.floor(k / this.#n);
    return this.#exempt[i] === 1 && this.#exempt[k - i * this.#n] === 1;
  }

  #recompute(): void {
    const n = this.#n;
    this.#partitioned.fill(0);
    for (const p of this.#partitions.values()) {
      for (const i of p.from) {
        for (const j of p.to) {
          if (i === j) continue;
          this.#partitioned[i * n + j] = 1;
          if (!p.oneWay) this.#partitioned[j * n + i] = 1;
        }
      }
    }
    for (let k = 0; k < n * n; k++) if (this.#exemptPair(k)) this.#partitioned[k] = 0;
  }
}
