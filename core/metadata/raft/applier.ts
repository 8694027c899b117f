// Committed entries flow to the owner's state machine in offset order, from the in-memory tail or
// from bounded disk reads; once the log above the snapshot outgrows the threshold, a snapshot is
// taken at the applied offset (always committed) and the segments below it are deleted.

import { assert } from "../../assert.ts";
import type { Offset } from "../../ids.ts";
import { readRecord } from "../codec/record-codec.ts";
import type { RaftContext } from "./context.ts";
import { ENTRY_OVERHEAD, readEntryRecord, scanEntries } from "./entry-codec.ts";
import { wakeParked } from "./leader.ts";
import { epochOf } from "./roles.ts";
import { encodeSnapshot } from "./snapshot-codec.ts";
import { halt } from "./transitions.ts";

export function setHighWatermark(ctx: RaftContext, highWatermark: Offset): void {
  assert(highWatermark >= ctx.highWatermark, "high watermark going back");
  assert(highWatermark <= ctx.log.logEndOffset, "high watermark above log end offset");
  if (highWatermark === ctx.highWatermark) return;
  ctx.highWatermark = highWatermark;
  ctx.highWatermarkSeen = Math.max(ctx.highWatermarkSeen, highWatermark);
  ctx.outbox.trace({ type: "raft-commit-advanced", epoch: epochOf(ctx.role), highWatermark });
  applyCommitted(ctx);
  wakeParked(ctx);
}

/** Applies what is committed and not yet applied; reads from disk what the tail lost. */
export function applyCommitted(ctx: RaftContext): void {
  if (ctx.role.type === "halted" || ctx.role.type === "recovering") return;
  while (ctx.applied < ctx.highWatermark) {
    const entry = ctx.log.tailEntry(ctx.applied);
    if (entry === undefined) {
      readForApply(ctx);
      return;
    }
    const record = readRecord(entry.bytes, ENTRY_OVERHEAD, entry.bytes.length);
    if (!record.ok) {
      halt(ctx, `committed entry ${entry.offset} does not decode: ${record.error}`);
      return;
    }
    ctx.stateMachine.apply(record.value, entry.offset, entry.epoch);
    ctx.applied++;
  }
  ctx.log.trimTail(ctx.applied);
  maybeTakeSnapshot(ctx);
}

function readForApply(ctx: RaftContext): void {
  if (ctx.applyReading) return;
  ctx.applyReading = true;
  ctx.outbox.mark("raft-apply-read-from-disk");
  const from = ctx.applied;
  const generation = ctx.applyGeneration;
  ctx.log.read(from, ctx.config.readChunkBytes, (result) => {
    ctx.applyReading = false;
    if (generation !== ctx.applyGeneration || ctx.applied !== from) {
      applyCommitted(ctx);
      return;
    }
    if (!result.ok) {
      halt(ctx, `committed entries at ${from} unreadable: ${result.error}`);
      return;
    }
    const bytes = result.value;
    const scan = scanEntries(bytes, ctx.config.crc, 0, bytes.length, from);
    for (const frame of scan.frames) {
      if (frame.offset >= ctx.highWatermark) break;
      const entry = readEntryRecord(bytes, frame);
      if (!entry.ok) {
        halt(ctx, entry.error);
        return;
      }
      ctx.stateMachine.apply(entry.value.record, frame.offset, frame.epoch);
      ctx.applied++;
    }
    applyCommitted(ctx);
  });
}

/** KIP-630: snapshot once the log above the last snapshot holds snapshotThresholdBytes. */
function maybeTakeSnapshot(ctx: RaftContext): void {
  if (ctx.snapshots.writing || ctx.applyReading) return;
  const role = ctx.role;
  if (role.type === "follower" && role.snapshot !== undefined) return;
  const base = ctx.log.snapshot?.endOffset ?? 0;
  if (ctx.applied <= base || ctx.applied <= ctx.log.logStartOffset) return;
  if (
    ctx.log.bytesFrom(Math.max(base, ctx.log.logStartOffset)) < ctx.config.snapshotThresholdBytes
  ) {
    return;
  }
  const id = { endOffset: ctx.applied, epoch: ctx.log.epochs.epochAt(ctx.applied - 1) };
  const state = ctx.stateMachine.snapshot();
  const bytes = encodeSnapshot(id, state, ctx.config.crc);
  ctx.snapshots.write(id, bytes, () => {
    if (ctx.role.type === "halted") return;
    ctx.outbox.trace({ type: "raft-snapshot-taken", ...id, bytes: bytes.length });
    // A fetched snapshot may have replaced the log meanwhile; only advance over what still matches.
    if (ctx.log.contains(id.endOffset - 1, id.epoch)) ctx.log.advanceLogStart(id);
  });
}
