// Log compaction (cleanup.policy=compact): map the latest offset of every key in the dirty part,
// then rewrite each closed segment from the log start, oldest first, into `<base>.log.cleaned`,
// sync it and rename it over the segment. A crash leaves each segment either old or cleaned, and
// since older segments are swapped first, no tombstone is ever dropped before what it deletes.

import { assert, assertNever } from "../assert.ts";
import type { Millis } from "../ids.ts";
import { limits } from "../limits.ts";
import { BatchChecker, scanStartAt } from "./batch-check.ts";
import { type CleanContext, cleanBatch, keyString } from "./compaction-filter.ts";
import { persistIndexes } from "./log-append.ts";
import { compacts } from "./log-config.ts";
import {
  deleteFile,
  deleteSegmentFiles,
  goOffline,
  mutate,
  segmentPath,
  writeLogCheckpoint,
} from "./log-disk.ts";
import { CLEANED_SUFFIX, OFFSET_INDEX_SUFFIX, TIME_INDEX_SUFFIX } from "./log-files.ts";
import { concat, implausibleOutcome, reportCorrupt } from "./log-read.ts";
import { type CompactionJob, halted, type LogContext } from "./log-state.ts";
import { lastOffset, type RecordBatchHeader, readBatchHeader } from "./record-batch.ts";
import { readBatchRecords } from "./record-batch-compressed.ts";
import { Segment } from "./segment.ts";
import { type ScanOutcome, scanSegment } from "./segment-scan.ts";

export interface CompactionPlan {
  /** Segments [0, cleanableCount) are closed and wholly below min(high watermark, recovery point). */
  readonly cleanableCount: number;
  /** First offset not yet cleaned. */
  readonly firstDirty: number;
  /** Index of the segment holding firstDirty: mapping starts there. */
  readonly mapFrom: number;
  readonly dirtyRatio: number;
}

export interface PlanSegment {
  readonly baseOffset: number;
  readonly sizeBytes: number;
}

/** Pure: whether and what to clean, by Kafka's dirty ratio over the cleanable segments. */
export function planCompaction(
  segments: readonly PlanSegment[],
  bounds: {
    logStartOffset: number;
    highWatermark: number;
    recoveryPoint: number;
    cleanerCheckpoint: number;
  },
  minCleanableDirtyRatio: number,
): CompactionPlan | null {
  const limit = Math.min(bounds.highWatermark, bounds.recoveryPoint);
  let cleanableCount = 0;
  while (
    cleanableCount < segments.length - 1 &&
    segments[cleanableCount + 1]!.baseOffset <= limit
  ) {
    cleanableCount++;
  }
  if (cleanableCount === 0) return null;
  const end = segments[cleanableCount]!.baseOffset;
  const firstDirty = Math.max(bounds.cleanerCheckpoint, bounds.logStartOffset);
  if (firstDirty >= end) return null;
  let total = 0;
  let dirty = 0;
  let mapFrom = -1;
  for (let i = 0; i < cleanableCount; i++) {
    total += segments[i]!.sizeBytes;
    if (segments[i + 1]!.baseOffset > firstDirty) {
      dirty += segments[i]!.sizeBytes;
      if (mapFrom === -1) mapFrom = i;
    }
  }
  const dirtyRatio = total === 0 ? 0 : dirty / total;
  if (total === 0 || dirtyRatio < minCleanableDirtyRatio) return null;
  return { cleanableCount, firstDirty, mapFrom, dirtyRatio };
}

interface Job extends CompactionJob {
  readonly ctx: LogContext;
  readonly now: Millis;
  readonly plan: CompactionPlan;
  readonly segments: readonly Segment[];
  readonly offsetMap: Map<string, number>;
  keyBytes: number;
  mapEnd: number;
  bytesBefore: number;
  bytesAfter: number;
  cleaned: number;
  /** An opaque batch was met (see CleanContext.mayDropTombstones). */
  sawOpaque: boolean;
}

/** Starts a compaction pass if the log is compacted, idle and dirty enough; returns whether. */
export function maybeStartCompaction(ctx: LogContext, now: Millis): boolean {
  const state = ctx.state;
  if (!compacts(ctx.config.cleanupPolicy) || state.compaction !== null || state.truncating)
    return false;
  const plan = planCompaction(state.segments, state, ctx.config.minCleanableDirtyRatio);
  if (plan === null) return false;
  const job: Job = {
    aborted: false,
    ctx,
    now,
    plan,
    segments: state.segments.slice(0, plan.cleanableCount),
    offsetMap: new Map(),
    keyBytes: 0,
    mapEnd: state.segments[plan.cleanableCount]!.baseOffset,
    bytesBefore: 0,
    bytesAfter: 0,
    cleaned: 0,
    sawOpaque: false,
  };
  state.compaction = job;
  mapSegment(job, plan.mapFrom);
  return true;
}

