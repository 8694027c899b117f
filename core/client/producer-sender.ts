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
import type { ProducerSequence } from "./history.ts";
import type { MetadataCache, RefreshReason } from "./metadata-cache.ts";
import type { PartitionQueue, RecordAccumulator } from "./producer-accumulator.ts";
import { type ProducerBatch, provesNotAppended, recordOffset } from "./producer-batch.ts";
import type { ProducerHistory } from "./producer-history.ts";
import type { IdempotenceTag, ProducerIdempotence } from "./producer-idempotence.ts";
import type { RecordOutcome, SendOps } from "./producer-ops.ts";
import { buildProduceRequest } from "./producer-request.ts";

/** What the producer's requests in flight are for. */
export type ProducerTag =
  | { readonly type: "metadata" }
  | { readonly type: "produce"; readonly batches: readonly ProducerBatch[] }
  | IdempotenceTag;

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
  /** With enable.idempotence: identity and sequences. */
  readonly idempotence: ProducerIdempotence<ProducerTag> | undefined;
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
  readonly #idempotence: ProducerIdempotence<ProducerTag> | undefined;
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
    this.#idempotence = parts.idempotence;
  }

  /** Batches lost with their connection (broken or timed out): outcomes unknown, retry. */
  lost(now: Millis, batches: readonly ProducerBatch[], error: string): void {
    for (const batch of batches) {
      this.#accumulator.landed(batch);
      batch.maybeAppended = true;
      this.#retryOrSettle(now, batch, error);
    }
  }

  /**
   * Kafka mutes a partition while one of its batches is in flight when max.in.flight is 1. An
   * idempotent producer also holds a retried batch until its partition has nothing in flight, so
   * retries go out in sequence order.
   */
  muted(queue: PartitionQueue): boolean {
    if (this.#config.maxInFlightRequestsPerConnection === 1 && queue.inFlight > 0) return true;
    if (this.#idempotence === undefined) return false;
    if (!this.#idempotence.ready) return true;
    const first = queue.batches[0];
    return first !== undefined && first.attempts > 0 && queue.inFlight > 0;
  }

  drain(now: Millis): void {
    const queues = [...this.#accumulator.queues()];
    if (this.#idempotence !== undefined) {
      let inFlight = 0;
      for (const queue of queues) {
        inFlight += queue.inFlight;
        if (queue.inFlight === 0 && !queue.batches.some((b) => b.baseSequence >= 0)) {
          this.#idempotence.partitionIdle(queue.topic, queue.partition);
        }
      }
      this.#idempotence.maybeRenew(now, inFlight);
      if (!this.#idempotence.ready) return;
    }
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
      const taken = this.#accumulator.take(queue);
      if (this.#idempotence !== undefined && !this.#idempotence.stamp(taken)) {
        // Maybe in the log under an older epoch: resending it under the new one could duplicate.
        this.#accumulator.landed(taken);
        this.#settle(now, taken, { type: "info", error: "EPOCH_BUMPED" });
        continue;
      }
      batches.push(taken);
      bytes += batch.sizeBytes;
    }
    return batches;
  }

  #sendProduce(now: Millis, leader: NodeId, batches: readonly ProducerBatch[]): void {
    const body = buildProduceRequest(this.#config, batches);
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
    if (this.#idempotence !== undefined && this.#onIdempotenceError(batch, errorCode)) {
      this.#retryOrSettle(now, batch, errorName(errorCode));
      return;
    }
    if (isRetriable(errorCode)) {
      this.#retryOrSettle(now, batch, errorName(errorCode));
    } else {
      this.#outbox.mark("producer-non-retriable-error");
      this.settleFailed(now, batch, errorName(errorCode));
    }
  }

  /**
   * Java's TransactionManager.canRetry for the idempotent, non-transactional producer: true when
   * the batch is to be retried (possibly after an epoch bump this asks for).
   */
  #onIdempotenceError(batch: ProducerBatch, errorCode: number): boolean {
    const idempotence = this.#idempotence!;
    switch (errorCode) {
      case ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER:
        // Not the next batch: an earlier one is being retried, so wait for it. The next batch
        // itself: the broker has a real gap (or lost our state): bump the epoch, restart at 0.
        if (idempotence.isNextExpected(batch)) idempotence.requestBump("out-of-order-sequence");
        else this.#outbox.mark("producer-idempotent-out-of-order-retry");
        return true;
      case ErrorCode.UNKNOWN_PRODUCER_ID:
        idempotence.requestBump("unknown-producer-id");
        return true;
      case ErrorCode.INVALID_PRODUCER_EPOCH:
        // Sent under an epoch since bumped: it is resequenced. Else the broker knows a newer
        // epoch of our id than we do: start over with a fresh id.
        if (batch.producerEpoch === idempotence.producerEpoch) {
          idempotence.requestReset("invalid-producer-epoch");
        }
        return true;
      default:
        return false;
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
    // Its sequence is a hole now, or unresolved: later batches may be out of order.
    this.#idempotence?.gaveUp(batch);
    this.#settle(now, batch, { type, error });
  }

  #settleAcknowledged(now: Millis, batch: ProducerBatch, baseOffset: Offset): void {
    this.#idempotence?.acked(batch);
    batch.records.forEach((record, i) => {
      const offset = recordOffset(baseOffset, i);
      const outcome = { type: "ok", offset, ...sequenceOf(batch, i) } as const;
      this.settleRecord(now, record.opId, record.index, outcome);
    });
  }

  #settle(
    now: Millis,
    batch: ProducerBatch,
    outcome: { readonly type: "fail" | "info"; readonly error: string },
  ): void {
    batch.records.forEach((record, i) => {
      this.settleRecord(now, record.opId, record.index, { ...outcome, ...sequenceOf(batch, i) });
    });
  }

  settleRecord(now: Millis, opId: number, index: number, outcome: RecordOutcome): void {
    const completion = this.#ops.settle(opId, index, outcome);
    if (completion !== undefined) this.#history.complete(this.#outbox, now, completion);
  }
}

/** The identity and sequence of record `i` of an idempotent batch that was sent, else nothing. */
function sequenceOf(batch: ProducerBatch, i: number): { sequence?: ProducerSequence } {
  if (batch.baseSequence < 0 || batch.producerId < 0) return {};
  const sequence = (batch.baseSequence + i) % 2_147_483_648;
  return {
    sequence: { producerId: batch.producerId, producerEpoch: batch.producerEpoch, sequence },
  };
}
