// Retention and DeleteRecords: whole segments leave the log, oldest first, never the active one and
// never one holding offsets at or past the high watermark (as in Kafka). The log start offset then
// moves to the first remaining segment, and the leader epoch cache forgets what went with them.

import { assert } from "../assert.ts";
import type { Millis } from "../ids.ts";
import { deletes, type LogConfig } from "./log-config.ts";
import { deleteSegmentFiles, writeEpochCheckpoint, writeLogCheckpoint } from "./log-disk.ts";
import { halted, type LogContext } from "./log-state.ts";

export interface RetentionSegment {
  readonly baseOffset: number;
  readonly sizeBytes: number;
  readonly maxTimestamp: number;
}

export type RetentionReason = "retention-ms" | "retention-bytes";

export interface RetentionPlan {
  /** How many of the oldest segments to delete. */
  readonly count: number;
  readonly reason: RetentionReason | null;
}

/**
 * Pure: how many of the oldest segments retention deletes. A candidate is closed and wholly below
 * the high watermark; by time its largest timestamp is older than retention.ms (segments without
 * timestamps never expire by time), by size the log stays >= retention.bytes without it.
 */
export function planRetention(
  segments: readonly RetentionSegment[],
  config: Pick<LogConfig, "retentionMs" | "retentionBytes" | "cleanupPolicy">,
  now: Millis,
  highWatermark: number,
): RetentionPlan {
  if (!deletes(config.cleanupPolicy)) return { count: 0, reason: null };
  let candidates = 0;
  while (
    candidates < segments.length - 1 &&
    segments[candidates + 1]!.baseOffset <= highWatermark
  ) {
    candidates++;
  }
  let byTime = 0;
  if (config.retentionMs >= 0) {
    while (byTime < candidates) {
      const maxTimestamp = segments[byTime]!.maxTimestamp;
      if (maxTimestamp < 0 || now - maxTimestamp <= config.retentionMs) break;
      byTime++;
    }
  }
  let bySize = byTime;
  if (config.retentionBytes >= 0) {
    let excess = segments.reduce((sum, s) => sum + s.sizeBytes, 0) - config.retentionBytes;
    for (let i = 0; i < byTime; i++) excess -= segments[i]!.sizeBytes;
    while (bySize < candidates && excess - segments[bySize]!.sizeBytes >= 0) {
      excess -= segments[bySize]!.sizeBytes;
      bySize++;
    }
  }
  if (bySize > byTime) return { count: bySize, reason: "retention-bytes" };
  return { count: byTime, reason: byTime > 0 ? "retention-ms" : null };
}

/** Deletes the `count` oldest segments and moves the log start offset past them. */
export function deleteOldestSegments(
  ctx: LogContext,
  count: number,
  reason: RetentionReason | "log-start-offset",
): number[] {
  const state = ctx.state;
  assert(count < state.segments.length, "retention may not delete the active segment");
  const deleted = state.segments.splice(0, count);
  for (const segment of deleted) deleteSegmentFiles(ctx, segment);
  const logStart = Math.max(state.logStartOffset, state.segments[0]!.baseOffset);
  moveLogStart(ctx, logStart);
  const baseOffsets = deleted.map((s) => s.baseOffset);
  ctx.outbox.trace({
    type: "log-segments-deleted",
    topic: ctx.topic,
    partition: ctx.partition,
    baseOffsets,
    reason,
    logStartOffset: logStart,
  });
  return baseOffsets;
}

function moveLogStart(ctx: LogContext, logStart: number): void {
  const state = ctx.state;
  state.logStartOffset = logStart;
  state.cleanerCheckpoint = Math.max(state.cleanerCheckpoint, logStart);
  // The log start offset first: an epoch file forgetting epochs below a log start that a crash
  // then reverted would make recovery doubt the batches between the two.
  writeLogCheckpoint(ctx, undefined);
  if (state.epochs.truncateFromStart(logStart)) writeEpochCheckpoint(ctx);
}

/** DeleteRecords: offsets below `offset` are gone for readers; whole segments below it are deleted. */
export function advanceLogStartOffset(ctx: LogContext, offset: number): void {
  const state = ctx.state;
  if (halted(state)) return;
  assert(state.phase === "ready", `log start offset of a log that is ${state.phase}`);
  assert(!state.truncating, "log start offset moved during a truncation");
  assert(offset <= state.highWatermark, `log start offset ${offset} past the high watermark`);
  if (offset <= state.logStartOffset) return;
  let count = 0;
  while (count < state.segments.length - 1 && state.segments[count + 1]!.baseOffset <= offset)
    count++;
  if (count > 0) {
    state.logStartOffset = offset;
    deleteOldestSegments(ctx, count, "log-start-offset");
  } else {
    moveLogStart(ctx, offset);
  }
}
