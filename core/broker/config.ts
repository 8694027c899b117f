// The broker's configuration: Kafka's server properties mapped to camelCase fields, with Kafka's
// defaults. Values are always valid once built (brokerConfig asserts, the property parser returns
// errors as values); "never" (Kafka's Long.MAX_VALUE) is Infinity.

import { assert } from "../assert.ts";
import { type Bytes, type Millis, type NodeId, nodeId } from "../ids.ts";

/** Kafka's Long.MAX_VALUE, the "never" of flush.ms, flush.messages and max.compaction.lag.ms. */
export const LONG_MAX_TEXT = "9223372036854775807";

/** When an acknowledgement waits for the fsync of the data it acknowledges (Runnel's option). */
export const FsyncBeforeAck = {
  /** Like Kafka: acks rely on replication and the flush policy, never on an fsync of their own. */
  none: "none",
  /** acks=all is sent only once the records are synced on the leader (and HW waits for the sync). */
  acksAll: "acks-all",
  /** acks=all and acks=1 both wait for the sync. */
  acksAllAndOne: "acks-all-and-1",
} as const;
export type FsyncBeforeAck = (typeof FsyncBeforeAck)[keyof typeof FsyncBeforeAck];

export type CleanupPolicy = "delete" | "compact";
export type TimestampType = "CreateTime" | "LogAppendTime";
export type ProcessRole = "broker" | "controller";

