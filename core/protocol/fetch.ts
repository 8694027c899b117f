// Fetch (key 1) and ListOffsets (key 2) as domain types: the union of the fields of Fetch v4–v11
// and ListOffsets v0–v3. Fetched records are raw RecordBatch bytes read back from the log.

import type { Epoch, Millis, Offset } from "../ids.ts";

export interface FetchRequest {
  /** -1 for a consumer; a broker id for a follower. */
  readonly replicaId: number;
  readonly maxWaitMs: Millis;
  readonly minBytes: number;
  /** v3+: the response size the client wants at most (KIP-74: the first batch is always sent). */
  readonly maxBytes: number;
  /** v4+: 0 READ_UNCOMMITTED (read below the high watermark), 1 READ_COMMITTED (below the LSO). */
  readonly isolationLevel: number;
  /** v7+: the fetch session (KIP-227); 0 with epoch -1 means a full fetch without a session. */
  readonly sessionId: number;
  readonly sessionEpoch: number;
  readonly topics: readonly FetchTopic[];
  /** v7+: partitions to drop from the fetch session. */
  readonly forgottenTopicsData: readonly ForgottenTopic[];
  /** v11+: the consumer's rack (KIP-392), "" if none. */
  readonly rackId: string;
}

export interface FetchTopic {
  readonly topic: string;
  readonly partitions: readonly FetchPartition[];
}

export interface FetchPartition {
  readonly partition: number;
  /** v9+: the leader epoch the client believes current (KIP-320), or -1. */
  readonly currentLeaderEpoch: Epoch;
  readonly fetchOffset: Offset;
  /** v5+: the follower's log start offset, -1 for consumers. */
  readonly logStartOffset: Offset;
  readonly partitionMaxBytes: number;
}

export interface ForgottenTopic {
  readonly topic: string;
  readonly partitions: readonly number[];
}

export interface FetchResponse {
  /** v1+. */
  readonly throttleTimeMs: Millis;
  /** v7+: a top-level error (fetch sessions). */
  readonly errorCode: number;
  /** v7+: the fetch session id, 0 when the broker keeps no session. */
  readonly sessionId: number;
  readonly responses: readonly FetchableTopicResponse[];
}

export interface FetchableTopicResponse {
  readonly topic: string;
  readonly partitions: readonly FetchPartitionData[];
}

/** Kafka's `PartitionData` of the Fetch response. */
export interface FetchPartitionData {
  readonly partitionIndex: number;
  readonly errorCode: number;
  readonly highWatermark: Offset;
  /** v4+: the last stable offset, or -1. */
  readonly lastStableOffset: Offset;
  /** v5+: the log start offset, or -1. */
  readonly logStartOffset: Offset;
  /** v4+: aborted transactions overlapping the records (read_committed only), or null. */
  readonly abortedTransactions: readonly AbortedTransaction[] | null;
  /** v11+: the replica the consumer should fetch from instead (KIP-392), or -1. */
  readonly preferredReadReplica: number;
  /** Whole record batches starting with the one that contains the fetch offset; null if none. */
  readonly records: Uint8Array | null;
}

export interface AbortedTransaction {
  readonly producerId: number;
  readonly firstOffset: Offset;
}

export interface ListOffsetsRequest {
  /** -1 for a consumer. */
  readonly replicaId: number;
  /** v2+: 0 READ_UNCOMMITTED, 1 READ_COMMITTED. */
  readonly isolationLevel: number;
  readonly topics: readonly ListOffsetsTopic[];
}

export interface ListOffsetsTopic {
  readonly name: string;
  readonly partitions: readonly ListOffsetsPartition[];
}

export interface ListOffsetsPartition {
  readonly partitionIndex: number;
  /** -1 latest, -2 earliest, else the first offset whose timestamp is >= this one. */
  readonly timestamp: Millis;
  /** v0 only: how many offsets the client wants (v0 answers a list); 1 otherwise. */
  readonly maxNumOffsets: number;
}

export interface ListOffsetsResponse {
  /** v2+. */
  readonly throttleTimeMs: Millis;
  readonly topics: readonly ListOffsetsTopicResponse[];
}

export interface ListOffsetsTopicResponse {
  readonly name: string;
  readonly partitions: readonly ListOffsetsPartitionResponse[];
}

/**
 * One partition's answer. v0 has no timestamp and answers a list of offsets ("old style"); the
 * codec maps `offset` to that list (empty when -1) and back, so the core always sets `offset`.
 */
export interface ListOffsetsPartitionResponse {
  readonly partitionIndex: number;
  readonly errorCode: number;
  /** v1+: the timestamp of the found offset, or -1. */
  readonly timestamp: Millis;
  readonly offset: Offset;
}
