// What idempotence needs from a record batch: its producer id, epoch and sequence range (all in
// the 61-byte header) and, once appended, its offsets. Kafka's ProducerStateEntry.BatchMetadata.

import { assert } from "../assert.ts";
import type { RecordBatchHeader } from "../log/record-batch.ts";
import { assertSequence, incrementSequence } from "./sequence.ts";

export interface ProducerBatch {
  /** -1 for a producer without idempotence: no state is kept for it. */
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  /** Offset delta of the last record; for producer batches also the last sequence's delta. */
  readonly lastOffsetDelta: number;
  /** The batch's max timestamp: Kafka measures producer.id.expiration.ms from it. */
  readonly maxTimestamp: number;
  readonly isControl: boolean;
  readonly isTransactional: boolean;
}

/** A batch as it sits in the log, offsets assigned. */
export interface AppendedBatch extends ProducerBatch {
  readonly baseOffset: number;
}

/** The metadata of one appended batch kept for dedupe (Kafka keeps the last five). */
export interface BatchMetadata {
  readonly firstSequence: number;
  readonly lastSequence: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly timestamp: number;
}

export function producerBatchOf(header: RecordBatchHeader): AppendedBatch {
  return {
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    lastOffsetDelta: header.lastOffsetDelta,
    maxTimestamp: header.maxTimestamp,
    isControl: header.isControl,
    isTransactional: header.isTransactional,
    baseOffset: header.baseOffset,
  };
}

export function lastSequenceOf(batch: ProducerBatch): number {
  return incrementSequence(batch.baseSequence, batch.lastOffsetDelta);
}

export function batchMetadataOf(batch: AppendedBatch): BatchMetadata {
  assertSequence(batch.baseSequence);
  assert(Number.isSafeInteger(batch.baseOffset) && batch.baseOffset >= 0, "base offset");
  return {
    firstSequence: batch.baseSequence,
    lastSequence: lastSequenceOf(batch),
    firstOffset: batch.baseOffset,
    lastOffset: batch.baseOffset + batch.lastOffsetDelta,
    timestamp: batch.maxTimestamp,
  };
}
