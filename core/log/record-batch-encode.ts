// Building RecordBatch v2 bytes: what simulated producers write and what the broker writes for
// control batches. Encoding trusts its input (a bad input is a programmer error and asserts);
// the output always passes validateBatch, which the round-trip property tests prove.

import { assert, assertNonNegativeInteger } from "../assert.ts";
import { type Crc32c, crc32c } from "./crc32c.ts";
import {
  BatchAttribute,
  BatchField,
  Compression,
  CRC_START,
  isKnownCompression,
  LOG_OVERHEAD,
  MAGIC_V2,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  NO_TIMESTAMP,
  RECORD_BATCH_OVERHEAD,
  viewOf,
  writeInt64,
} from "./record-batch-header.ts";
import type { RecordHeader } from "./record-batch-records.ts";
import { utf8ByteLength, writeUtf8 } from "./record-batch-utf8.ts";
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from "./varint.ts";

export interface EncodeRecordInput {
  /** Defaults to the batch's baseTimestamp. */
  readonly timestamp?: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers?: readonly RecordHeader[];
  /** Defaults to the record's index; must increase within a batch. */
  readonly offsetDelta?: number;
}

export interface EncodeBatchInput {
  readonly baseOffset?: number;
  readonly partitionLeaderEpoch?: number;
  /** Stored in attributes; when nonzero, `compressedRecords` holds the already-compressed section. */
  readonly compression?: number;
  readonly compressedRecords?: Uint8Array;
  readonly isTransactional?: boolean;
  readonly isControl?: boolean;
  readonly isLogAppendTime?: boolean;
  readonly hasDeleteHorizon?: boolean;
  readonly producerId?: number;
  readonly producerEpoch?: number;
  readonly baseSequence?: number;
  /** Defaults to the first record's timestamp, or -1 (no timestamp) without one. */
  readonly baseTimestamp?: number;
  /** Defaults to the largest record timestamp (or baseTimestamp for an empty batch). */
  readonly maxTimestamp?: number;
  /** Defaults to the last record's offsetDelta (0 for an empty batch). */
  readonly lastOffsetDelta?: number;
  readonly records: readonly EncodeRecordInput[];
}

/** A record with every default resolved. */
interface PlannedRecord {
  readonly timestampDelta: number;
  readonly offsetDelta: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly headers: readonly RecordHeader[];
  readonly bodyBytes: number;
}

interface BatchPlan {
  readonly baseTimestamp: number;
  readonly maxTimestamp: number;
  readonly lastOffsetDelta: number;
  readonly records: readonly PlannedRecord[];
}

function assertInt(value: number, bits: 16 | 32, what: string): void {
  const limit = 2 ** (bits - 1);
  assert(
    Number.isInteger(value) && value >= -limit && value < limit,
    `${what} ${value} not int${bits}`,
  );
}

function sizeOfBytes(bytes: Uint8Array | null): number {
  return bytes === null ? sizeOfVarint(-1) : sizeOfVarint(bytes.length) + bytes.length;
}

function plan(input: EncodeBatchInput): BatchPlan {
  const baseTimestamp =
    input.baseTimestamp ??
    input.records.find((r) => r.timestamp !== undefined)?.timestamp ??
    NO_TIMESTAMP;
  assert(Number.isSafeInteger(baseTimestamp), `baseTimestamp ${baseTimestamp} not a safe integer`);
  let maxTimestamp = input.records.length === 0 ? baseTimestamp : Number.NEGATIVE_INFINITY;
  let previousDelta = -1;
  const records = input.records.map((record, index): PlannedRecord => {
    const timestamp = record.timestamp ?? baseTimestamp;
    maxTimestamp = Math.max(maxTimestamp, timestamp);
    const offsetDelta = record.offsetDelta ?? index;
    assert(offsetDelta > previousDelta, `offsetDelta ${offsetDelta} does not increase`);
    assert(offsetDelta === (offsetDelta | 0), `offsetDelta ${offsetDelta} is not an int32`);
    previousDelta = offsetDelta;
    const timestampDelta = timestamp - baseTimestamp;
    const headers = record.headers ?? [];
    let bodyBytes =
      1 + sizeOfVarlong(timestampDelta) + sizeOfVarint(offsetDelta) + sizeOfBytes(record.key);
    bodyBytes += sizeOfBytes(record.value) + sizeOfVarint(headers.length);
    for (const header of headers) {
      const keyBytes = utf8ByteLength(header.key);
      bodyBytes += sizeOfVarint(keyBytes) + keyBytes + sizeOfBytes(header.value);
    }
    return {
      timestampDelta,
      offsetDelta,
      key: record.key,
      value: record.value,
      headers,
      bodyBytes,
    };
  });
  return {
    baseTimestamp,
    maxTimestamp: input.maxTimestamp ?? maxTimestamp,
    lastOffsetDelta: input.lastOffsetDelta ?? Math.max(previousDelta, 0),
    records,
  };
}

