// Checks record batches before they enter a log, turning bad bytes into Kafka error codes: the
// broker calls validateForAppend on produce, the replica fetcher validateForFollowerAppend. The log
// appends only ValidatedRecords, so no unchecked byte reaches a segment.

import { assert } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import { limits } from "../limits.ts";
import { err, ok, type Result } from "../result.ts";
import type { Codecs } from "./codecs.ts";
import { type Crc32c, crc32c } from "./crc32c.ts";
import { compacts, type LogConfig } from "./log-config.ts";
import {
  type BatchError,
  BatchField,
  batchSizeBytes,
  Compression,
  lastOffset,
  type ScannedBatch,
  scanBatches,
} from "./record-batch.ts";
import { readBatchRecords } from "./record-batch-compressed.ts";

declare const validated: unique symbol;

/** One or more whole batches whose CRCs and framing were checked. */
export interface ValidatedRecords {
  readonly bytes: Uint8Array;
  readonly batches: readonly ScannedBatch[];
  readonly recordCount: number;
  readonly [validated]: true;
}

export interface AppendRejection {
  readonly error: ErrorCode;
  readonly message: string;
}

export type AppendValidation = Result<ValidatedRecords, AppendRejection>;

export interface AppendValidationOptions {
  /**
   * These exact bytes were scanned by scanBatches (CRCs included) in this step, as the broker's
   * produce validation does: only their framing is checked again, so each byte is CRC'd once.
   */
  readonly scanned?: readonly ScannedBatch[];
  /** Control batches (transaction markers) are written by coordinators, never by producers. */
  readonly allowControlBatches?: boolean;
  readonly crc?: Crc32c;
  /**
   * With codecs, compressed batches on compacted topics are read and their keys checked (no codec:
   * UNSUPPORTED_COMPRESSION_TYPE). Without, they pass unread: the broker's produce validation
   * already read them, and reading twice would cost a second decompression.
   */
  readonly codecs?: Codecs;
}

function reject(error: ErrorCode, message: string): AppendValidation {
  return err({ error, message });
}

function corrupt(error: BatchError): AppendValidation {
  return reject(ErrorCode.CORRUPT_MESSAGE, `${error.type}: ${error.message}`);
}

/** Whole batches with valid CRCs, each no larger than `maxBatchBytes`. */
function scanWhole(bytes: Uint8Array, maxBatchBytes: number, crc: Crc32c) {
  if (bytes.length === 0) return reject(ErrorCode.CORRUPT_MESSAGE, "no record batches");
  const scan = scanBatches(bytes, 0, crc, limits.requestBytesMax);
  if (scan.stop !== null) return corrupt(scan.stop);
  let recordCount = 0;
  for (const { header } of scan.batches) {
    if (batchSizeBytes(header) > maxBatchBytes) {
      return reject(ErrorCode.MESSAGE_TOO_LARGE, `batch of ${batchSizeBytes(header)} bytes`);
    }
    recordCount += header.recordCount;
  }
  return ok({ bytes, batches: scan.batches, recordCount } as unknown as ValidatedRecords);
}

/** Batches scanned before: they must still tile `bytes` exactly, each as long as its header says. */
function trustScan(bytes: Uint8Array, batches: readonly ScannedBatch[], maxBatchBytes: number) {
  if (bytes.length === 0) return reject(ErrorCode.CORRUPT_MESSAGE, "no record batches");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  let recordCount = 0;
  for (const { position, header } of batches) {
    const size = batchSizeBytes(header);
    assert(position === at && at + size <= bytes.length, `scanned batch at ${position}, not ${at}`);
    assert(view.getInt32(at + BatchField.batchLength) === header.batchLength, "bytes changed");
    if (size > maxBatchBytes) {
      return reject(ErrorCode.MESSAGE_TOO_LARGE, `batch of ${size} bytes`);
    }
    recordCount += header.recordCount;
    at += size;
  }
  assert(at === bytes.length, `scanned batches cover ${at} of ${bytes.length} bytes`);
  return ok({ bytes, batches, recordCount } as unknown as ValidatedRecords);
}

/**
 * What Kafka's LogValidator checks on a produce: whole batches, valid CRCs, max.message.bytes, no
 * empty or control batches from producers, and on compacted topics a key on every record
 * (inside compressed batches too when `options.codecs` is given).
 */
export function validateForAppend(
  bytes: Uint8Array,
  config: Pick<LogConfig, "maxMessageBytes" | "cleanupPolicy">,
  options: AppendValidationOptions = {},
): AppendValidation {
  const scanned =
    options.scanned === undefined
      ? scanWhole(bytes, config.maxMessageBytes, options.crc ?? crc32c)
      : trustScan(bytes, options.scanned, config.maxMessageBytes);
  if (!scanned.ok) return scanned;
  for (const { header, position } of scanned.value.batches) {
    if (header.isControl && options.allowControlBatches !== true) {
      return reject(ErrorCode.INVALID_RECORD, "producers may not write control batches");
    }
    if (header.recordCount === 0) return reject(ErrorCode.INVALID_RECORD, "batch with no records");
    if (!compacts(config.cleanupPolicy) || header.isControl) continue;
    const codecs = options.codecs;
    if (header.compression !== Compression.none && codecs === undefined) continue;
    const records = readBatchRecords(bytes, header, codecs ?? {}, position);
    if (!records.ok) {
      const unsupported = records.error.type === "unsupported-codec";
      const code = unsupported ? ErrorCode.UNSUPPORTED_COMPRESSION_TYPE : ErrorCode.CORRUPT_MESSAGE;
      return reject(code, records.error.message);
    }
    if (records.value.some((record) => record.key === null)) {
      return reject(ErrorCode.INVALID_RECORD, "Compacted topic cannot accept message without key");
    }
  }
  return scanned;
}

/**
 * Batches fetched from the leader: valid CRCs, offsets increasing and starting at or past the
 * follower's log end offset (gaps are legal: the leader may have compacted them away).
 */
export function validateForFollowerAppend(
  bytes: Uint8Array,
  logEndOffset: number,
  crc: Crc32c = crc32c,
): AppendValidation {
  const scanned = scanWhole(bytes, limits.requestBytesMax, crc);
  if (!scanned.ok) return scanned;
  let next = logEndOffset;
  for (const { header } of scanned.value.batches) {
    if (header.baseOffset < next) {
      return reject(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        `batch at ${header.baseOffset} overlaps the log, which continues at ${next}`,
      );
    }
    next = lastOffset(header) + 1;
  }
  return scanned;
}
