// Peer messages of data-partition replication: the follower's ReplicaFetch (pull-based; the answer
// carries KIP-595's diverging epoch) and the partition leader's AlterPartition to the controller
// (KIP-497, with KIP-903's broker epochs). Kafka outcomes travel as ErrorCode values.

import type { ErrorCode } from "../error-codes.ts";
import type { Epoch, NodeId, Offset, PartitionIndex, TopicName } from "../ids.ts";

/** A broker epoch: the offset of the broker's registration record (KIP-631); -1 skips checks. */
export type BrokerEpoch = number;

/** The largest leader epoch <= the one asked about, and the offset where it ended. */
export interface EpochEndOffset {
  readonly epoch: Epoch;
  readonly endOffset: Offset;
}

export interface ReplicaFetchPartition {
  readonly topic: TopicName;
  readonly topicId: string;
  readonly partition: PartitionIndex;
  /** The leader epoch the follower believes current (KIP-320): the leader fences a mismatch. */
  readonly currentLeaderEpoch: Epoch;
  /** The follower's log end offset: a fetch at N acknowledges every offset below N. */
  readonly fetchOffset: Offset;
  /** Epoch of the follower's last batch, -1 when its log is empty (KIP-595's divergence check). */
  readonly lastFetchedEpoch: Epoch;
  readonly logStartOffset: Offset;
  /** Bytes wanted for this partition (the first batch is returned whole even when larger). */
  readonly maxBytes: number;
}

/** One follower broker fetching every partition it follows from one leader broker. */
export interface ReplicaFetchRequest {
  readonly type: "replica-fetch-request";
  readonly correlationId: number;
  readonly replicaId: NodeId;
  /** The follower's broker epoch: a fetch from an older incarnation is refused (KIP-903). */
  readonly brokerEpoch: BrokerEpoch;
  /** Long poll: the leader may hold the request this long waiting for minBytes. */
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly partitions: readonly ReplicaFetchPartition[];
}

export interface ReplicaFetchPartitionResponse {
  readonly topic: TopicName;
  readonly topicId: string;
  readonly partition: PartitionIndex;
  /**
   * NONE, NOT_LEADER_OR_FOLLOWER (not the leader), FENCED_LEADER_EPOCH (the follower's epoch is
   * older), UNKNOWN_LEADER_EPOCH (newer than the leader's), OFFSET_OUT_OF_RANGE (outside the log).
   */
  readonly errorCode: ErrorCode;
  readonly highWatermark: Offset;
  readonly logStartOffset: Offset;
  /** Set when the follower's log diverges: truncate (KIP-595), and `records` is empty. */
  readonly divergingEpoch: EpochEndOffset | null;
  /** Whole record batches from the one holding fetchOffset, possibly none. */
  readonly records: Uint8Array;
}

export interface ReplicaFetchResponse {
  readonly type: "replica-fetch-response";
  readonly correlationId: number;
  /** A request-level error (the broker is not serving replication); partitions is then empty. */
  readonly errorCode: ErrorCode;
  readonly partitions: readonly ReplicaFetchPartitionResponse[];
}

/** A member of a proposed ISR with the broker epoch the leader saw in its fetches (KIP-903). */
export interface IsrMember {
  readonly brokerId: NodeId;
  readonly brokerEpoch: BrokerEpoch;
}

/** One partition's proposed ISR, made against the partition epoch the leader knows. */
export interface AlterPartitionItem {
  readonly topic: TopicName;
  readonly topicId: string;
  readonly partition: PartitionIndex;
  readonly leaderEpoch: Epoch;
  readonly newIsr: readonly IsrMember[];
  readonly partitionEpoch: Epoch;
}

export interface AlterPartitionRequest {
  readonly type: "alter-partition-request";
  readonly correlationId: number;
  readonly brokerId: NodeId;
  readonly brokerEpoch: BrokerEpoch;
  readonly partitions: readonly AlterPartitionItem[];
}

export interface AlterPartitionResult {
  readonly topic: TopicName;
  readonly topicId: string;
  readonly partition: PartitionIndex;
  /**
   * NONE (the fields below are the committed state), INVALID_UPDATE_VERSION (stale partition
   * epoch), FENCED_LEADER_EPOCH, INELIGIBLE_REPLICA (fenced, shutting down or stale broker epoch),
   * NOT_CONTROLLER, INVALID_REQUEST, UNKNOWN_TOPIC_OR_PARTITION.
   */
  readonly errorCode: ErrorCode;
  readonly leaderId: number;
  readonly leaderEpoch: Epoch;
  readonly isr: readonly NodeId[];
  readonly partitionEpoch: Epoch;
}

export interface AlterPartitionResponse {
  readonly type: "alter-partition-response";
  readonly correlationId: number;
  /** NOT_CONTROLLER or STALE_BROKER_EPOCH for the whole request; partitions is then empty. */
  readonly errorCode: ErrorCode;
  readonly partitions: readonly AlterPartitionResult[];
}

export type ReplicationMessage =
  | ReplicaFetchRequest
  | ReplicaFetchResponse
  | AlterPartitionRequest
  | AlterPartitionResponse;

export type ReplicationMessageType = ReplicationMessage["type"];