function stopped(job: Job): boolean {
  return job.aborted || job.ctx.state.phase !== "ready";
}

function endJob(job: Job, reason: string | null): void {
  const state = job.ctx.state;
  if (state.compaction === job) state.compaction = null;
  if (reason !== null) job.ctx.outbox.mark(`log-compaction-${reason}`);
}

/** Phase 1: key -> latest offset over the dirty segments, up to the map's bounds. */
function mapSegment(job: Job, i: number): void {
  const { plan } = job;
  if (stopped(job)) {
    endJob(job, "aborted");
    return;
  }
  const segment = job.segments[i];
  if (segment === undefined || segment.removed) {
    if (segment?.removed === true) {
      endJob(job, "aborted");
      return;
    }
    cleanSegment(job, 0);
    return;
  }
  const visit = (batch: Uint8Array, header: RecordBatchHeader) => {
    if (lastOffset(header) < plan.firstDirty || header.isControl) return true;
    const records = readBatchRecords(batch, header, job.ctx.codecs);
    if (!records.ok) {
      // Its keys stay unmapped: cleaning keeps it whole, and keeps tombstones that may hide in it.
      job.sawOpaque = true;
      job.ctx.outbox.mark("log-compaction-opaque-batch");
      return true;
    }
    const keyBytes = records.value.reduce((sum, r) => sum + (r.key?.length ?? 0), 0);
    const full =
      job.offsetMap.size + records.value.length > limits.logCompactionKeysMax ||
      job.keyBytes + keyBytes > limits.logCompactionKeyBytesMax;
    if (full) {
      job.mapEnd = header.baseOffset;
      return false;
    }
    job.keyBytes += keyBytes;
    for (const record of records.value) {
      if (record.key !== null && record.offset >= plan.firstDirty) {
        job.offsetMap.set(keyString(record.key), record.offset);
      }
    }
    return true;
  };
  scan(job, segment, visit, (outcome) => {
    if (outcome.type === "stopped") {
      if (job.mapEnd <= plan.firstDirty) return endJob(job, "map-full");
      return cleanSegment(job, 0);
    }
    return mapSegment(job, i + 1);
  });
}

/** Scans a whole segment with CRCs; corruption or a changed segment ends the job. */
function scan(
  job: Job,
  segment: Segment,
  visit: (batch: Uint8Array, header: RecordBatchHeader) => boolean,
  next: (outcome: ScanOutcome & { type: "end" | "stopped" }) => void,
): void {
  const { ctx } = job;
  const generation = segment.generation;
  const unchanged = () => !segment.removed && segment.generation === generation && !stopped(job);
  const checker = new BatchChecker(
    segment,
    scanStartAt({ offset: segment.baseOffset, position: 0 }),
    ctx.state.epochs,
    ctx.state.logStartOffset,
  );
  let implausible: { position: number; reason: string } | null = null;
  const checkedVisit = (batch: Uint8Array, header: RecordBatchHeader, position: number) => {
    const problem = checker.check(header);
    if (problem === null) return visit(batch, header);
    implausible = { position, reason: problem };
    return false;
  };
  const path = segmentPath(ctx, segment.baseOffset);
  const options = {
    path,
    start: 0,
    end: segment.sizeBytes,
    chunkBytes: limits.logReadChunkBytes,
    crc: ctx.crc,
    unchanged,
  };
  scanSegment(ctx.io, options, checkedVisit, (scanned) => {
    if (!unchanged()) return abandon(job, segment, "aborted");
    const outcome = implausible === null ? scanned : implausibleOutcome(implausible, true);
    switch (outcome.type) {
      case "end":
      case "stopped":
        return next(outcome);
      case "changed":
        return abandon(job, segment, "aborted");
      case "invalid":
        reportCorrupt(ctx, segment.baseOffset, outcome.position, outcome.error.message);
        return abandon(job, segment, "corrupt-batch");
      case "io-error":
        goOffline(ctx, `compaction read failed: ${outcome.code} ${outcome.message}`);
        return endJob(job, null);
      default:
        return assertNever(outcome, "scan outcome");
    }
  });
}

/** Ends the job, removing a half-written .cleaned file (the segment itself was never touched). */
function abandon(job: Job, segment: Segment, reason: string): void {
  if (!halted(job.ctx.state))
    deleteFile(job.ctx, segmentPath(job.ctx, segment.baseOffset, CLEANED_SUFFIX));
  endJob(job, reason);
}

