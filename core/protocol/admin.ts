// Topic and config administration as domain types: CreateTopics v0–4, DeleteTopics v0–3,
// DeleteRecords v0–1, CreatePartitions v0–1, DescribeConfigs v0–3, AlterConfigs v0–1.

import type { Millis, Offset } from "../ids.ts";

export interface CreateTopicsRequest {
  readonly topics: readonly CreatableTopic[];
  readonly timeoutMs: Millis;
  /** v1+: check the request without creating anything. */
  readonly validateOnly: boolean;
}

export interface CreatableTopic {
  readonly name: string;
  /** -1 (with explicit assignments, or for the broker default num.partitions). */
  readonly numPartitions: number;
  /** -1 (with explicit assignments, or for default.replication.factor). */
  readonly replicationFactor: number;
  readonly assignments: readonly CreatableReplicaAssignment[];
  readonly configs: readonly CreatableTopicConfig[];
}

export interface CreatableReplicaAssignment {
  readonly partitionIndex: number;
  readonly brokerIds: readonly number[];
}

export interface CreatableTopicConfig {
  readonly name: string;
  readonly value: string | null;
}

export interface CreateTopicsResponse {
  /** v2+. */
  readonly throttleTimeMs: Millis;
  readonly topics: readonly CreatableTopicResult[];
}

export interface CreatableTopicResult {
  readonly name: string;
  readonly errorCode: number;
  /** v1+. */
  readonly errorMessage: string | null;
}

export interface DeleteTopicsRequest {
  readonly topicNames: readonly string[];
  readonly timeoutMs: Millis;
}

export interface DeleteTopicsResponse {
  /** v1+. */
  readonly throttleTimeMs: Millis;
  readonly responses: readonly DeletableTopicResult[];
}

export interface DeletableTopicResult {
  readonly name: string;
  readonly errorCode: number;
}

export interface DeleteRecordsRequest {
  readonly topics: readonly DeleteRecordsTopic[];
  readonly timeoutMs: Millis;
}

export interface DeleteRecordsTopic {
  readonly name: string;
  readonly partitions: readonly DeleteRecordsPartition[];
}

export interface DeleteRecordsPartition {
  readonly partitionIndex: number;
  /** The new log start offset; -1 means the high watermark. */
  readonly offset: Offset;
}

export interface DeleteRecordsResponse {
  readonly throttleTimeMs: Millis;
  readonly topics: readonly DeleteRecordsTopicResult[];
}

export interface DeleteRecordsTopicResult {
  readonly name: string;
  readonly partitions: readonly DeleteRecordsPartitionResult[];
}

export interface DeleteRecordsPartitionResult {
  readonly partitionIndex: number;
  /** The partition's log start offset after the deletion. */
  readonly lowWatermark: Offset;
  readonly errorCode: number;
}

export interface CreatePartitionsRequest {
  readonly topics: readonly CreatePartitionsTopic[];
  readonly timeoutMs: Millis;
  readonly validateOnly: boolean;
}

export interface CreatePartitionsTopic {
  readonly name: string;
  /** The new total number of partitions. */
  readonly count: number;
  /** Replicas of each new partition, or null for the broker to choose. */
  readonly assignments: readonly CreatePartitionsAssignment[] | null;
}

export interface CreatePartitionsAssignment {
  readonly brokerIds: readonly number[];
}

export interface CreatePartitionsResponse {
  readonly throttleTimeMs: Millis;
  readonly results: readonly CreatePartitionsTopicResult[];
}

export interface CreatePartitionsTopicResult {
  readonly name: string;
  readonly errorCode: number;
  readonly errorMessage: string | null;
}

export interface DescribeConfigsRequest {
  readonly resources: readonly DescribeConfigsResource[];
  /** v1+. */
  readonly includeSynonyms: boolean;
  /** v3+. */
  readonly includeDocumentation: boolean;
}

export interface DescribeConfigsResource {
  /** 2 topic, 4 broker, 8 broker logger (Kafka's ConfigResource.Type). */
  readonly resourceType: number;
  readonly resourceName: string;
  /** The config names wanted, or null for all of them. */
  readonly configurationKeys: readonly string[] | null;
}

export interface DescribeConfigsResponse {
  readonly throttleTimeMs: Millis;
  readonly results: readonly DescribeConfigsResult[];
}

export interface DescribeConfigsResult {
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly resourceType: number;
  readonly resourceName: string;
  readonly configs: readonly DescribeConfigsResourceResult[];
}

export interface DescribeConfigsResourceResult {
  readonly name: string;
  readonly value: string | null;
  readonly readOnly: boolean;
  /**
   * v1+: where the value comes from (5 DEFAULT_CONFIG, 1 DYNAMIC_TOPIC_CONFIG, 4
   * STATIC_BROKER_CONFIG, ...). v0 has only an is-default flag: the codec writes
   * isDefault = (configSource === 5) and reads it back as 5 or 0 (UNKNOWN).
   */
  readonly configSource: number;
  readonly isSensitive: boolean;
  /** v1+. */
  readonly synonyms: readonly DescribeConfigsSynonym[];
  /** v3+: Kafka's ConfigDef type (1 BOOLEAN, 2 STRING, 3 INT, ...), 0 unknown. */
  readonly configType: number;
  /** v3+. */
  readonly documentation: string | null;
}

export interface DescribeConfigsSynonym {
  readonly name: string;
  readonly value: string | null;
  readonly source: number;
}

export interface AlterConfigsRequest {
  readonly resources: readonly AlterConfigsResource[];
  readonly validateOnly: boolean;
}

export interface AlterConfigsResource {
  readonly resourceType: number;
  readonly resourceName: string;
  readonly configs: readonly AlterableConfig[];
}

export interface AlterableConfig {
  readonly name: string;
  readonly value: string | null;
}

export interface AlterConfigsResponse {
  readonly throttleTimeMs: Millis;
  readonly responses: readonly AlterConfigsResourceResponse[];
}

export interface AlterConfigsResourceResponse {
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly resourceType: number;
  readonly resourceName: string;
}
