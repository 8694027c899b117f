// Per-topic log configuration under Kafka's names (segment.bytes -> segmentBytes, ...) with Kafka's
// defaults. resolveLogConfig checks every value once, so the log can trust its config.

import { assert } from "../assert.ts";

export type CleanupPolicy = "delete" | "compact" | "compact,delete";

export interface LogConfig {
  /** segment.bytes: roll the active segment before it would grow past this. */
  readonly segmentBytes: number;
  /** segment.ms: roll the active segment this long after its first append. */
  readonly segmentMs: number;
  /** retention.ms: delete closed segments whose largest timestamp is older; -1 keeps forever. */
  readonly retentionMs: number;
  /** retention.bytes: delete the oldest closed segments while the log is larger; -1 unlimited. */
  readonly retentionBytes: number;
  readonly cleanupPolicy: CleanupPolicy;
  /** delete.retention.ms: how long a tombstone survives after the cleaning that first kept it. */
  readonly deleteRetentionMs: number;
  /** min.cleanable.dirty.ratio: clean when dirty bytes / cleanable bytes reach this. */
  readonly minCleanableDirtyRatio: number;
  /** index.interval.bytes: one offset index entry per this many bytes of batches. */
  readonly indexIntervalBytes: number;
  /** max.message.bytes: the largest record batch a producer may append. */
  readonly maxMessageBytes: number;
  /** flush.messages: sync after this many unflushed records. */
  readonly flushMessages: number;
  /** flush.ms: sync when the oldest unflushed append is this old (checked by maintain). */
  readonly flushMs: number;
  /** How often maintain persists log start offset, recovery point and high watermark. */
  readonly checkpointIntervalMs: number;
}

/** Kafka's never: Long.MAX_VALUE, kept as a safe integer. */
export const NEVER = Number.MAX_SAFE_INTEGER;

export const defaultLogConfig: LogConfig = {
  segmentBytes: 1_073_741_824,
  segmentMs: 604_800_000,
  retentionMs: 604_800_000,
  retentionBytes: -1,
  cleanupPolicy: "delete",
  deleteRetentionMs: 86_400_000,
  minCleanableDirtyRatio: 0.5,
  indexIntervalBytes: 4096,
  maxMessageBytes: 1_048_588,
  flushMessages: NEVER,
  flushMs: NEVER,
  checkpointIntervalMs: 5_000,
};

const INT32_MAX = 2 ** 31 - 1;

/** Defaults filled in and every value checked; a bad value is a bug in whoever built it. */
export function resolveLogConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  const config = { ...defaultLogConfig, ...overrides };
  const positive = (value: number, name: string, max = NEVER) => {
    assert(Number.isSafeInteger(value) && value > 0 && value <= max, `${name} ${value}`);
  };
  positive(config.segmentBytes, "segmentBytes", INT32_MAX);
  positive(config.segmentMs, "segmentMs");
  positive(config.indexIntervalBytes, "indexIntervalBytes", INT32_MAX);
  positive(config.maxMessageBytes, "maxMessageBytes", INT32_MAX);
  positive(config.flushMessages, "flushMessages");
  positive(config.flushMs, "flushMs");
  positive(config.checkpointIntervalMs, "checkpointIntervalMs");
  const unlimitedOr = (value: number, name: string) => {
    assert(Number.isSafeInteger(value) && value >= -1, `${name} ${value}`);
  };
  unlimitedOr(config.retentionMs, "retentionMs");
  unlimitedOr(config.retentionBytes, "retentionBytes");
  assert(
    Number.isSafeInteger(config.deleteRetentionMs) && config.deleteRetentionMs >= 0,
    `deleteRetentionMs ${config.deleteRetentionMs}`,
  );
  const ratio = config.minCleanableDirtyRatio;
  assert(ratio >= 0 && ratio <= 1, `minCleanableDirtyRatio ${ratio}`);
  return config;
}

export function compacts(policy: CleanupPolicy): boolean {
  return policy === "compact" || policy === "compact,delete";
}

export function deletes(policy: CleanupPolicy): boolean {
  return policy === "delete" || policy === "compact,delete";
}
