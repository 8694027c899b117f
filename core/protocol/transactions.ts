// Idempotent and transactional producers as domain types: InitProducerId v0–1,
// AddPartitionsToTxn v0–2, AddOffsetsToTxn v0–2, EndTxn v0–2, TxnOffsetCommit v0–2.

import type { Epoch, Millis, Offset } from "../ids.ts";

export interface InitProducerIdRequest {
  /** null for an idempotent (non-transactional) producer. */
  readonly transactionalId: string | null;
  readonly transactionTimeoutMs: Millis;
}

export interface InitProducerIdResponse {
  readonly throttleTimeMs: Millis;
  readonly errorCode: number;
  readonly producerId: number;
  readonly producerEpoch: number;
}

/** Kafka names these fields "V3AndBelow..." since KIP-890 batched them for v4+ (not spoken here). */
export interface AddPartitionsToTxnRequest {
  readonly v3AndBelowTransactionalId: string;
  readonly v3AndBelowProducerId: number;
  readonly v3AndBelowProducerEpoch: number;
  readonly v3AndBelowTopics: readonly AddPartitionsToTxnTopic[];
}

export interface AddPartitionsToTxnTopic {
  readonly name: string;
  readonly partitions: readonly number[];
}

export interface AddPartitionsToTxnResponse {
  readonly throttleTimeMs: Millis;
  readonly resultsByTopicV3AndBelow: readonly AddPartitionsToTxnTopicResult[];
}

export interface AddPartitionsToTxnTopicResult {
  readonly name: string;
  readonly resultsByPartition: readonly AddPartitionsToTxnPartitionResult[];
}

export interface AddPartitionsToTxnPartitionResult {
  readonly partitionIndex: number;
  readonly partitionErrorCode: number;
}

export interface AddOffsetsToTxnRequest {
  readonly transactionalId: string;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly groupId: string;
}

export interface AddOffsetsToTxnResponse {
  readonly throttleTimeMs: Millis;
  readonly errorCode: number;
}

export interface EndTxnRequest {
  readonly transactionalId: string;
  readonly producerId: number;
  readonly producerEpoch: number;
  /** true to commit, false to abort. */
  readonly committed: boolean;
}

export interface EndTxnResponse {
  readonly throttleTimeMs: Millis;
  readonly errorCode: number;
}

export interface TxnOffsetCommitRequest {
  readonly transactionalId: string;
  readonly groupId: string;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly topics: readonly TxnOffsetCommitRequestTopic[];
}

export interface TxnOffsetCommitRequestTopic {
  readonly name: string;
  readonly partitions: readonly TxnOffsetCommitRequestPartition[];
}

export interface TxnOffsetCommitRequestPartition {
  readonly partitionIndex: number;
  readonly committedOffset: Offset;
  /** v2+. */
  readonly committedLeaderEpoch: Epoch;
  readonly committedMetadata: string | null;
}

export interface TxnOffsetCommitResponse {
  readonly throttleTimeMs: Millis;
  readonly topics: readonly TxnOffsetCommitResponseTopic[];
}

export interface TxnOffsetCommitResponseTopic {
  readonly name: string;
  readonly partitions: readonly TxnOffsetCommitResponsePartition[];
}

export interface TxnOffsetCommitResponsePartition {
  readonly partitionIndex: number;
  readonly errorCode: number;
}
