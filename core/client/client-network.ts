// A simulated client's view of its connections (Kafka's NetworkClient): correlation ids, requests in
// flight per node with their deadlines, and reconnect backoff. It keeps: a correlation id is in
// flight at most once, and never more than the caller's limit per node; a lost or timed-out
// connection loses every request in flight on it (their outcome is unknown).

import { assert } from "../assert.ts";
import type { Millis, NodeId } from "../ids.ts";
import { limits } from "../limits.ts";
import type { Outbox } from "../outbox.ts";
import type { ClientRequest } from "../protocol/index.ts";
import type { Rng } from "../rng.ts";

export interface InFlight<Tag> {
  readonly correlationId: number;
  readonly node: NodeId;
  readonly sentMs: Millis;
  readonly deadlineMs: Millis;
  readonly tag: Tag;
}

interface NodeState {
  inFlight: number;
  /** Consecutive connection failures, for the exponential reconnect backoff. */
  failures: number;
  /** No request goes to the node before this time. */
  backoffUntilMs: Millis;
}

export interface NetworkTimings {
  readonly requestTimeoutMs: Millis;
  readonly reconnectBackoffMs: Millis;
  readonly reconnectBackoffMaxMs: Millis;
  readonly clientId: string;
}

/**
 * KIP-580's exponential backoff: base * 2^(attempt-1), capped, with ±20% jitter drawn from `rng`
 * under `name` (so two clients retrying together drift apart, and a replay draws the same).
 */
export function backoffMs(
  rng: Rng,
  name: string,
  baseMs: Millis,
  maxMs: Millis,
  attempt: number,
): Millis {
  assert(attempt >= 1, `backoff attempt ${attempt} < 1`);
  assert(maxMs >= baseMs, "backoff max below base");
  if (baseMs === 0) return 0;
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  const jitter = 0.8 + 0.4 * rng.float(name);
  return Math.max(1, Math.round(Math.min(maxMs, exponential * jitter)));
}

export class ClientNetwork<Tag> {
  readonly #timings: NetworkTimings;
  readonly #inFlight = new Map<number, InFlight<Tag>>();
  readonly #nodes = new Map<NodeId, NodeState>();
  #nextCorrelationId = 0;

  constructor(timings: NetworkTimings) {
    this.#timings = timings;
  }

  #node(node: NodeId): NodeState {
    let state = this.#nodes.get(node);
    if (state === undefined) {
      assert(this.#nodes.size < limits.clientNodesMax, "client tracks too many nodes");
      state = { inFlight: 0, failures: 0, backoffUntilMs: 0 };
      this.#nodes.set(node, state);
    }
    return state;
  }

  /** Whether a request may go to `node` now: not backing off and under the in-flight limit. */
  canSend(now: Millis, node: NodeId, maxInFlight: number): boolean {
    const state = this.#nodes.get(node);
    if (state === undefined) return true;
    return now >= state.backoffUntilMs && state.inFlight < maxInFlight;
  }

  inFlightTo(node: NodeId): number {
    return this.#nodes.get(node)?.inFlight ?? 0;
  }

  /** When `node` may be tried again (0 when it is not backing off). */
  backoffUntil(node: NodeId): Millis {
    return this.#nodes.get(node)?.backoffUntilMs ?? 0;
  }

