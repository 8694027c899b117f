// The broker's HostedLog over core/log's PartitionLog: topic configs become log configs (Kafka's
// "never", Infinity here, is the log's NEVER), and the log's own append validation runs on the
// batches the broker already checked, so only ValidatedRecords ever reach a segment. Every batch
// the log gains or loses also goes through the partition's idempotent producer state.

import type { Epoch, Millis, Offset } from "../ids.ts";
import { NO_CODECS } from "../log/codecs.ts";
import type { Crc32c } from "../log/crc32c.ts";
import { type LogConfig, NEVER } from "../log/log-config.ts";
import type { LogReadRequest, LogReadResult } from "../log/log-read.ts";
import type { ValidatedRecords } from "../log/log-validate.ts";
import { validateForAppend } from "../log/log-validate.ts";
import { PartitionLog } from "../log/partition-log.ts";
import { defaultProducerStateConfig } from "../producers/producer-state-manager.ts";
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
import { PartitionProducerState } from "./partition-producer-state.ts";
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
  readonly producers: PartitionProducerState;
  /** Recovery is over only once the producer state is rebuilt from the log. */
  #producersLoaded = false;

  constructor(deps: HostedLogDeps) {
    this.#crc = deps.crc;
    const expirationMs =
      deps.producerIdExpirationMs ?? defaultProducerStateConfig.producerIdExpirationMs;
    this.producers = new PartitionProducerState(
      { producerIdExpirationMs: expirationMs },
      deps.outbox,
      deps.topic,
      deps.partition,
    );
    this.#log = new PartitionLog({
      topic: deps.topic,
      partition: deps.partition,
      config: logConfigOf(deps.config),
      io: deps.io,
      outbox: deps.outbox,
      crc: deps.crc,
      codecs: deps.codecs ?? NO_CODECS,
      // KIP-98: an active producer's last batch survives compaction (empty if need be), so the
      // producer state rebuilt from the log after a restart still knows its last sequence.
      retainEmptyBatch: (header) => this.producers.isLastBatchOfProducer(header),
      listener: { onDurable: deps.listener.onDurable, onOffline: deps.listener.onOffline },
    });
  }

  get status(): LogStatus {
    const phase = this.#log.phase;
    if (phase === "ready") return this.#producersLoaded ? "online" : "loading";
    return phase === "offline" ? "offline" : "loading";
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
    this.#log.start(now, () => {
      if (this.#log.phase !== "ready") return done();
      const read = this.#reader();
      const { logStartOffset, logEndOffset } = this.#log;
      this.producers.rebuild(now, read, logStartOffset, logEndOffset, () => {
        this.#producersLoaded = true;
        done();
      });
    });
  }

  #reader() {
    return (request: LogReadRequest, done: (result: LogReadResult) => void) =>
      this.#log.read(request, done);
  }

  appendAsLeader(
    now: Millis,
    batches: CheckedBatches,
    leaderEpoch: number,
  ): Result<AppendInfo, LogError> {
    const producer = this.producers.checkLeaderAppend(batches.batches);
    if (!producer.ok) return err(producer.error);
    if (producer.value.type === "duplicate") {
      const { firstOffset, lastOffset } = producer.value;
      return ok({ firstOffset, lastOffset, recordCount: batches.recordCount, duplicate: true });
    }
    // The broker scanned these bytes with their CRCs a moment ago: the log checks their framing.
    const validated = validateForAppend(batches.bytes, this.#log.config, {
      crc: this.#crc,
      scanned: batches.batches,
    });
    if (!validated.ok) return err(validated.error);
    const appended = this.#log.appendAsLeader(now, validated.value, leaderEpoch);
    if (!appended.ok) return err(appended.error);
    this.producers.appendedAsLeader(now, validated.value.batches, appended.value.firstOffset);
    return ok(appended.value);
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
    if (!appended.ok) return err(appended.error);
    this.producers.appendedAsFollower(records.batches);
    return ok({ lastOffset: appended.value.lastOffset });
  }

  truncateTo(offset: Offset, done: (logEndOffset: Offset) => void): void {
    this.#log.truncateTo(offset, (logEndOffset) => {
      const { logStartOffset } = this.#log;
      this.producers.truncated(this.#reader(), logStartOffset, logEndOffset, () =>
        done(logEndOffset),
      );
    });
  }

  truncateFullyAndStartAt(offset: Offset): void {
    this.#log.truncateFullyAndStartAt(offset);
    this.producers.startAt(this.#log.logStartOffset);
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
    if (this.status === "online") this.producers.maintain(now, this.#log.logStartOffset);
  }

  reconfigure(config: TopicConfig): void {
    this.#log.reconfigure(logConfigOf(config));
  }

  checkInvariants(): void {
    this.#log.checkInvariants();
    this.producers.checkInvariants();
  }
}

export const partitionLogFactory: HostedLogFactory = (deps) => new PartitionLogAdapter(deps);
