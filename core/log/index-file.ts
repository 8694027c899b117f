// The on-disk form of a closed segment's indexes (.index and .timeindex). Each file carries the
// segment's summary and ends with a CRC-32C, so recovery can trust an index only when it is whole
// and describes the segment file as it is now (same size); otherwise it rebuilds it.
//
// Layout (big-endian): magic[4] "RIDX" or "RTIX" | version u16 = 1 | flags u16 (bit 0: dense) | baseOffset i64 |
// segmentBytes i64 | nextOffset i64 | maxTimestamp i64 | offsetOfMaxTimestamp i64 | entryCount u32 |
// entries (offset index: relativeOffset u32, position u32; time index: timestamp i64,
// relativeOffset u32) | crc32c u32 over everything before it.

import { assert } from "../assert.ts";
import { err, ok, type Result } from "../result.ts";
import type { Crc32c } from "./crc32c.ts";
import { OffsetIndex } from "./offset-index.ts";
import { readInt64, viewOf, writeInt64 } from "./record-batch-header.ts";
import { TimeIndex } from "./time-index.ts";

/** What the log keeps in memory about every segment, whether or not its indexes are loaded. */
export interface SegmentSummary {
  readonly baseOffset: number;
  readonly sizeBytes: number;
  /** Last offset of the last batch + 1; baseOffset when the segment holds no batch. */
  readonly nextOffset: number;
  /** Largest batch max timestamp; -1 when there is none. */
  readonly maxTimestamp: number;
  /** Last offset of the first batch that reached maxTimestamp; -1 when there is none. */
  readonly offsetOfMaxTimestamp: number;
  /** Batches follow each other without offset gaps from the base offset on (not compacted). */
  readonly dense: boolean;
}

export const INDEX_HEADER_BYTES = 52;
const OFFSET_ENTRY_BYTES = 8;
const TIME_ENTRY_BYTES = 12;
const CRC_BYTES = 4;
const VERSION = 1;
const FLAG_DENSE = 0x0001;
const MAGIC = { offset: 0x52494458, time: 0x52544958 } as const; // "RIDX", "RTIX"

type IndexKind = keyof typeof MAGIC;

function writeHeader(view: DataView, kind: IndexKind, summary: SegmentSummary, count: number) {
  view.setUint32(0, MAGIC[kind]);
  view.setUint16(4, VERSION);
  view.setUint16(6, summary.dense ? FLAG_DENSE : 0);
  writeInt64(view, 8, summary.baseOffset);
  writeInt64(view, 16, summary.sizeBytes);
  writeInt64(view, 24, summary.nextOffset);
  writeInt64(view, 32, summary.maxTimestamp);
  writeInt64(view, 40, summary.offsetOfMaxTimestamp);
  view.setUint32(48, count);
}

function seal(bytes: Uint8Array, crc: Crc32c): Uint8Array {
  const end = bytes.length - CRC_BYTES;
  viewOf(bytes).setUint32(end, crc(bytes.subarray(0, end)));
  return bytes;
}

export function encodeOffsetIndexFile(
  summary: SegmentSummary,
  index: OffsetIndex,
  crc: Crc32c,
): Uint8Array {
  assert(index.baseOffset === summary.baseOffset, "offset index of another segment");
  const count = index.entryCount;
  const bytes = new Uint8Array(INDEX_HEADER_BYTES + count * OFFSET_ENTRY_BYTES + CRC_BYTES);
  const view = viewOf(bytes);
  writeHeader(view, "offset", summary, count);
  for (let i = 0; i < count; i++) {
    const entry = index.entry(i);
    const at = INDEX_HEADER_BYTES + i * OFFSET_ENTRY_BYTES;
    view.setUint32(at, entry.offset - summary.baseOffset);
    view.setUint32(at + 4, entry.position);
  }
  return seal(bytes, crc);
}

export function encodeTimeIndexFile(
  summary: SegmentSummary,
  index: TimeIndex,
  crc: Crc32c,
): Uint8Array {
  assert(index.baseOffset === summary.baseOffset, "time index of another segment");
  const count = index.entryCount;
  const bytes = new Uint8Array(INDEX_HEADER_BYTES + count * TIME_ENTRY_BYTES + CRC_BYTES);
  const view = viewOf(bytes);
  writeHeader(view, "time", summary, count);
  for (let i = 0; i < count; i++) {
    const entry = index.entry(i);
    const at = INDEX_HEADER_BYTES + i * TIME_ENTRY_BYTES;
    writeInt64(view, at, entry.timestamp);
    view.setUint32(at + 8, entry.offset - summary.baseOffset);
  }
  return seal(bytes, crc);
}

