// The table of broker properties by Kafka's names (`node.id`, `num.partitions`, ...): how each is
// parsed into a BrokerConfig field and printed back. One row per name; synonyms (log.retention.hours,
// .minutes, .ms) share a field and the most precise one wins, as in Kafka.

import { assert } from "../assert.ts";
import { nodeId } from "../ids.ts";
import { err, ok, type Result } from "../result.ts";
import {
  type BrokerConfig,
  type CleanupPolicy,
  FsyncBeforeAck,
  type ListenerConfig,
  type ProcessRole,
  type QuorumVoterConfig,
  type TimestampType,
} from "./config.ts";
import {
  ConfigType,
  formatDouble,
  formatLong,
  type Parse,
  parseBoolean,
  parseDouble,
  parseHostPort,
  parseInt32,
  parseListOf,
  parseLong,
  parseNonEmptyString,
  parseOneOf,
} from "./config-values.ts";

export type BrokerConfigValues = Omit<BrokerConfig, "explicitProperties">;
export type BrokerConfigField = keyof BrokerConfigValues;

export interface PropertySpec<K extends BrokerConfigField> {
  readonly name: string;
  readonly field: K;
  readonly parse: Parse<BrokerConfigValues[K]>;
  readonly format: (value: BrokerConfigValues[K]) => string;
  readonly configType: ConfigType;
  /** Among synonyms of one field, the highest rank set wins (ms over minutes over hours). */
  readonly rank: number;
  readonly doc: string;
}

export type AnyPropertySpec = { [K in BrokerConfigField]: PropertySpec<K> }[BrokerConfigField];

function spec<K extends BrokerConfigField>(
  name: string,
  field: K,
  configType: ConfigType,
  parse: Parse<BrokerConfigValues[K]>,
  format: (value: BrokerConfigValues[K]) => string,
  doc: string,
  rank = 0,
): PropertySpec<K> {
  return { name, field, parse, format, configType, rank, doc };
}

const str = String;

/** Fields whose type is exactly number / boolean (NodeId, a branded number, is not one). */
type FieldsOf<T> = {
  [K in BrokerConfigField]: [BrokerConfigValues[K]] extends [T]
    ? [T] extends [BrokerConfigValues[K]]
      ? K
      : never
    : never;
}[BrokerConfigField];
type IntField = FieldsOf<number>;
type BoolField = FieldsOf<boolean>;

// Each helper's K is a number (or boolean) field, so the casts below only restate that.
function int<K extends IntField>(
  name: string,
  field: K,
  min: number,
  doc: string,
): AnyPropertySpec {
  const parse = parseInt32(min) as unknown as Parse<BrokerConfigValues[K]>;
  return spec(name, field, ConfigType.int, parse, str, doc) as AnyPropertySpec;
}

function long<K extends IntField>(
  name: string,
  field: K,
  min: number,
  doc: string,
  rank = 0,
): AnyPropertySpec {
  const parse = parseLong(min, true) as unknown as Parse<BrokerConfigValues[K]>;
  const format = formatLong as unknown as (v: BrokerConfigValues[K]) => string;
  return spec(name, field, ConfigType.long, parse, format, doc, rank) as AnyPropertySpec;
}

function bool<K extends BoolField>(name: string, field: K, doc: string): AnyPropertySpec {
  const parse = parseBoolean as unknown as Parse<BrokerConfigValues[K]>;
  return spec(name, field, ConfigType.boolean, parse, str, doc) as AnyPropertySpec;
}

/** A long in a coarser unit (hours, minutes) scaled to milliseconds. */
function scaledLong(unitMs: number): Parse<number> {
  const parse = parseLong(-1);
  return (text) => {
    const value = parse(text);
    if (!value.ok || value.value === -1) return value;
    const scaled = value.value * unitMs;
    return Number.isSafeInteger(scaled) ? ok(scaled) : err(`${text} is too large`);
  };
}

function parseListeners(text: string): Result<readonly ListenerConfig[], string> {
  const out: ListenerConfig[] = [];
  for (const part of text.split(",").map((p) => p.trim())) {
    const match = /^([A-Za-z0-9_]+):\/\/(.*)$/.exec(part);
    if (match === null) return err(`"${part}" is not NAME://host:port`);
    const address = parseHostPort(match[2] ?? "");
    if (!address.ok) return address;
    out.push({ name: (match[1] ?? "").toUpperCase(), ...address.value });
  }
  return ok(out);
}

const formatListeners = (ls: readonly ListenerConfig[]) =>
  ls.map((l) => `${l.name}://${l.host}:${l.port}`).join(",");

function parseVoters(text: string): Result<readonly QuorumVoterConfig[], string> {
  if (text.trim() === "") return ok([]);
  const out: QuorumVoterConfig[] = [];
  for (const part of text.split(",").map((p) => p.trim())) {
    const match = /^(\d+)@(.*)$/.exec(part);
    if (match === null) return err(`"${part}" is not id@host:port`);
    const address = parseHostPort(match[2] ?? "");
    if (!address.ok) return address;
    out.push({ id: nodeId(Number(match[1])), ...address.value });
  }
  return ok(out);
}

