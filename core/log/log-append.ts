// Appending to a partition log: the leader stamps offsets and its leader epoch into validated
// batches, a follower takes the leader's offsets as they are. Memory state (log end offset,
// indexes, epoch cache, tail cache) changes at once; one `write` per segment carries the bytes.

import { assert } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import type { Millis } from "../ids.ts";
import { err, ok, type Result } from "../result.ts";
import { encodeOffsetIndexFile, encodeTimeIndexFile } from "./index-file.ts";
import {
  mutate,
  segmentPath,
  syncSegments,
  writeAtomically,
  writeEpochCheckpoint,
} from "./log-disk.ts";
import { OFFSET_INDEX_SUFFIX, offsetFileName, TIME_INDEX_SUFFIX } from "./log-files.ts";
import { deleteOldestSegments } from "./log-retention.ts";
import { halted, type LogContext } from "./log-state.ts";
import type { AppendRejection, ValidatedRecords } from "./log-validate.ts";
import { batchSizeBytes, lastOffset, type RecordBatchHeader, stampBatch } from "./record-batch.ts";
import { RELATIVE_OFFSET_MAX, Segment, type SegmentIndexes } from "./segment.ts";

export interface AppendInfo {
  /** Base offset of the first batch appended. */
  readonly firstOffset: number;
  /** Last offset of the last batch appended. */
  readonly lastOffset: number;
  readonly recordCount: number;
}

export type AppendOutcome = Result<AppendInfo, AppendRejection>;

function assertAppendable(ctx: LogContext): AppendOutcome | null {
  const state = ctx.state;
  if (halted(state)) {
    return err({
      error: ErrorCode.KAFKA_STORAGE_ERROR,
      message: `log ${state.phase}: ${state.offlineReason ?? "closed by its owner"}`,
    });
  }
  assert(state.phase === "ready", `append to a log that is ${state.phase}`);
  assert(!state.truncating, "append while a truncation is in progress");
  return null;
}

/**
 * Stamps each batch with the next offset and `leaderEpoch` in place, then appends. The log takes
 * ownership of `records.bytes`: the caller must not change or reuse them afterwards.
 */
export function appendAsLeader(
  ctx: LogContext,
  now: Millis,
  records: ValidatedRecords,
  leaderEpoch: number,
): AppendOutcome {
  const refused = assertAppendable(ctx);
  if (refused !== null) return refused;
  const state = ctx.state;
  assert(leaderEpoch >= state.epochs.latestEpoch(), `leader epoch ${leaderEpoch} went backwards`);
  // The log takes the bytes over (no copy: 1 MiB copies cost as much as writing them).
  const bytes = records.bytes;
  let next = state.logEndOffset;
  const headers = records.batches.map(({ position, header }) => {
    stampBatch(bytes.subarray(position, position + batchSizeBytes(header)), next, leaderEpoch);
    const stamped = { ...header, baseOffset: next, partitionLeaderEpoch: leaderEpoch };
    next = lastOffset(stamped) + 1;
    return stamped;
  });
  if (state.epochs.assign(leaderEpoch, state.logEndOffset)) writeEpochCheckpoint(ctx);
  return writeBatches(ctx, now, bytes, headers, records.recordCount);
}

/** Appends batches that already carry the leader's offsets and epochs (taking over the bytes). */
export function appendAsFollower(
  ctx: LogContext,
  now: Millis,
  records: ValidatedRecords,
): AppendOutcome {
  const refused = assertAppendable(ctx);
  if (refused !== null) return refused;
  const state = ctx.state;
  let next = state.logEndOffset;
  let epochsChanged = false;
  for (const { header } of records.batches) {
    assert(header.baseOffset >= next, `follower batch at ${header.baseOffset}, log at ${next}`);
    next = lastOffset(header) + 1;
    if (header.partitionLeaderEpoch >= 0) {
      epochsChanged =
        state.epochs.assign(header.partitionLeaderEpoch, header.baseOffset) || epochsChanged;
    }
  }
  if (epochsChanged) writeEpochCheckpoint(ctx);
  const headers = records.batches.map(({ header }) => header);
  return writeBatches(ctx, now, records.bytes, headers, records.recordCount);
}