/** One entry of `listeners` / `advertised.listeners`: NAME://host:port. */
export interface ListenerConfig {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

/** One entry of `controller.quorum.voters`: id@host:port. */
export interface QuorumVoterConfig {
  readonly id: NodeId;
  readonly host: string;
  readonly port: number;
}

export interface BrokerConfig {
  /** node.id */
  readonly nodeId: NodeId;
  /** process.roles: combined mode (both) is the default for small clusters. */
  readonly processRoles: readonly ProcessRole[];
  /** cluster.id (Kafka keeps it in meta.properties). */
  readonly clusterId: string;
  readonly listeners: readonly ListenerConfig[];
  /** advertised.listeners: what Metadata tells clients; defaults to `listeners`. */
  readonly advertisedListeners: readonly ListenerConfig[];
  readonly controllerQuorumVoters: readonly QuorumVoterConfig[];
  /** log.dirs: read by the runtime, which maps the node's data folder there. */
  readonly logDirs: string;
  readonly numPartitions: number;
  readonly defaultReplicationFactor: number;
  readonly minInsyncReplicas: number;
  readonly autoCreateTopicsEnable: boolean;
  readonly deleteTopicEnable: boolean;
  /** message.max.bytes: the largest record batch accepted (topic: max.message.bytes). */
  readonly messageMaxBytes: Bytes;
  readonly logSegmentBytes: Bytes;
  /** log.roll.ms (or log.roll.hours): topic segment.ms. */
  readonly logRollMs: Millis;
  /** log.retention.ms (or .minutes, .hours): topic retention.ms; -1 keeps forever. */
  readonly logRetentionMs: Millis;
  /** log.retention.bytes: topic retention.bytes; -1 is unlimited. */
  readonly logRetentionBytes: Bytes;
  readonly logRetentionCheckIntervalMs: Millis;
  readonly logCleanupPolicy: readonly CleanupPolicy[];
  readonly logCleanerEnable: boolean;
  /** log.cleaner.backoff.ms: how often compacted logs are checked for cleaning. */
  readonly logCleanerBackoffMs: Millis;
  readonly logCleanerDeleteRetentionMs: Millis;
  readonly logCleanerMinCleanableRatio: number;
  readonly logCleanerMinCompactionLagMs: Millis;
  readonly logCleanerMaxCompactionLagMs: Millis;
  /** log.flush.interval.messages: topic flush.messages; Infinity never forces a sync. */
  readonly logFlushIntervalMessages: number;
  /** log.flush.interval.ms: topic flush.ms; Infinity never forces a sync. */
  readonly logFlushIntervalMs: Millis;
  readonly logMessageTimestampType: TimestampType;
  /** compression.type: only "producer" (keep what the producer sent) is supported. */
  readonly compressionType: string;
  readonly uncleanLeaderElectionEnable: boolean;
  readonly replicaLagTimeMaxMs: Millis;
  /** replica.fetch.wait.max.ms: the long poll a follower's fetch asks for. */
  readonly replicaFetchWaitMaxMs: Millis;
  /** replica.fetch.min.bytes: what a follower's fetch waits for. */
  readonly replicaFetchMinBytes: Bytes;
  /** replica.fetch.max.bytes: per partition of a follower's fetch. */
  readonly replicaFetchMaxBytes: Bytes;
  /** replica.fetch.response.max.bytes: per follower fetch response. */
  readonly replicaFetchResponseMaxBytes: Bytes;
  /** replica.fetch.backoff.ms: a follower's pause after a fetch error. */
  readonly replicaFetchBackoffMs: Millis;
  /** replica.socket.timeout.ms: a follower's fetch unanswered this long (beyond its wait) is lost. */
  readonly replicaSocketTimeoutMs: Millis;
  /** broker.heartbeat.interval.ms: how often a broker tells the controller it is alive. */
  readonly brokerHeartbeatIntervalMs: Millis;
  /** broker.session.timeout.ms: no heartbeat this long and the controller fences the broker. */
  readonly brokerSessionTimeoutMs: Millis;
  /** auto.leader.rebalance.enable: move leadership back to preferred replicas periodically. */
  readonly autoLeaderRebalanceEnable: boolean;
  /** leader.imbalance.check.interval.seconds, in ms: how often the controller rebalances. */
  readonly leaderImbalanceCheckIntervalMs: Millis;
  /** fetch.max.bytes: the most a consumer Fetch response may carry (after its first batch). */
  readonly fetchMaxBytes: Bytes;
  readonly offsetsTopicNumPartitions: number;
  readonly offsetsTopicReplicationFactor: number;
  readonly offsetsRetentionMinutes: number;
  /** offsets.retention.check.interval.ms: how often expired committed offsets are removed. */
  readonly offsetsRetentionCheckIntervalMs: Millis;
  /** offsets.commit.timeout.ms: a coordinator write not committed by then fails (REQUEST_TIMED_OUT). */
  readonly offsetsCommitTimeoutMs: Millis;
  readonly transactionStateLogNumPartitions: number;
  readonly transactionStateLogReplicationFactor: number;
  readonly transactionMaxTimeoutMs: Millis;
  readonly groupMinSessionTimeoutMs: Millis;
  readonly groupMaxSessionTimeoutMs: Millis;
  readonly groupInitialRebalanceDelayMs: Millis;
  /** producer.id.expiration.ms: an idempotent producer idle this long loses its state (KIP-854). */
  readonly producerIdExpirationMs: Millis;
  /** runnel.fsync.before.ack: see docs/durability.md. */
  readonly fsyncBeforeAck: FsyncBeforeAck;
  /**
   * runnel.log.background.sync.ms: every log with unsynced bytes is synced this often, standing in
   * for the operating system's background writeback Kafka relies on. Infinity turns it off.
   */
  readonly logBackgroundSyncMs: Millis;
  /** The property names set explicitly (DescribeConfigs reports them as STATIC_BROKER_CONFIG). */
  readonly explicitProperties: readonly string[];
}

export const defaultBrokerConfig: BrokerConfig = {
  nodeId: nodeId(1),
  processRoles: ["broker", "controller"],
  clusterId: "runnel-cluster",
  listeners: [{ name: "PLAINTEXT", host: "localhost", port: 9092 }],
  advertisedListeners: [{ name: "PLAINTEXT", host: "localhost", port: 9092 }],
  controllerQuorumVoters: [],
  logDirs: "./data",
  numPartitions: 1,
  defaultReplicationFactor: 1,
  minInsyncReplicas: 1,
  autoCreateTopicsEnable: true,
  deleteTopicEnable: true,
  messageMaxBytes: 1_048_588,
  logSegmentBytes: 1_073_741_824,
  logRollMs: 604_800_000,
  logRetentionMs: 604_800_000,
  logRetentionBytes: -1,
  logRetentionCheckIntervalMs: 300_000,
  logCleanupPolicy: ["delete"],
  logCleanerEnable: true,
  logCleanerBackoffMs: 15_000,
  logCleanerDeleteRetentionMs: 86_400_000,
  logCleanerMinCleanableRatio: 0.5,
  logCleanerMinCompactionLagMs: 0,
  logCleanerMaxCompactionLagMs: Number.POSITIVE_INFINITY,
  logFlushIntervalMessages: Number.POSITIVE_INFINITY,
  logFlushIntervalMs: Number.POSITIVE_INFINITY,
  logMessageTimestampType: "CreateTime",
  compressionType: "producer",
  uncleanLeaderElectionEnable: false,
  replicaLagTimeMaxMs: 30_000,
  replicaFetchWaitMaxMs: 500,
  replicaFetchMinBytes: 1,
  replicaFetchMaxBytes: 1_048_576,
  replicaFetchResponseMaxBytes: 10_485_760,
  replicaFetchBackoffMs: 1_000,
  replicaSocketTimeoutMs: 30_000,
  brokerHeartbeatIntervalMs: 2_000,
  brokerSessionTimeoutMs: 9_000,
  autoLeaderRebalanceEnable: true,
  leaderImbalanceCheckIntervalMs: 300_000,
  fetchMaxBytes: 57_671_680,
  offsetsTopicNumPartitions: 50,
  offsetsTopicReplicationFactor: 3,
  offsetsRetentionMinutes: 10_080,
  offsetsRetentionCheckIntervalMs: 600_000,
  offsetsCommitTimeoutMs: 5_000,
  transactionStateLogNumPartitions: 50,
  transactionStateLogReplicationFactor: 3,
  transactionMaxTimeoutMs: 900_000,
  groupMinSessionTimeoutMs: 6_000,
  groupMaxSessionTimeoutMs: 1_800_000,
  groupInitialRebalanceDelayMs: 3_000,
  producerIdExpirationMs: 86_400_000,
  fsyncBeforeAck: FsyncBeforeAck.acksAll,
  logBackgroundSyncMs: 5_000,
  explicitProperties: [],
};

/**
 * What Kafka's single-node config/server.properties sets, and `runnel broker` without a file uses:
 * internal topics with one replica (Kafka refuses to create them with fewer brokers than their
 * RF) and no delay before a new group's first rebalance.
 */
export const singleNodeProperties: Readonly<Record<string, string>> = {
  "offsets.topic.replication.factor": "1",
  "transaction.state.log.replication.factor": "1",
  "group.initial.rebalance.delay.ms": "0",
};

/** A config from overrides of the defaults (tests, the simulator); asserts it is coherent. */
export function brokerConfig(overrides: Partial<BrokerConfig> = {}): BrokerConfig {
  const listeners = overrides.listeners ?? defaultBrokerConfig.listeners;
  const config: BrokerConfig = {
    ...defaultBrokerConfig,
    advertisedListeners: overrides.advertisedListeners ?? listeners,
    ...overrides,
  };
  assertBrokerConfig(config);
  return config;
}

export function assertBrokerConfig(c: BrokerConfig): void {
  assert(Number.isSafeInteger(c.nodeId) && c.nodeId >= 0, `node.id ${c.nodeId}`);
  assert(c.numPartitions >= 1 && c.defaultReplicationFactor >= 1, "partitions and RF >= 1");
  assert(c.minInsyncReplicas >= 1, `min.insync.replicas ${c.minInsyncReplicas}`);
  assert(c.messageMaxBytes >= 0 && c.logSegmentBytes >= 14, "message and segment sizes");
  assert(c.logRetentionCheckIntervalMs >= 1 && c.logCleanerBackoffMs >= 1, "check intervals");
  assert(c.logFlushIntervalMessages >= 1 && c.logFlushIntervalMs >= 0, "flush intervals");
  assert(c.logBackgroundSyncMs >= 1, `background sync ${c.logBackgroundSyncMs}`);
  assert(c.logCleanupPolicy.length > 0, "cleanup.policy is empty");
  assert(c.advertisedListeners.length > 0, "no advertised listener");
  assert(c.brokerHeartbeatIntervalMs >= 1, "broker.heartbeat.interval.ms");
  assert(
    c.brokerSessionTimeoutMs > c.brokerHeartbeatIntervalMs,
    "broker.session.timeout.ms must exceed broker.heartbeat.interval.ms",
  );
  assert(c.replicaFetchMaxBytes >= 1 && c.replicaFetchResponseMaxBytes >= 1, "replica fetch bytes");
  assert(c.replicaSocketTimeoutMs >= 1 && c.leaderImbalanceCheckIntervalMs >= 1, "intervals");
  assert(c.processRoles.length > 0, "process.roles is empty");
}

/** The voter ids of the metadata quorum: controller.quorum.voters, or this node alone. */
export function quorumVoterIds(c: BrokerConfig): NodeId[] {
  if (c.controllerQuorumVoters.length === 0) return [c.nodeId];
  return c.controllerQuorumVoters.map((v) => v.id);
}

/** The listener clients are told about: the first advertised one. */
export function advertisedListener(c: BrokerConfig): ListenerConfig {
  const first = c.advertisedListeners[0];
  assert(first !== undefined, "no advertised listener");
  return first;
}
