// One topic-partition's log: the API a broker calls. It is driven through a DiskIo (continuations
// resume work when `disk-done` arrives) and an Outbox (trace events), with time passed in, so one
// node can own thousands. Memory changes at once; durability follows the disk (durableEndOffset).

import { assert, assertNonNegativeInteger } from "../assert.ts";
import type { DiskIo } from "../disk-io.ts";
import type { Millis } from "../ids.ts";
import { limits } from "../limits.ts";
import type { Outbox } from "../outbox.ts";
import { type Codecs, NO_CODECS } from "./codecs.ts";
import { type Crc32c, crc32c } from "./crc32c.ts";
import type { EpochEntry } from "./leader-epoch-cache.ts";
import { type AppendOutcome, appendAsFollower, appendAsLeader } from "./log-append.ts";
import { maybeStartCompaction } from "./log-compaction.ts";
import { type LogConfig, resolveLogConfig } from "./log-config.ts";
import { checkpointDirty, syncSegments, writeLogCheckpoint } from "./log-disk.ts";
import { logFolder } from "./log-files.ts";
import { checkLogInvariants } from "./log-invariants.ts";
import { type LogReadRequest, type LogReadResult, readLog } from "./log-read.ts";
import { recoverLog } from "./log-recovery.ts";
import { advanceLogStartOffset, deleteOldestSegments, planRetention } from "./log-retention.ts";
import {
  type LogContext,
  type LogPhase,
  LogState,
  type PartitionLogListener,
} from "./log-state.ts";
import { offsetForTimestamp, type TimestampLookup } from "./log-timestamp.ts";
import { truncateFullyAndStartAt, truncateTo } from "./log-truncate.ts";
import type { ValidatedRecords } from "./log-validate.ts";
import type { RecordBatchHeader } from "./record-batch.ts";

export interface PartitionLogOptions {
  readonly topic: string;
  readonly partition: number;
  readonly config?: Partial<LogConfig>;
  readonly io: DiskIo;
  readonly outbox: Outbox;
  /** The runtime injects a native CRC-32C; the simulator keeps the TypeScript one. */
  readonly crc?: Crc32c;
  /** Record batch codecs (the runtime's); without them compaction keeps compressed batches whole. */
  readonly codecs?: Codecs;
  /** Batches compaction keeps, empty, when none of their records survive (see CleanContext). */
  readonly retainEmptyBatch?: (header: RecordBatchHeader) => boolean;
  readonly listener?: PartitionLogListener;
  readonly tailCacheBytes?: number;
  readonly indexCacheEntries?: number;
}

export interface SegmentView {
  readonly baseOffset: number;
  readonly nextOffset: number;
  readonly sizeBytes: number;
  readonly maxTimestamp: number;
}

export interface PartitionLogView {
  readonly topic: string;
  readonly partition: number;
  readonly phase: LogPhase;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  readonly highWatermark: number;
  /** The durable end offset: every batch below it was synced. */
  readonly recoveryPoint: number;
  readonly cleanerCheckpoint: number;
  readonly sizeBytes: number;
  readonly segments: readonly SegmentView[];
  readonly leaderEpochs: readonly EpochEntry[];
  readonly tailCacheBytes: number;
  readonly truncating: boolean;
  readonly compacting: boolean;
}

export interface MaintenanceReport {
  readonly deletedSegments: readonly number[];
  readonly compactionStarted: boolean;
  readonly synced: boolean;
  readonly checkpointed: boolean;
}

const idle: MaintenanceReport = {
  deletedSegments: [],
  compactionStarted: false,
  synced: false,
  checkpointed: false,
};

export class PartitionLog {
  readonly #ctx: LogContext;