interface Decoded<T> {
  readonly summary: SegmentSummary;
  readonly index: T;
}

function readHeader(
  bytes: Uint8Array,
  kind: IndexKind,
  entryBytes: number,
  crc: Crc32c,
): Result<{ summary: SegmentSummary; count: number }, string> {
  if (bytes.length < INDEX_HEADER_BYTES + CRC_BYTES) return err(`${bytes.length} bytes, too short`);
  const view = viewOf(bytes);
  const end = bytes.length - CRC_BYTES;
  if (view.getUint32(end) !== crc(bytes.subarray(0, end))) return err("crc mismatch");
  if (view.getUint32(0) !== MAGIC[kind]) return err("bad magic");
  if (view.getUint16(4) !== VERSION) return err(`version ${view.getUint16(4)}`);
  const flags = view.getUint16(6);
  if ((flags & ~FLAG_DENSE) !== 0) return err(`unknown flags ${flags}`);
  const count = view.getUint32(48);
  if (INDEX_HEADER_BYTES + count * entryBytes !== end) return err(`${count} entries do not fit`);
  const fields = [8, 16, 24, 32, 40].map((at) => readInt64(view, at));
  if (fields.some(Number.isNaN)) return err("unsafe int64 field");
  const [baseOffset, sizeBytes, nextOffset, maxTimestamp, offsetOfMaxTimestamp] = fields as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (baseOffset < 0 || sizeBytes < 0 || nextOffset < baseOffset) return err("bad summary");
  return ok({
    summary: {
      baseOffset,
      sizeBytes,
      nextOffset,
      maxTimestamp,
      offsetOfMaxTimestamp,
      dense: (flags & FLAG_DENSE) !== 0,
    },
    count,
  });
}

export function decodeOffsetIndexFile(
  bytes: Uint8Array,
  crc: Crc32c,
): Result<Decoded<OffsetIndex>, string> {
  const header = readHeader(bytes, "offset", OFFSET_ENTRY_BYTES, crc);
  if (!header.ok) return header;
  const { summary, count } = header.value;
  const index = new OffsetIndex(summary.baseOffset);
  const view = viewOf(bytes);
  let previous = { offset: -1, position: -1 };
  for (let i = 0; i < count; i++) {
    const at = INDEX_HEADER_BYTES + i * OFFSET_ENTRY_BYTES;
    const offset = summary.baseOffset + view.getUint32(at);
    const position = view.getUint32(at + 4);
    const inOrder = offset > previous.offset && position > previous.position;
    if (!inOrder || offset >= summary.nextOffset || position >= summary.sizeBytes) {
      return err(`entry ${i} out of order or out of the segment`);
    }
    index.append(offset, position);
    previous = { offset, position };
  }
  return ok({ summary, index });
}

export function decodeTimeIndexFile(
  bytes: Uint8Array,
  crc: Crc32c,
): Result<Decoded<TimeIndex>, string> {
  const header = readHeader(bytes, "time", TIME_ENTRY_BYTES, crc);
  if (!header.ok) return header;
  const { summary, count } = header.value;
  const index = new TimeIndex(summary.baseOffset);
  const view = viewOf(bytes);
  for (let i = 0; i < count; i++) {
    const at = INDEX_HEADER_BYTES + i * TIME_ENTRY_BYTES;
    const timestamp = readInt64(view, at);
    const offset = summary.baseOffset + view.getUint32(at + 8);
    const last = index.last();
    const inOrder =
      !Number.isNaN(timestamp) &&
      (last === undefined || (timestamp > last.timestamp && offset > last.offset));
    if (!inOrder || timestamp < 0 || offset >= summary.nextOffset) {
      return err(`time entry ${i} out of order or out of the segment`);
    }
    index.maybeAppend(timestamp, offset);
  }
  return ok({ summary, index });
}

export function sameSummary(a: SegmentSummary, b: SegmentSummary): boolean {
  return (
    a.baseOffset === b.baseOffset &&
    a.sizeBytes === b.sizeBytes &&
    a.nextOffset === b.nextOffset &&
    a.maxTimestamp === b.maxTimestamp &&
    a.offsetOfMaxTimestamp === b.offsetOfMaxTimestamp &&
    a.dense === b.dense
  );
}
