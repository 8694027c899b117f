// The partition log as the broker uses it: the operations the replica manager needs, nothing more.
// core/broker/partition-log-adapter.ts implements it over core/log's PartitionLog; keeping the seam
// narrow lets the broker state exactly what it relies on (README "What the broker needs of the log").

import type { DiskIo } from "../disk-io.ts";
import type { Millis, Offset } from "../ids.ts";
import type { Codecs } from "../log/codecs.ts";
import type { Crc32c } from "../log/crc32c.ts";
import type { ScannedBatch } from "../log/record-batch.ts";
import type { Outbox } from "../outbox.ts";
import type { FollowerLog } from "../replication/replica-log.ts";
import type { Result } from "../result.ts";
import type { TopicConfig } from "./topic-config.ts";

export type LogStatus = "loading" | "online" | "offline";

/** Whole record batches checked by the broker (CRC, magic, sizes), ready to be stamped. */
export interface CheckedBatches {
  readonly bytes: Uint8Array;
  readonly batches: readonly ScannedBatch[];
  readonly recordCount: number;
}

export interface AppendInfo {
  readonly firstOffset: Offset;
  readonly lastOffset: Offset;
  readonly recordCount: number;
  /**
   * An idempotent producer's retry of a batch the log already holds (KIP-98): nothing was appended,
   * the offsets are the original batch's.
   */
  readonly duplicate?: true;
}

/** An ErrorCode with Kafka's meaning for the client, and why. */
export interface LogError {
  readonly error: number;
  readonly message: string;
}

export type LogRead =
  | { readonly type: "records"; readonly bytes: Uint8Array; readonly lastOffset: Offset }
  | ({ readonly type: "error" } & LogError);

export type TimestampLookup =
  | { readonly type: "found"; readonly offset: Offset; readonly timestamp: Millis }
  | { readonly type: "none" }
  | ({ readonly type: "error" } & LogError);

export interface HostedLogListener {
  /** Every offset below `durableOffset` is now synced. */
  readonly onDurable: (durableOffset: Offset) => void;
  /** A disk operation failed: the log serves nothing until the broker restarts. */
  readonly onOffline: (reason: string) => void;
}

/**
 * A hosted partition log. It is also replication's FollowerLog (and so LeaderLog) port, so the
 * replication components can drive the same object once the broker runs them.
 */
export interface HostedLog extends FollowerLog {
  readonly status: LogStatus;
  /** Opens the folder: recovery of what is there (or an empty log); `done` runs once. */
  recover(now: Millis, done: () => void): void;
  /** Stamps offsets and the leader epoch into batches the broker checked, and appends them. */
  appendAsLeader(
    now: Millis,
    batches: CheckedBatches,
    leaderEpoch: number,
  ): Result<AppendInfo, LogError>;
  /** Whole batches from the one holding `offset`, none ending at or past `upperBound`. */
  read(offset: Offset, maxBytes: number, upperBound: Offset, done: (read: LogRead) => void): void;
  offsetForTimestamp(
    timestamp: Millis,
    upperBound: Offset,
    done: (r: TimestampLookup) => void,
  ): void;
  /** DeleteRecords: moves the log start offset up to `offset` (at most the HW); the new one. */
  deleteRecordsBefore(offset: Offset): Offset;
  /** Retention, compaction, flush.ms and checkpoints: the log's periodic duties. */
  maintain(now: Millis): void;
  reconfigure(config: TopicConfig): void;
  checkInvariants(): void;
}

export interface HostedLogDeps {
  readonly topic: string;
  readonly partition: number;
  readonly config: TopicConfig;
  readonly io: DiskIo;
  readonly outbox: Outbox;
  readonly crc: Crc32c;
  /** Record batch codecs for compaction; absent, compressed batches stay whole. */
  readonly codecs?: Codecs;
  readonly listener: HostedLogListener;
  /** producer.id.expiration.ms (Kafka's default, 1 day, when absent). */
  readonly producerIdExpirationMs?: Millis;
}

export type HostedLogFactory = (deps: HostedLogDeps) => HostedLog;
