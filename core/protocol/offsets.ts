// Committed offsets as domain types: OffsetCommit v0–7, OffsetFetch v0–5, OffsetDelete v0.
// Offsets are committed per (group, topic, partition) with optional metadata, as in Kafka.

import type { Epoch, Millis, Offset } from "../ids.ts";

export interface OffsetCommitRequest {
  readonly groupId: string;
  /**
   * v1+: the member's generation, -1 for a commit from outside the group (simple consumers).
   * Kafka's spec calls it GenerationIdOrMemberEpoch since KIP-848; these versions are classic.
   */
  readonly generationId: number;
  /** v1+: "" for a commit from outside the group. */
  readonly memberId: string;
  /** v7+. */
  readonly groupInstanceId: string | null;
  /** v2–v4 only: how long to keep the offsets, -1 for the broker default. */
  readonly retentionTimeMs: Millis;
  readonly topics: readonly OffsetCommitRequestTopic[];
}

export interface OffsetCommitRequestTopic {
  readonly name: string;
  readonly partitions: readonly OffsetCommitRequestPartition[];
}

export interface OffsetCommitRequestPartition {
  readonly partitionIndex: number;
  readonly committedOffset: Offset;
  /** v6+: the leader epoch of the last consumed record, or -1. */
  readonly committedLeaderEpoch: Epoch;
  /** v1 only: the commit time chosen by the client, or -1. */
  readonly commitTimestamp: Millis;
  readonly committedMetadata: string | null;
}

export interface OffsetCommitResponse {
  /** v3+. */
  readonly throttleTimeMs: Millis;
  readonly topics: readonly OffsetCommitResponseTopic[];
}

export interface OffsetCommitResponseTopic {
  readonly name: string;
  readonly partitions: readonly OffsetCommitResponsePartition[];
}

export interface OffsetCommitResponsePartition {
  readonly partitionIndex: number;
  readonly errorCode: number;
}

export interface OffsetFetchRequest {
  readonly groupId: string;
  /** The partitions wanted; null (v2+) means every partition the group committed. */
  readonly topics: readonly OffsetFetchRequestTopic[] | null;
}

export interface OffsetFetchRequestTopic {
  readonly name: string;
  readonly partitionIndexes: readonly number[];
}

export interface OffsetFetchResponse {
  /** v3+. */
  readonly throttleTimeMs: Millis;
  readonly topics: readonly OffsetFetchResponseTopic[];
  /**
   * v2+: a group-level error. For v0–v1 the codec copies it onto every partition that has none,
   * which is where those versions carry it.
   */
  readonly errorCode: number;
}

export interface OffsetFetchResponseTopic {
  readonly name: string;
  readonly partitions: readonly OffsetFetchResponsePartition[];
}

export interface OffsetFetchResponsePartition {
  readonly partitionIndex: number;
  /** -1 when the group has no committed offset for the partition. */
  readonly committedOffset: Offset;
  /** v5+. */
  readonly committedLeaderEpoch: Epoch;
  readonly metadata: string | null;
  readonly errorCode: number;
}

export interface OffsetDeleteRequest {
  readonly groupId: string;
  readonly topics: readonly OffsetDeleteRequestTopic[];
}

export interface OffsetDeleteRequestTopic {
  readonly name: string;
  readonly partitions: readonly OffsetDeleteRequestPartition[];
}

export interface OffsetDeleteRequestPartition {
  readonly partitionIndex: number;
}

export interface OffsetDeleteResponse {
  readonly errorCode: number;
  readonly throttleTimeMs: Millis;
  readonly topics: readonly OffsetDeleteResponseTopic[];
}

export interface OffsetDeleteResponseTopic {
  readonly name: string;
  readonly partitions: readonly OffsetDeleteResponsePartition[];
}

export interface OffsetDeleteResponsePartition {
  readonly partitionIndex: number;
  readonly errorCode: number;
}
