// The quorum-state file: the epoch, the leader this node knew and the vote it cast. Written
// atomically (temp, sync, rename) so a crash leaves the old or the new state, never a mix.

import { type Epoch, type NodeId, nodeId } from "../../ids.ts";
import type { Crc32c } from "../../log/crc32c.ts";
import { err, ok, type Result } from "../../result.ts";
import { ByteReader } from "../codec/byte-reader.ts";
import { ByteWriter } from "../codec/byte-writer.ts";

export interface ElectionState {
  readonly epoch: Epoch;
  readonly leaderId?: NodeId;
  readonly votedFor?: NodeId;
}

const VERSION = 1;
const NONE = -1;
/** length + crc + version + epoch + leader + vote */
export const QUORUM_STATE_BYTES = 21;

export function encodeElectionState(state: ElectionState, crc: Crc32c): Uint8Array {
  const w = new ByteWriter(QUORUM_STATE_BYTES);
  w.u32(QUORUM_STATE_BYTES - 4)
    .u32(0)
    .u8(VERSION)
    .i32(state.epoch);
  w.i32(state.leaderId ?? NONE).i32(state.votedFor ?? NONE);
  const bytes = w.finish();
  new DataView(bytes.buffer).setUint32(4, crc(bytes.subarray(8)));
  return bytes;
}

/** Trailing bytes (left by a longer earlier temp file) are ignored: the length field delimits. */
export function decodeElectionState(bytes: Uint8Array, crc: Crc32c): Result<ElectionState, string> {
  const r = new ByteReader(bytes);
  const length = r.u32();
  const stored = r.u32();
  if (r.failure !== undefined) return err(r.failure);
  if (length !== QUORUM_STATE_BYTES - 4 || bytes.length < QUORUM_STATE_BYTES) {
    return err(`quorum-state length ${length} of ${bytes.length} bytes`);
  }
  if (crc(bytes.subarray(8, QUORUM_STATE_BYTES)) !== stored)
    return err("quorum-state crc mismatch");
  const version = r.u8();
  const epoch = r.i32();
  const leader = r.i32();
  const voted = r.i32();
  if (version !== VERSION) return err(`quorum-state version ${version}`);
  if (epoch < 0) return err(`quorum-state epoch ${epoch}`);
  return ok({
    epoch,
    ...(leader === NONE ? {} : { leaderId: nodeId(leader) }),
    ...(voted === NONE ? {} : { votedFor: nodeId(voted) }),
  });
}
