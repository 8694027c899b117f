// Recovery of one partition log at start: list the folder, drop leftovers of interrupted work, read
// the checkpoints, trust segments wholly below the recovery point (their index files give their
// summaries), and scan the rest with CRCs, cutting the log at the first torn or corrupt batch.

import type { DiskResult } from "../disk.ts";
import type { Millis } from "../ids.ts";
import { limits } from "../limits.ts";
import { decodeOffsetIndexFile, decodeTimeIndexFile, sameSummary } from "./index-file.ts";
import {
  decodeLeaderEpochCheckpoint,
  type EpochEntry,
  LeaderEpochCache,
} from "./leader-epoch-cache.ts";
import { persistIndexes } from "./log-append.ts";
import { decodeLogCheckpoint, type LogCheckpoint } from "./log-checkpoint.ts";
import { compacts } from "./log-config.ts";
import { deleteFile, goOffline, mutate, pathOf, segmentPath } from "./log-disk.ts";
import {
  LEADER_EPOCH_CHECKPOINT,
  OFFSET_INDEX_SUFFIX,
  offsetFileName,
  PARTITION_CHECKPOINT,
  parseLogFileName,
  TIME_INDEX_SUFFIX,
} from "./log-files.ts";
import { finishRecovery } from "./log-recovery-finish.ts";
import { halted, type LogContext } from "./log-state.ts";
import { lastOffset, type RecordBatchHeader } from "./record-batch.ts";
import { RELATIVE_OFFSET_MAX, Segment } from "./segment.ts";
import { type ScanOutcome, scanSegment } from "./segment-scan.ts";

/** What recovery found on disk, in the order it learns it. */
export interface RecoveryFindings {
  checkpoint: LogCheckpoint | null;
  /** null when the leader-epoch-checkpoint is missing or unreadable. */
  fileEpochs: EpochEntry[] | null;
  segments: Segment[];
  /** Leader epoch changes seen in scanned batches, in offset order. */
  scannedEpochs: EpochEntry[];
  /** Base offset of the first segment scanned with CRCs (every offset below was trusted). */
  scanFrom: number | null;
  truncatedBytes: number;
  scannedBytes: number;
  rebuiltIndexes: number;
  reasons: string[];
}

interface Listing {
  readonly segments: Map<number, number>;
  readonly offsetIndexes: Map<number, number>;
  readonly timeIndexes: Map<number, number>;
  checkpointBytes: number | undefined;
  epochCheckpointBytes: number | undefined;
}

/** Recovers the log; `done` runs once, with the log ready or offline. */
export function recoverLog(ctx: LogContext, now: Millis, done: () => void): void {
  ctx.state.phase = "recovering";
  const findings: RecoveryFindings = {
    checkpoint: null,
    fileEpochs: null,
    segments: [],
    scannedEpochs: [],
    scanFrom: null,
    truncatedBytes: 0,
    scannedBytes: 0,
    rebuiltIndexes: 0,
    reasons: [],
  };
  ctx.io.submit({ type: "list", dir: ctx.dir }, (result) => {
    if (halted(ctx.state)) return done();
    if (!result.ok || result.type !== "list") {
      goOffline(ctx, `listing ${ctx.dir} failed: ${result.ok ? result.type : result.message}`);
      return done();
    }
    const listing = classify(ctx, result.entries);
    readCheckpoints(ctx, listing, findings, () => {
      const bases = [...listing.segments.keys()].sort((a, b) => a - b);
      const loop = new SegmentLoop(ctx, listing, findings, bases, () => {
        if (halted(ctx.state)) return done();
        finishRecovery(ctx, now, findings);
        done();
      });
      loop.next(0);
    });
  });
}

