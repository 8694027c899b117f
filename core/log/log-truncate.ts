// Truncation for followers: drop every batch at or past an offset, across segments, newest files
// first so that a crash at any step leaves a prefix of the log. A cut inside a segment needs its
// batch boundaries, so truncateTo completes through a continuation; appends wait for it.

import { assert, assertNonNegativeInteger } from "../assert.ts";
import { limits } from "../limits.ts";
import { withIndexes } from "./index-load.ts";
import {
  clampPendingSyncs,
  deleteFile,
  deleteSegmentFiles,
  goOffline,
  mutate,
  segmentPath,
  writeEpochCheckpoint,
  writeLogCheckpoint,
} from "./log-disk.ts";
import { OFFSET_INDEX_SUFFIX, TIME_INDEX_SUFFIX } from "./log-files.ts";
import { halted, type LogContext } from "./log-state.ts";
import { lastOffset } from "./record-batch.ts";
import { emptyIndexes, Segment, type SegmentIndexes } from "./segment.ts";
import { scanSegment } from "./segment-scan.ts";

export function abortCompaction(ctx: LogContext): void {
  const job = ctx.state.compaction;
  if (job !== null) job.aborted = true;
}

/** Drops every batch with an offset >= `offset`; `done` gets the new log end offset. */
export function truncateTo(
  ctx: LogContext,
  offset: number,
  done: (logEndOffset: number) => void,
): void {
  const state = ctx.state;
  if (halted(state)) {
    done(state.logEndOffset);
    return;
  }
  assert(state.phase === "ready", `truncate a log that is ${state.phase}`);
  assert(!state.truncating, "truncation already in progress");
  assertNonNegativeInteger(offset, "truncation offset");
  if (offset >= state.logEndOffset) {
    done(state.logEndOffset);
    return;
  }
  if (offset < state.logStartOffset) {
    truncateFullyAndStartAt(ctx, offset, "truncation below the log start offset");
    done(offset);
    return;
  }
  state.truncating = true;
  abortCompaction(ctx);
  // Durability vouched for bytes that are going away; it must not cover their replacements. The
  // offsets that may not pass the log end drop at once: the log end falls to `offset` or below
  // while the cut completes (finishTruncation clamps them to where it lands).
  state.recoveryPoint = Math.min(state.recoveryPoint, offset);
  state.highWatermark = Math.min(state.highWatermark, offset);
  state.cleanerCheckpoint = Math.min(state.cleanerCheckpoint, offset);
  clampPendingSyncs(ctx, offset);
  state.tailCache.truncateTo(offset, offset);
  while (state.segments.length > 1 && state.active.baseOffset >= offset) {
    deleteSegmentFiles(ctx, state.segments.pop()!);
  }
  const last = state.active;
  if (last.baseOffset >= offset) {
    // Only the first segment is left and it starts exactly at `offset`: start it again, empty.
    deleteSegmentFiles(ctx, state.segments.pop()!);
    state.segments.push(Segment.empty(offset));
    finishTruncation(ctx, offset, done);
    return;
  }
  cutSegment(ctx, last, offset, (logEnd) => finishTruncation(ctx, logEnd, done));
}

/**
 * Finds where the first batch with an offset >= `offset` starts in `segment` and cuts the file
 * there, keeping its indexes and largest timestamp exact. The scan starts at the last index entry
 * of a batch wholly below `offset`: the time index holds the largest timestamp up to it.
 */
function cutSegment(
  ctx: LogContext,
  segment: Segment,
  offset: number,
  done: (logEnd: number) => void,
): void {
  withIndexes(ctx, segment, (loaded) => {
    if (ctx.state.phase !== "ready") return done(ctx.state.logEndOffset);
    ctx.state.indexCache.delete(segment.baseOffset);
    const rebuild = loaded === null;
    const indexes = loaded ?? emptyIndexes(segment.baseOffset);
    const start = rebuild ? 0 : indexes.offsetIndex.lookup(offset - 1).position;
    const builder = Segment.empty(segment.baseOffset);
    let scanned = { maxTimestamp: -1, offsetOfMaxTimestamp: -1, nextOffset: segment.baseOffset };
    const visit = (
      _batch: Uint8Array,
      header: Parameters<Segment["addBatch"]>[0],
      position: number,
    ) => {
      const last = lastOffset(header);
      if (last >= offset) return false;
      if (rebuild) builder.addBatch(header, position, ctx.config.indexIntervalBytes);
      if (header.maxTimestamp > scanned.maxTimestamp) {
        scanned = { ...scanned, maxTimestamp: header.maxTimestamp, offsetOfMaxTimestamp: last };
      }
      scanned.nextOffset = last + 1;
      return true;
    };
    const path = segmentPath(ctx, segment.baseOffset);
    const options = {
      path,
      start,
      end: segment.sizeBytes,
      chunkBytes: limits.logReadChunkBytes,
      crc: null,
    };
    scanSegment(ctx.io, options, visit, (outcome) => {
      if (outcome.type === "io-error") {
        goOffline(ctx, `truncation read failed: ${outcome.code} ${outcome.message}`);
        ctx.state.truncating = false;
        return done(ctx.state.logEndOffset);
      }
      if (outcome.type === "invalid") ctx.outbox.mark("log-truncation-stopped-at-corruption");
      const cut =
        outcome.type === "end" || outcome.type === "changed" ? segment.sizeBytes : outcome.position;
      const finalIndexes = rebuild ? builder.indexes! : indexes;
      applyCut(ctx, segment, cut, finalIndexes, rebuild ? builder.summary() : scanned);
      done(segment.nextOffset);
    });
  });
}

