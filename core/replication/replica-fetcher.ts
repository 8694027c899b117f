// One broker's fetch session with one leader broker (Kafka's ReplicaFetcherThread as a pure state
// machine): one ReplicaFetchRequest in flight at a time carrying every partition ready to fetch
// from that leader; each answer goes to its partition, a lost request fails every partition in it.

import { assert } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import { type Millis, type NodeId, topicPartitionKey } from "../ids.ts";
import { limits } from "../limits.ts";
import type { Outbox } from "../outbox.ts";
import type { ReplicationConfig } from "./config.ts";
import type { FollowerPartition } from "./follower-partition.ts";
import type {
  BrokerEpoch,
  ReplicaFetchPartition,
  ReplicaFetchRequest,
  ReplicaFetchResponse,
} from "./messages.ts";

interface InFlight {
  readonly correlationId: number;
  readonly entries: ReadonlyMap<string, ReplicaFetchPartition>;
  /** replica.socket.timeout.ms after sending: a lost answer must not wedge the session. */
  readonly expiresAtMs: Millis;
}

export class ReplicaFetcher {
  readonly leaderId: NodeId;
  readonly #localId: NodeId;
  readonly #config: ReplicationConfig;
  readonly #outbox: Outbox;
  readonly #partitions = new Map<string, FollowerPartition>();
  #inFlight: InFlight | null = null;

  constructor(localId: NodeId, leaderId: NodeId, config: ReplicationConfig, outbox: Outbox) {
    assert(localId !== leaderId, "a fetcher to itself");
    this.#localId = localId;
    this.leaderId = leaderId;
    this.#config = config;
    this.#outbox = outbox;
  }

  get size(): number {
    return this.#partitions.size;
  }

  get inFlight(): boolean {
    return this.#inFlight !== null;
  }

  /** Starts fetching `follower` from this leader (its leader changed to this one). */
  add(follower: FollowerPartition): void {
    const key = topicPartitionKey(follower.id.topic, follower.id.partition);
    assert(
      follower.leaderId === this.leaderId,
      `${key} follows ${follower.leaderId}, not ${this.leaderId}`,
    );
    assert(this.#partitions.size < limits.partitionsMax, "fetcher partitions over limit");
    this.#partitions.set(key, follower);
  }

  /** Stops fetching a partition (it moved to another leader, or here it leads now). */
  remove(topic: string, partition: number): FollowerPartition | undefined {
    const key = topicPartitionKey(topic, partition);
    const follower = this.#partitions.get(key);
    this.#partitions.delete(key);
    return follower;
  }

  /** The request to send now: none in flight (or it timed out) and some partition ready. */
  poll(now: Millis, correlationId: number, brokerEpoch: BrokerEpoch): ReplicaFetchRequest | null {
    const stuck = this.#inFlight;
    if (stuck !== null && now >= stuck.expiresAtMs) {
      this.#outbox.mark("replica-fetch-timed-out");
      this.onLost(now, stuck.correlationId);
    }
    if (this.#inFlight !== null) return null;
    const entries = new Map<string, ReplicaFetchPartition>();
    let bytes = 0;
    for (const [key, follower] of this.#partitions) {
      // Each partition may get its max; stop asking once the response could not hold another.
      if (
        bytes + this.#config.replicaFetchMaxBytes > this.#config.replicaFetchResponseMaxBytes &&
        entries.size > 0
      )
        break;
      const entry = follower.pollFetch(now);
      if (entry === null) continue;
      entries.set(key, entry);
      bytes += entry.maxBytes;
    }
    if (entries.size === 0) return null;
    this.#inFlight = {
      correlationId,
      entries,
      expiresAtMs: now + this.#config.replicaSocketTimeoutMs,
    };
    return {
      type: "replica-fetch-request",
      correlationId,
      replicaId: this.#localId,
      brokerEpoch,
      maxWaitMs: this.#config.replicaFetchWaitMaxMs,
      minBytes: this.#config.replicaFetchMinBytes,
      maxBytes: this.#config.replicaFetchResponseMaxBytes,
      partitions: [...entries.values()],
    };
  }

  /** The leader answered; each partition gets its part (a missing part counts as lost). */
  onResponse(now: Millis, response: ReplicaFetchResponse): void {
    const inFlight = this.#inFlight;
    if (inFlight === null || inFlight.correlationId !== response.correlationId) {
      this.#outbox.mark("replica-fetcher-stale-response");
      return;
    }
    this.#inFlight = null;
    const answered = new Set<string>();
    if (response.errorCode === ErrorCode.NONE) {
      for (const part of response.partitions) {
        const key = topicPartitionKey(part.topic, part.partition);
        const sent = inFlight.entries.get(key);
        if (sent === undefined || answered.has(key)) continue;
        answered.add(key);
        const follower = this.#partitions.get(key);
        if (follower === undefined) continue;
        follower.onFetchResponse(now, sent, part);
        // To the back of the line: with a full response, partitions take turns (Kafka does too).
        this.#partitions.delete(key);
        this.#partitions.set(key, follower);
      }
    }
    for (const [key, sent] of inFlight.entries) {
      if (!answered.has(key)) this.#partitions.get(key)?.onFetchFailed(now, sent);
    }
  }

  /** The request got no answer (connection broke, timed out): every partition in it failed. */
  onLost(now: Millis, correlationId: number): void {
    const inFlight = this.#inFlight;
    if (inFlight === null || inFlight.correlationId !== correlationId) return;
    this.#inFlight = null;
    for (const [key, sent] of inFlight.entries) this.#partitions.get(key)?.onFetchFailed(now, sent);
  }

  /** When a partition's backoff ends or the request in flight times out, if ever. */
  nextWakeupMs(): Millis | undefined {
    let next = this.#inFlight?.expiresAtMs ?? Number.POSITIVE_INFINITY;
    for (const follower of this.#partitions.values()) {
      next = Math.min(next, follower.nextWakeupMs() ?? Number.POSITIVE_INFINITY);
    }
    return Number.isFinite(next) ? next : undefined;
  }

  checkInvariants(): void {
    for (const [key, follower] of this.#partitions) {
      if (follower.leaderId !== this.leaderId) {
        assert(false, `${key} no longer follows ${this.leaderId}`);
      }
      follower.checkInvariants();
    }
  }
}
