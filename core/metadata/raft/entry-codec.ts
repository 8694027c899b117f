// One entry of the metadata log, on disk and on the wire alike: [length u32][crc32c u32][offset
// i64][epoch i32][record]. The CRC covers offset, epoch and record, so a replica appends the bytes
// it fetched unchanged and every copy of an entry is byte-identical.

import type { Epoch, Offset } from "../../ids.ts";
import { limits } from "../../limits.ts";
import type { Crc32c } from "../../log/crc32c.ts";
import { err, ok, type Result } from "../../result.ts";
import { ByteWriter } from "../codec/byte-writer.ts";
import { readRecord, writeRecord } from "../codec/record-codec.ts";
import type { RaftRecord } from "../records.ts";

/** length + crc + offset + epoch. */
export const ENTRY_OVERHEAD = 20;
const BODY_START = 8;

export interface LogEntry {
  readonly offset: Offset;
  readonly epoch: Epoch;
  readonly record: RaftRecord;
}

/** Where an entry sits inside a byte array, after its CRC was checked. */
export interface EntryFrame {
  readonly offset: Offset;
  readonly epoch: Epoch;
  /** Position of the length field. */
  readonly start: number;
  /** One past the last byte. */
  readonly end: number;
}

export function encodeEntry(entry: LogEntry, crc: Crc32c): Uint8Array {
  const w = new ByteWriter(64);
  w.u32(0).u32(0).i64(entry.offset).i32(entry.epoch);
  writeRecord(w, entry.record);
  const bytes = w.finish();
  const view = new DataView(bytes.buffer);
  view.setUint32(0, bytes.length - 4);
  view.setUint32(4, crc(bytes.subarray(BODY_START)));
  return bytes;
}

/** Encodes consecutive records of one epoch from `firstOffset`, with their frames. */
export function encodeEntries(
  epoch: Epoch,
  firstOffset: Offset,
  records: readonly RaftRecord[],
  crc: Crc32c,
): { readonly bytes: Uint8Array; readonly frames: EntryFrame[] } {
  const parts = records.map((record, i) =>
    encodeEntry({ offset: firstOffset + i, epoch, record }, crc),
  );
  const bytes = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  const frames: EntryFrame[] = [];
  let at = 0;
  parts.forEach((p, i) => {
    bytes.set(p, at);
    frames.push({ offset: firstOffset + i, epoch, start: at, end: at + p.length });
    at += p.length;
  });
  return { bytes, frames };
}

/** Why a scan stopped before the end of its bytes. */
export type ScanStop =
  | { readonly type: "end" }
  /** The last entry is cut short: more bytes may follow on disk, or the tail is torn. */
  | { readonly type: "partial"; readonly at: number; readonly needBytes: number }
  | { readonly type: "corrupt"; readonly at: number; readonly reason: string };

export interface ScanResult {
  readonly frames: EntryFrame[];
  /** Bytes of whole, valid entries from `start`. */
  readonly validEnd: number;
  readonly stop: ScanStop;
}

/**
 * Walks entries in bytes[start, end), checking lengths and CRCs and, when `firstOffset` is given,
 * that offsets run on from it without gaps. Never throws on bad bytes.
 */
export function scanEntries(
  bytes: Uint8Array,
  crc: Crc32c,
  start = 0,
  end = bytes.length,
  firstOffset?: Offset,
): ScanResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames: EntryFrame[] = [];
  let at = start;
  let expected = firstOffset;
  while (at < end) {
    if (end - at < 4) return { frames, validEnd: at, stop: partial(at, ENTRY_OVERHEAD) };
    const size = view.getUint32(at) + 4;
    if (size < ENTRY_OVERHEAD + 1 || size > limits.metadataEntryBytesMax) {
      return { frames, validEnd: at, stop: corrupt(at, `entry length ${size}`) };
    }
    if (end - at < size) return { frames, validEnd: at, stop: partial(at, size) };
    if (crc(bytes.subarray(at + BODY_START, at + size)) !== view.getUint32(at + 4)) {
      return { frames, validEnd: at, stop: corrupt(at, "crc mismatch") };
    }
    const offset = view.getInt32(at + BODY_START) * 2 ** 32 + view.getUint32(at + BODY_START + 4);
    const epoch = view.getInt32(at + BODY_START + 8);
    if (!Number.isSafeInteger(offset) || offset < 0 || epoch < 0) {
      return { frames, validEnd: at, stop: corrupt(at, `offset ${offset} epoch ${epoch}`) };
    }
    if (expected !== undefined && offset !== expected) {
      return { frames, validEnd: at, stop: corrupt(at, `offset ${offset}, expected ${expected}`) };
    }
    frames.push({ offset, epoch, start: at, end: at + size });
    if (expected !== undefined) expected = offset + 1;
    at += size;
  }
  return { frames, validEnd: at, stop: { type: "end" } };
}

function partial(at: number, needBytes: number): ScanStop {
  return { type: "partial", at, needBytes };
}

function corrupt(at: number, reason: string): ScanStop {
  return { type: "corrupt", at, reason };
}

/** The record of a frame found by scanEntries (its CRC already checked). */
export function readEntryRecord(bytes: Uint8Array, frame: EntryFrame): Result<LogEntry, string> {
  const record = readRecord(bytes, frame.start + ENTRY_OVERHEAD, frame.end);
  if (!record.ok) return err(`entry ${frame.offset}: ${record.error}`);
  return ok({ offset: frame.offset, epoch: frame.epoch, record: record.value });
}

/** Decodes every entry of bytes (all whole, all valid), or says why not. */
export function decodeEntries(bytes: Uint8Array, crc: Crc32c): Result<LogEntry[], string> {
  const scan = scanEntries(bytes, crc);
  if (scan.stop.type !== "end") return err(`entries ${scan.stop.type} at ${scan.stop.at}`);
  const entries: LogEntry[] = [];
  for (const frame of scan.frames) {
    const entry = readEntryRecord(bytes, frame);
    if (!entry.ok) return entry;
    entries.push(entry.value);
  }
  return ok(entries);
}
