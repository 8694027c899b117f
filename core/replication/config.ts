// Settings of data-partition replication, under Kafka's property names where Kafka has one, with
// Kafka's defaults. `ackRequiresSync` is Runnel's: acknowledgements count only synced offsets.

import { assert } from "../assert.ts";
import type { Bytes, Millis, NodeId, PartitionIndex, TopicName } from "../ids.ts";
import type { Crc32c } from "../log/crc32c.ts";
import { crc32c } from "../log/crc32c.ts";

/** Which partition a component serves. */
export interface PartitionId {
  readonly topic: TopicName;
  readonly topicId: string;
  readonly partition: PartitionIndex;
}

export interface ReplicationConfig {
  /** replica.lag.time.max.ms: a follower not caught up for this long leaves the ISR. */
  readonly replicaLagTimeMaxMs: Millis;
  /** min.insync.replicas of the topic: acks=all needs this many in the ISR. */
  readonly minInsyncReplicas: number;
  /** An AlterPartition unanswered this long is sent again (same partition epoch). */
  readonly alterPartitionTimeoutMs: Millis;
  /** Wait before resending an AlterPartition the controller could not take (NOT_CONTROLLER...). */
  readonly alterPartitionRetryBackoffMs: Millis;
  /** replica.fetch.backoff.ms: pause after a fetch error. */
  readonly replicaFetchBackoffMs: Millis;
  /** replica.fetch.wait.max.ms: the long poll a follower asks for. */
  readonly replicaFetchWaitMaxMs: Millis;
  /** replica.fetch.min.bytes. */
  readonly replicaFetchMinBytes: Bytes;
  /** replica.fetch.max.bytes: per partition. */
  readonly replicaFetchMaxBytes: Bytes;
  /** replica.fetch.response.max.bytes: per request. */
  readonly replicaFetchResponseMaxBytes: Bytes;
  /** replica.socket.timeout.ms: a fetch unanswered this long counts as lost. */
  readonly replicaSocketTimeoutMs: Millis;
  /**
   * True (Runnel's default): the high watermark counts the leader's synced offsets only, and a
   * follower fetches (so acknowledges) only once what it appended is synced. Every acknowledged
   * record is then on the disk of every ISR member, so no single crash loses it (README).
   * False: Kafka's page-cache semantics.
   */
  readonly ackRequiresSync: boolean;
  /** CRC-32C for validating fetched batches (the runtime may inject a native one). */
  readonly crc: Crc32c;
}

export const defaultReplicationConfig: ReplicationConfig = {
  replicaLagTimeMaxMs: 30_000,
  minInsyncReplicas: 1,
  alterPartitionTimeoutMs: 5_000,
  alterPartitionRetryBackoffMs: 100,
  replicaFetchBackoffMs: 1_000,
  replicaFetchWaitMaxMs: 500,
  replicaFetchMinBytes: 1,
  replicaFetchMaxBytes: 1_048_576,
  replicaFetchResponseMaxBytes: 10_485_760,
  replicaSocketTimeoutMs: 30_000,
  ackRequiresSync: true,
  crc: crc32c,
};

export function replicationConfig(overrides: Partial<ReplicationConfig> = {}): ReplicationConfig {
  const config = { ...defaultReplicationConfig, ...overrides };
  assert(config.replicaLagTimeMaxMs >= 1, `replica.lag.time.max.ms ${config.replicaLagTimeMaxMs}`);
  assert(config.minInsyncReplicas >= 1, `min.insync.replicas ${config.minInsyncReplicas}`);
  assert(config.alterPartitionTimeoutMs >= 1, "alterPartitionTimeoutMs");
  assert(config.alterPartitionRetryBackoffMs >= 0, "alterPartitionRetryBackoffMs");
  assert(config.replicaFetchBackoffMs >= 0, "replica.fetch.backoff.ms");
  assert(config.replicaFetchMaxBytes >= 1, "replica.fetch.max.bytes");
  assert(
    config.replicaSocketTimeoutMs > config.replicaFetchWaitMaxMs,
    "replica.socket.timeout.ms must exceed replica.fetch.wait.max.ms",
  );
  return config;
}

/** Leader and ISR of a partition as the metadata log says (KRaft's PartitionRegistration). */
export interface PartitionAssignment {
  readonly replicas: readonly NodeId[];
  readonly isr: readonly NodeId[];
  /** -1 when the partition has no leader. */
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly partitionEpoch: number;
}
