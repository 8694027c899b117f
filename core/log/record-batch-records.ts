// Decoding the records of an uncompressed RecordBatch v2. Every length is checked against the bytes
// that remain, so malformed input yields a BatchError and allocations stay bounded by its size.
// Keys, values and header values are subarray views of the batch bytes (no copies).

import { err, ok, type Result } from "../result.ts";
import {
  BATCH_LENGTH_MIN,
  type BatchError,
  batchError,
  batchSizeBytes,
  Compression,
  RECORD_BATCH_OVERHEAD,
  type RecordBatchHeader,
  readBatchHeader,
} from "./record-batch-header.ts";
import { readUtf8 } from "./record-batch-utf8.ts";
import { type Cursor, readVarint, readVarlong, type VarintRead } from "./varint.ts";

export interface RecordHeader {
  readonly key: string;
  readonly value: Uint8Array | null;
}

export interface Record {
  readonly attributes: number;
  readonly timestampDelta: number;
  readonly offsetDelta: number;
  /** baseTimestamp + timestampDelta, or the batch's maxTimestamp for LogAppendTime batches. */
  readonly timestamp: number;
  /** baseOffset + offsetDelta. */
  readonly offset: number;
  readonly key: Uint8Array | null;
  /** null is a tombstone. */
  readonly value: Uint8Array | null;
  readonly headers: readonly RecordHeader[];
}

/** The smallest record: length, attributes, timestampDelta, offsetDelta, keyLength, valueLength, headersCount. */
export const RECORD_BYTES_MIN = 7;
/** The smallest header: keyLength and valueLength. */
const HEADER_BYTES_MIN = 2;

/**
 * Decodes the records of the uncompressed batch at `position` ("compressed" otherwise). Checks the
 * header's count and every length, not the CRC: validate first when the bytes came from outside.
 */
export function decodeRecords(batch: Uint8Array, position = 0): Result<Record[], BatchError> {
  const read = readBatchHeader(batch, position);
  if (!read.ok) return read;
  const header = read.value;
  if (header.compression !== Compression.none) {
    return err(batchError("compressed", `records are compressed (codec ${header.compression})`));
  }
  if (header.batchLength < BATCH_LENGTH_MIN) {
    return err(batchError("bad-length", `batchLength ${header.batchLength} below 49`));
  }
  const end = position + batchSizeBytes(header);
  if (end > batch.length) {
    return err(
      batchError("short", `batch needs ${end - position} bytes, ${batch.length - position} left`),
    );
  }
  return decodeRecordSection(batch.subarray(position + RECORD_BATCH_OVERHEAD, end), header);
}

/**
 * Decodes an uncompressed records section (what follows recordsCount, after decompression if the
 * batch was compressed) against its batch header: exactly `recordCount` records, no bytes left over.
 */
export function decodeRecordSection(
  section: Uint8Array,
  header: RecordBatchHeader,
): Result<Record[], BatchError> {
  const count = header.recordCount;
  if (count < 0) return err(batchError("bad-count", `negative record count ${count}`));
  if (count > section.length / RECORD_BYTES_MIN) {
    return err(batchError("bad-count", `${count} records cannot fit in ${section.length} bytes`));
  }
  const records: Record[] = [];
  const cursor: Cursor = { pos: 0, end: section.length };
  for (let i = 0; i < count; i++) {
    if (cursor.pos >= section.length) {
      return err(batchError("bad-count", `declared ${count} records, found ${i}`));
    }
    const record = decodeRecord(section, cursor, header);
    if (!record.ok) return err(prefix(record.error, `record ${i}: `));
    records.push(record.value);
  }
  if (cursor.pos !== section.length) {
    const left = section.length - cursor.pos;
    return err(batchError("bad-count", `${left} bytes left after the declared ${count} records`));
  }
  return ok(records);
}

function prefix(error: BatchError, text: string): BatchError {
  return batchError(error.type, text + error.message);
}