/** Adds stamped batches (contiguous in `bytes`, which the log now owns) to the segments. */
function writeBatches(
  ctx: LogContext,
  now: Millis,
  bytes: Uint8Array,
  headers: readonly RecordBatchHeader[],
  recordCount: number,
): AppendOutcome {
  const state = ctx.state;
  assert(headers.length > 0, "append of no batches");
  let pendingStart = 0;
  let position = 0;
  const flush = (end: number) => {
    if (end === pendingStart) return;
    const segment = state.active;
    const at = segment.sizeBytes - (end - pendingStart);
    const path = segmentPath(ctx, segment.baseOffset);
    mutate(ctx, { type: "write", path, position: at, bytes: bytes.subarray(pendingStart, end) });
    segment.unsynced = true;
    pendingStart = end;
  };
  for (const header of headers) {
    const size = batchSizeBytes(header);
    if (shouldRoll(ctx, now, header)) {
      flush(position);
      roll(ctx, now, header.baseOffset);
    }
    const segment = state.active;
    segment.rollBaseMs ??= now;
    segment.addBatch(header, segment.sizeBytes, ctx.config.indexIntervalBytes);
    const batchBytes = bytes.subarray(position, position + size);
    state.tailCache.add({
      baseOffset: header.baseOffset,
      lastOffset: lastOffset(header),
      bytes: batchBytes,
    });
    position += size;
  }
  assert(position === bytes.length, "batches do not cover the appended bytes");
  flush(position);
  noteUnflushed(ctx, now, recordCount);
  const last = headers.at(-1)!;
  return ok({ firstOffset: headers[0]!.baseOffset, lastOffset: lastOffset(last), recordCount });
}

function noteUnflushed(ctx: LogContext, now: Millis, recordCount: number): void {
  const state = ctx.state;
  state.unflushedRecords += recordCount;
  state.firstUnflushedMs ??= now;
  if (state.unflushedRecords >= ctx.config.flushMessages) syncSegments(ctx);
}

function shouldRoll(ctx: LogContext, now: Millis, header: RecordBatchHeader): boolean {
  const active = ctx.state.active;
  const farOffset = lastOffset(header) - active.baseOffset > RELATIVE_OFFSET_MAX;
  if (active.isEmpty) return farOffset;
  const full = active.sizeBytes + batchSizeBytes(header) > ctx.config.segmentBytes;
  const old = active.rollBaseMs !== undefined && now - active.rollBaseMs >= ctx.config.segmentMs;
  return full || old || farOffset;
}

/** Closes the active segment (its indexes go to disk) and starts a new one at `baseOffset`. */
export function roll(ctx: LogContext, now: Millis, baseOffset: number): void {
  const state = ctx.state;
  const closed = state.active;
  assert(baseOffset >= closed.nextOffset, `roll to ${baseOffset} below ${closed.nextOffset}`);
  // The closed segment is synced before any byte reaches the next one (operations complete in
  // order), so a crash can never keep a later segment's bytes and lose an earlier one's.
  syncSegments(ctx);
  const indexes = closed.closeIndexes();
  closed.indexes = null;
  state.indexCache.set(closed.baseOffset, indexes);
  persistIndexes(ctx, closed, indexes);
  const next = Segment.empty(baseOffset);
  next.rollBaseMs = now;
  state.segments.push(next);
  // DeleteRecords may have moved the log start offset past the whole segment while it was active.
  let below = 0;
  while (
    below + 1 < state.segments.length &&
    state.segments[below + 1]!.baseOffset <= state.logStartOffset
  ) {
    below++;
  }
  if (below > 0) deleteOldestSegments(ctx, below, "log-start-offset");
  ctx.outbox.trace({
    type: "log-segment-rolled",
    topic: ctx.topic,
    partition: ctx.partition,
    baseOffset,
    closedSizeBytes: closed.sizeBytes,
  });
}

/** Writes the .index and .timeindex of a closed segment, each replaced atomically. */
export function persistIndexes(ctx: LogContext, segment: Segment, indexes: SegmentIndexes): void {
  const summary = segment.summary();
  const base = segment.baseOffset;
  const offsetIndex = encodeOffsetIndexFile(summary, indexes.offsetIndex, ctx.crc);
  const timeIndex = encodeTimeIndexFile(summary, indexes.timeIndex, ctx.crc);
  writeAtomically(ctx, offsetFileName(base, OFFSET_INDEX_SUFFIX), offsetIndex);
  writeAtomically(ctx, offsetFileName(base, TIME_INDEX_SUFFIX), timeIndex);
  segment.offsetIndexFileBytes = offsetIndex.length;
  segment.timeIndexFileBytes = timeIndex.length;
}
