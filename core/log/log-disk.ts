// How a partition log changes its files: every mutating disk operation takes the log offline if it
// fails (as Kafka marks a log dir offline on an IOException), small files are replaced atomically
// (write temp, sync, rename), and durability advances only when a sync of the bytes completes.

import type { DiskOp } from "../disk.ts";
import { encodeLeaderEpochCheckpoint } from "./leader-epoch-cache.ts";
import { encodeLogCheckpoint } from "./log-checkpoint.ts";
import {
  LEADER_EPOCH_CHECKPOINT,
  OFFSET_INDEX_SUFFIX,
  offsetFileName,
  PARTITION_CHECKPOINT,
  SEGMENT_SUFFIX,
  TEMP_SUFFIX,
  TIME_INDEX_SUFFIX,
} from "./log-files.ts";
import { halted, type LogContext, type PendingSync } from "./log-state.ts";
import type { Segment } from "./segment.ts";

export function pathOf(ctx: LogContext, name: string): string {
  return `${ctx.dir}/${name}`;
}

export function segmentPath(ctx: LogContext, baseOffset: number, suffix = SEGMENT_SUFFIX): string {
  return pathOf(ctx, offsetFileName(baseOffset, suffix));
}

export function goOffline(ctx: LogContext, reason: string): void {
  const state = ctx.state;
  if (halted(state)) return;
  state.phase = "offline";
  state.offlineReason = reason;
  state.pendingSyncs = [];
  ctx.outbox.trace({ type: "log-offline", topic: ctx.topic, partition: ctx.partition, reason });
  ctx.listener.onOffline?.(reason);
}

/** Submits a mutating operation; a failure (ENOENT too, unless `missingOk`) takes the log offline. */
export function mutate(
  ctx: LogContext,
  op: DiskOp,
  onDone?: () => void,
  options: { missingOk?: boolean } = {},
): void {
  ctx.io.submit(op, (result) => {
    const missing = !result.ok && result.code === "ENOENT" && options.missingOk === true;
    if (!result.ok && !missing) {
      goOffline(ctx, `${op.type} failed: ${result.code} ${result.message}`);
      return;
    }
    if (!halted(ctx.state)) onDone?.();
  });
}

/** Replaces `name` with `bytes` so that a crash leaves either the old or the new file. */
export function writeAtomically(
  ctx: LogContext,
  name: string,
  bytes: Uint8Array,
  onDurable?: () => void,
): void {
  const target = pathOf(ctx, name);
  const temp = `${target}${TEMP_SUFFIX}`;
  mutate(ctx, { type: "write", path: temp, position: 0, bytes });
  mutate(ctx, { type: "sync", path: temp });
  mutate(ctx, { type: "rename", from: temp, to: target }, onDurable);
}

export function deleteFile(ctx: LogContext, path: string): void {
  mutate(ctx, { type: "delete", path }, undefined, { missingOk: true });
}

/** Deletes a segment and its index files; the .log goes first, orphan indexes are harmless. */
export function deleteSegmentFiles(ctx: LogContext, segment: Segment): void {
  segment.removed = true;
  segment.offsetIndexFileBytes = 0;
  segment.timeIndexFileBytes = 0;
  ctx.state.indexCache.delete(segment.baseOffset);
  deleteFile(ctx, segmentPath(ctx, segment.baseOffset));
  deleteFile(ctx, segmentPath(ctx, segment.baseOffset, OFFSET_INDEX_SUFFIX));
  deleteFile(ctx, segmentPath(ctx, segment.baseOffset, TIME_INDEX_SUFFIX));
}

export function writeLogCheckpoint(ctx: LogContext, now: number | undefined): void {
  const state = ctx.state;
  const checkpoint = state.checkpoint();
  state.persisted = checkpoint;
  if (now !== undefined) state.lastCheckpointMs = now;
  writeAtomically(ctx, PARTITION_CHECKPOINT, encodeLogCheckpoint(checkpoint, ctx.crc));
}

export function writeEpochCheckpoint(ctx: LogContext): void {
  const bytes = encodeLeaderEpochCheckpoint(ctx.state.epochs.entries(), ctx.crc);
  writeAtomically(ctx, LEADER_EPOCH_CHECKPOINT, bytes);
}

/** Whether the persisted checkpoint differs from the state. */
export function checkpointDirty(ctx: LogContext): boolean {
  const persisted = ctx.state.persisted;
  const current = ctx.state.checkpoint();
  return (
    persisted === null ||
    persisted.logStartOffset !== current.logStartOffset ||
    persisted.recoveryPoint !== current.recoveryPoint ||
    persisted.highWatermark !== current.highWatermark ||
    persisted.cleanerCheckpoint !== current.cleanerCheckpoint
  );
}

/**
 * Syncs every segment with unsynced writes. When the last of those syncs completes, every byte
 * below today's log end offset is durable (operations complete in issue order).
 */
export function syncSegments(ctx: LogContext): void {
  const state = ctx.state;
  if (state.phase !== "ready") return;
  const target = state.logEndOffset;
  const dirty = state.segments.filter((segment) => segment.unsynced);
  state.unflushedRecords = 0;
  state.firstUnflushedMs = undefined;
  if (dirty.length === 0) {
    const last = state.pendingSyncs.at(-1);
    if (last !== undefined) last.target = Math.max(last.target, target);
    else advanceRecoveryPoint(ctx, target);
    return;
  }
  const pending: PendingSync = { target };
  state.pendingSyncs.push(pending);
  dirty.forEach((segment, i) => {
    segment.unsynced = false;
    const last = i === dirty.length - 1;
    mutate(ctx, { type: "sync", path: segmentPath(ctx, segment.baseOffset) }, () => {
      if (!last) return;
      state.pendingSyncs = state.pendingSyncs.filter((p) => p !== pending);
      advanceRecoveryPoint(ctx, pending.target);
    });
  });
}

function advanceRecoveryPoint(ctx: LogContext, target: number): void {
  const state = ctx.state;
  const clamped = Math.min(target, state.logEndOffset);
  if (clamped <= state.recoveryPoint) return;
  state.recoveryPoint = clamped;
  ctx.listener.onDurable?.(clamped);
}

/** After a truncation to `offset`, no sync in flight may vouch for bytes at or past it. */
export function clampPendingSyncs(ctx: LogContext, offset: number): void {
  for (const pending of ctx.state.pendingSyncs) pending.target = Math.min(pending.target, offset);
}