/** Phase 2: rewrite segment `j` (and then the next) into .cleaned, sync, swap. */
function cleanSegment(job: Job, j: number): void {
  const { ctx } = job;
  if (stopped(job)) {
    endJob(job, "aborted");
    return;
  }
  const segment = job.segments[j];
  if (segment === undefined || segment.baseOffset >= job.mapEnd) {
    finishJob(job);
    return;
  }
  if (segment.removed) {
    endJob(job, "aborted");
    return;
  }
  const cleanCtx = (): CleanContext => ({
    offsetMap: job.offsetMap,
    mapEnd: job.mapEnd,
    nowMs: job.now,
    deleteRetentionMs: ctx.config.deleteRetentionMs,
    mayDropTombstones: !job.sawOpaque,
    crc: ctx.crc,
    codecs: ctx.codecs,
    retainEmpty: ctx.retainEmptyBatch,
  });
  const path = segmentPath(ctx, segment.baseOffset, CLEANED_SUFFIX);
  const output = Segment.empty(segment.baseOffset);
  const generation = segment.generation;
  let parts: Uint8Array[] = [];
  let flushedTo = 0;
  const flush = () => {
    if (parts.length === 0) return;
    const bytes = concat(parts);
    mutate(ctx, { type: "write", path, position: flushedTo, bytes });
    flushedTo += bytes.length;
    parts = [];
  };
  mutate(ctx, { type: "write", path, position: 0, bytes: new Uint8Array(0) });
  const visit = (batch: Uint8Array, header: RecordBatchHeader) => {
    const decision = cleanBatch(batch, header, cleanCtx());
    if (decision.type === "drop") return true;
    if (decision.type === "opaque") job.sawOpaque = true;
    const rewritten = decision.type === "rewrite";
    const bytes = rewritten ? decision.bytes : batch;
    const outHeader = rewritten ? rewrittenHeader(decision.bytes) : header;
    output.addBatch(outHeader, output.sizeBytes, ctx.config.indexIntervalBytes);
    parts.push(bytes);
    if (output.sizeBytes - flushedTo >= limits.logReadChunkBytes) flush();
    return true;
  };
  scan(job, segment, visit, () => {
    flush();
    mutate(ctx, { type: "sync", path }, () => {
      if (stopped(job) || segment.removed || segment.generation !== generation) {
        return abandon(job, segment, "aborted");
      }
      swap(job, segment, output);
      cleanSegment(job, j + 1);
    });
  });
}

/** The cleaned file replaces the segment; its indexes go first so none can be stale. */
function swap(job: Job, segment: Segment, output: Segment): void {
  const { ctx } = job;
  const state = ctx.state;
  const base = segment.baseOffset;
  // Cached batches of this segment are the uncleaned ones: the cache must not serve them again.
  const index = state.segments.indexOf(segment);
  state.tailCache.evictBelow(state.segments[index + 1]?.baseOffset ?? state.logEndOffset);
  job.bytesBefore += segment.sizeBytes;
  job.cleaned++;
  if (output.isEmpty && index > 0) {
    // Nothing left: the segment goes (gaps between segments are legal), as if swapped for nothing.
    ctx.outbox.mark("log-compaction-deleted-empty-segment");
    deleteFile(ctx, segmentPath(ctx, base, CLEANED_SUFFIX));
    state.segments.splice(index, 1);
    deleteSegmentFiles(ctx, segment);
    return;
  }
  if (segment.offsetIndexFileBytes > 0) {
    deleteFile(ctx, segmentPath(ctx, base, OFFSET_INDEX_SUFFIX));
    deleteFile(ctx, segmentPath(ctx, base, TIME_INDEX_SUFFIX));
  }
  mutate(ctx, {
    type: "rename",
    from: segmentPath(ctx, base, CLEANED_SUFFIX),
    to: segmentPath(ctx, base),
  });
  job.bytesAfter += output.sizeBytes;
  segment.sizeBytes = output.sizeBytes;
  segment.nextOffset = output.nextOffset;
  segment.maxTimestamp = output.maxTimestamp;
  segment.offsetOfMaxTimestamp = output.offsetOfMaxTimestamp;
  segment.dense = output.dense;
  segment.generation++;
  const indexes = output.closeIndexes();
  state.indexCache.set(base, indexes);
  persistIndexes(ctx, segment, indexes);
}

function finishJob(job: Job): void {
  const { ctx } = job;
  const state = ctx.state;
  state.cleanerCheckpoint = Math.max(state.cleanerCheckpoint, job.mapEnd);
  writeLogCheckpoint(ctx, undefined);
  ctx.outbox.trace({
    type: "log-compacted",
    topic: ctx.topic,
    partition: ctx.partition,
    segments: job.cleaned,
    bytesBefore: job.bytesBefore,
    bytesAfter: job.bytesAfter,
    cleanedUpTo: job.mapEnd,
  });
  endJob(job, null);
}

function rewrittenHeader(bytes: Uint8Array): RecordBatchHeader {
  const header = readBatchHeader(bytes);
  assert(header.ok, "compaction wrote an unreadable batch");
  return header.value;
}
