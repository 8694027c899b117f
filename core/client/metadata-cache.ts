// A simulated client's cluster metadata: the brokers, and per topic of interest the partition count
// and each partition's leader. One Metadata request at a time; refreshes when a client reports a
// stale leader or a lost connection (with exponential backoff), and every metadata.max.age.ms.

import { assert } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import { type Millis, type NodeId, nodeId } from "../ids.ts";
import { limits } from "../limits.ts";
import type { Outbox } from "../outbox.ts";
import type { MetadataResponse } from "../protocol/index.ts";
import type { Rng } from "../rng.ts";
import type { CommonClientConfig } from "./client-config.ts";
import { backoffMs, type ClientNetwork } from "./client-network.ts";

export interface TopicMetadata {
  readonly errorCode: number;
  /** Leader per partition index; undefined while the partition has no leader. */
  readonly leaders: readonly (NodeId | undefined)[];
}

export interface MetadataView {
  readonly brokers: readonly NodeId[];
  readonly topics: readonly { readonly topic: string; readonly leaders: readonly number[] }[];
  readonly updateNeeded: boolean;
  readonly inFlight: boolean;
  readonly lastRefreshMs: Millis | null;
}

/** Why the cache wants fresh metadata; each becomes a coverage mark. */
export type RefreshReason =
  | "new-topic"
  | "not-leader"
  | "unknown-topic-or-partition"
  | "leader-not-available"
  | "connection-lost"
  | "no-leader";

export class MetadataCache {
  readonly #config: CommonClientConfig;
  readonly #rng: Rng;
  readonly #topics = new Map<string, TopicMetadata | undefined>();
  #brokers: NodeId[] = [];
  #updateNeeded = false;
  #inFlight = false;
  /** The topics the request in flight asked for; topics added since need another request. */
  #requested = new Set<string>();
  #failures = 0;
  #nextAttemptMs: Millis = 0;
  #lastRefreshMs: Millis | undefined;

  constructor(config: CommonClientConfig, rng: Rng) {
    this.#config = config;
    this.#rng = rng;
  }

