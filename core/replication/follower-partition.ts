// The follower side of one partition (Kafka's fetcher state for it): fetch from the log end offset
// with the last fetched epoch, append what comes back, learn the HW, and on a diverging epoch
// truncate by leader epochs (KIP-595, KIP-279), never to the local high watermark (KIP-101).

import { assert, assertNever } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import type { Epoch, Millis, NodeId, Offset } from "../ids.ts";
import { validateForFollowerAppend } from "../log/log-validate.ts";
import { lastOffset } from "../log/record-batch.ts";
import type { Outbox } from "../outbox.ts";
import type { PartitionId, ReplicationConfig } from "./config.ts";
import { followerTruncationTarget } from "./diverging-epoch.ts";
import type {
  EpochEndOffset,
  ReplicaFetchPartition,
  ReplicaFetchPartitionResponse,
} from "./messages.ts";
import type { FollowerLog } from "./replica-log.ts";
import type { TruncationReason } from "./trace-events.ts";

export type FollowerPhase =
  /** Ready to fetch (once what it appended is synced, with ackRequiresSync). */
  | { readonly type: "idle" }
  | { readonly type: "fetching"; readonly request: ReplicaFetchPartition }
  | { readonly type: "truncating"; readonly from: Offset; readonly target: Offset }
  | { readonly type: "backoff"; readonly untilMs: Millis }
  /** The leader said our epoch is old (FENCED_LEADER_EPOCH): only new metadata helps. */
  | { readonly type: "awaiting-metadata" }
  /** The partition has no leader (-1). */
  | { readonly type: "no-leader" };

export interface FollowerPartitionDeps {
  readonly id: PartitionId;
  readonly localId: NodeId;
  readonly config: ReplicationConfig;
  readonly log: FollowerLog;
  readonly outbox: Outbox;
}

export interface FollowerPartitionView {
  readonly topic: string;
  readonly partition: number;
  readonly leaderId: number;
  readonly leaderEpoch: Epoch;
  readonly phase: FollowerPhase["type"];
  readonly logEndOffset: Offset;
  readonly highWatermark: Offset;
}

export class FollowerPartition {
  readonly id: PartitionId;
  readonly #config: ReplicationConfig;
  readonly #log: FollowerLog;
  readonly #outbox: Outbox;
  #leaderId: number;
  #leaderEpoch: Epoch;
  #phase: FollowerPhase;
  /** The log end offset a sync was last asked for (so one sync covers each append). */
  #syncRequestedAt: Offset = -1;
  #lastNowMs: Millis;

  constructor(now: Millis, deps: FollowerPartitionDeps, leaderId: number, leaderEpoch: Epoch) {
    assert(leaderId !== deps.localId, "a follower of itself");
    this.id = deps.id;
    this.#config = deps.config;
    this.#log = deps.log;
    this.#outbox = deps.outbox;
    this.#leaderId = leaderId;
    this.#leaderEpoch = leaderEpoch;
    this.#phase = leaderId === -1 ? { type: "no-leader" } : { type: "idle" };
    this.#lastNowMs = now;
  }

  get leaderId(): number {
    return this.#leaderId;
  }

  get leaderEpoch(): Epoch {
    return this.#leaderEpoch;
  }

  get phase(): FollowerPhase {
    return this.#phase;
  }

  /** A truncation is in flight: the log takes no append until it completes. */
  get truncating(): boolean {
    return this.#phase.type === "truncating";
  }