  /**
   * Pushes the request effect. With `expectResponse` false (Produce with acks=0) the request is
   * fire-and-forget: nothing stays in flight and no answer will come.
   */
  send(
    now: Millis,
    outbox: Outbox,
    node: NodeId,
    body: ClientRequest["body"],
    api: ClientRequest["api"],
    tag: Tag,
    expectResponse = true,
    /** This request's own timeout (JoinGroup waits a whole rebalance); request.timeout.ms if unset. */
    timeoutMs?: Millis,
  ): number {
    const correlationId = this.#nextCorrelationId++;
    assert(correlationId <= 0x7fffffff, "correlation ids exhausted");
    const state = this.#node(node);
    assert(now >= state.backoffUntilMs, `request to node ${node} during its reconnect backoff`);
    const request = { api, clientId: this.#timings.clientId, body } as ClientRequest;
    outbox.push({ type: "request", to: node, correlationId, request });
    if (expectResponse) {
      assert(state.inFlight < limits.clientInFlightPerConnectionMax, "in-flight limit exceeded");
      const deadlineMs = now + (timeoutMs ?? this.#timings.requestTimeoutMs);
      this.#inFlight.set(correlationId, { correlationId, node, sentMs: now, deadlineMs, tag });
      state.inFlight++;
    }
    return correlationId;
  }

  /**
   * The answer to `correlationId` from `from`; undefined for an answer nobody waits for any more
   * (its request timed out, or its connection was already declared lost).
   */
  complete(from: NodeId, correlationId: number): InFlight<Tag> | undefined {
    const entry = this.#inFlight.get(correlationId);
    if (entry === undefined) return undefined;
    assert(entry.node === from, `answer to ${correlationId} from ${from}, sent to ${entry.node}`);
    this.#inFlight.delete(correlationId);
    const state = this.#node(from);
    state.inFlight--;
    state.failures = 0;
    return entry;
  }

  /** The connection to `node` broke: every request in flight on it is lost, in the order sent. */
  connectionLost(now: Millis, node: NodeId, rng: Rng): InFlight<Tag>[] {
    const lost: InFlight<Tag>[] = [];
    for (const entry of this.#inFlight.values()) if (entry.node === node) lost.push(entry);
    for (const entry of lost) this.#inFlight.delete(entry.correlationId);
    const state = this.#node(node);
    state.inFlight = 0;
    state.failures++;
    const wait = backoffMs(
      rng,
      "client-reconnect-backoff",
      this.#timings.reconnectBackoffMs,
      this.#timings.reconnectBackoffMaxMs,
      state.failures,
    );
    state.backoffUntilMs = now + wait;
    return lost;
  }

  /**
   * Requests past their deadline. As in Kafka, a timeout drops the whole connection, so every
   * other request in flight to that node is lost with it. Returns the nodes and what was lost.
   */
  expire(now: Millis, rng: Rng): { readonly node: NodeId; readonly lost: InFlight<Tag>[] }[] {
    const nodes: NodeId[] = [];
    for (const entry of this.#inFlight.values()) {
      if (entry.deadlineMs <= now && !nodes.includes(entry.node)) nodes.push(entry.node);
    }
    return nodes.map((node) => ({ node, lost: this.connectionLost(now, node, rng) }));
  }

  /** The earliest request deadline, or undefined with nothing in flight. */
  nextDeadline(): Millis | undefined {
    let earliest: Millis | undefined;
    for (const entry of this.#inFlight.values()) {
      if (earliest === undefined || entry.deadlineMs < earliest) earliest = entry.deadlineMs;
    }
    return earliest;
  }

  /** Nodes backing off whose backoff ends after `now` (a wakeup may let requests go). */
  nextBackoffEnd(now: Millis): Millis | undefined {
    let earliest: Millis | undefined;
    for (const state of this.#nodes.values()) {
      if (
        state.backoffUntilMs > now &&
        (earliest === undefined || state.backoffUntilMs < earliest)
      ) {
        earliest = state.backoffUntilMs;
      }
    }
    return earliest;
  }

  /** Among `candidates`, the reachable node with the fewest requests in flight (first on ties). */
  leastLoadedNode(now: Millis, candidates: readonly NodeId[]): NodeId | undefined {
    let best: NodeId | undefined;
    let bestLoad = Number.POSITIVE_INFINITY;
    for (const node of candidates) {
      if (now < this.backoffUntil(node)) continue;
      const load = this.inFlightTo(node);
      if (load < bestLoad) {
        best = node;
        bestLoad = load;
      }
    }
    return best;
  }

  entries(): IterableIterator<InFlight<Tag>> {
    return this.#inFlight.values();
  }

  get size(): number {
    return this.#inFlight.size;
  }

  checkInvariants(maxInFlight: number): void {
    const counts = new Map<NodeId, number>();
    for (const entry of this.#inFlight.values()) {
      counts.set(entry.node, (counts.get(entry.node) ?? 0) + 1);
      assert(entry.deadlineMs > entry.sentMs, "request deadline not after its send");
    }
    for (const [node, state] of this.#nodes) {
      assert(state.inFlight === (counts.get(node) ?? 0), `in-flight count of node ${node} drifted`);
      assert(state.inFlight <= maxInFlight, `node ${node}: ${state.inFlight} > ${maxInFlight}`);
    }
  }
}
