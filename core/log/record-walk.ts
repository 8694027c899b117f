// Checks the records of an uncompressed batch without building them: the produce path only needs
// to know that they decode, whether inner offsets run 0..n-1 and where a key is null. Accepts and
// rejects exactly what decodeRecordSection does (same error types and messages), allocating nothing.

import { assert } from "../assert.ts";
import { err, ok, type Result } from "../result.ts";
import { type BatchError, batchError, type RecordBatchHeader } from "./record-batch-header.ts";
import { RECORD_BYTES_MIN } from "./record-batch-records.ts";

export interface RecordSectionFacts {
  /** Index of the first record whose offsetDelta is not its index, or -1. */
  readonly firstOffsetGap: number;
  /** Index of the first record with a null key, or -1. */
  readonly firstNullKey: number;
}

const HEADER_BYTES_MIN = 2;

/** A cursor over one section; a failed read sets `failure` and returns 0. */
class Walker {
  pos = 0;
  end: number;
  failure: "short" | "overflow" | "unsafe" | null = null;
  /** Of the record walked last. */
  offsetDelta = 0;
  nullKey = false;
  readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.end = bytes.length;
  }

  /** A zigzag varint, as varint.ts readVarint. */
  varint(): number {
    let raw = 0;
    let pos = this.pos;
    for (let i = 0; i < 5; i++) {
      if (pos >= this.end) return this.fail("short");
      const b = this.bytes[pos++]!;
      if (i === 4 && b > 0x0f) return this.fail("overflow");
      raw |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) === 0) {
        this.pos = pos;
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    return this.fail("overflow");
  }

  /** A zigzag varlong, as varint.ts readVarlong (safe integers only). */
  varlong(): number {
    let lo = 0;
    let hi = 0;
    let pos = this.pos;
    for (let i = 0; i < 10; i++) {
      if (pos >= this.end) return this.fail("short");
      const b = this.bytes[pos++]!;
      if (i === 9 && b > 0x01) return this.fail("overflow");
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else hi += (b & 0x7f) * 2 ** (7 * (i - 4));
      if ((b & 0x80) === 0) {
        const magnitude = hi * 2 ** 27 + (lo >>> 1);
        const value = (lo & 1) === 0 ? magnitude : -magnitude - 1;
        if (!Number.isSafeInteger(value)) return this.fail("unsafe");
        this.pos = pos;
        return value;
      }
    }
    return this.fail("overflow");
  }

  fail(failure: "short" | "overflow" | "unsafe"): number {
    this.failure = failure;
    return 0;
  }

  varintError(field: string): BatchError {
    const type = this.failure === "unsafe" ? "bad-int64" : "bad-records";
    return batchError(type, `${field}: varint ${this.failure}`);
  }

  /** A length of -1 (null) or 0..(bytes left), as readLength; the error when it is not one. */
  length(field: string): number | BatchError {
    const value = this.varint();
    if (this.failure !== null) return this.varintError(field);
    if (value < -1 || value > this.end - this.pos) {
      return batchError("bad-records", `${field} ${value} out of range`);
    }
    return value;
  }
}

/** Walks `section` (the bytes after recordsCount) against `header`, as decodeRecordSection. */
export function walkRecordSection(
  section: Uint8Array,
  header: RecordBatchHeader,
): Result<RecordSectionFacts, BatchError> {
  const count = header.recordCount;
  if (count < 0) return err(batchError("bad-count", `negative record count ${count}`));
  if (count > section.length / RECORD_BYTES_MIN) {
    return err(batchError("bad-count", `${count} records cannot fit in ${section.length} bytes`));
  }
  const walker = new Walker(section);
  let firstOffsetGap = -1;
  let firstNullKey = -1;
  for (let i = 0; i < count; i++) {
    if (walker.pos >= section.length) {
      return err(batchError("bad-count", `declared ${count} records, found ${i}`));
    }
    const problem = walkRecord(walker, header, section.length);
    if (problem !== null) return err(batchError(problem.type, `record ${i}: ${problem.message}`));
    assert(walker.pos <= section.length, "a record walk passed the end of its section");
    if (walker.nullKey && firstNullKey === -1) firstNullKey = i;
    if (walker.offsetDelta !== i && firstOffsetGap === -1) firstOffsetGap = i;
  }
  if (walker.pos !== section.length) {
    const left = section.length - walker.pos;
    return err(batchError("bad-count", `${left} bytes left after the declared ${count} records`));
  }
  return ok({ firstOffsetGap, firstNullKey });
}

/** One record, its offsetDelta and key nullness left in the walker; an error when it does not decode. */
function walkRecord(w: Walker, header: RecordBatchHeader, sectionEnd: number): BatchError | null {
  w.end = sectionEnd;
  const length = w.varint();
  if (w.failure !== null) return w.varintError("length");
  if (length < RECORD_BYTES_MIN - 1 || length > w.end - w.pos) {
    return batchError("bad-records", `length ${length} out of range`);
  }
  w.end = w.pos + length;
  const recordEnd = w.end;
  w.pos++; // attributes
  const timestampDelta = w.varlong();
  if (w.failure !== null) return w.varintError("timestampDelta");
  const offsetDelta = w.varint();
  if (w.failure !== null) return w.varintError("offsetDelta");
  const keyLength = w.length("keyLength");
  if (typeof keyLength !== "number") return keyLength;
  if (keyLength > 0) w.pos += keyLength;
  const valueLength = w.length("valueLength");
  if (typeof valueLength !== "number") return valueLength;
  if (valueLength > 0) w.pos += valueLength;
  const headers = walkHeaders(w);
  if (headers !== null) return headers;
  if (w.pos !== recordEnd) {
    return batchError("bad-records", `${recordEnd - w.pos} bytes left inside the record`);
  }
  const timestamp = header.isLogAppendTime
    ? header.maxTimestamp
    : header.baseTimestamp + timestampDelta;
  const offset = header.baseOffset + offsetDelta;
  if (!Number.isSafeInteger(timestamp) || !Number.isSafeInteger(offset)) {
    return batchError("bad-int64", "timestamp or offset is not a safe integer");
  }
  w.offsetDelta = offsetDelta;
  w.nullKey = keyLength === -1;
  return null;
}

function walkHeaders(w: Walker): BatchError | null {
  const count = w.varint();
  if (w.failure !== null) return w.varintError("headersCount");
  if (count < 0 || count > (w.end - w.pos) / HEADER_BYTES_MIN) {
    return batchError("bad-records", `headersCount ${count} out of range`);
  }
  for (let i = 0; i < count; i++) {
    const keyLength = w.length("header keyLength");
    if (typeof keyLength !== "number") return keyLength;
    if (keyLength < 0) return batchError("bad-records", "header key is null");
    w.pos += keyLength;
    const valueLength = w.length("header valueLength");
    if (typeof valueLength !== "number") return valueLength;
    if (valueLength > 0) w.pos += valueLength;
  }
  return null;
}