  /** Starts tracking `topic`; its metadata is fetched on the next send opportunity. */
  addTopic(topic: string): void {
    if (this.#topics.has(topic)) return;
    assert(this.#topics.size < limits.topicsMax, "client tracks too many topics");
    this.#topics.set(topic, undefined);
    this.#updateNeeded = true;
  }

  topic(topic: string): TopicMetadata | undefined {
    return this.#topics.get(topic);
  }

  partitionCount(topic: string): number | undefined {
    const known = this.#topics.get(topic);
    return known === undefined || known.errorCode !== ErrorCode.NONE
      ? undefined
      : known.leaders.length;
  }

  leader(topic: string, partition: number): NodeId | undefined {
    return this.#topics.get(topic)?.leaders[partition];
  }

  /** A client saw a stale leader, a missing partition or a lost connection: refresh (backed off). */
  requestUpdate(reason: RefreshReason, outbox: Outbox): void {
    if (!this.#updateNeeded) outbox.mark(`metadata-refresh-${reason}`);
    this.#updateNeeded = true;
  }

  get updateNeeded(): boolean {
    return this.#updateNeeded;
  }

  #due(now: Millis): boolean {
    if (this.#inFlight || now < this.#nextAttemptMs) return false;
    if (this.#updateNeeded) return true;
    return (
      this.#lastRefreshMs !== undefined &&
      now >= this.#lastRefreshMs + this.#config.metadataMaxAgeMs
    );
  }

  /** Every broker the client knows of: those Metadata named, then the bootstrap nodes. */
  candidateNodes(): NodeId[] {
    const candidates = [...this.#brokers];
    for (const node of this.#config.bootstrapNodes)
      if (!candidates.includes(node)) candidates.push(node);
    return candidates;
  }

  /** Sends a Metadata request when one is due and some node can take it. */
  maybeSend<Tag>(
    now: Millis,
    network: ClientNetwork<Tag>,
    outbox: Outbox,
    maxInFlight: number,
    tag: Tag,
  ): void {
    if (!this.#due(now) || this.#topics.size === 0) return;
    const candidates = this.candidateNodes();
    // After failures the search starts further along the list (Java's leastLoadedNode starts at a
    // random offset): a client whose first nodes refuse it quickly still reaches the others.
    const start = candidates.length === 0 ? 0 : this.#failures % candidates.length;
    const rotated = [...candidates.slice(start), ...candidates.slice(0, start)];
    const reachable = rotated.filter((node) => network.canSend(now, node, maxInFlight));
    const node = network.leastLoadedNode(now, reachable);
    if (node === undefined) return;
    this.#requested = new Set(this.#topics.keys());
    const topics = [...this.#requested].map((name) => ({ name }));
    const body = { topics, allowAutoTopicCreation: this.#config.allowAutoTopicCreation };
    network.send(now, outbox, node, body, "Metadata", tag);
    this.#inFlight = true;
  }

  onResponse(now: Millis, response: MetadataResponse, outbox: Outbox): void {
    assert(this.#inFlight, "metadata answer without a request in flight");
    this.#inFlight = false;
    this.#lastRefreshMs = now;
    const brokers = response.brokers.map((b) => nodeId(b.nodeId)).slice(0, limits.clientNodesMax);
    if (brokers.length > 0) this.#brokers = brokers;
    let complete = true;
    for (const topic of response.topics) {
      if (!this.#requested.has(topic.name) || !this.#topics.has(topic.name)) continue;
      const leaders: (NodeId | undefined)[] = [];
      for (const p of topic.partitions) {
        if (p.partitionIndex < 0 || p.partitionIndex >= limits.partitionsPerTopicMax) continue;
        const leader =
          p.leaderId >= 0 && p.errorCode === ErrorCode.NONE ? nodeId(p.leaderId) : undefined;
        leaders[p.partitionIndex] = leader;
      }
      // A partition index missing from the answer has no known leader: fill the holes.
      for (let i = 0; i < leaders.length; i++) if (!(i in leaders)) leaders[i] = undefined;
      if (topic.errorCode !== ErrorCode.NONE || leaders.includes(undefined)) complete = false;
      this.#topics.set(topic.name, { errorCode: topic.errorCode, leaders });
    }
    let partitions = 0;
    let unasked = false;
    for (const [name, known] of this.#topics) {
      partitions += known?.leaders.length ?? 0;
      if (known === undefined && this.#requested.has(name)) complete = false;
      if (!this.#requested.has(name)) unasked = true;
    }
    assert(partitions <= limits.clientPartitionsMax, `metadata names ${partitions} partitions`);
    if (complete) {
      // Topics added while the request was in flight go out at once, without a backoff.
      this.#updateNeeded = unasked;
      this.#failures = 0;
      this.#nextAttemptMs = unasked ? now : now + this.#config.retryBackoffMs;
    } else {
      outbox.mark("metadata-incomplete");
      this.#backOff(now);
    }
  }

  /** The Metadata request was lost (connection broke or timed out). */
  onFailure(now: Millis): void {
    assert(this.#inFlight, "metadata failure without a request in flight");
    this.#inFlight = false;
    this.#backOff(now);
  }

  #backOff(now: Millis): void {
    this.#updateNeeded = true;
    this.#failures++;
    const wait = backoffMs(
      this.#rng,
      "metadata-backoff",
      this.#config.retryBackoffMs,
      this.#config.retryBackoffMaxMs,
      this.#failures,
    );
    this.#nextAttemptMs = now + wait;
  }

  /** When the cache next wants to send: a backoff ending, or the periodic refresh. */
  nextWakeup(now: Millis): Millis | undefined {
    if (this.#inFlight || this.#topics.size === 0) return undefined;
    // A due refresh that could not go is blocked on a node: the network's wakeups cover it.
    let at: Millis | undefined = this.#nextAttemptMs;
    if (!this.#updateNeeded) {
      if (this.#lastRefreshMs === undefined) return undefined;
      at = Math.max(this.#lastRefreshMs + this.#config.metadataMaxAgeMs, this.#nextAttemptMs);
    }
    return at > now ? at : undefined;
  }

  view(): MetadataView {
    const topics = [...this.#topics].map(([topic, known]) => ({
      topic,
      leaders: (known?.leaders ?? []).map((leader) => leader ?? -1),
    }));
    return {
      brokers: [...this.#brokers],
      topics,
      updateNeeded: this.#updateNeeded,
      inFlight: this.#inFlight,
      lastRefreshMs: this.#lastRefreshMs ?? null,
    };
  }
}
