// Kafka RecordBatch v2 (magic 2), the unit of the log on the wire, in memory and on disk: validation
// of untrusted bytes (never throws), scanning concatenated batches up to the first torn or corrupt
// one, and stamping baseOffset and partitionLeaderEpoch in place (both outside the CRC).

import { assert, assertNonNegativeInteger } from "../assert.ts";
import { err, type Result } from "../result.ts";
import { type Crc32c, crc32c } from "./crc32c.ts";
import {
  assertPosition,
  BATCH_LENGTH_MIN,
  type BatchError,
  BatchField,
  batchError,
  batchSizeBytes,
  Compression,
  CRC_START,
  LOG_OVERHEAD,
  MAGIC_V2,
  RECORD_BATCH_OVERHEAD,
  type RecordBatchHeader,
  readBatchHeader,
  viewOf,
  writeInt64,
} from "./record-batch-header.ts";
import { RECORD_BYTES_MIN } from "./record-batch-records.ts";

export type { Crc32c } from "./crc32c.ts";
export * from "./record-batch-control.ts";
export * from "./record-batch-encode.ts";
export {
  BATCH_LENGTH_MIN,
  BatchAttribute,
  type BatchError,
  type BatchErrorType,
  BatchField,
  batchSizeBytes,
  Compression,
  CRC_START,
  isKnownCompression,
  LOG_OVERHEAD,
  lastOffset,
  MAGIC_V2,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  NO_TIMESTAMP,
  RECORD_BATCH_OVERHEAD,
  type RecordBatchHeader,
  readBatchHeader,
} from "./record-batch-header.ts";
export {
  decodeRecordSection,
  decodeRecords,
  RECORD_BYTES_MIN,
  type Record,
  type RecordHeader,
} from "./record-batch-records.ts";

/** No limit on batch size beyond what fits in the buffer and in an int32. */
const NO_BATCH_BYTES_MAX = 2 ** 31 - 1 + LOG_OVERHEAD;

/**
 * Checks the batch at `position`: length within bounds (>= 49, within `bytes`, whole batch
 * <= `maxBatchBytes`), magic 2, CRC-32C over attributes..end, safe int64 fields, sane counts.
 * "short" means the bytes end inside the batch (a torn tail, or more bytes must be read).
 */
