// Topic configs (retention.ms, cleanup.policy, ...): which exist, how each value is checked, and the
// effective config of a topic = its overrides on top of the broker's defaults (Kafka's synonyms).
// Overrides are kept as validated strings, exactly as the metadata log carries them.

import { assert } from "../assert.ts";
import type { Bytes, Millis } from "../ids.ts";
import { err, ok, type Result } from "../result.ts";
import type { BrokerConfig, CleanupPolicy, TimestampType } from "./config.ts";
import type { BrokerConfigField } from "./config-properties.ts";
import {
  ConfigType,
  formatDouble,
  formatLong,
  type Parse,
  parseBoolean,
  parseDouble,
  parseInt32,
  parseListOf,
  parseLong,
  parseOneOf,
} from "./config-values.ts";

export interface TopicConfig {
  readonly cleanupPolicy: readonly CleanupPolicy[];
  readonly compressionType: string;
  readonly deleteRetentionMs: Millis;
  readonly flushMessages: number;
  readonly flushMs: Millis;
  readonly maxCompactionLagMs: Millis;
  readonly maxMessageBytes: Bytes;
  readonly messageTimestampType: TimestampType;
  readonly minCleanableDirtyRatio: number;
  readonly minCompactionLagMs: Millis;
  readonly minInsyncReplicas: number;
  readonly retentionBytes: Bytes;
  readonly retentionMs: Millis;
  readonly segmentBytes: Bytes;
  readonly segmentMs: Millis;
  readonly uncleanLeaderElectionEnable: boolean;
}

export interface TopicConfigSpec {
  readonly name: string;
  readonly key: keyof TopicConfig;
  /** The broker property that supplies the default (Kafka's synonym). */
  readonly brokerField: BrokerConfigField;
  readonly configType: ConfigType;
  readonly parse: Parse<unknown>;
  readonly format: (value: never) => string;
  readonly doc: string;
}

function topicSpec<T>(
  name: string,
  key: keyof TopicConfig,
  brokerField: BrokerConfigField,
  configType: ConfigType,
  parse: Parse<T>,
  format: (value: T) => string,
  doc: string,
): TopicConfigSpec {
  return { name, key, brokerField, configType, parse, format, doc };
}

const longSpec = (
  name: string,
  key: keyof TopicConfig,
  field: BrokerConfigField,
  min: number,
  doc: string,
) => topicSpec(name, key, field, ConfigType.long, parseLong(min, true), formatLong, doc);