interface CutSummary {
  readonly dense?: boolean;
  readonly maxTimestamp: number;
  readonly offsetOfMaxTimestamp: number;
  readonly nextOffset: number;
}

function applyCut(
  ctx: LogContext,
  segment: Segment,
  cut: number,
  indexes: SegmentIndexes,
  scanned: CutSummary,
): void {
  const oldSize = segment.sizeBytes;
  indexes.offsetIndex.truncateToPosition(cut);
  indexes.timeIndex.truncateToOffset(scanned.nextOffset);
  const kept = indexes.timeIndex.last();
  const keptWins = kept !== undefined && kept.timestamp >= scanned.maxTimestamp;
  segment.maxTimestamp = keptWins ? kept.timestamp : scanned.maxTimestamp;
  segment.offsetOfMaxTimestamp = keptWins ? kept.offset : scanned.offsetOfMaxTimestamp;
  segment.sizeBytes = cut;
  segment.nextOffset = scanned.nextOffset;
  if (scanned.dense !== undefined) segment.dense = scanned.dense;
  segment.generation++;
  segment.reopen(indexes, cut - (indexes.offsetIndex.last()?.position ?? 0));
  assert(segment.nextOffset >= segment.baseOffset, "cut below the segment base");
  if (segment.offsetIndexFileBytes > 0) {
    deleteFile(ctx, segmentPath(ctx, segment.baseOffset, OFFSET_INDEX_SUFFIX));
    deleteFile(ctx, segmentPath(ctx, segment.baseOffset, TIME_INDEX_SUFFIX));
    segment.offsetIndexFileBytes = 0;
    segment.timeIndexFileBytes = 0;
  }
  if (cut < oldSize)
    mutate(ctx, { type: "truncate", path: segmentPath(ctx, segment.baseOffset), size: cut });
}

function finishTruncation(
  ctx: LogContext,
  logEnd: number,
  done: (logEndOffset: number) => void,
): void {
  const state = ctx.state;
  state.truncating = false;
  if (state.phase !== "ready") {
    done(state.logEndOffset);
    return;
  }
  assert(
    state.logEndOffset === logEnd,
    `truncation ended at ${logEnd}, log at ${state.logEndOffset}`,
  );
  state.tailCache.truncateTo(logEnd, logEnd);
  if (state.logStartOffset > logEnd) {
    ctx.outbox.mark("log-truncation-below-log-start-inside-batch");
    state.logStartOffset = logEnd;
  }
  settleAfterTruncation(ctx, logEnd);
  ctx.outbox.trace({
    type: "log-truncated",
    topic: ctx.topic,
    partition: ctx.partition,
    logEndOffset: logEnd,
    reason: "truncate to offset",
  });
  done(logEnd);
}

/** Offsets that may not pass the new log end, and the checkpoints that must say so at once. */
function settleAfterTruncation(ctx: LogContext, logEnd: number): void {
  const state = ctx.state;
  if (state.epochs.truncateFromEnd(logEnd)) writeEpochCheckpoint(ctx);
  state.highWatermark = Math.min(state.highWatermark, logEnd);
  state.recoveryPoint = Math.min(state.recoveryPoint, logEnd);
  state.cleanerCheckpoint = Math.min(state.cleanerCheckpoint, logEnd);
  clampPendingSyncs(ctx, logEnd);
  // Recovery trusts bytes below the persisted recovery point: it must drop before new bytes land.
  writeLogCheckpoint(ctx, undefined);
}

/** Deletes every segment and starts empty at `offset` (a follower whose leader's log start is ahead). */
export function truncateFullyAndStartAt(ctx: LogContext, offset: number, reason: string): void {
  const state = ctx.state;
  if (halted(state)) return;
  assert(state.phase === "ready", `truncate a log that is ${state.phase}`);
  assert(!state.truncating, "truncation already in progress");
  assertNonNegativeInteger(offset, "new log start offset");
  abortCompaction(ctx);
  while (state.segments.length > 0) deleteSegmentFiles(ctx, state.segments.pop()!);
  state.indexCache.clear();
  state.segments.push(Segment.empty(offset));
  state.logStartOffset = offset;
  state.tailCache.reset(offset);
  if (state.epochs.clear()) writeEpochCheckpoint(ctx);
  state.highWatermark = offset;
  state.recoveryPoint = offset;
  state.cleanerCheckpoint = offset;
  clampPendingSyncs(ctx, offset);
  writeLogCheckpoint(ctx, undefined);
  ctx.outbox.trace({
    type: "log-truncated",
    topic: ctx.topic,
    partition: ctx.partition,
    logEndOffset: offset,
    reason,
  });
}