export function validateBatch(
  bytes: Uint8Array,
  position = 0,
  crc: Crc32c = crc32c,
  maxBatchBytes: number = NO_BATCH_BYTES_MAX,
): Result<RecordBatchHeader, BatchError> {
  assertPosition(bytes, position);
  if (maxBatchBytes < RECORD_BATCH_OVERHEAD)
    assert(false, `maxBatchBytes ${maxBatchBytes} below 61`);
  const available = bytes.length - position;
  if (available < LOG_OVERHEAD) {
    return err(batchError("short", `${available} bytes, a batch length needs 12`));
  }
  const view = viewOf(bytes);
  if (available > BatchField.magic && view.getInt8(position + BatchField.magic) !== MAGIC_V2) {
    const magic = view.getInt8(position + BatchField.magic);
    return err(batchError("bad-magic", `magic ${magic}, only magic 2 is supported`));
  }
  const batchLength = view.getInt32(position + BatchField.batchLength);
  if (batchLength < BATCH_LENGTH_MIN || LOG_OVERHEAD + batchLength > maxBatchBytes) {
    return err(
      batchError("bad-length", `batchLength ${batchLength} outside [49, ${maxBatchBytes - 12}]`),
    );
  }
  if (available < LOG_OVERHEAD + batchLength) {
    return err(
      batchError("short", `batch needs ${LOG_OVERHEAD + batchLength} bytes, ${available} left`),
    );
  }
  const end = position + LOG_OVERHEAD + batchLength;
  const stored = view.getUint32(position + BatchField.crc);
  const computed = crc(bytes.subarray(position + CRC_START, end));
  if (stored !== computed) {
    return err(batchError("bad-crc", `stored crc ${hex(stored)}, computed ${hex(computed)}`));
  }
  const header = readBatchHeader(bytes, position);
  if (!header.ok) return header;
  const count = checkCounts(header.value);
  return count === null ? header : err(count);
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, "0")}`;
}

/** Counts and offsets no legal batch has, caught before anyone sizes an allocation by them. */
function checkCounts(h: RecordBatchHeader): BatchError | null {
  if (h.recordCount < 0) return batchError("bad-count", `negative record count ${h.recordCount}`);
  if (!Number.isSafeInteger(h.baseOffset + h.lastOffsetDelta)) {
    return batchError(
      "bad-int64",
      `last offset ${h.baseOffset} + ${h.lastOffsetDelta} is not safe`,
    );
  }
  if (h.lastOffsetDelta < 0) {
    return batchError("bad-count", `negative lastOffsetDelta ${h.lastOffsetDelta}`);
  }
  // Offset deltas strictly increase, so n records span at least n - 1 offsets (compaction only removes).
  if (h.recordCount > 0 && h.lastOffsetDelta < h.recordCount - 1) {
    return batchError(
      "bad-count",
      `${h.recordCount} records in lastOffsetDelta ${h.lastOffsetDelta}`,
    );
  }
  const sectionBytes = h.batchLength - BATCH_LENGTH_MIN;
  if (h.compression === Compression.none && h.recordCount * RECORD_BYTES_MIN > sectionBytes) {
    return batchError("bad-count", `${h.recordCount} records cannot fit in ${sectionBytes} bytes`);
  }
  return null;
}

export interface ScannedBatch {
  readonly position: number;
  readonly header: RecordBatchHeader;
}

export interface BatchScan {
  readonly batches: ScannedBatch[];
  /** Position just past the last valid batch: everything from here on is torn, corrupt or absent. */
  readonly validEnd: number;
  /** Why the scan stopped before the end of `bytes`; null when every byte belongs to a valid batch. */
  readonly stop: BatchError | null;
}

/** Walks concatenated batches from `position`, stopping at the first short or invalid one. */
export function scanBatches(
  bytes: Uint8Array,
  position = 0,
  crc: Crc32c = crc32c,
  maxBatchBytes: number = NO_BATCH_BYTES_MAX,
): BatchScan {
  assertPosition(bytes, position);
  const batches: ScannedBatch[] = [];
  let at = position;
  while (at < bytes.length) {
    const batch = validateBatch(bytes, at, crc, maxBatchBytes);
    if (!batch.ok) return { batches, validEnd: at, stop: batch.error };
    batches.push({ position: at, header: batch.value });
    at += batchSizeBytes(batch.value);
  }
  assert(at === bytes.length, "scan overran its buffer");
  return { batches, validEnd: at, stop: null };
}

/** Rewrites baseOffset and partitionLeaderEpoch in place; the CRC stays valid (it excludes both). */
export function stampBatch(
  batch: Uint8Array,
  baseOffset: number,
  partitionLeaderEpoch: number,
): void {
  assert(batch.length >= RECORD_BATCH_OVERHEAD, `stamping ${batch.length} bytes, not a batch`);
  assertNonNegativeInteger(baseOffset, "baseOffset");
  assert(
    partitionLeaderEpoch === (partitionLeaderEpoch | 0),
    `partitionLeaderEpoch ${partitionLeaderEpoch} is not an int32`,
  );
  const view = viewOf(batch);
  writeInt64(view, BatchField.baseOffset, baseOffset);
  view.setInt32(BatchField.partitionLeaderEpoch, partitionLeaderEpoch);
}

/** The records section of a validated batch (compressed or not), as a view. */
export function recordSectionOf(
  batch: Uint8Array,
  header: RecordBatchHeader,
  position = 0,
): Uint8Array {
  const end = position + batchSizeBytes(header);
  assert(end <= batch.length, "batch extends past its buffer");
  return batch.subarray(position + RECORD_BATCH_OVERHEAD, end);
}