function classify(
  ctx: LogContext,
  entries: readonly { name: string; kind: string; size: number }[],
): Listing {
  const listing: Listing = {
    segments: new Map(),
    offsetIndexes: new Map(),
    timeIndexes: new Map(),
    checkpointBytes: undefined,
    epochCheckpointBytes: undefined,
  };
  for (const entry of entries) {
    if (entry.kind !== "file") continue;
    const name = parseLogFileName(entry.name);
    if (name.type === "temp") deleteFile(ctx, pathOf(ctx, entry.name));
    else if (name.type === "partition-checkpoint") listing.checkpointBytes = entry.size;
    else if (name.type === "leader-epoch-checkpoint") listing.epochCheckpointBytes = entry.size;
    else if (name.type === "offset-file") {
      // A compaction swap that never happened: the original segment is intact.
      if (name.kind === "cleaned") deleteFile(ctx, pathOf(ctx, entry.name));
      if (name.kind === "segment") listing.segments.set(name.baseOffset, entry.size);
      if (name.kind === "offset-index") listing.offsetIndexes.set(name.baseOffset, entry.size);
      if (name.kind === "time-index") listing.timeIndexes.set(name.baseOffset, entry.size);
    }
  }
  for (const indexes of [listing.offsetIndexes, listing.timeIndexes]) {
    for (const [base] of indexes) {
      if (listing.segments.has(base)) continue;
      const suffix = indexes === listing.offsetIndexes ? OFFSET_INDEX_SUFFIX : TIME_INDEX_SUFFIX;
      deleteFile(ctx, segmentPath(ctx, base, suffix));
      indexes.delete(base);
    }
  }
  return listing;
}

function readWhole(
  ctx: LogContext,
  name: string,
  size: number | undefined,
  done: (bytes: Uint8Array | null) => void,
): void {
  if (size === undefined) {
    done(null);
    return;
  }
  ctx.io.submit(
    { type: "read", path: pathOf(ctx, name), position: 0, length: size },
    (r: DiskResult) => {
      done(r.ok && r.type === "read" ? r.bytes : null);
    },
  );
}

function readCheckpoints(
  ctx: LogContext,
  listing: Listing,
  findings: RecoveryFindings,
  done: () => void,
): void {
  readWhole(ctx, PARTITION_CHECKPOINT, listing.checkpointBytes, (bytes) => {
    if (bytes !== null) {
      const decoded = decodeLogCheckpoint(bytes, ctx.crc);
      if (decoded.ok) findings.checkpoint = decoded.value;
      else unusable(ctx, findings, `partition checkpoint: ${decoded.error}`);
    }
    readWhole(ctx, LEADER_EPOCH_CHECKPOINT, listing.epochCheckpointBytes, (epochBytes) => {
      if (epochBytes !== null) {
        const decoded = decodeLeaderEpochCheckpoint(epochBytes, ctx.crc);
        if (decoded.ok) findings.fileEpochs = decoded.value;
        else unusable(ctx, findings, `leader epoch checkpoint: ${decoded.error}`);
      }
      done();
    });
  });
}

function unusable(ctx: LogContext, findings: RecoveryFindings, reason: string): void {
  ctx.outbox.mark("log-recovery-checkpoint-unusable");
  findings.reasons.push(reason);
}

/** Visits segments in offset order, one disk step at a time. */
class SegmentLoop {
  readonly #ctx: LogContext;
  readonly #listing: Listing;
  readonly #findings: RecoveryFindings;
  readonly #bases: readonly number[];
  readonly #done: () => void;
  readonly #recoveryPoint: number;
  readonly #needEpochScan: boolean;
  /** Leader epochs as the checkpoint file has them: every epoch of a batch on disk is in it. */
  readonly #fileEpochs: LeaderEpochCache | null;
  /** A log never compacted has no offset gaps: every batch starts where the previous ended. */
  readonly #dense: boolean;
  readonly #logStart: number;

  constructor(
    ctx: LogContext,
    listing: Listing,
    findings: RecoveryFindings,
    bases: readonly number[],
    done: () => void,
  ) {
    this.#ctx = ctx;
    this.#listing = listing;
    this.#findings = findings;
    this.#bases = bases;
    this.#done = done;
    this.#recoveryPoint = findings.checkpoint?.recoveryPoint ?? 0;
    // Without a readable epoch checkpoint, every batch must be looked at to rebuild the cache.
    this.#needEpochScan = findings.fileEpochs === null && bases.length > 0;
    this.#fileEpochs =
      findings.fileEpochs === null ? null : new LeaderEpochCache(findings.fileEpochs);
    this.#dense = !compacts(ctx.config.cleanupPolicy);
    this.#logStart = findings.checkpoint?.logStartOffset ?? 0;
  }