function varintError(read: VarintRead & { ok: false }, field: string): BatchError {
  const type = read.failure === "unsafe" ? "bad-int64" : "bad-records";
  return batchError(type, `${field}: varint ${read.failure}`);
}

/** Reads a varint length of -1 (null) or 0..(bytes left in the record). */
function readLength(bytes: Uint8Array, cursor: Cursor, field: string): Result<number, BatchError> {
  const length = readVarint(bytes, cursor);
  if (!length.ok) return err(varintError(length, field));
  if (length.value < -1 || length.value > cursor.end - cursor.pos) {
    return err(batchError("bad-records", `${field} ${length.value} out of range`));
  }
  return ok(length.value);
}

function readBytes(
  bytes: Uint8Array,
  cursor: Cursor,
  field: string,
): Result<Uint8Array | null, BatchError> {
  const length = readLength(bytes, cursor, field);
  if (!length.ok) return length;
  if (length.value === -1) return ok(null);
  const start = cursor.pos;
  cursor.pos += length.value;
  return ok(bytes.subarray(start, cursor.pos));
}

function decodeRecord(
  section: Uint8Array,
  outer: Cursor,
  header: RecordBatchHeader,
): Result<Record, BatchError> {
  const length = readVarint(section, outer);
  if (!length.ok) return err(varintError(length, "length"));
  if (length.value < RECORD_BYTES_MIN - 1 || length.value > outer.end - outer.pos) {
    return err(batchError("bad-records", `length ${length.value} out of range`));
  }
  const cursor: Cursor = { pos: outer.pos, end: outer.pos + length.value };
  outer.pos = cursor.end;
  const attributes = section[cursor.pos++]!;
  const timestampDelta = readVarlong(section, cursor);
  if (!timestampDelta.ok) return err(varintError(timestampDelta, "timestampDelta"));
  const offsetDelta = readVarint(section, cursor);
  if (!offsetDelta.ok) return err(varintError(offsetDelta, "offsetDelta"));
  const key = readBytes(section, cursor, "keyLength");
  if (!key.ok) return key;
  const value = readBytes(section, cursor, "valueLength");
  if (!value.ok) return value;
  const headers = decodeHeaders(section, cursor);
  if (!headers.ok) return headers;
  if (cursor.pos !== cursor.end) {
    return err(
      batchError("bad-records", `${cursor.end - cursor.pos} bytes left inside the record`),
    );
  }
  const timestamp = header.isLogAppendTime
    ? header.maxTimestamp
    : header.baseTimestamp + timestampDelta.value;
  const offset = header.baseOffset + offsetDelta.value;
  if (!Number.isSafeInteger(timestamp) || !Number.isSafeInteger(offset)) {
    return err(batchError("bad-int64", "timestamp or offset is not a safe integer"));
  }
  return ok({
    attributes,
    timestampDelta: timestampDelta.value,
    offsetDelta: offsetDelta.value,
    timestamp,
    offset,
    key: key.value,
    value: value.value,
    headers: headers.value,
  });
}

function decodeHeaders(bytes: Uint8Array, cursor: Cursor): Result<RecordHeader[], BatchError> {
  const count = readVarint(bytes, cursor);
  if (!count.ok) return err(varintError(count, "headersCount"));
  if (count.value < 0 || count.value > (cursor.end - cursor.pos) / HEADER_BYTES_MIN) {
    return err(batchError("bad-records", `headersCount ${count.value} out of range`));
  }
  const headers: RecordHeader[] = [];
  for (let i = 0; i < count.value; i++) {
    const keyLength = readLength(bytes, cursor, "header keyLength");
    if (!keyLength.ok) return keyLength;
    if (keyLength.value < 0) return err(batchError("bad-records", "header key is null"));
    const key = readUtf8(bytes, cursor.pos, cursor.pos + keyLength.value);
    cursor.pos += keyLength.value;
    const value = readBytes(bytes, cursor, "header valueLength");
    if (!value.ok) return value;
    headers.push({ key, value: value.value });
  }
  return ok(headers);
}
