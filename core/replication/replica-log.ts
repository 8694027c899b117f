// What replication needs of a partition log and of the cluster's broker registry: two narrow
// ports the broker implements over core/log's PartitionLog and its metadata image. Components
// read the log through them and change it only through them (append, truncate, HW, sync).

import type { ErrorCode } from "../error-codes.ts";
import type { Epoch, Millis, NodeId, Offset } from "../ids.ts";
import type { ValidatedRecords } from "../log/log-validate.ts";
import type { Result } from "../result.ts";
import type { BrokerEpoch, EpochEndOffset } from "./messages.ts";

/** The leader replica's log: read-only but for the high watermark, which the leader decides. */
export interface LeaderLog {
  readonly logStartOffset: Offset;
  readonly logEndOffset: Offset;
  /** Every offset below it is synced (the recovery point). */
  readonly durableOffset: Offset;
  readonly highWatermark: Offset;
  /** The epoch of the last batch (the leader epoch cache's latest entry); -1 when none. */
  latestEpoch(): Epoch;
  /** LeaderEpochCache.endOffsetFor(epoch, logEndOffset): (-1, -1) when unknown. */
  endOffsetForEpoch(epoch: Epoch): EpochEndOffset;
  setHighWatermark(offset: Offset): void;
}

export interface FollowerAppendInfo {
  readonly lastOffset: Offset;
}

export interface FollowerLogError {
  readonly error: ErrorCode | number;
  readonly message: string;
}

/** The log of a follower replica. */
export interface FollowerLog extends LeaderLog {
  /** Appends batches that already carry the leader's offsets and epochs (at or past the LEO). */
  appendAsFollower(
    now: Millis,
    records: ValidatedRecords,
  ): Result<FollowerAppendInfo, FollowerLogError>;
  /** Drops every batch holding an offset >= `offset`; `done` gets the new log end offset. */
  truncateTo(offset: Offset, done: (logEndOffset: Offset) => void): void;
  /** Deletes everything and starts empty at `offset` (synchronous). */
  truncateFullyAndStartAt(offset: Offset): void;
  /** Asks for a sync of everything appended so far; durableOffset moves when it completes. */
  sync(): void;
}

/** A broker as the metadata image knows it. */
export interface BrokerState {
  readonly brokerEpoch: BrokerEpoch;
  readonly fenced: boolean;
  readonly inControlledShutdown: boolean;
}

/** The broker registry (the metadata image): who may join an ISR or lead (KIP-841, KIP-903). */
export interface BrokerRegistry {
  broker(id: NodeId): BrokerState | undefined;
}