function writeBytes(out: Uint8Array, pos: number, bytes: Uint8Array | null): number {
  if (bytes === null) return writeVarint(out, pos, -1);
  const at = writeVarint(out, pos, bytes.length);
  out.set(bytes, at);
  return at + bytes.length;
}

function sectionBytes(records: readonly PlannedRecord[]): number {
  let total = 0;
  for (const r of records) total += sizeOfVarint(r.bodyBytes) + r.bodyBytes;
  return total;
}

function writeSection(out: Uint8Array, start: number, records: readonly PlannedRecord[]): number {
  let pos = start;
  for (const r of records) {
    pos = writeVarint(out, pos, r.bodyBytes);
    const bodyStart = pos;
    out[pos++] = 0; // record attributes: unused in magic 2
    pos = writeVarlong(out, pos, r.timestampDelta);
    pos = writeVarint(out, pos, r.offsetDelta);
    pos = writeBytes(out, pos, r.key);
    pos = writeBytes(out, pos, r.value);
    pos = writeVarint(out, pos, r.headers.length);
    for (const header of r.headers) {
      pos = writeVarint(out, pos, utf8ByteLength(header.key));
      pos = writeUtf8(out, pos, header.key);
      pos = writeBytes(out, pos, header.value);
    }
    assert(pos - bodyStart === r.bodyBytes, "record body size mismatch");
  }
  return pos;
}

/**
 * The uncompressed records section (what follows recordsCount) for `input`: a producer compresses
 * this and passes the result back as `compressedRecords`.
 */
export function encodeRecordSection(input: EncodeBatchInput): Uint8Array {
  const records = plan(input).records;
  const out = new Uint8Array(sectionBytes(records));
  assert(writeSection(out, 0, records) === out.length, "records section size mismatch");
  return out;
}

function attributesOf(input: EncodeBatchInput, compression: number): number {
  let attributes = compression;
  if (input.isLogAppendTime === true) attributes |= BatchAttribute.logAppendTime;
  if (input.isTransactional === true) attributes |= BatchAttribute.transactional;
  if (input.isControl === true) attributes |= BatchAttribute.control;
  if (input.hasDeleteHorizon === true) attributes |= BatchAttribute.deleteHorizon;
  return attributes;
}

/** A complete batch with a correct CRC-32C (the TypeScript one unless `crc` is given). */
export function encodeBatch(input: EncodeBatchInput, crc: Crc32c = crc32c): Uint8Array {
  const compression = input.compression ?? Compression.none;
  assert(isKnownCompression(compression), `unknown compression ${compression}`);
  assert(
    (compression === Compression.none) === (input.compressedRecords === undefined),
    "compressedRecords is given exactly when compression is not none",
  );
  const p = plan(input);
  assertInt(p.lastOffsetDelta, 32, "lastOffsetDelta");
  assert(p.lastOffsetDelta >= 0, `lastOffsetDelta ${p.lastOffsetDelta} is negative`);
  const size = RECORD_BATCH_OVERHEAD + (input.compressedRecords?.length ?? sectionBytes(p.records));
  const out = new Uint8Array(size);
  const view = viewOf(out);
  const baseOffset = input.baseOffset ?? 0;
  assertNonNegativeInteger(baseOffset, "baseOffset");
  assertNonNegativeInteger(baseOffset + p.lastOffsetDelta, "last offset");
  writeInt64(view, BatchField.baseOffset, baseOffset);
  const epoch = input.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH;
  const producerEpoch = input.producerEpoch ?? NO_PRODUCER_EPOCH;
  const baseSequence = input.baseSequence ?? NO_SEQUENCE;
  assertInt(epoch, 32, "partitionLeaderEpoch");
  assertInt(producerEpoch, 16, "producerEpoch");
  assertInt(baseSequence, 32, "baseSequence");
  view.setInt32(BatchField.batchLength, size - LOG_OVERHEAD);
  view.setInt32(BatchField.partitionLeaderEpoch, epoch);
  view.setInt8(BatchField.magic, MAGIC_V2);
  view.setInt16(BatchField.attributes, attributesOf(input, compression));
  view.setInt32(BatchField.lastOffsetDelta, p.lastOffsetDelta);
  writeInt64(view, BatchField.baseTimestamp, p.baseTimestamp);
  writeInt64(view, BatchField.maxTimestamp, p.maxTimestamp);
  writeInt64(view, BatchField.producerId, input.producerId ?? NO_PRODUCER_ID);
  view.setInt16(BatchField.producerEpoch, producerEpoch);
  view.setInt32(BatchField.baseSequence, baseSequence);
  view.setInt32(BatchField.recordCount, input.records.length);
  if (input.compressedRecords !== undefined)
    out.set(input.compressedRecords, RECORD_BATCH_OVERHEAD);
  else assert(writeSection(out, RECORD_BATCH_OVERHEAD, p.records) === size, "batch size mismatch");
  view.setUint32(BatchField.crc, crc(out.subarray(CRC_START)));
  return out;
}
