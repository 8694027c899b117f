// The broker's HostedLog over core/log's PartitionLog: topic configs become log configs (Kafka's
// "never", Infinity here, is the log's NEVER), and the log's own append validation runs on the
// batches the broker already checked, so only ValidatedRecords ever reach a segment.

import type { Epoch, Millis, Offset } from "../ids.ts";
import type { Crc32c } from "../log/crc32c.ts";
import { type LogConfig, NEVER } from "../log/log-config.ts";
import type { ValidatedRecords } from "../log/log-validate.ts";
import { validateForAppend } from "../log/log-validate.ts";
import { PartitionLog } from "../log/partition-log.ts";
import type { EpochEndOffset } from "../replication/messages.ts";
import type { FollowerAppendInfo, FollowerLogError } from "../replication/replica-log.ts";
import { err, ok, type Result } from "../result.ts";
import type {
  AppendInfo,
  CheckedBatches,
  HostedLog,
  HostedLogDeps,
  HostedLogFactory,
  LogError,
  LogRead,
  LogStatus,
  TimestampLookup,
} from "./hosted-log.ts";
import type { TopicConfig } from "./topic-config.ts";

/** A topic's effective config as the partition log takes it. */
export function logConfigOf(config: TopicConfig): Partial<LogConfig> {
  const finite = (value: number) => (Number.isFinite(value) ? Math.min(value, NEVER) : NEVER);
  const compact = config.cleanupPolicy.includes("compact");
  const del = config.cleanupPolicy.includes("delete");
  return {
    segmentBytes: config.segmentBytes,
    segmentMs: finite(config.segmentMs),
    retentionMs: finite(config.retentionMs),
    retentionBytes: finite(config.retentionBytes),
    cleanupPolicy: compact && del ? "compact,delete" : compact ? "compact" : "delete",
    deleteRetentionMs: finite(config.deleteRetentionMs),
    minCleanableDirtyRatio: config.minCleanableDirtyRatio,
    maxMessageBytes: Math.max(1, config.maxMessageBytes),
    flushMessages: finite(config.flushMessages),
    flushMs: Math.max(1, finite(config.flushMs)),
  };
}

class PartitionLogAdapter implements HostedLog {
  readonly #log: PartitionLog;
  readonly #crc: Crc32c;

  constructor(deps: HostedLogDeps) {
    this.#crc = deps.crc;
    this.#log = new PartitionLog({
      topic: deps.topic,
      partition: deps.partition,
      config: logConfigOf(deps.config),
      io: deps.io,
      outbox: deps.outbox,
      crc: deps.crc,
      listener: { onDurable: deps.listener.onDurable, onOffline: deps.listener.onOffline },
    });
  }

  get status(): LogStatus {
    const phase = this.#log.phase;
    return phase === "ready" ? "online" : phase === "offline" ? "offline" : "loading";
  }

  get logStartOffset(): Offset {
    return this.#log.logStartOffset;
  }

  get logEndOffset(): Offset {
    // A log that went offline during recovery may hold no segment at all: its view says 0 then.
    return this.status === "online" ? this.#log.logEndOffset : this.#log.view().logEndOffset;
  }

  get highWatermark(): Offset {
    return this.#log.highWatermark;
  }

  get durableOffset(): Offset {
    return this.#log.durableEndOffset;
  }

  recover(now: Millis, done: () => void): void {
    this.#log.start(now, done);
  }

  appendAsLeader(
    now: Millis,
    batches: CheckedBatches,
    leaderEpoch: number,
  ): Result<AppendInfo, LogError> {
    const validated = validateForAppend(batches.bytes, this.#log.config, { crc: this.#crc });
    if (!validated.ok) return err(validated.error);
    const appended = this.#log.appendAsLeader(now, validated.value, leaderEpoch);
    return appended.ok ? ok(appended.value) : err(appended.error);
  }

  read(offset: Offset, maxBytes: number, upperBound: Offset, done: (read: LogRead) => void) {
    this.#log.read({ offset, maxBytes, upperBound }, (result) => {
      if (result.type === "records") {
        done({ type: "records", bytes: result.bytes, lastOffset: result.lastOffset });
      } else {
        done({ type: "error", error: result.error, message: result.message });
      }
    });
  }

  offsetForTimestamp(timestamp: Millis, upperBound: Offset, done: (r: TimestampLookup) => void) {
    this.#log.offsetForTimestamp(timestamp, upperBound, (result) => {
      if (result.type === "error") {
        done({ type: "error", error: result.error, message: result.message });
      } else {
        done(result);
      }
    });
  }

  setHighWatermark(offset: Offset): void {
    this.#log.setHighWatermark(offset);
  }

  latestEpoch(): Epoch {
    return this.#log.latestEpoch();
  }

  endOffsetForEpoch(epoch: Epoch): EpochEndOffset {
    return this.#log.endOffsetForEpoch(epoch);
  }

  appendAsFollower(
    now: Millis,
    records: ValidatedRecords,
  ): Result<FollowerAppendInfo, FollowerLogError> {
    const appended = this.#log.appendAsFollower(now, records);
    return appended.ok ? ok({ lastOffset: appended.value.lastOffset }) : err(appended.error);
  }

  truncateTo(offset: Offset, done: (logEndOffset: Offset) => void): void {
    this.#log.truncateTo(offset, done);
  }

  truncateFullyAndStartAt(offset: Offset): void {
    this.#log.truncateFullyAndStartAt(offset);
  }

  deleteRecordsBefore(offset: Offset): Offset {
    if (offset > this.#log.logStartOffset) this.#log.advanceLogStartOffset(offset);
    return this.#log.logStartOffset;
  }

  sync(): void {
    this.#log.sync();
  }

  maintain(now: Millis): void {
    this.#log.maintain(now);
  }

  reconfigure(config: TopicConfig): void {
    this.#log.reconfigure(logConfigOf(config));
  }

  checkInvariants(): void {
    this.#log.checkInvariants();
  }
}

export const partitionLogFactory: HostedLogFactory = (deps) => new PartitionLogAdapter(deps);
