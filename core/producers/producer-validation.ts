// Validation of a client's batch against its producer's state, in the order of Kafka's
// UnifiedLog.analyzeAndValidateProducerState and ProducerAppendInfo: a retry of one of the last
// five batches is a duplicate; an older epoch is fenced; a new epoch starts at sequence 0; within an
// epoch sequences follow on without gaps. A producer id with no state accepts any sequence (Kafka
// since KIP-360: its state may have gone with retention or producer.id.expiration.ms).

import { ErrorCode } from "../error-codes.ts";
import { NO_PRODUCER_EPOCH } from "../log/record-batch.ts";
import { type BatchMetadata, lastSequenceOf, type ProducerBatch } from "./producer-batch.ts";
import { inSequence } from "./sequence.ts";

/** Per producer id: the epoch and the metadata of the last (up to five) batches of that epoch. */
export interface ProducerStateEntry {
  readonly producerId: number;
  readonly producerEpoch: number;
  /** Oldest first. */
  readonly batches: readonly BatchMetadata[];
  readonly lastTimestamp: number;
}

/** Kafka's ProducerStateEntry.NUM_BATCHES_TO_RETAIN: why max.in.flight must be at most 5. */
export const BATCHES_TO_RETAIN = 5;

export type ProducerCheck =
  /** No producer id (-1): idempotence is off for this batch. */
  | { readonly type: "no-producer" }
  | {
      readonly type: "append";
      /** The producer id had no state; any sequence was accepted (a coverage mark is worth it). */
      readonly unknownProducer: boolean;
    }
  /**
   * DUPLICATE_SEQUENCE_NUMBER in Kafka's terms: the batch was appended before. The broker must not
   * append it again and answers the Produce with NONE and the original base offset, as Kafka's
   * UnifiedLog does (clients treat a duplicate as success).
   */
  | {
      readonly type: "duplicate";
      readonly errorCode: typeof ErrorCode.DUPLICATE_SEQUENCE_NUMBER;
      readonly firstOffset: number;
      readonly lastOffset: number;
    }
  | { readonly type: "error"; readonly errorCode: ErrorCode; readonly message: string };

export function checkClientBatch(
  entry: ProducerStateEntry | undefined,
  batch: ProducerBatch,
): ProducerCheck {
  if (batch.producerId < 0) return { type: "no-producer" };
  if (batch.producerEpoch < 0 || (!batch.isControl && batch.baseSequence < 0)) {
    const message = `producer ${batch.producerId} sent epoch ${batch.producerEpoch} sequence ${batch.baseSequence}`;
    return { type: "error", errorCode: ErrorCode.INVALID_RECORD, message };
  }
  const duplicate = entry === undefined ? undefined : findDuplicate(entry, batch);
  if (duplicate !== undefined) {
    return {
      type: "duplicate",
      errorCode: ErrorCode.DUPLICATE_SEQUENCE_NUMBER,
      firstOffset: duplicate.firstOffset,
      lastOffset: duplicate.lastOffset,
    };
  }
  const currentEpoch = entry?.producerEpoch ?? NO_PRODUCER_EPOCH;
  if (batch.producerEpoch < currentEpoch) {
    const message = `epoch ${batch.producerEpoch} of producer ${batch.producerId} is older than ${currentEpoch}`;
    return { type: "error", errorCode: ErrorCode.INVALID_PRODUCER_EPOCH, message };
  }
  if (batch.isControl) return { type: "append", unknownProducer: entry === undefined };
  const sequenceError = checkSequence(entry, batch, currentEpoch);
  if (sequenceError !== undefined) {
    return {
      type: "error",
      errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
      message: sequenceError,
    };
  }
  return { type: "append", unknownProducer: entry === undefined };
}

function checkSequence(
  entry: ProducerStateEntry | undefined,
  batch: ProducerBatch,
  currentEpoch: number,
): string | undefined {
  const first = batch.baseSequence;
  if (batch.producerEpoch !== currentEpoch) {
    // A new epoch (after InitProducerId bumped it) must start over at 0.
    if (first !== 0 && currentEpoch !== NO_PRODUCER_EPOCH) {
      return `new epoch ${batch.producerEpoch} of producer ${batch.producerId} starts at ${first}, not 0`;
    }
    return undefined;
  }
  const last = entry?.batches.at(-1)?.lastSequence ?? -1;
  if (currentEpoch === NO_PRODUCER_EPOCH || inSequence(last, first)) return undefined;
  return `producer ${batch.producerId} sent sequence ${first} after ${last}`;
}

/** A retried batch: same epoch and exactly the sequence range of one of the retained batches. */
function findDuplicate(entry: ProducerStateEntry, batch: ProducerBatch): BatchMetadata | undefined {
  if (batch.producerEpoch !== entry.producerEpoch || batch.isControl) return undefined;
  const last = lastSequenceOf(batch);
  return entry.batches.find(
    (b) => b.firstSequence === batch.baseSequence && b.lastSequence === last,
  );
}