/** Every topic config, sorted by name (the order DescribeConfigs answers in). */
export const topicConfigSpecs: readonly TopicConfigSpec[] = [
  topicSpec(
    "cleanup.policy",
    "cleanupPolicy",
    "logCleanupPolicy",
    ConfigType.list,
    parseListOf<CleanupPolicy>(["delete", "compact"]),
    (v: readonly string[]) => v.join(","),
    "delete (retention), compact (latest value per key), or both.",
  ),
  topicSpec(
    "compression.type",
    "compressionType",
    "compressionType",
    ConfigType.string,
    parseOneOf(["producer"]),
    String,
    "Only producer: batches are stored as the producer compressed them.",
  ),
  longSpec(
    "delete.retention.ms",
    "deleteRetentionMs",
    "logCleanerDeleteRetentionMs",
    0,
    "How long tombstones survive compaction.",
  ),
  longSpec(
    "flush.messages",
    "flushMessages",
    "logFlushIntervalMessages",
    1,
    "Sync after this many records; that append is acknowledged after the sync.",
  ),
  longSpec(
    "flush.ms",
    "flushMs",
    "logFlushIntervalMs",
    0,
    "Sync data that has been unsynced this long.",
  ),
  longSpec(
    "max.compaction.lag.ms",
    "maxCompactionLagMs",
    "logCleanerMaxCompactionLagMs",
    1,
    "The longest a record stays ineligible for compaction.",
  ),
  topicSpec(
    "max.message.bytes",
    "maxMessageBytes",
    "messageMaxBytes",
    ConfigType.int,
    parseInt32(0),
    String,
    "The largest record batch accepted.",
  ),
  topicSpec(
    "message.timestamp.type",
    "messageTimestampType",
    "logMessageTimestampType",
    ConfigType.string,
    parseOneOf<TimestampType>(["CreateTime", "LogAppendTime"]),
    String,
    "CreateTime keeps the producer's timestamps; LogAppendTime stamps the broker's clock.",
  ),
  topicSpec(
    "min.cleanable.dirty.ratio",
    "minCleanableDirtyRatio",
    "logCleanerMinCleanableRatio",
    ConfigType.double,
    parseDouble(0, 1),
    formatDouble,
    "Compaction starts once this share of the log is dirty.",
  ),
  longSpec(
    "min.compaction.lag.ms",
    "minCompactionLagMs",
    "logCleanerMinCompactionLagMs",
    0,
    "The shortest a record stays uncompacted.",
  ),
  topicSpec(
    "min.insync.replicas",
    "minInsyncReplicas",
    "minInsyncReplicas",
    ConfigType.int,
    parseInt32(1),
    String,
    "Fewest in-sync replicas for an acks=all produce.",
  ),
  longSpec(
    "retention.bytes",
    "retentionBytes",
    "logRetentionBytes",
    -1,
    "Log size kept per partition; -1 is no limit.",
  ),
  longSpec(
    "retention.ms",
    "retentionMs",
    "logRetentionMs",
    -1,
    "How long records are kept; -1 keeps them forever.",
  ),
  topicSpec(
    "segment.bytes",
    "segmentBytes",
    "logSegmentBytes",
    ConfigType.int,
    parseInt32(14),
    String,
    "The size at which a segment rolls.",
  ),
  longSpec("segment.ms", "segmentMs", "logRollMs", 1, "The age at which a segment rolls."),
  topicSpec(
    "unclean.leader.election.enable",
    "uncleanLeaderElectionEnable",
    "uncleanLeaderElectionEnable",
    ConfigType.boolean,
    parseBoolean,
    String,
    "Allow electing a leader outside the ISR (losing acknowledged records).",
  ),
];

const specByName = new Map(topicConfigSpecs.map((s) => [s.name, s]));

export function topicConfigSpec(name: string): TopicConfigSpec | undefined {
  return specByName.get(name);
}

/** Why a topic config override is refused (INVALID_CONFIG). */
export interface TopicConfigError {
  readonly name: string;
  readonly message: string;
}

/** Checks overrides and normalises their text; a null value is refused (CreateTopics, AlterConfigs). */
export function validateTopicConfigs(
  entries: readonly { readonly name: string; readonly value: string | null }[],
): Result<Map<string, string>, TopicConfigError> {
  const out = new Map<string, string>();
  for (const { name, value } of entries) {
    const spec = specByName.get(name);
    if (spec === undefined) return err({ name, message: `Unknown topic config name: ${name}` });
    if (value === null) return err({ name, message: `Null value not supported for ${name}` });
    if (out.has(name)) return err({ name, message: `Duplicate config ${name}` });
    const parsed = spec.parse(value);
    if (!parsed.ok) {
      return err({
        name,
        message: `Invalid value ${value} for configuration ${name}: ${parsed.error}`,
      });
    }
    out.set(name, (spec.format as (v: unknown) => string)(parsed.value));
  }
  return ok(out);
}

/** The effective config of a topic: each override, else the broker's value for its synonym. */
export function resolveTopicConfig(
  overrides: ReadonlyMap<string, string>,
  broker: BrokerConfig,
): TopicConfig {
  const values: Record<string, unknown> = {};
  for (const spec of topicConfigSpecs) {
    const text = overrides.get(spec.name);
    if (text === undefined) {
      values[spec.key] = broker[spec.brokerField];
      continue;
    }
    const parsed = spec.parse(text);
    assert(parsed.ok, `stored override ${spec.name}=${text} does not parse`);
    values[spec.key] = parsed.value;
  }
  return values as unknown as TopicConfig;
}

/** The text of one topic config as DescribeConfigs prints it. */
export function formatTopicConfig(spec: TopicConfigSpec, config: TopicConfig): string {
  return (spec.format as (v: unknown) => string)(config[spec.key]);
}

export function isCompacted(config: TopicConfig): boolean {
  return config.cleanupPolicy.includes("compact");
}
