// Metadata (key 3) and ApiVersions (key 18) as domain types: the union of the fields of
// Metadata v0–v6 and ApiVersions v0–v3. "All topics" is a null topic list at every version.

import type { Millis } from "../ids.ts";

export interface MetadataRequest {
  /**
   * The topics wanted; null means every topic. (On the wire v0 says "all" with an empty list and
   * cannot ask for none; the codec maps that to null.)
   */
  readonly topics: readonly MetadataRequestTopic[] | null;
  /** v4+; always true for v0–v3, whose brokers auto-created topics when configured to. */
  readonly allowAutoTopicCreation: boolean;
}

export interface MetadataRequestTopic {
  readonly name: string;
}

export interface MetadataResponse {
  /** v3+. */
  readonly throttleTimeMs: Millis;
  readonly brokers: readonly MetadataResponseBroker[];
  /** v2+: the cluster id, or null. */
  readonly clusterId: string | null;
  /** v1+: the node id of the controller, or -1 (KafkaJS admin sends CreateTopics there). */
  readonly controllerId: number;
  readonly topics: readonly MetadataResponseTopic[];
}

export interface MetadataResponseBroker {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  /** v1+: the broker's rack, or null. */
  readonly rack: string | null;
}

export interface MetadataResponseTopic {
  readonly errorCode: number;
  readonly name: string;
  /** v1+: true for __consumer_offsets and __transaction_state. */
  readonly isInternal: boolean;
  readonly partitions: readonly MetadataResponsePartition[];
}

export interface MetadataResponsePartition {
  readonly errorCode: number;
  readonly partitionIndex: number;
  /** The leader's node id, or -1 when there is none. */
  readonly leaderId: number;
  readonly replicaNodes: readonly number[];
  readonly isrNodes: readonly number[];
  /** v5+: replicas whose log directory is offline. */
  readonly offlineReplicas: readonly number[];
}

export interface ApiVersionsRequest {
  /** v3+: e.g. "librdkafka"; "" before v3. */
  readonly clientSoftwareName: string;
  /** v3+: e.g. "2.0.2"; "" before v3. */
  readonly clientSoftwareVersion: string;
}

export interface ApiVersionsResponse {
  /** UNSUPPORTED_VERSION (35) when the request's version is not advertised (v0 layout). */
  readonly errorCode: number;
  readonly apiKeys: readonly ApiVersion[];
  /** v1+. */
  readonly throttleTimeMs: Millis;
  /** v3+ tagged field 0: feature flags the broker supports. */
  readonly supportedFeatures: readonly SupportedFeatureKey[];
  /** v3+ tagged field 1: the epoch of the finalized features, or -1. */
  readonly finalizedFeaturesEpoch: number;
  /** v3+ tagged field 2. */
  readonly finalizedFeatures: readonly FinalizedFeatureKey[];
  /** v3+ tagged field 3. */
  readonly zkMigrationReady: boolean;
}

export interface ApiVersion {
  readonly apiKey: number;
  readonly minVersion: number;
  readonly maxVersion: number;
}

export interface SupportedFeatureKey {
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
}

export interface FinalizedFeatureKey {
  readonly name: string;
  readonly maxVersionLevel: number;
  readonly minVersionLevel: number;
}