  next(i: number): void {
    if (i >= this.#bases.length || halted(this.#ctx.state)) {
      this.#done();
      return;
    }
    const nextBase = this.#bases[i + 1];
    const trusted = nextBase !== undefined && nextBase <= this.#recoveryPoint;
    if (trusted && !this.#needEpochScan) {
      this.#loadTrusted(i);
      return;
    }
    this.#scan(i, trusted);
  }

  /** A segment wholly below the recovery point: its index files, if whole and current, suffice. */
  #loadTrusted(i: number): void {
    const base = this.#bases[i]!;
    const size = this.#listing.segments.get(base)!;
    const offsetBytes = this.#listing.offsetIndexes.get(base);
    const timeBytes = this.#listing.timeIndexes.get(base);
    if (offsetBytes === undefined || timeBytes === undefined) {
      this.#scan(i, true);
      return;
    }
    const ctx = this.#ctx;
    readWhole(ctx, offsetFileName(base, OFFSET_INDEX_SUFFIX), offsetBytes, (offsetFile) => {
      readWhole(ctx, offsetFileName(base, TIME_INDEX_SUFFIX), timeBytes, (timeFile) => {
        if (offsetFile === null || timeFile === null) return this.#scan(i, true);
        const offsets = decodeOffsetIndexFile(offsetFile, ctx.crc);
        const times = decodeTimeIndexFile(timeFile, ctx.crc);
        const nextBase = this.#bases[i + 1]!;
        const valid =
          offsets.ok &&
          times.ok &&
          sameSummary(offsets.value.summary, times.value.summary) &&
          offsets.value.summary.baseOffset === base &&
          offsets.value.summary.sizeBytes === size &&
          offsets.value.summary.nextOffset <= nextBase;
        if (!valid || !offsets.ok || !times.ok) return this.#scan(i, true);
        const segment = Segment.closed(offsets.value.summary);
        segment.offsetIndexFileBytes = offsetBytes;
        segment.timeIndexFileBytes = timeBytes;
        ctx.state.indexCache.set(base, {
          offsetIndex: offsets.value.index,
          timeIndex: times.value.index,
        });
        this.#findings.segments.push(segment);
        this.next(i + 1);
      });
    });
  }

  /**
   * Reads segment `i` batch by batch, rebuilding its indexes. Trusted segments are checked for
   * framing only (bit rot there is caught when read) and only that segment is cut at a break;
   * from the recovery point on every CRC is checked and the log ends at the first bad batch.
   * A bad batch is read a second time before the log is cut there: a read can return a flipped
   * bit once (a transient error), and cutting on it would drop synced, acknowledged records.
   */
  #scan(i: number, trusted: boolean, reread = false): void {
    const ctx = this.#ctx;
    const findings = this.#findings;
    const base = this.#bases[i]!;
    const size = this.#listing.segments.get(base)!;
    const nextBase = this.#bases[i + 1];
    const segment = Segment.empty(base);
    const scannedBefore = findings.scannedBytes;
    if (!trusted) findings.scanFrom ??= base;
    const visit = (batch: Uint8Array, header: RecordBatchHeader, position: number) => {
      const last = lastOffset(header);
      const fits =
        header.baseOffset >= segment.nextOffset &&
        last - base <= RELATIVE_OFFSET_MAX &&
        (nextBase === undefined || last < nextBase);
      if (!fits || (!trusted && !this.#plausible(header, segment))) return false;
      segment.addBatch(header, position, ctx.config.indexIntervalBytes);
      if (header.partitionLeaderEpoch >= 0)
        noteEpoch(findings.scannedEpochs, header.partitionLeaderEpoch, header.baseOffset);
      if (!trusted) findings.scannedBytes += batch.length;
      return true;
    };
    const options = {
      path: segmentPath(ctx, base),
      start: 0,
      end: size,
      chunkBytes: limits.logReadChunkBytes,
      crc: trusted ? null : ctx.crc,
      unchanged: () => ctx.state.phase === "recovering",
    };
    scanSegment(ctx.io, options, visit, (outcome) => {
      if (outcome.type === "invalid" && !trusted && !reread) {
        ctx.outbox.mark("log-recovery-rereads-bad-batch");
        findings.scannedBytes = scannedBefore;
        this.#scan(i, trusted, true);
        return;
      }
      this.#scanned(i, trusted, segment, size, outcome);
    });
  }

  #scanned(
    i: number,
    trusted: boolean,
    segment: Segment,
    size: number,
    outcome: ScanOutcome,
  ): void {
    const ctx = this.#ctx;
    const findings = this.#findings;
    if (outcome.type === "io-error") {
      goOffline(ctx, `recovery read failed: ${outcome.code} ${outcome.message}`);
      this.#done();
      return;
    }
    const cutAt = outcome.type === "end" || outcome.type === "changed" ? size : outcome.position;
    const isLast = i === this.#bases.length - 1;
    let endsLog = isLast;
    if (cutAt < size) {
      const reason =
        outcome.type === "invalid" ? outcome.error.message : "offsets or leader epoch out of place";
      if (trusted) {
        ctx.outbox.mark("log-recovery-cut-trusted-segment");
      } else {
        endsLog = true;
        findings.truncatedBytes += this.#dropSegmentsAfter(i);
        ctx.outbox.mark("log-recovery-truncated-tail");
      }
      findings.reasons.push(`segment ${segment.baseOffset} cut at ${cutAt}: ${reason}`);
      findings.truncatedBytes += size - cutAt;
      mutate(ctx, { type: "truncate", path: segmentPath(ctx, segment.baseOffset), size: cutAt });
    }
    if (!trusted) segment.unsynced = true;
    if (!endsLog) {
      findings.rebuiltIndexes++;
      const indexes = segment.closeIndexes();
      segment.indexes = null;
      ctx.state.indexCache.set(segment.baseOffset, indexes);
      persistIndexes(ctx, segment, indexes);
    }
    findings.segments.push(segment);
    if (endsLog) {
      this.#done();
      return;
    }
    this.next(i + 1);
  }

  /**
   * The fields the CRC does not cover (baseOffset, partitionLeaderEpoch) checked against what the
   * log guarantees: no gaps unless compacted, and the epoch the checkpoint file holds for the offset.
   */
  #plausible(header: RecordBatchHeader, segment: Segment): boolean {
    if (this.#dense && header.baseOffset !== segment.nextOffset) return false;
    if (this.#fileEpochs === null || lastOffset(header) < this.#logStart) return true;
    const at = Math.max(header.baseOffset, this.#logStart);
    // Below the first epoch the file still knows, it has nothing to say.
    const first = this.#fileEpochs.entries()[0];
    if (first === undefined || at < first.startOffset) return true;
    return header.partitionLeaderEpoch === this.#fileEpochs.epochAt(at);
  }

  /** Deletes every segment after `i`, newest first (each step leaves a prefix); returns bytes. */
  #dropSegmentsAfter(i: number): number {
    let dropped = 0;
    for (let j = this.#bases.length - 1; j > i; j--) {
      const base = this.#bases[j]!;
      dropped += this.#listing.segments.get(base)!;
      deleteFile(this.#ctx, segmentPath(this.#ctx, base));
      deleteFile(this.#ctx, segmentPath(this.#ctx, base, OFFSET_INDEX_SUFFIX));
      deleteFile(this.#ctx, segmentPath(this.#ctx, base, TIME_INDEX_SUFFIX));
    }
    return dropped;
  }
}

function noteEpoch(epochs: EpochEntry[], epoch: number, startOffset: number): void {
  const last = epochs.at(-1);
  if (last === undefined || epoch > last.epoch) epochs.push({ epoch, startOffset });
}