const formatVoters = (vs: readonly QuorumVoterConfig[]) =>
  vs.map((v) => `${v.id}@${v.host}:${v.port}`).join(",");

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** Prints a milliseconds field in a coarser unit (-1 stays -1). */
const scaledFormat = (unitMs: number) => (ms: number) =>
  ms === -1 ? "-1" : String(Math.floor(ms / unitMs));

export const brokerProperties: readonly AnyPropertySpec[] = [
  spec(
    "node.id",
    "nodeId",
    ConfigType.int,
    (t) => {
      const v = parseInt32(0)(t);
      return v.ok ? ok(nodeId(v.value)) : v;
    },
    str,
    "The node id of this broker and controller.",
  ),
  spec(
    "process.roles",
    "processRoles",
    ConfigType.list,
    parseListOf<ProcessRole>(["broker", "controller"]),
    (v) => v.join(","),
    "The roles this process plays: broker, controller or both (combined mode).",
  ),
  spec("cluster.id", "clusterId", ConfigType.string, parseNonEmptyString, str, "The cluster id."),
  spec(
    "listeners",
    "listeners",
    ConfigType.list,
    parseListeners,
    formatListeners,
    "Addresses to listen on.",
  ),
  spec(
    "advertised.listeners",
    "advertisedListeners",
    ConfigType.list,
    parseListeners,
    formatListeners,
    "Addresses clients are told to use; defaults to listeners.",
  ),
  spec(
    "controller.quorum.voters",
    "controllerQuorumVoters",
    ConfigType.list,
    parseVoters,
    formatVoters,
    "The metadata quorum voters, id@host:port.",
  ),
  spec("log.dirs", "logDirs", ConfigType.string, parseNonEmptyString, str, "The data folder."),
  int("num.partitions", "numPartitions", 1, "Default partition count of new topics."),
  int("default.replication.factor", "defaultReplicationFactor", 1, "Default replication factor."),
  int("min.insync.replicas", "minInsyncReplicas", 1, "Fewest in-sync replicas for acks=all."),
  bool("auto.create.topics.enable", "autoCreateTopicsEnable", "Create unknown topics on use."),
  bool("delete.topic.enable", "deleteTopicEnable", "Allow DeleteTopics."),
  int("message.max.bytes", "messageMaxBytes", 0, "The largest record batch accepted."),
  int("log.segment.bytes", "logSegmentBytes", 14, "The size at which a segment rolls."),
  spec(
    "log.roll.hours",
    "logRollMs",
    ConfigType.int,
    scaledLong(HOUR_MS),
    scaledFormat(HOUR_MS),
    "segment.ms, in hours",
  ),
  long("log.roll.ms", "logRollMs", 1, "The age at which a segment rolls.", 2),
  spec(
    "log.retention.hours",
    "logRetentionMs",
    ConfigType.int,
    scaledLong(HOUR_MS),
    scaledFormat(HOUR_MS),
    "retention.ms, in hours",
  ),
  spec(
    "log.retention.minutes",
    "logRetentionMs",
    ConfigType.int,
    scaledLong(MINUTE_MS),
    scaledFormat(MINUTE_MS),
    "retention.ms, in minutes",
    1,
  ),
  long("log.retention.ms", "logRetentionMs", -1, "How long records are kept; -1 forever.", 2),
  long("log.retention.bytes", "logRetentionBytes", -1, "Log size kept per partition; -1 no limit."),
  long("log.retention.check.interval.ms", "logRetentionCheckIntervalMs", 1, "Retention checks."),
  spec(
    "log.cleanup.policy",
    "logCleanupPolicy",
    ConfigType.list,
    parseListOf<CleanupPolicy>(["delete", "compact"]),
    (v) => v.join(","),
    "delete, compact, or both.",
  ),
  bool("log.cleaner.enable", "logCleanerEnable", "Run compaction on compacted topics."),
  long("log.cleaner.backoff.ms", "logCleanerBackoffMs", 1, "How often compaction is checked."),
  long("log.cleaner.delete.retention.ms", "logCleanerDeleteRetentionMs", 0, "Tombstone lifetime."),
  spec(
    "log.cleaner.min.cleanable.ratio",
    "logCleanerMinCleanableRatio",
    ConfigType.double,
    parseDouble(0, 1),
    formatDouble,
    "Dirty ratio above which a log is compacted.",
  ),
  long("log.cleaner.min.compaction.lag.ms", "logCleanerMinCompactionLagMs", 0, "Min lag."),
  long("log.cleaner.max.compaction.lag.ms", "logCleanerMaxCompactionLagMs", 1, "Max lag."),
  long("log.flush.interval.messages", "logFlushIntervalMessages", 1, "Sync every N messages."),
  long("log.flush.interval.ms", "logFlushIntervalMs", 0, "Sync data older than this."),
  spec(
    "log.message.timestamp.type",
    "logMessageTimestampType",
    ConfigType.string,
    parseOneOf<TimestampType>(["CreateTime", "LogAppendTime"]),
    str,
    "CreateTime keeps the producer's timestamps; LogAppendTime stamps the broker's.",
  ),
  spec(
    "compression.type",
    "compressionType",
    ConfigType.string,
    parseOneOf(["producer"]),
    str,
    "Only producer: batches are stored as the producer compressed them.",
  ),
  bool("unclean.leader.election.enable", "uncleanLeaderElectionEnable", "Elect outside the ISR."),
  long("replica.lag.time.max.ms", "replicaLagTimeMaxMs", 1, "ISR lag bound."),
  int("replica.fetch.wait.max.ms", "replicaFetchWaitMaxMs", 0, "A follower fetch's long poll."),
  int("replica.fetch.min.bytes", "replicaFetchMinBytes", 1, "Bytes a follower fetch waits for."),
  int("replica.fetch.max.bytes", "replicaFetchMaxBytes", 1, "Follower fetch bytes per partition."),
  int(
    "replica.fetch.response.max.bytes",
    "replicaFetchResponseMaxBytes",
    1,
    "Follower fetch bytes per response.",
  ),
  int("replica.fetch.backoff.ms", "replicaFetchBackoffMs", 0, "Follower pause after an error."),
  int("replica.socket.timeout.ms", "replicaSocketTimeoutMs", 1, "Follower fetch timeout."),
  int("broker.heartbeat.interval.ms", "brokerHeartbeatIntervalMs", 1, "Heartbeat period."),
  int("broker.session.timeout.ms", "brokerSessionTimeoutMs", 1, "Fenced after this silence."),
  bool(
    "auto.leader.rebalance.enable",
    "autoLeaderRebalanceEnable",
    "Move leaders back to preferred replicas.",
  ),
  spec(
    "leader.imbalance.check.interval.seconds",
    "leaderImbalanceCheckIntervalMs",
    ConfigType.long,
    scaledLong(1_000),
    scaledFormat(1_000),
    "How often the controller rebalances leaders.",
  ),
  int("fetch.max.bytes", "fetchMaxBytes", 1024, "The most bytes one consumer Fetch returns."),
  int("offsets.topic.num.partitions", "offsetsTopicNumPartitions", 1, "__consumer_offsets size."),
  int("offsets.topic.replication.factor", "offsetsTopicReplicationFactor", 1, "Its RF."),
  int("offsets.retention.minutes", "offsetsRetentionMinutes", 1, "Committed offset lifetime."),
  int(
    "offsets.retention.check.interval.ms",
    "offsetsRetentionCheckIntervalMs",
    1,
    "How often expired offsets are removed.",
  ),
  int(
    "offsets.commit.timeout.ms",
    "offsetsCommitTimeoutMs",
    1,
    "How long a coordinator write waits for its replicas.",
  ),
  int(
    "transaction.state.log.num.partitions",
    "transactionStateLogNumPartitions",
    1,
    "__transaction_state size.",
  ),
  int(
    "transaction.state.log.replication.factor",
    "transactionStateLogReplicationFactor",
    1,
    "Its RF.",
  ),
  int("transaction.max.timeout.ms", "transactionMaxTimeoutMs", 1, "Longest transaction timeout."),
  int("group.min.session.timeout.ms", "groupMinSessionTimeoutMs", 0, "Shortest session timeout."),
  int("group.max.session.timeout.ms", "groupMaxSessionTimeoutMs", 0, "Longest session timeout."),
  int("group.initial.rebalance.delay.ms", "groupInitialRebalanceDelayMs", 0, "First join delay."),
  long(
    "producer.id.expiration.ms",
    "producerIdExpirationMs",
    1,
    "An idle idempotent producer's state is dropped after this long.",
  ),
  spec(
    "runnel.fsync.before.ack",
    "fsyncBeforeAck",
    ConfigType.string,
    parseOneOf(Object.values(FsyncBeforeAck)),
    str,
    "none, acks-all or acks-all-and-1: which acknowledgements wait for an fsync (docs/durability.md).",
  ),
  long(
    "runnel.log.background.sync.ms",
    "logBackgroundSyncMs",
    1,
    "How often logs with unsynced bytes are synced (the OS writeback Kafka relies on).",
  ),
];

const byName = new Map<string, AnyPropertySpec>(brokerProperties.map((p) => [p.name, p]));

export function propertySpec(name: string): AnyPropertySpec | undefined {
  return byName.get(name);
}

/** The property name DescribeConfigs reports for a field: the most precise synonym. */
export function primaryPropertyOf(field: BrokerConfigField): AnyPropertySpec {
  let best: AnyPropertySpec | undefined;
  for (const p of brokerProperties) {
    if (p.field === field && (best === undefined || p.rank > best.rank)) best = p;
  }
  assert(best !== undefined, `no property for field ${field}`);
  return best;
}

/** The value of one property, as Kafka prints it. */
export function formatProperty(p: AnyPropertySpec, config: BrokerConfig): string {
  return (p.format as (v: unknown) => string)(config[p.field]);
}
