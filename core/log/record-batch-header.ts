// The fixed 61-byte header of a Kafka RecordBatch v2 (magic 2): layout, attribute bits, and a
// reader that never throws and never reads past the buffer. int64 fields are JS numbers only when
// they are safe integers; anything else is a "bad-int64" error value.

import { assert } from "../assert.ts";
import { err, ok, type Result } from "../result.ts";

/** Header bytes before the records (baseOffset through recordsCount). */
export const RECORD_BATCH_OVERHEAD = 61;
/** baseOffset + batchLength: the bytes not counted by batchLength. */
export const LOG_OVERHEAD = 12;
/** The smallest legal batchLength: a header with no records. */
export const BATCH_LENGTH_MIN = RECORD_BATCH_OVERHEAD - LOG_OVERHEAD;
export const MAGIC_V2 = 2;
/** The first byte the CRC covers (attributes): baseOffset and partitionLeaderEpoch stay outside. */
export const CRC_START = 21;

/** Byte offsets of the header fields. */
export const BatchField = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordCount: 57,
} as const;

export const Compression = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type Compression = (typeof Compression)[keyof typeof Compression];

/** Bits of the int16 attributes field. */
export const BatchAttribute = {
  compressionMask: 0x07,
  logAppendTime: 0x08,
  transactional: 0x10,
  control: 0x20,
  deleteHorizon: 0x40,
} as const;

/** Kafka's "no value" markers for producer fields and timestamps. */
export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_TIMESTAMP = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;

export interface RecordBatchHeader {
  readonly baseOffset: number;
  readonly batchLength: number;
  readonly partitionLeaderEpoch: number;
  readonly magic: number;
  readonly crc: number;
  readonly attributes: number;
  readonly lastOffsetDelta: number;
  readonly baseTimestamp: number;
  readonly maxTimestamp: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordCount: number;
  readonly compression: number;
  readonly isLogAppendTime: boolean;
  readonly isTransactional: boolean;
  readonly isControl: boolean;
  readonly hasDeleteHorizon: boolean;
}

export type BatchErrorType =
  | "short"
  | "bad-length"
  | "bad-magic"
  | "bad-crc"
  | "bad-int64"
  | "bad-records"
  | "compressed"
  | "bad-count";

/** Why bytes are not a usable batch. "short" alone may mean "torn or not fully read yet". */
export interface BatchError {
  readonly type: BatchErrorType;
  readonly message: string;
}

export function batchError(type: BatchErrorType, message: string): BatchError {
  return { type, message };
}

/** The whole batch on disk or on the wire: LOG_OVERHEAD + batchLength. */
export function batchSizeBytes(h: RecordBatchHeader): number {
  return LOG_OVERHEAD + h.batchLength;
}

/** The offset of the batch's last record (records may have been compacted away before it). */
export function lastOffset(h: RecordBatchHeader): number {
  return h.baseOffset + h.lastOffsetDelta;
}

/** Whether `codec` names a compression Kafka defines (attributes bits 0-2 also allow 5-7). */
export function isKnownCompression(codec: number): boolean {
  return codec >= Compression.none && codec <= Compression.zstd;
}

export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Reads a big-endian int64 at `at`; NaN when it is not a safe integer. */
export function readInt64(view: DataView, at: number): number {
  const value = view.getInt32(at) * 2 ** 32 + view.getUint32(at + 4);
  // The sum rounds monotonically, so a value past the safe range never rounds back into it.
  return Number.isSafeInteger(value) ? value : Number.NaN;
}

/** Writes a safe integer as a big-endian int64 (two's complement). */
export function writeInt64(view: DataView, at: number, value: number): void {
  assert(Number.isSafeInteger(value), `int64 ${value} is not a safe integer`);
  const hi = Math.floor(value / 2 ** 32);
  view.setInt32(at, hi);
  view.setUint32(at + 4, value - hi * 2 ** 32);
}

export function assertPosition(bytes: Uint8Array, position: number): void {
  // Messages are built only on failure: this runs for every batch read.
  if (!Number.isSafeInteger(position)) assert(false, `position ${position} is not an integer`);
  if (position < 0 || position > bytes.length) {
    assert(false, `position ${position} outside ${bytes.length}`);
  }
}

/** Parses the 61-byte header at `position`. No CRC, length or magic check; never reads past the end. */
export function readBatchHeader(
  bytes: Uint8Array,
  position = 0,
): Result<RecordBatchHeader, BatchError> {
  assertPosition(bytes, position);
  const available = bytes.length - position;
  if (available < RECORD_BATCH_OVERHEAD) {
    return err(batchError("short", `${available} bytes, a batch header needs 61`));
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + position, RECORD_BATCH_OVERHEAD);
  const baseOffset = readInt64(view, BatchField.baseOffset);
  const baseTimestamp = readInt64(view, BatchField.baseTimestamp);
  const maxTimestamp = readInt64(view, BatchField.maxTimestamp);
  const producerId = readInt64(view, BatchField.producerId);
  // NaN marks an unsafe int64; the first one is named (no array per header: this is hot).
  const unsafe = Number.isNaN(baseOffset)
    ? "baseOffset"
    : Number.isNaN(baseTimestamp)
      ? "baseTimestamp"
      : Number.isNaN(maxTimestamp)
        ? "maxTimestamp"
        : Number.isNaN(producerId)
          ? "producerId"
          : null;
  if (unsafe !== null) return err(batchError("bad-int64", `${unsafe} is not a safe integer`));
  const attributes = view.getInt16(BatchField.attributes);
  return ok({
    baseOffset,
    batchLength: view.getInt32(BatchField.batchLength),
    partitionLeaderEpoch: view.getInt32(BatchField.partitionLeaderEpoch),
    magic: view.getInt8(BatchField.magic),
    crc: view.getUint32(BatchField.crc),
    attributes,
    lastOffsetDelta: view.getInt32(BatchField.lastOffsetDelta),
    baseTimestamp,
    maxTimestamp,
    producerId,
    producerEpoch: view.getInt16(BatchField.producerEpoch),
    baseSequence: view.getInt32(BatchField.baseSequence),
    recordCount: view.getInt32(BatchField.recordCount),
    compression: attributes & BatchAttribute.compressionMask,
    isLogAppendTime: (attributes & BatchAttribute.logAppendTime) !== 0,
    isTransactional: (attributes & BatchAttribute.transactional) !== 0,
    isControl: (attributes & BatchAttribute.control) !== 0,
    hasDeleteHorizon: (attributes & BatchAttribute.deleteHorizon) !== 0,
  });
}