  /**
   * Metadata names the leader (newer epoch, or the same). A fetch in flight for the old epoch is
   * forgotten: its answer no longer matches. A truncation in flight finishes first.
   */
  onLeaderChange(now: Millis, leaderId: number, leaderEpoch: Epoch): void {
    this.#tick(now);
    if (leaderEpoch < this.#leaderEpoch) {
      this.#outbox.mark("follower-stale-leader-ignored");
      return;
    }
    const changed = leaderEpoch !== this.#leaderEpoch || leaderId !== this.#leaderId;
    this.#leaderId = leaderId;
    this.#leaderEpoch = leaderEpoch;
    if (!changed || this.#phase.type === "truncating") return;
    this.#phase = leaderId === -1 ? { type: "no-leader" } : { type: "idle" };
  }

  /** The fetch entry to send now, or null (in flight, truncating, backing off, or not synced). */
  pollFetch(now: Millis): ReplicaFetchPartition | null {
    this.#tick(now);
    const phase = this.#phase;
    if (phase.type === "backoff" && now >= phase.untilMs) this.#phase = { type: "idle" };
    if (this.#phase.type !== "idle") return null;
    const log = this.#log;
    if (this.#config.ackRequiresSync && log.durableOffset < log.logEndOffset) {
      // A fetch acknowledges everything below its offset: only once it is on disk.
      if (this.#syncRequestedAt < log.logEndOffset) this.#requestSync();
      return null;
    }
    const request: ReplicaFetchPartition = {
      topic: this.id.topic,
      topicId: this.id.topicId,
      partition: this.id.partition,
      currentLeaderEpoch: this.#leaderEpoch,
      fetchOffset: log.logEndOffset,
      lastFetchedEpoch: log.latestEpoch(),
      logStartOffset: log.logStartOffset,
      maxBytes: this.#config.replicaFetchMaxBytes,
    };
    this.#phase = { type: "fetching", request };
    return request;
  }

  /** The fetch carrying `sent` got no answer (connection broke, timeout): try again later. */
  onFetchFailed(now: Millis, sent: ReplicaFetchPartition): void {
    this.#tick(now);
    if (!this.#isAnswerTo(sent)) return;
    this.#backoff(now);
  }

  /** The leader answered the fetch carrying `sent`. */
  onFetchResponse(
    now: Millis,
    sent: ReplicaFetchPartition,
    response: ReplicaFetchPartitionResponse,
  ): void {
    this.#tick(now);
    if (!this.#isAnswerTo(sent)) {
      this.#outbox.mark("follower-stale-fetch-response");
      return;
    }
    assert(sent.fetchOffset === this.#log.logEndOffset, "the log moved under a fetch in flight");
    this.#phase = { type: "idle" };
    switch (response.errorCode) {
      case ErrorCode.NONE:
        this.#onData(now, response);
        return;
      case ErrorCode.OFFSET_OUT_OF_RANGE:
        this.#onOutOfRange(now, response);
        return;
      case ErrorCode.FENCED_LEADER_EPOCH:
        this.#traceFenced(response.errorCode);
        this.#phase = { type: "awaiting-metadata" };
        return;
      case ErrorCode.UNKNOWN_LEADER_EPOCH:
        this.#traceFenced(response.errorCode);
        this.#backoff(now);
        return;
      default:
        this.#outbox.mark("follower-fetch-error-backoff");
        this.#backoff(now);
    }
  }

  #isAnswerTo(sent: ReplicaFetchPartition): boolean {
    const phase = this.#phase;
    return (
      phase.type === "fetching" &&
      phase.request.fetchOffset === sent.fetchOffset &&
      phase.request.currentLeaderEpoch === sent.currentLeaderEpoch &&
      sent.currentLeaderEpoch === this.#leaderEpoch
    );
  }

  #onData(now: Millis, response: ReplicaFetchPartitionResponse): void {
    if (response.divergingEpoch !== null) {
      this.#onDiverging(now, response.divergingEpoch);
      return;
    }
    if (response.records.length > 0 && !this.#append(now, response.records)) {
      this.#backoff(now);
      return;
    }
    const log = this.#log;
    const learned = Math.min(response.highWatermark, log.logEndOffset);
    // The local HW only rises: what a leader once called committed stays committed.
    if (learned > log.highWatermark) log.setHighWatermark(learned);
  }

  /** Validates and appends fetched batches; false when they cannot be taken. */
  #append(now: Millis, bytes: Uint8Array): boolean {
    const log = this.#log;
    const checked = validateForFollowerAppend(bytes, 0, this.#config.crc);
    if (!checked.ok) {
      this.#outbox.mark("follower-fetched-invalid-batches");
      return false;
    }
    const first = checked.value.batches[0]!.header;
    const logEnd = log.logEndOffset;
    if (first.baseOffset < logEnd) {
      // Only legal on an empty log whose start lies inside the leader's first batch (Kafka's
      // UnexpectedAppendOffsetException case): start the log at that batch instead.
      const empty = logEnd === log.logStartOffset && lastOffset(first) >= logEnd;
      if (!empty) {
        this.#outbox.mark("follower-fetched-overlapping-batches");
        return false;
      }
      log.truncateFullyAndStartAt(first.baseOffset);
      this.#afterTruncation(
        logEnd,
        first.baseOffset,
        first.baseOffset,
        "log-start-inside-batch",
        null,
      );
    }
    const appended = log.appendAsFollower(now, checked.value);
    if (!appended.ok) {
      this.#outbox.mark("follower-append-failed");
      return false;
    }
    // Sync at once: the next fetch (which acknowledges these) waits for it.
    if (this.#config.ackRequiresSync) this.#requestSync();
    return true;
  }

  #onDiverging(now: Millis, divergingEpoch: EpochEndOffset): void {
    const log = this.#log;
    const from = log.logEndOffset;
    const target = followerTruncationTarget(log, divergingEpoch);
    if (target.offset >= from) {
      // The leader says we diverge but our own epochs say nothing to cut: do not spin.
      this.#outbox.mark("follower-diverging-without-truncation");
      this.#backoff(now);
      return;
    }
    this.#outbox.mark("follower-truncated-divergent-tail");
    if (!target.final) this.#outbox.mark("follower-truncation-needs-another-round");
    this.#phase = { type: "truncating", from, target: target.offset };
    log.truncateTo(target.offset, (logEndOffset) => {
      this.#onTruncated(from, target.offset, logEndOffset, "diverging-epoch", divergingEpoch);
    });
  }

  #onTruncated(
    from: Offset,
    target: Offset,
    logEndOffset: Offset,
    reason: TruncationReason,
    divergingEpoch: EpochEndOffset | null,
  ): void {
    assert(this.#phase.type === "truncating", "truncation finished twice");
    this.#phase = this.#leaderId === -1 ? { type: "no-leader" } : { type: "idle" };
    if (logEndOffset > target) {
      // The log went offline before it could cut: nothing changed, and fetching would not help.
      this.#outbox.mark("follower-truncation-failed");
      this.#backoff(this.#lastNowMs);
      return;
    }
    this.#afterTruncation(from, logEndOffset, target, reason, divergingEpoch);
  }

  /**
   * The fetch offset lies outside the leader's log. Below its log start: everything we hold is
   * gone there, so start over at its log start. Otherwise (an empty log ahead of an unclean
   * leader) also start over there; a log with batches waits for the epoch check to sort it out.
   */
  #onOutOfRange(now: Millis, response: ReplicaFetchPartitionResponse): void {
    const log = this.#log;
    const from = log.logEndOffset;
    const empty = from === log.logStartOffset;
    if (response.logStartOffset > from || empty) {
      this.#outbox.mark("follower-truncated-fully-out-of-range");
      log.truncateFullyAndStartAt(response.logStartOffset);
      this.#afterTruncation(
        from,
        response.logStartOffset,
        response.logStartOffset,
        "offset-out-of-range",
        null,
      );
      return;
    }
    this.#outbox.mark("follower-out-of-range-backoff");
    this.#backoff(now);
  }

