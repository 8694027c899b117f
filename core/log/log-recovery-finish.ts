// The last step of recovery: from what the scan found, set log start offset, log end offset, high
// watermark, recovery point and leader epochs, persist what changed, and start syncing the scanned
// tail (it may sit only in the page cache after a process crash).

import { assert } from "../assert.ts";
import type { Millis } from "../ids.ts";
import { LeaderEpochCache } from "./leader-epoch-cache.ts";
import {
  deleteSegmentFiles,
  syncSegments,
  writeEpochCheckpoint,
  writeLogCheckpoint,
} from "./log-disk.ts";
import type { RecoveryFindings } from "./log-recovery.ts";
import type { LogContext } from "./log-state.ts";
import { Segment } from "./segment.ts";

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

/** Epochs below the scan come from the checkpoint file, those from the scan on from the batches. */
function rebuildEpochs(findings: RecoveryFindings): LeaderEpochCache {
  const fromFile = findings.fileEpochs;
  const cutoff =
    fromFile === null ? Number.NEGATIVE_INFINITY : (findings.scanFrom ?? Number.POSITIVE_INFINITY);
  const cache = new LeaderEpochCache((fromFile ?? []).filter((e) => e.startOffset < cutoff));
  for (const entry of findings.scannedEpochs) {
    if (entry.startOffset >= cutoff) cache.assign(entry.epoch, entry.startOffset);
  }
  return cache;
}

function sameEpochs(cache: LeaderEpochCache, entries: RecoveryFindings["fileEpochs"]): boolean {
  const current = cache.entries();
  if (entries === null || entries.length !== current.length) return false;
  return current.every(
    (e, i) => e.epoch === entries[i]!.epoch && e.startOffset === entries[i]!.startOffset,
  );
}

/**
 * An empty last segment (a roll whose first append a crash lost, or a tail cut to nothing) would
 * put the log end offset at its base, past the data: the log continues where the data ends.
 */
function dropTrailingEmptySegments(ctx: LogContext): void {
  const segments = ctx.state.segments;
  let dropped = false;
  while (segments.length > 1 && segments.at(-1)!.isEmpty) {
    deleteSegmentFiles(ctx, segments.pop()!);
    dropped = true;
  }
  if (!dropped) return;
  ctx.outbox.mark("log-recovery-dropped-empty-tail-segment");
  segments.push(Segment.empty(segments.at(-1)!.nextOffset));
}

export function finishRecovery(ctx: LogContext, now: Millis, findings: RecoveryFindings): void {
  const state = ctx.state;
  const checkpoint = findings.checkpoint;
  state.segments =
    findings.segments.length > 0
      ? findings.segments
      : [Segment.empty(checkpoint?.logStartOffset ?? 0)];
  dropTrailingEmptySegments(ctx);
  let logEnd = state.logEndOffset;
  const logStart = Math.max(checkpoint?.logStartOffset ?? 0, state.segments[0]!.baseOffset);
  const epochs = rebuildEpochs(findings);
  if (logStart > logEnd) {
    // The log start moved past data that a crash then lost (or a full truncation was cut short).
    ctx.outbox.mark("log-recovery-log-start-ahead-of-end");
    findings.reasons.push(`log start offset ${logStart} ahead of log end ${logEnd}`);
    for (const segment of [...state.segments].reverse()) deleteSegmentFiles(ctx, segment);
    state.segments = [Segment.empty(logStart)];
    epochs.clear();
    logEnd = logStart;
  }
  while (state.segments.length > 1 && state.segments[1]!.baseOffset <= logStart) {
    ctx.outbox.mark("log-recovery-deleted-segment-below-log-start");
    deleteSegmentFiles(ctx, state.segments.shift()!);
  }
  epochs.truncateFromEnd(logEnd);
  epochs.truncateFromStart(logStart);
  state.epochs = epochs;
  state.active.rollBaseMs = now;
  assert(state.active.indexes !== null, "the active segment must hold its indexes");
  state.logStartOffset = logStart;
  state.highWatermark = clamp(checkpoint?.highWatermark ?? logStart, logStart, logEnd);
  state.recoveryPoint = clamp(checkpoint?.recoveryPoint ?? 0, 0, logEnd);
  state.cleanerCheckpoint = clamp(checkpoint?.cleanerCheckpoint ?? 0, 0, logEnd);
  state.tailCache.reset(logEnd);
  state.phase = "ready";
  if (!sameEpochs(epochs, findings.fileEpochs)) writeEpochCheckpoint(ctx);
  writeLogCheckpoint(ctx, now);
  ctx.outbox.trace({
    type: "log-recovered",
    topic: ctx.topic,
    partition: ctx.partition,
    logStartOffset: logStart,
    logEndOffset: logEnd,
    truncatedBytes: findings.truncatedBytes,
    reason: findings.reasons.length === 0 ? "clean" : findings.reasons.join("; "),
    recoveryPoint: state.recoveryPoint,
    scannedBytes: findings.scannedBytes,
    segments: state.segments.length,
    rebuiltIndexes: findings.rebuiltIndexes,
  });
  syncSegments(ctx);
}
