// Configuration of the simulated producer and consumer, under Kafka's property names (camelCase,
// units last) with Kafka's defaults. Every value is validated once, when the client is built, so
// the state machines can trust them (e.g. delivery.timeout.ms >= linger.ms + request.timeout.ms).

import { assert, assertNonNegativeInteger } from "../assert.ts";
import type { Millis, NodeId } from "../ids.ts";
import { limits } from "../limits.ts";

/** acks: 0 no response, 1 the leader appended, -1 ("all") the whole ISR has it. */
export type Acks = 0 | 1 | -1;

/** What the consumer does when it has no valid position: auto.offset.reset. */
export type AutoOffsetReset = "earliest" | "latest" | "none";

/** Settings both clients share: where to start, and how to back off from brokers and errors. */
export interface CommonClientConfig {
  /** client.id, sent in every request header. */
  readonly clientId: string;
  /** bootstrap.servers as node ids: where the first Metadata request may go. */
  readonly bootstrapNodes: readonly NodeId[];
  /** request.timeout.ms: how long a request may go unanswered before its connection is dropped. */
  readonly requestTimeoutMs: Millis;
  /** retry.backoff.ms: the first backoff after a retriable error (KIP-580 doubles it per attempt). */
  readonly retryBackoffMs: Millis;
  /** retry.backoff.max.ms: the cap of the exponential backoff. */
  readonly retryBackoffMaxMs: Millis;
  /** reconnect.backoff.ms: how long a node is avoided after its connection broke. */
  readonly reconnectBackoffMs: Millis;
  /** reconnect.backoff.max.ms. */
  readonly reconnectBackoffMaxMs: Millis;
  /** metadata.max.age.ms: refresh metadata at least this often even without errors. */
  readonly metadataMaxAgeMs: Millis;
  /** allow.auto.create.topics, passed in Metadata requests. */
  readonly allowAutoTopicCreation: boolean;
}

export interface ProducerConfig extends CommonClientConfig {
  readonly acks: Acks;
  /** linger.ms: how long a batch waits for more records before it is sent. */
  readonly lingerMs: Millis;
  /** batch.size: a batch is sent as soon as it holds this many bytes. */
  readonly batchSizeBytes: number;
  /** max.request.size: the largest Produce request the producer builds. */
  readonly maxRequestSizeBytes: number;
  /** delivery.timeout.ms: from send to the final outcome, retries included. */
  readonly deliveryTimeoutMs: Millis;
  /** retries: how many times a batch is resent after a retriable failure. */
  readonly retries: number;
  /** max.in.flight.requests.per.connection. */
  readonly maxInFlightRequestsPerConnection: number;
  /**
   * enable.idempotence: InitProducerId, per-partition sequences, acks=all and at most 5 in
   * flight. Off by default here (the assign workload predates it); Kafka 3.0+ defaults to on.
   */
  readonly enableIdempotence: boolean;
}

export interface ConsumerConfig extends CommonClientConfig {
  readonly autoOffsetReset: AutoOffsetReset;
  /** fetch.min.bytes. */
  readonly fetchMinBytes: number;
  /** fetch.max.wait.ms: how long the broker may hold a Fetch waiting for fetch.min.bytes. */
  readonly fetchMaxWaitMs: Millis;
  /** fetch.max.bytes. */
  readonly fetchMaxBytes: number;
  /** max.partition.fetch.bytes. */
  readonly maxPartitionFetchBytes: number;
  /** max.poll.records: the most records one poll returns. */
  readonly maxPollRecords: number;
  /** How long a poll waits for records before it returns empty (the poll timeout). */
  readonly pollTimeoutMs: Millis;
  /** isolation.level: 0 read_uncommitted, 1 read_committed. */
  readonly isolationLevel: 0 | 1;
  /** group.id: null for a consumer that only assigns (no group, no commits). */
  readonly groupId: string | null;
  /** group.instance.id: a static member (KIP-345), or null. */
  readonly groupInstanceId: string | null;
  /** session.timeout.ms: the coordinator drops a member silent this long. */
  readonly sessionTimeoutMs: Millis;
  /** heartbeat.interval.ms. */
  readonly heartbeatIntervalMs: Millis;
  /** max.poll.interval.ms, sent as the JoinGroup rebalance timeout. */
  readonly maxPollIntervalMs: Millis;
  /** partition.assignment.strategy: assignor names in preference order. */
  readonly partitionAssignmentStrategy: readonly string[];
  /** enable.auto.commit: commit the previous poll's positions every auto.commit.interval.ms. */
  readonly enableAutoCommit: boolean;
  /** auto.commit.interval.ms. */
  readonly autoCommitIntervalMs: Millis;
}

const commonDefaults = {
  clientId: "runnel-sim",
  requestTimeoutMs: 30_000,
  retryBackoffMs: 100,
  retryBackoffMaxMs: 1_000,
  reconnectBackoffMs: 50,
  reconnectBackoffMaxMs: 1_000,
  metadataMaxAgeMs: 300_000,
  allowAutoTopicCreation: false,
} as const;

/** Kafka 4.0's producer defaults (linger.ms 5 since KIP-1030, acks all since KIP-679). */
export const producerDefaults = {
  ...commonDefaults,
  acks: -1,
  lingerMs: 5,
  batchSizeBytes: 16_384,
  maxRequestSizeBytes: 1_048_576,
  deliveryTimeoutMs: 120_000,
  retries: 2_147_483_647,
  maxInFlightRequestsPerConnection: 5,
  enableIdempotence: false,
} as const satisfies Omit<ProducerConfig, "bootstrapNodes">;

