// One producer batch (Kafka's ProducerBatch): records for one partition, encoded once as a record
// batch and resent byte for byte on retries. It remembers whether any attempt may have reached the
// log, because only a batch that certainly never did may be reported as failed.

import { assert } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import type { Millis, Offset, PartitionIndex, TopicName } from "../ids.ts";
import {
  encodeBatch,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  RECORD_BATCH_OVERHEAD,
} from "../log/record-batch.ts";
import type { Acks } from "./client-config.ts";

/** One application record inside a batch, with the operation it belongs to. */
export interface BatchRecord {
  readonly opId: number;
  /** Position of the record within its operation. */
  readonly index: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly timestampMs: Millis;
}

/** The producer identity stamped in every batch; -1s until idempotence assigns one. */
export interface ProducerIdentity {
  readonly producerId: number;
  readonly producerEpoch: number;
}

export const NO_PRODUCER_IDENTITY: ProducerIdentity = {
  producerId: NO_PRODUCER_ID,
  producerEpoch: NO_PRODUCER_EPOCH,
};

export interface ProducerBatch {
  readonly id: number;
  readonly topic: TopicName;
  readonly partition: PartitionIndex;
  readonly records: BatchRecord[];
  readonly createdMs: Millis;
  /** Estimated encoded size, for batch.size and max.request.size. */
  sizeBytes: number;
  /** No more records may join: it is full, or it was sent once (its bytes are fixed). */
  closed: boolean;
  /** How many times the batch was sent. */
  attempts: number;
  /** A retried batch waits until this time before it is sent again. */
  retryAtMs: Millis;
  /** Some attempt's outcome is unknown or came after an append: the records may be in the log. */
  maybeAppended: boolean;
  /** The sequence number of the first record, or -1 without idempotence (or not yet sent). */
  baseSequence: number;
  /** The producer identity the batch was last stamped with (-1 without idempotence). */
  producerId: number;
  producerEpoch: number;
  /** The record batch bytes, built at the first send and reused by every retry. */
  encoded: Uint8Array | undefined;
}

/** A record's share of a batch: Kafka's varint framing and fields, close enough to size batches. */
export function estimateRecordBytes(key: Uint8Array | null, value: Uint8Array | null): number {
  return 12 + (key?.length ?? 0) + (value?.length ?? 0);
}

export function newBatch(
  id: number,
  topic: TopicName,
  partition: PartitionIndex,
  createdMs: Millis,
): ProducerBatch {
  return {
    id,
    topic,
    partition,
    records: [],
    createdMs,
    sizeBytes: RECORD_BATCH_OVERHEAD,
    closed: false,
    attempts: 0,
    retryAtMs: 0,
    maybeAppended: false,
    baseSequence: NO_SEQUENCE,
    producerId: NO_PRODUCER_ID,
    producerEpoch: NO_PRODUCER_EPOCH,
    encoded: undefined,
  };
}

/**
 * Builds (once per identity) the record batch bytes: offsets are deltas from 0; the leader stamps
 * the base. An idempotent batch carries its own producer id, epoch and base sequence.
 */
export function encodedBatch(batch: ProducerBatch): Uint8Array {
  if (batch.encoded !== undefined) return batch.encoded;
  assert(batch.records.length > 0, `batch ${batch.id} is empty`);
  batch.closed = true;
  batch.encoded = encodeBatch({
    baseOffset: 0,
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    baseSequence: batch.baseSequence,
    records: batch.records.map((r) => ({ key: r.key, value: r.value, timestamp: r.timestampMs })),
  });
  return batch.encoded;
}

/** The offset of each record of a batch the leader appended at `baseOffset`. */
export function recordOffset(baseOffset: Offset, recordIndex: number): Offset {
  assert(baseOffset >= 0 && recordIndex >= 0, "offsets of an appended batch are non-negative");
  return baseOffset + recordIndex;
}

// Errors Kafka's produce path returns before it appends anything: a batch answered with one of
// these is certainly not in the log from this attempt. Anything else (timeouts, lost connections,
// NOT_ENOUGH_REPLICAS_AFTER_APPEND, unknown server errors) may have been appended.
const rejectedBeforeAppend: ReadonlySet<number> = new Set<number>([
  ErrorCode.NOT_ENOUGH_REPLICAS,
  ErrorCode.MESSAGE_TOO_LARGE,
  ErrorCode.RECORD_LIST_TOO_LARGE,
  ErrorCode.INVALID_RECORD,
  ErrorCode.CORRUPT_MESSAGE,
  ErrorCode.INVALID_REQUIRED_ACKS,
  ErrorCode.TOPIC_AUTHORIZATION_FAILED,
  ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
  ErrorCode.UNSUPPORTED_VERSION,
  ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
  ErrorCode.INVALID_TIMESTAMP,
  ErrorCode.INVALID_TOPIC_EXCEPTION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
  ErrorCode.INVALID_PRODUCER_EPOCH,
  ErrorCode.UNKNOWN_PRODUCER_ID,
]);

// With acks=all a leader that appended and then lost leadership while waiting for the ISR answers
// NOT_LEADER_OR_FOLLOWER (or UNKNOWN_TOPIC_OR_PARTITION once the replica is gone), and the records
// may still be committed by the new leader. With acks=1 the answer follows the append at once.
const rejectedBeforeAppendAcksOne: ReadonlySet<number> = new Set<number>([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
]);

/** Whether a partition error proves that this attempt appended nothing. */
export function provesNotAppended(errorCode: number, acks: Acks): boolean {
  if (rejectedBeforeAppend.has(errorCode)) return true;
  return acks === 1 && rejectedBeforeAppendAcksOne.has(errorCode);
}