  #requestSync(): void {
    this.#syncRequestedAt = this.#log.logEndOffset;
    this.#log.sync();
  }

  #backoff(now: Millis): void {
    this.#phase = { type: "backoff", untilMs: now + this.#config.replicaFetchBackoffMs };
  }

  #traceFenced(errorCode: number): void {
    this.#outbox.trace({
      type: "fenced-leader-epoch",
      topic: this.id.topic,
      partition: this.id.partition,
      side: "follower",
      replicaId: this.#leaderId,
      requestEpoch: this.#leaderEpoch,
      currentEpoch: this.#leaderEpoch,
      errorCode,
    });
  }

  #afterTruncation(
    from: Offset,
    to: Offset,
    target: Offset,
    reason: TruncationReason,
    divergingEpoch: EpochEndOffset | null,
  ): void {
    // A truncation cuts pending syncs down to the new end: what comes next needs a sync of its own.
    this.#syncRequestedAt = Math.min(this.#syncRequestedAt, to);
    this.#outbox.trace({
      type: "follower-truncated",
      topic: this.id.topic,
      partition: this.id.partition,
      leaderEpoch: this.#leaderEpoch,
      from,
      to,
      target,
      reason,
      divergingEpoch,
    });
  }

  /** When pollFetch may next return something because time passed (end of a backoff). */
  nextWakeupMs(): Millis | undefined {
    return this.#phase.type === "backoff" ? this.#phase.untilMs : undefined;
  }

  #tick(now: Millis): void {
    // The message is built only on failure: this runs on every call.
    if (now < this.#lastNowMs) assert(false, `time went back from ${this.#lastNowMs} to ${now}`);
    this.#lastNowMs = now;
  }

  view(): FollowerPartitionView {
    return {
      topic: this.id.topic,
      partition: this.id.partition,
      leaderId: this.#leaderId,
      leaderEpoch: this.#leaderEpoch,
      phase: this.#phase.type,
      logEndOffset: this.#log.logEndOffset,
      highWatermark: this.#log.highWatermark,
    };
  }

  checkInvariants(): void {
    const log = this.#log;
    // Messages are built only on failure: these checks run after every step.
    const id = this.id;
    if (log.highWatermark > log.logEndOffset) {
      assert(false, `${id.topic}-${id.partition}: follower HW above its log end`);
    }
    if (log.logStartOffset > log.logEndOffset) {
      assert(false, `${id.topic}-${id.partition}: log start above log end`);
    }
    const phase = this.#phase;
    switch (phase.type) {
      case "fetching":
        if (phase.request.fetchOffset !== log.logEndOffset) {
          assert(false, `${id.topic}-${id.partition}: fetch offset is not the LEO`);
        }
        return;
      case "truncating":
        if (phase.target >= phase.from) {
          assert(false, `${id.topic}-${id.partition}: truncation that cuts nothing`);
        }
        return;
      case "idle":
      case "backoff":
      case "awaiting-metadata":
      case "no-leader":
        return;
      default:
        assertNever(phase, "follower phase");
    }
  }
}