/** Kafka's consumer defaults; the poll timeout is the workload's, not a Kafka property. */
export const consumerDefaults = {
  ...commonDefaults,
  autoOffsetReset: "latest",
  fetchMinBytes: 1,
  fetchMaxWaitMs: 500,
  fetchMaxBytes: 52_428_800,
  maxPartitionFetchBytes: 1_048_576,
  maxPollRecords: 500,
  pollTimeoutMs: 1_000,
  isolationLevel: 0,
  groupId: null,
  groupInstanceId: null,
  sessionTimeoutMs: 45_000,
  heartbeatIntervalMs: 3_000,
  maxPollIntervalMs: 300_000,
  partitionAssignmentStrategy: ["range", "cooperative-sticky"],
  enableAutoCommit: true,
  autoCommitIntervalMs: 5_000,
} as const satisfies Omit<ConsumerConfig, "bootstrapNodes">;

type Overrides<C> = Partial<C> & { readonly bootstrapNodes: readonly NodeId[] };

export function producerConfig(overrides: Overrides<ProducerConfig>): ProducerConfig {
  const config: ProducerConfig = { ...producerDefaults, ...overrides };
  validateCommon(config);
  assertNonNegativeInteger(config.lingerMs, "linger.ms");
  assert(config.batchSizeBytes >= 1, `batch.size ${config.batchSizeBytes} must be >= 1`);
  assert(
    config.maxRequestSizeBytes >= 1 && config.maxRequestSizeBytes <= limits.requestBytesMax,
    `max.request.size ${config.maxRequestSizeBytes} outside [1, ${limits.requestBytesMax}]`,
  );
  assertNonNegativeInteger(config.retries, "retries");
  const inFlight = config.maxInFlightRequestsPerConnection;
  assert(
    inFlight >= 1 && inFlight <= limits.clientInFlightPerConnectionMax,
    `max.in.flight.requests.per.connection ${inFlight} outside [1, ${limits.clientInFlightPerConnectionMax}]`,
  );
  if (config.enableIdempotence) {
    // Kafka's ProducerConfig refuses idempotence with acks other than all or more than 5 in flight.
    assert(config.acks === -1, "enable.idempotence needs acks=all");
    assert(inFlight <= 5, "enable.idempotence needs max.in.flight.requests.per.connection <= 5");
    assert(config.retries >= 1, "enable.idempotence needs retries >= 1");
  }
  // Kafka rejects this combination at construction: a batch could expire before its first answer.
  assert(
    config.deliveryTimeoutMs >= config.lingerMs + config.requestTimeoutMs,
    `delivery.timeout.ms ${config.deliveryTimeoutMs} < linger.ms + request.timeout.ms`,
  );
  return config;
}

export function consumerConfig(overrides: Overrides<ConsumerConfig>): ConsumerConfig {
  const config: ConsumerConfig = { ...consumerDefaults, ...overrides };
  validateCommon(config);
  assertNonNegativeInteger(config.fetchMinBytes, "fetch.min.bytes");
  assertNonNegativeInteger(config.fetchMaxWaitMs, "fetch.max.wait.ms");
  assert(config.fetchMaxBytes >= 1, `fetch.max.bytes ${config.fetchMaxBytes} must be >= 1`);
  assert(config.maxPartitionFetchBytes >= 1, "max.partition.fetch.bytes must be >= 1");
  assert(
    config.maxPollRecords >= 1 && config.maxPollRecords <= limits.consumerBufferedRecordsMax,
    `max.poll.records ${config.maxPollRecords} outside [1, ${limits.consumerBufferedRecordsMax}]`,
  );
  assertNonNegativeInteger(config.pollTimeoutMs, "poll timeout");
  // The broker may hold a fetch for fetch.max.wait.ms; the client must wait longer than that.
  assert(
    config.requestTimeoutMs > config.fetchMaxWaitMs,
    `request.timeout.ms ${config.requestTimeoutMs} must exceed fetch.max.wait.ms`,
  );
  validateGroup(config);
  return config;
}

function validateGroup(config: ConsumerConfig): void {
  if (config.groupId === null) {
    assert(config.groupInstanceId === null, "group.instance.id without group.id");
    return;
  }
  assert(config.groupId !== "", "group.id must not be empty");
  assert(config.heartbeatIntervalMs >= 1, "heartbeat.interval.ms < 1");
  assert(
    config.heartbeatIntervalMs < config.sessionTimeoutMs,
    "heartbeat.interval.ms must be below session.timeout.ms",
  );
  assert(config.maxPollIntervalMs >= 1 && config.autoCommitIntervalMs >= 1, "group intervals");
  assert(config.partitionAssignmentStrategy.length >= 1, "no partition.assignment.strategy");
}

function validateCommon(config: CommonClientConfig): void {
  assert(config.bootstrapNodes.length >= 1, "bootstrap.servers is empty");
  assert(config.requestTimeoutMs >= 1, `request.timeout.ms ${config.requestTimeoutMs} < 1`);
  assertNonNegativeInteger(config.retryBackoffMs, "retry.backoff.ms");
  assert(
    config.retryBackoffMaxMs >= config.retryBackoffMs,
    "retry.backoff.max.ms < retry.backoff.ms",
  );
  assertNonNegativeInteger(config.reconnectBackoffMs, "reconnect.backoff.ms");
  assert(
    config.reconnectBackoffMaxMs >= config.reconnectBackoffMs,
    "reconnect.backoff.max.ms < reconnect.backoff.ms",
  );
  assert(config.metadataMaxAgeMs >= 1, "metadata.max.age.ms < 1");
}
