// A snapshot file: a 24-byte header [magic][end offset][epoch][state length][crc32c] then the state
// bytes the owner's state machine produced. Followers fetch the file's bytes verbatim (KIP-630) and
// check the same CRC before installing it.

import type { Epoch, Offset } from "../../ids.ts";
import { limits } from "../../limits.ts";
import type { Crc32c } from "../../log/crc32c.ts";
import { err, ok, type Result } from "../../result.ts";
import { ByteReader } from "../codec/byte-reader.ts";
import { ByteWriter } from "../codec/byte-writer.ts";

/** Identifies a snapshot: it holds every entry below `endOffset`; the last of them had `epoch`. */
export interface SnapshotId {
  readonly endOffset: Offset;
  readonly epoch: Epoch;
}

export const SNAPSHOT_HEADER_BYTES = 24;
const MAGIC = 0x52534e31; // "RSN1"

export function encodeSnapshot(id: SnapshotId, state: Uint8Array, crc: Crc32c): Uint8Array {
  const w = new ByteWriter(SNAPSHOT_HEADER_BYTES + state.length);
  w.u32(MAGIC).i64(id.endOffset).i32(id.epoch).u32(state.length).u32(crc(state)).raw(state);
  return w.finish();
}

export function decodeSnapshot(
  bytes: Uint8Array,
  crc: Crc32c,
): Result<{ readonly id: SnapshotId; readonly state: Uint8Array }, string> {
  const r = new ByteReader(bytes);
  const magic = r.u32();
  const endOffset = r.i64();
  const epoch = r.i32();
  const length = r.u32();
  const stored = r.u32();
  if (r.failure !== undefined) return err(r.failure);
  if (magic !== MAGIC) return err(`snapshot magic ${magic.toString(16)}`);
  if (length > limits.metadataSnapshotBytesMax) return err(`snapshot state of ${length} bytes`);
  if (bytes.length !== SNAPSHOT_HEADER_BYTES + length) {
    return err(`snapshot of ${bytes.length} bytes, header says ${SNAPSHOT_HEADER_BYTES + length}`);
  }
  if (endOffset < 0 || epoch < 0) return err(`snapshot id ${endOffset}/${epoch}`);
  const state = bytes.slice(SNAPSHOT_HEADER_BYTES);
  if (crc(state) !== stored) return err("snapshot crc mismatch");
  return ok({ id: { endOffset, epoch }, state });
}
