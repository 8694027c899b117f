// What Kafka's broker checks on each partition of a Produce before appending (ProduceRequest's and
// LogValidator's rules): one magic-2 batch, valid CRC and framing, max.message.bytes, no control or
// empty batches, sequential inner offsets, keys on compacted topics; LogAppendTime restamps.

import { ErrorCode } from "../error-codes.ts";
import type { Millis } from "../ids.ts";
import { limits } from "../limits.ts";
import { type Codecs, NO_CODECS } from "../log/codecs.ts";
import type { Crc32c } from "../log/crc32c.ts";
import {
  BatchAttribute,
  BatchField,
  batchSizeBytes,
  Compression,
  CRC_START,
  MAGIC_V2,
  type RecordBatchHeader,
  recordSectionOf,
  scanBatches,
} from "../log/record-batch.ts";
import { readBatchRecords } from "../log/record-batch-compressed.ts";
import { walkRecordSection } from "../log/record-walk.ts";
import { err, ok, type Result } from "../result.ts";
import type { CheckedBatches, LogError } from "./hosted-log.ts";
import { isCompacted, type TopicConfig } from "./topic-config.ts";

function reject(error: number, message: string): Result<never, LogError> {
  return err({ error, message });
}

/**
 * Checks one partition's records; the result owns its bytes (a copy when they were restamped).
 * On compacted topics compressed batches are read through `codecs` (their keys checked).
 */
export function validateProduceRecords(
  records: Uint8Array | null,
  config: TopicConfig,
  now: Millis,
  crc: Crc32c,
  codecs: Codecs = NO_CODECS,
): Result<CheckedBatches, LogError> {
  if (records === null || records.length === 0) {
    return reject(ErrorCode.CORRUPT_MESSAGE, "no record batch");
  }
  if (records.length > BatchField.magic && records[BatchField.magic] !== MAGIC_V2) {
    return reject(
      ErrorCode.INVALID_RECORD,
      "Produce requests from version 3 may only contain record batches with magic version 2",
    );
  }
  const scan = scanBatches(records, 0, crc, limits.requestBytesMax);
  if (scan.stop !== null) {
    return reject(ErrorCode.CORRUPT_MESSAGE, `${scan.stop.type}: ${scan.stop.message}`);
  }
  const [first, ...more] = scan.batches;
  if (first === undefined || more.length > 0) {
    return reject(ErrorCode.INVALID_RECORD, "exactly one record batch per partition is allowed");
  }
  const header = first.header;
  const size = batchSizeBytes(header);
  if (size > config.maxMessageBytes) {
    return reject(
      ErrorCode.MESSAGE_TOO_LARGE,
      `batch of ${size} bytes is larger than max.message.bytes ${config.maxMessageBytes}`,
    );
  }
  if (size > config.segmentBytes) {
    return reject(
      ErrorCode.RECORD_LIST_TOO_LARGE,
      `batch of ${size} bytes is larger than segment.bytes ${config.segmentBytes}`,
    );
  }
  const problem = batchProblem(records, header, config, codecs);
  if (problem !== null) return err(problem);
  if (config.messageTimestampType === "LogAppendTime") {
    const stamped = records.slice(0, size);
    stampLogAppendTime(stamped, now, crc);
    const rescanned = scanBatches(stamped, 0, crc, limits.requestBytesMax);
    return ok({ bytes: stamped, batches: rescanned.batches, recordCount: header.recordCount });
  }
  return ok({ bytes: records, batches: scan.batches, recordCount: header.recordCount });
}

function batchProblem(
  bytes: Uint8Array,
  header: RecordBatchHeader,
  config: TopicConfig,
  codecs: Codecs,
): LogError | null {
  const invalid = (message: string) => ({ error: ErrorCode.INVALID_RECORD, message });
  if (header.isControl) return invalid("producers may not write control batches");
  if (header.recordCount === 0) return invalid("a record batch with no records");
  if (header.isTransactional) {
    return { error: ErrorCode.INVALID_TXN_STATE, message: "transactions are not supported yet" };
  }
  if (header.lastOffsetDelta !== header.recordCount - 1) {
    return invalid(`lastOffsetDelta ${header.lastOffsetDelta} for ${header.recordCount} records`);
  }
  if (header.compression === Compression.none) {
    return uncompressedProblem(bytes, header, isCompacted(config));
  }
  if (header.compression !== Compression.none && !isCompacted(config)) {
    // Stored and served as sent: reading them would cost a decompression per produce.
    return null;
  }
  const records = readBatchRecords(bytes, header, codecs);
  if (!records.ok) {
    const unsupported = records.error.type === "unsupported-codec";
    const error = unsupported ? ErrorCode.UNSUPPORTED_COMPRESSION_TYPE : ErrorCode.CORRUPT_MESSAGE;
    return { error, message: records.error.message };
  }
  for (const [i, record] of records.value.entries()) {
    if (record.offsetDelta !== i) return invalid("inner record offsets are not sequential");
    if (record.key === null && isCompacted(config)) {
      return invalid("Compacted topic cannot accept message without key");
    }
  }
  return null;
}

/** The records of an uncompressed batch, walked without building them (the produce hot path). */
function uncompressedProblem(
  bytes: Uint8Array,
  header: RecordBatchHeader,
  compacted: boolean,
): LogError | null {
  const walked = walkRecordSection(recordSectionOf(bytes, header), header);
  if (!walked.ok) {
    return {
      error: ErrorCode.CORRUPT_MESSAGE,
      message: `${walked.error.type}: ${walked.error.message}`,
    };
  }
  const { firstOffsetGap, firstNullKey } = walked.value;
  const keyProblem = compacted && firstNullKey !== -1;
  // Kafka reports the first bad record: its offset is checked before its key.
  if (firstOffsetGap !== -1 && (!keyProblem || firstOffsetGap <= firstNullKey)) {
    return { error: ErrorCode.INVALID_RECORD, message: "inner record offsets are not sequential" };
  }
  if (keyProblem) {
    return {
      error: ErrorCode.INVALID_RECORD,
      message: "Compacted topic cannot accept message without key",
    };
  }
  return null;
}

/** LogAppendTime: the batch's maxTimestamp becomes the broker's clock; attributes and CRC follow. */
function stampLogAppendTime(batch: Uint8Array, now: Millis, crc: Crc32c): void {
  const view = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  const attributes = view.getInt16(BatchField.attributes) | BatchAttribute.logAppendTime;
  view.setInt16(BatchField.attributes, attributes);
  const hi = Math.floor(now / 2 ** 32);
  view.setInt32(BatchField.maxTimestamp, hi);
  view.setUint32(BatchField.maxTimestamp + 4, now - hi * 2 ** 32);
  view.setUint32(BatchField.crc, crc(batch.subarray(CRC_START)));
}
