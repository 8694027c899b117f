// The producer's sender (Kafka's Sender): drains ready batches into one Produce request per leader
// under max.in.flight, and settles each batch from its answer: acknowledged (offsets), retried
// with backoff, or finished as fail (certainly not appended) or info (maybe appended).

import { ErrorCode, errorName, isRetriable } from "../error-codes.ts";
import type { Millis, NodeId, Offset } from "../ids.ts";
import type { Outbox } from "../outbox.ts";
import type { ProduceResponse } from "../protocol/index.ts";
import type { Rng } from "../rng.ts";
import type { ProducerConfig } from "./client-config.ts";
import { backoffMs, type ClientNetwork } from "./client-network.ts";
import type { MetadataCache, RefreshReason } from "./metadata-cache.ts";
import type { PartitionQueue, RecordAccumulator } from "./producer-accumulator.ts";
import {
  NO_PRODUCER_IDENTITY,
  type ProducerBatch,
  provesNotAppended,
  recordOffset,
} from "./producer-batch.ts";
import type { ProducerHistory } from "./producer-history.ts";
import type { RecordOutcome, SendOps } from "./producer-ops.ts";
import { buildProduceRequest } from "./producer-request.ts";

/** What the producer's requests in flight are for. */
export type ProducerTag =
  | { readonly type: "metadata" }
  | { readonly type: "produce"; readonly batches: readonly ProducerBatch[] };

const refreshOn: ReadonlyMap<number, RefreshReason> = new Map<number, RefreshReason>([
  [ErrorCode.NOT_LEADER_OR_FOLLOWER, "not-leader"],
  [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "unknown-topic-or-partition"],
  [ErrorCode.LEADER_NOT_AVAILABLE, "leader-not-available"],
  [ErrorCode.FENCED_LEADER_EPOCH, "not-leader"],
  [ErrorCode.KAFKA_STORAGE_ERROR, "not-leader"],
]);

export interface SenderParts {
  readonly config: ProducerConfig;
  readonly rng: Rng;
  readonly network: ClientNetwork<ProducerTag>;
  readonly metadata: MetadataCache;
  readonly accumulator: RecordAccumulator;
  readonly ops: SendOps;
  readonly history: ProducerHistory;
  readonly outbox: Outbox;
}

export class ProducerSender {
  readonly #config: ProducerConfig;
  readonly #rng: Rng;
  readonly #network: ClientNetwork<ProducerTag>;
  readonly #metadata: MetadataCache;
  readonly #accumulator: RecordAccumulator;
  readonly #ops: SendOps;
  readonly #history: ProducerHistory;
  readonly #outbox: Outbox;
  #drainCursor = 0;

  constructor(parts: SenderParts) {
    this.#config = parts.config;
    this.#rng = parts.rng;
    this.#network = parts.network;
    this.#metadata = parts.metadata;
    this.#accumulator = parts.accumulator;
    this.#ops = parts.ops;
    this.#history = parts.history;
    this.#outbox = parts.outbox;
  }

  /** Batches lost with their connection (broken or timed out): outcomes unknown, retry. */
  lost(now: Millis, batches: readonly ProducerBatch[], error: string): void {
    for (const batch of batches) {
      this.#accumulator.landed(batch);
      batch.maybeAppended = true;
      this.#retryOrSettle(now, batch, error);
    }
  }

  /** Kafka mutes a partition while one of its batches is in flight when max.in.flight is 1. */
  muted(queue: PartitionQueue): boolean {
    return this.#config.maxInFlightRequestsPerConnection === 1 && queue.inFlight > 0;
  }