  constructor(options: PartitionLogOptions) {
    const tailCacheBytes = options.tailCacheBytes ?? limits.tailCacheBytesPerPartition;
    const indexCacheEntries = options.indexCacheEntries ?? limits.logIndexCacheEntriesPerPartition;
    this.#ctx = {
      topic: options.topic,
      partition: options.partition,
      dir: logFolder(options.topic, options.partition),
      config: resolveLogConfig(options.config),
      io: options.io,
      outbox: options.outbox,
      crc: options.crc ?? crc32c,
      codecs: options.codecs ?? NO_CODECS,
      retainEmptyBatch: options.retainEmptyBatch ?? (() => false),
      state: new LogState(tailCacheBytes, indexCacheEntries),
      listener: options.listener ?? {},
    };
  }

  get config(): LogConfig {
    return this.#ctx.config;
  }

  /** Topic configs change at runtime (AlterConfigs); the next append, roll or maintain uses it. */
  reconfigure(config: Partial<LogConfig>): void {
    this.#ctx.config = resolveLogConfig({ ...this.#ctx.config, ...config });
  }

  get phase(): LogPhase {
    return this.#ctx.state.phase;
  }

  get logStartOffset(): number {
    return this.#ctx.state.logStartOffset;
  }

  get logEndOffset(): number {
    return this.#ctx.state.logEndOffset;
  }

  get highWatermark(): number {
    return this.#ctx.state.highWatermark;
  }

  /** Every batch below this offset is on disk and survives a crash. */
  get durableEndOffset(): number {
    return this.#ctx.state.recoveryPoint;
  }

  /** Recovers from disk; `done` runs once, when the log is ready (or offline). */
  start(now: Millis, done?: () => void): void {
    assert(this.#ctx.state.phase === "new", "a partition log starts once");
    recoverLog(this.#ctx, now, () => done?.());
  }

  appendAsLeader(now: Millis, records: ValidatedRecords, leaderEpoch: number): AppendOutcome {
    return appendAsLeader(this.#ctx, now, records, leaderEpoch);
  }

  appendAsFollower(now: Millis, records: ValidatedRecords): AppendOutcome {
    return appendAsFollower(this.#ctx, now, records);
  }

  /** Syncs what was appended; durableEndOffset moves (and the listener hears) when it completes. */
  sync(): void {
    syncSegments(this.#ctx);
  }

  /** `done` may run before read returns (tail cache, range errors). */
  read(request: LogReadRequest, done: (result: LogReadResult) => void): void {
    readLog(this.#ctx, request, done);
  }

  offsetForTimestamp(
    timestamp: number,
    upperBound: number,
    done: (result: TimestampLookup) => void,
  ): void {
    offsetForTimestamp(this.#ctx, timestamp, upperBound, done);
  }

  /** Drops every batch at or past `offset`; appends must wait for `done`. */
  truncateTo(offset: number, done: (logEndOffset: number) => void): void {
    truncateTo(this.#ctx, offset, done);
  }

  truncateFullyAndStartAt(offset: number): void {
    truncateFullyAndStartAt(this.#ctx, offset, "truncate fully and start at offset");
  }

  /** DeleteRecords; `offset` must not pass the high watermark (the caller checks). */
  advanceLogStartOffset(offset: number): void {
    advanceLogStartOffset(this.#ctx, offset);
  }

  /** Never beyond the log end offset; raised to the log start offset if below it (as Kafka does). */
  setHighWatermark(offset: number): void {
    const state = this.#ctx.state;
    assertNonNegativeInteger(offset, "high watermark");
    assert(
      offset <= state.logEndOffset,
      `high watermark ${offset} past log end ${state.logEndOffset}`,
    );
    state.highWatermark = Math.max(offset, state.logStartOffset);
  }

  latestEpoch(): number {
    return this.#ctx.state.epochs.latestEpoch();
  }

  /** OffsetsForLeaderEpoch for `epoch` on this log. */
  endOffsetForEpoch(epoch: number): { epoch: number; endOffset: number } {
    return this.#ctx.state.epochs.endOffsetFor(epoch, this.#ctx.state.logEndOffset);
  }

  /** Retention, compaction, flush.ms and the periodic checkpoint. Call it every few seconds. */
  maintain(now: Millis): MaintenanceReport {
    const ctx = this.#ctx;
    const state = ctx.state;
    if (state.phase !== "ready" || state.truncating) return idle;
    const plan = planRetention(state.segments, ctx.config, now, state.highWatermark);
    const deletedSegments =
      plan.count > 0 && plan.reason !== null
        ? deleteOldestSegments(ctx, plan.count, plan.reason)
        : [];
    const compactionStarted = maybeStartCompaction(ctx, now);
    const flushDue =
      state.firstUnflushedMs !== undefined && now - state.firstUnflushedMs >= ctx.config.flushMs;
    if (flushDue) syncSegments(ctx);
    const checkpointDue =
      now - state.lastCheckpointMs >= ctx.config.checkpointIntervalMs && checkpointDirty(ctx);
    if (checkpointDue) writeLogCheckpoint(ctx, now);
    return { deletedSegments, compactionStarted, synced: flushDue, checkpointed: checkpointDue };
  }

  /** Persists log start offset, recovery point and high watermark now (e.g. at shutdown). */
  checkpoint(now: Millis): void {
    if (this.#ctx.state.phase === "ready") writeLogCheckpoint(this.#ctx, now);
  }

  view(): PartitionLogView {
    const { state, topic, partition } = this.#ctx;
    const ready = state.segments.length > 0;
    return {
      topic,
      partition,
      phase: state.phase,
      logStartOffset: state.logStartOffset,
      logEndOffset: ready ? state.logEndOffset : 0,
      highWatermark: state.highWatermark,
      recoveryPoint: state.recoveryPoint,
      cleanerCheckpoint: state.cleanerCheckpoint,
      sizeBytes: state.sizeBytes(),
      segments: state.segments.map((s) => ({
        baseOffset: s.baseOffset,
        nextOffset: s.nextOffset,
        sizeBytes: s.sizeBytes,
        maxTimestamp: s.maxTimestamp,
      })),
      leaderEpochs: [...state.epochs.entries()],
      tailCacheBytes: state.tailCache.bytes,
      truncating: state.truncating,
      compacting: state.compaction !== null,
    };
  }

  /**
   * Abandons the log (its topic was deleted, or the partition moved away): continuations still in
   * flight issue no more disk work, so the owner may delete or reuse the folder once they drained.
   */
  close(): void {
    const state = this.#ctx.state;
    if (state.phase === "closed") return;
    state.phase = "closed";
    state.pendingSyncs = [];
    if (state.compaction !== null) state.compaction.aborted = true;
    for (const segment of state.segments) segment.removed = true;
    state.indexCache.clear();
  }

  checkInvariants(): void {
    checkLogInvariants(this.#ctx);
  }
}
