// The mutable state of one partition log, shared by the modules that implement its operations
// (append, read, recovery, truncation, retention, compaction) through a LogContext. Only those
// modules touch it; everyone else goes through PartitionLog.

import { assert } from "../assert.ts";
import type { DiskIo } from "../disk-io.ts";
import type { Outbox } from "../outbox.ts";
import type { Codecs } from "./codecs.ts";
import type { Crc32c } from "./crc32c.ts";
import { IndexCache } from "./index-cache.ts";
import { LeaderEpochCache } from "./leader-epoch-cache.ts";
import type { LogCheckpoint } from "./log-checkpoint.ts";
import type { LogConfig } from "./log-config.ts";
import type { RecordBatchHeader } from "./record-batch.ts";
import type { Segment } from "./segment.ts";
import { TailCache } from "./tail-cache.ts";

export type LogPhase = "new" | "recovering" | "ready" | "offline" | "closed";

/** Offline after a disk failure, or closed by its owner: no more disk work of any kind. */
export function halted(state: { readonly phase: LogPhase }): boolean {
  return state.phase === "offline" || state.phase === "closed";
}

/** A sync in flight: when it completes, every byte below `target` is durable. */
export interface PendingSync {
  target: number;
}

/** A compaction pass in flight; `aborted` makes its next continuation clean up and stop. */
export interface CompactionJob {
  aborted: boolean;
}

export interface PartitionLogListener {
  /** The durable end offset (recovery point) advanced: bytes below it survive a crash. */
  readonly onDurable?: (durableEndOffset: number) => void;
  /** A disk operation failed; the log serves nothing until it is recovered again. */
  readonly onOffline?: (reason: string) => void;
}

export class LogState {
  phase: LogPhase = "new";
  offlineReason: string | null = null;
  /** Sorted by base offset; never empty once recovered; the last one is the active segment. */
  segments: Segment[] = [];
  logStartOffset = 0;
  highWatermark = 0;
  /** Every batch below it is durable; recovery scans only from here. */
  recoveryPoint = 0;
  cleanerCheckpoint = 0;
  /** The checkpoint most recently issued to disk. */
  persisted: LogCheckpoint | null = null;
  lastCheckpointMs = 0;
  epochs = new LeaderEpochCache();
  readonly tailCache: TailCache;
  readonly indexCache: IndexCache;
  pendingSyncs: PendingSync[] = [];
  unflushedRecords = 0;
  /** When the oldest append not yet covered by a sync happened (flush.ms counts from it). */
  firstUnflushedMs: number | undefined = undefined;
  truncating = false;
  compaction: CompactionJob | null = null;

  constructor(tailCacheBytes: number, indexCacheEntries: number) {
    this.tailCache = new TailCache(tailCacheBytes, 0);
    this.indexCache = new IndexCache(indexCacheEntries);
  }

  get active(): Segment {
    const active = this.segments.at(-1);
    assert(active !== undefined, "log has no segments");
    return active;
  }

  get logEndOffset(): number {
    return this.active.nextOffset;
  }

  /** Index of the last segment whose base offset is <= `offset` (offset >= first base). */
  segmentIndexFor(offset: number): number {
    let low = 0;
    let high = this.segments.length - 1;
    assert(high >= 0 && offset >= this.segments[0]!.baseOffset, `no segment holds ${offset}`);
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (this.segments[mid]!.baseOffset <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /** The bytes of all segments. */
  sizeBytes(): number {
    return this.segments.reduce((sum, segment) => sum + segment.sizeBytes, 0);
  }

  checkpoint(): LogCheckpoint {
    return {
      logStartOffset: this.logStartOffset,
      recoveryPoint: this.recoveryPoint,
      highWatermark: this.highWatermark,
      cleanerCheckpoint: this.cleanerCheckpoint,
    };
  }
}

export interface LogContext {
  readonly topic: string;
  readonly partition: number;
  /** The log's folder, `<topic>-<partition>`. */
  readonly dir: string;
  config: LogConfig;
  readonly io: DiskIo;
  readonly outbox: Outbox;
  readonly crc: Crc32c;
  /** Record batch codecs for compaction (none in the simulator: compressed batches stay whole). */
  readonly codecs: Codecs;
  /** Compaction keeps these batches, empty, when none of their records survive. */
  readonly retainEmptyBatch: (header: RecordBatchHeader) => boolean;
  readonly state: LogState;
  readonly listener: PartitionLogListener;
}
