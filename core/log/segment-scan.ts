// Walks the record batches of a segment file through `read` disk operations, in bounded chunks
// (one chunk, or one batch when a batch is larger), handing each whole batch to a visitor. It stops
// at the first torn or corrupt batch and says where: recovery truncates there, reads refuse it.

import { assert } from "../assert.ts";
import type { DiskErrorCode } from "../disk.ts";
import type { DiskIo } from "../disk-io.ts";
import { limits } from "../limits.ts";
import { err, type Result } from "../result.ts";
import type { Crc32c } from "./crc32c.ts";
import {
  BATCH_LENGTH_MIN,
  type BatchError,
  BatchField,
  batchSizeBytes,
  LOG_OVERHEAD,
  MAGIC_V2,
  type RecordBatchHeader,
  readBatchHeader,
  validateBatch,
} from "./record-batch.ts";

export interface ScanOptions {
  readonly path: string;
  /** Position of the first batch to visit. */
  readonly start: number;
  /** Where the segment ends as the log knows it (exclusive). */
  readonly end: number;
  readonly chunkBytes: number;
  /** Validate each batch's CRC-32C with this; null checks framing only (lengths, magic). */
  readonly crc: Crc32c | null;
  /** Checked before every read after the first: false means the file changed under the scan. */
  readonly unchanged?: () => boolean;
}

export type ScanOutcome =
  /** Every batch up to `end` was visited. */
  | { readonly type: "end" }
  /** The segment was truncated, swapped or deleted between two reads of the scan. */
  | { readonly type: "changed" }
  /** The visitor declined the batch at `position`. */
  | { readonly type: "stopped"; readonly position: number }
  /** The bytes at `position` are not a whole valid batch (torn, corrupt, or past the file end). */
  | { readonly type: "invalid"; readonly position: number; readonly error: BatchError }
  | {
      readonly type: "io-error";
      readonly position: number;
      readonly code: DiskErrorCode;
      readonly message: string;
    };

/** Returns false to stop before this batch. `batch` is valid only during the call unless kept. */
export type ScanVisitor = (
  batch: Uint8Array,
  header: RecordBatchHeader,
  position: number,
) => boolean;

export function scanSegment(
  io: DiskIo,
  options: ScanOptions,
  visit: ScanVisitor,
  done: (outcome: ScanOutcome) => void,
): void {
  assert(
    options.start >= 0 && options.start <= options.end,
    `scan [${options.start}, ${options.end})`,
  );
  assert(options.chunkBytes >= LOG_OVERHEAD, `scan chunk of ${options.chunkBytes} bytes`);
  const readAt = (position: number, wanted: number): void => {
    if (position >= options.end) {
      done({ type: "end" });
      return;
    }
    if (position !== options.start && options.unchanged?.() === false) {
      done({ type: "changed" });
      return;
    }
    const length = Math.min(options.end - position, Math.max(options.chunkBytes, wanted));
    io.submit({ type: "read", path: options.path, position, length }, (result) => {
      if (!result.ok) {
        done({ type: "io-error", position, code: result.code, message: result.message });
        return;
      }
      assert(result.type === "read", `read answered with ${result.type}`);
      walk(result.bytes, position, result.bytes.length === length);
    });
  };
  const walk = (bytes: Uint8Array, position: number, complete: boolean): void => {
    let at = 0;
    while (at < bytes.length) {
      const checked = checkBatch(bytes, at, options.crc);
      if (!checked.ok) {
        const next = position + at;
        const declared = declaredSize(bytes, at);
        const fitsInSegment = declared === undefined || next + declared <= options.end;
        const moreOnDisk = complete && position + bytes.length < options.end;
        if (checked.error.type === "short" && fitsInSegment && moreOnDisk) {
          readAt(next, declared ?? 0);
        } else {
          done({ type: "invalid", position: next, error: checked.error });
        }
        return;
      }
      if (
        !visit(bytes.subarray(at, at + batchSizeBytes(checked.value)), checked.value, position + at)
      ) {
        done({ type: "stopped", position: position + at });
        return;
      }
      at += batchSizeBytes(checked.value);
    }
    if (!complete && position + at < options.end) {
      const error = { type: "short" as const, message: "file ends before the segment does" };
      done({ type: "invalid", position: position + at, error });
      return;
    }
    readAt(position + at, 0);
  };
  readAt(options.start, 0);
}

/** The whole batch size its length field claims, when 12 bytes are there and it is plausible. */
function declaredSize(bytes: Uint8Array, at: number): number | undefined {
  if (bytes.length - at < LOG_OVERHEAD) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, LOG_OVERHEAD);
  const size = LOG_OVERHEAD + view.getInt32(BatchField.batchLength);
  return size >= LOG_OVERHEAD + BATCH_LENGTH_MIN && size <= limits.requestBytesMax
    ? size
    : undefined;
}

function checkBatch(
  bytes: Uint8Array,
  at: number,
  crc: Crc32c | null,
): Result<RecordBatchHeader, BatchError> {
  if (crc !== null) return validateBatch(bytes, at, crc, limits.requestBytesMax);
  return checkFraming(bytes, at);
}

/** validateBatch without the CRC: enough to walk batch boundaries of trusted bytes. */
export function checkFraming(bytes: Uint8Array, at: number): Result<RecordBatchHeader, BatchError> {
  const available = bytes.length - at;
  const short = (message: string) => err({ type: "short" as const, message });
  if (available < LOG_OVERHEAD) return short(`${available} bytes, a batch length needs 12`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, available);
  if (available > BatchField.magic && view.getInt8(BatchField.magic) !== MAGIC_V2) {
    return err({ type: "bad-magic", message: `magic ${view.getInt8(BatchField.magic)}` });
  }
  const batchLength = view.getInt32(BatchField.batchLength);
  if (batchLength < BATCH_LENGTH_MIN || LOG_OVERHEAD + batchLength > limits.requestBytesMax) {
    return err({ type: "bad-length", message: `batchLength ${batchLength}` });
  }
  if (available < LOG_OVERHEAD + batchLength) return short(`batch needs ${12 + batchLength} bytes`);
  const header = readBatchHeader(bytes, at);
  if (!header.ok) return header;
  const h = header.value;
  if (h.recordCount < 0 || h.lastOffsetDelta < 0) {
    return err({ type: "bad-count", message: `count ${h.recordCount} delta ${h.lastOffsetDelta}` });
  }
  return header;
}
