// Trace events of core/replication/: ISR proposals and commits, high watermark moves, follower
// truncations, leader elections (clean or unclean) and fenced leader epochs. The viewer draws them;
// the simulator's checkers read `leader-elected.unclean` to excuse the data loss it permits.

import type { Epoch, Millis, Offset } from "../ids.ts";

interface PartitionEventBase {
  readonly topic: string;
  readonly partition: number;
}

/** Why a follower left a proposed ISR: how long since it last caught up, and where it stood. */
export interface LaggingReplica {
  readonly replicaId: number;
  /** Milliseconds since its fetch offset last reached the leader's log end offset; -1 never. */
  readonly lagMs: Millis;
  /** Its log end offset as the leader knows it; -1 unknown (no fetch in this leader epoch). */
  readonly logEndOffset: Offset;
}

export type TruncationReason = "diverging-epoch" | "offset-out-of-range" | "log-start-inside-batch";

export type ElectionReason =
  | "broker-fenced"
  | "broker-unfenced"
  | "controlled-shutdown"
  | "preferred"
  | "alter-partition";

export type ReplicationTraceEvent =
  | (PartitionEventBase & {
      readonly type: "isr-shrink-proposed";
      readonly leaderEpoch: Epoch;
      readonly partitionEpoch: Epoch;
      readonly isr: readonly number[];
      readonly proposedIsr: readonly number[];
      readonly lagging: readonly LaggingReplica[];
      readonly replicaLagTimeMaxMs: Millis;
    })
  | (PartitionEventBase & {
      readonly type: "isr-expand-proposed";
      readonly leaderEpoch: Epoch;
      readonly partitionEpoch: Epoch;
      readonly isr: readonly number[];
      readonly proposedIsr: readonly number[];
      readonly replicaId: number;
      /** The follower's log end offset, at or past the high watermark: it caught up there. */
      readonly caughtUpOffset: Offset;
      readonly highWatermark: Offset;
    })
  | (PartitionEventBase & {
      readonly type: "isr-committed";
      readonly leaderEpoch: Epoch;
      readonly partitionEpoch: Epoch;
      readonly isr: readonly number[];
      /** Who told the leader: the controller's AlterPartition answer, or the metadata log. */
      readonly source: "alter-partition" | "metadata";
    })
  | (PartitionEventBase & {
      readonly type: "isr-proposal-failed";
      readonly leaderEpoch: Epoch;
      readonly partitionEpoch: Epoch;
      readonly errorCode: number;
      /** What the leader does next. */
      readonly next: "retry" | "await-metadata" | "drop";
    })
  | (PartitionEventBase & {
      readonly type: "hw-advanced";
      readonly leaderEpoch: Epoch;
      readonly from: Offset;
      readonly to: Offset;
    })
  | (PartitionEventBase & {
      readonly type: "follower-truncated";
      readonly leaderEpoch: Epoch;
      /** Log end offset before and after (a batch boundary at or below the target). */
      readonly from: Offset;
      readonly to: Offset;
      readonly target: Offset;
      readonly reason: TruncationReason;
      /** The leader's diverging epoch for "diverging-epoch", null otherwise. */
      readonly divergingEpoch: { readonly epoch: Epoch; readonly endOffset: Offset } | null;
    })
  | (PartitionEventBase & {
      readonly type: "leader-elected";
      /** -1: the partition has no leader (offline). */
      readonly leader: number;
      readonly previousLeader: number;
      readonly leaderEpoch: Epoch;
      readonly partitionEpoch: Epoch;
      readonly isr: readonly number[];
      /** Elected outside the ISR: acknowledged records may be lost (and checkers excuse it). */
      readonly unclean: boolean;
      readonly reason: ElectionReason;
    })
  | (PartitionEventBase & {
      readonly type: "fenced-leader-epoch";
      /** "leader": a follower fetched with another epoch; "follower": the leader said so. */
      readonly side: "leader" | "follower";
      readonly replicaId: number;
      readonly requestEpoch: Epoch;
      readonly currentEpoch: Epoch;
      readonly errorCode: number;
    });

export type ReplicationTraceEventType = ReplicationTraceEvent["type"];