  drain(now: Millis): void {
    const queues = [...this.#accumulator.queues()];
    if (queues.length === 0) return;
    const start = this.#drainCursor++ % queues.length;
    const byLeader = new Map<NodeId, PartitionQueue[]>();
    for (let i = 0; i < queues.length; i++) {
      const queue = queues[(start + i) % queues.length]!;
      if (this.muted(queue) || this.#accumulator.sendable(now, queue) === undefined) continue;
      const leader = this.#metadata.leader(queue.topic, queue.partition);
      if (leader === undefined) {
        if (this.#metadata.topic(queue.topic) !== undefined) {
          this.#metadata.requestUpdate("no-leader", this.#outbox);
        }
        continue;
      }
      const list = byLeader.get(leader);
      if (list === undefined) byLeader.set(leader, [queue]);
      else list.push(queue);
    }
    const maxInFlight = this.#config.maxInFlightRequestsPerConnection;
    for (const [leader, list] of byLeader) {
      while (this.#network.canSend(now, leader, maxInFlight)) {
        const batches = this.#takeRequestBatches(now, list);
        if (batches.length === 0) break;
        this.#sendProduce(now, leader, batches);
      }
    }
  }

  /** One batch per partition, up to max.request.size (the first batch always goes). */
  #takeRequestBatches(now: Millis, queues: readonly PartitionQueue[]): ProducerBatch[] {
    const batches: ProducerBatch[] = [];
    let bytes = 0;
    for (const queue of queues) {
      if (this.muted(queue)) continue;
      const batch = this.#accumulator.sendable(now, queue);
      if (batch === undefined) continue;
      if (batches.length > 0 && bytes + batch.sizeBytes > this.#config.maxRequestSizeBytes) break;
      batches.push(this.#accumulator.take(queue));
      bytes += batch.sizeBytes;
    }
    return batches;
  }

  #sendProduce(now: Millis, leader: NodeId, batches: readonly ProducerBatch[]): void {
    const body = buildProduceRequest(this.#config, batches, NO_PRODUCER_IDENTITY);
    for (const batch of batches) batch.attempts++;
    if (this.#config.acks !== 0) {
      this.#network.send(now, this.#outbox, leader, body, "Produce", { type: "produce", batches });
      return;
    }
    // acks=0: no answer will ever come, so nothing is known about these records.
    this.#network.send(
      now,
      this.#outbox,
      leader,
      body,
      "Produce",
      { type: "produce", batches },
      false,
    );
    for (const batch of batches) {
      this.#accumulator.landed(batch);
      batch.maybeAppended = true;
      this.#settle(now, batch, { type: "info", error: "ACKS_0" });
    }
  }

  onProduceResponse(now: Millis, batches: readonly ProducerBatch[], body: ProduceResponse): void {
    const answers = new Map<string, { errorCode: number; baseOffset: Offset }>();
    for (const topic of body.responses) {
      for (const p of topic.partitionResponses) answers.set(`${topic.name}-${p.index}`, p);
    }
    for (const batch of batches) {
      this.#accumulator.landed(batch);
      const answer = answers.get(`${batch.topic}-${batch.partition}`);
      if (answer === undefined || (answer.errorCode === ErrorCode.NONE && answer.baseOffset < 0)) {
        // A broker bug, not a Kafka outcome: the append may or may not have happened.
        this.#outbox.mark("producer-malformed-produce-answer");
        batch.maybeAppended = true;
        this.#retryOrSettle(now, batch, "MALFORMED_RESPONSE");
      } else if (answer.errorCode === ErrorCode.NONE) {
        this.#settleAcknowledged(now, batch, answer.baseOffset);
      } else {
        this.#onBatchError(now, batch, answer.errorCode);
      }
    }
  }

  #onBatchError(now: Millis, batch: ProducerBatch, errorCode: number): void {
    if (!provesNotAppended(errorCode, this.#config.acks)) batch.maybeAppended = true;
    const reason = refreshOn.get(errorCode);
    if (reason !== undefined) this.#metadata.requestUpdate(reason, this.#outbox);
    if (isRetriable(errorCode)) {
      this.#retryOrSettle(now, batch, errorName(errorCode));
    } else {
      this.#outbox.mark("producer-non-retriable-error");
      this.settleFailed(now, batch, errorName(errorCode));
    }
  }

  #retryOrSettle(now: Millis, batch: ProducerBatch, error: string): void {
    const c = this.#config;
    if (batch.attempts <= c.retries && now < batch.createdMs + c.deliveryTimeoutMs) {
      const wait = backoffMs(
        this.#rng,
        "producer-retry-backoff",
        c.retryBackoffMs,
        c.retryBackoffMaxMs,
        batch.attempts,
      );
      batch.retryAtMs = now + wait;
      this.#accumulator.reenqueue(batch);
      this.#outbox.mark("producer-batch-retried");
      return;
    }
    this.#outbox.mark("producer-retries-exhausted");
    this.settleFailed(now, batch, error);
  }

  /** The batch will not be sent again: fail if no attempt can have appended it, else info. */
  settleFailed(now: Millis, batch: ProducerBatch, error: string): void {
    const type = batch.maybeAppended ? "info" : "fail";
    this.#settle(now, batch, { type, error });
  }

  #settleAcknowledged(now: Millis, batch: ProducerBatch, baseOffset: Offset): void {
    batch.records.forEach((record, i) => {
      const offset = recordOffset(baseOffset, i);
      this.settleRecord(now, record.opId, record.index, { type: "ok", offset });
    });
  }

  #settle(
    now: Millis,
    batch: ProducerBatch,
    outcome: { readonly type: "fail" | "info"; readonly error: string },
  ): void {
    for (const record of batch.records) this.settleRecord(now, record.opId, record.index, outcome);
  }

  settleRecord(now: Millis, opId: number, index: number, outcome: RecordOutcome): void {
    const completion = this.#ops.settle(opId, index, outcome);
    if (completion !== undefined) this.#history.complete(this.#outbox, now, completion);
  }
}
