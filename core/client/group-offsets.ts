// A group member's committed offsets: OffsetCommit of the consumed positions (sync on the
// application's request, auto every auto.commit.interval.ms with the previous poll's positions)
// and OffsetFetch for newly assigned partitions. Keeps: every commit is recorded once invoked and
// completed exactly once, with the generation it carried; rejected commits change no position.

import { assert } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import type { Millis, Offset } from "../ids.ts";
import type { Outbox } from "../outbox.ts";
import type { OffsetCommitResponse, OffsetFetchResponse } from "../protocol/index.ts";
import type { Rng } from "../rng.ts";
import type { ConsumerConfig } from "./client-config.ts";
import { backoffMs, type ClientNetwork } from "./client-network.ts";
import type { ConsumerHistory } from "./consumer-history.ts";
import { coordinatorInFlightMax, type GroupMember } from "./group-member.ts";
import {
  classifyGroupError,
  type GroupTag,
  type OwnedPartition,
  partitionId,
} from "./group-requests.ts";
import type { CommittedOffset, GroupStamp } from "./history.ts";
import type { KeyMap } from "./workload-keys.ts";

export interface GroupOffsetsParts<Tag> {
  readonly config: ConsumerConfig;
  readonly rng: Rng;
  readonly network: ClientNetwork<Tag>;
  readonly outbox: Outbox;
  readonly keyMap: KeyMap;
  readonly history: ConsumerHistory;
  readonly member: GroupMember<Tag>;
  readonly wrap: (tag: GroupTag) => Tag;
  /** Applies a committed offset (or none: auto.offset.reset) to a partition still waiting. */
  readonly applyCommitted: (partition: OwnedPartition, offset: Offset | undefined) => void;
}

export class GroupOffsets<Tag> {
  readonly #p: GroupOffsetsParts<Tag>;
  /** Newly assigned partitions whose committed offsets are still to be fetched. */
  #awaiting: OwnedPartition[] = [];
  #fetchInFlight = false;
  #fetchFailures = 0;
  #fetchBackoffUntilMs: Millis = 0;
  #commitsInFlight = 0;
  #nextAutoCommitMs: Millis;
  /**
   * A commit waiting for the coordinator (Java's commitSync first finds it): nothing is recorded
   * until it is sent, with the member's stamp at that moment, or refused.
   */
  #waiting: { readonly offsets: readonly CommittedOffset[]; readonly auto: boolean } | undefined;

  constructor(parts: GroupOffsetsParts<Tag>, now: Millis) {
    this.#p = parts;
    this.#nextAutoCommitMs = now + parts.config.autoCommitIntervalMs;
  }

  /** OffsetCommits sent and not answered yet. */
  get commitsInFlight(): number {
    return this.#commitsInFlight;
  }

  get awaiting(): readonly OwnedPartition[] {
    return this.#awaiting;
  }

  /** The member owns `owned` now; `added` need their committed offsets. */
  assigned(owned: readonly OwnedPartition[], added: readonly OwnedPartition[]): void {
    const keep = new Set(owned.map(partitionId));
    this.#awaiting = this.#awaiting.filter((p) => keep.has(partitionId(p)));
    const waiting = new Set(this.#awaiting.map(partitionId));
    for (const p of added) if (!waiting.has(partitionId(p))) this.#awaiting.push(p);
  }

  run(now: Millis): void {
    const waiting = this.#waiting;
    if (waiting !== undefined && this.#p.member.coordinator !== undefined) {
      this.#waiting = undefined;
      this.commit(now, waiting.offsets, waiting.auto);
    }
    if (this.#awaiting.length === 0 || this.#fetchInFlight || !this.#p.member.stable) return;
    if (now < this.#fetchBackoffUntilMs) return;
    const node = this.#p.member.coordinator;
    if (node === undefined || !this.#p.network.canSend(now, node, coordinatorInFlightMax)) return;
    const partitions = [...this.#awaiting];
    const topics = new Map<string, number[]>();
    for (const p of partitions) topics.set(p.topic, [...(topics.get(p.topic) ?? []), p.partition]);
    const body = {
      groupId: this.#p.member.groupId,
      topics: [...topics].map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
    };
    const generation = this.#p.member.stamp().generation;
    const tag = this.#p.wrap({ type: "offset-fetch", partitions, generation });
    this.#p.network.send(now, this.#p.outbox, node, body, "OffsetFetch", tag);
    this.#fetchInFlight = true;
  }

  onOffsetFetch(
    now: Millis,
    partitions: readonly OwnedPartition[],
    generation: number,
    body: OffsetFetchResponse | undefined,
  ): void {
    this.#fetchInFlight = false;
    if (generation !== this.#p.member.stamp().generation) {
      // Java's sameRequest check: offsets fetched for an older assignment may be older than a
      // commit the partition's owner made since; the partitions waiting now ask again.
      this.#p.outbox.mark("consumer-offset-fetch-stale-generation");
      return;
    }
    const answers = new Map<string, { offset: Offset; errorCode: number }>();
    for (const t of body?.topics ?? []) {
      for (const p of t.partitions) {
        const id = partitionId({ topic: t.name, partition: p.partitionIndex });
        answers.set(id, { offset: p.committedOffset, errorCode: p.errorCode });
      }
    }
    const groupError = body === undefined ? ErrorCode.NETWORK_EXCEPTION : body.errorCode;
    const waiting = new Set(this.#awaiting.map(partitionId));
    let failed = groupError !== ErrorCode.NONE ? groupError : ErrorCode.NONE;
    for (const p of partitions) {
      const answer = answers.get(partitionId(p));
      if (!waiting.has(partitionId(p)) || failed !== ErrorCode.NONE) continue;
      if (answer === undefined || answer.errorCode !== ErrorCode.NONE) {
        failed = answer?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        continue;
      }
      this.#awaiting = this.#awaiting.filter((q) => partitionId(q) !== partitionId(p));
      this.#p.applyCommitted(p, answer.offset >= 0 ? answer.offset : undefined);
    }
    if (failed === ErrorCode.NONE) {
      this.#fetchFailures = 0;
      return;
    }
    this.#p.outbox.mark("consumer-offset-fetch-retry");
    this.#fetchFailures++;
    const c = this.#p.config;
    const wait = backoffMs(
      this.#p.rng,
      "consumer-offset-fetch-backoff",
      c.retryBackoffMs,
      c.retryBackoffMaxMs,
      this.#fetchFailures,
    );
    this.#fetchBackoffUntilMs = now + wait;
    const kind = classifyGroupError(failed);
    if (kind === "coordinator-moved") this.#p.member.coordinatorUnknown();
    else if (kind !== "retry") this.#p.member.onRequestError(now, this.#p.member.stamp(), failed);
  }

  /** Auto-commit, when due, of the positions the previous polls consumed (called at each poll). */
  maybeAutoCommit(now: Millis, consumed: readonly CommittedOffset[]): void {
    if (!this.#p.config.enableAutoCommit || now < this.#nextAutoCommitMs) return;
    this.#nextAutoCommitMs = now + this.#p.config.autoCommitIntervalMs;
    if (this.#commitsInFlight > 0) return;
    this.commit(now, consumed, true);
  }

  /** Java's onJoinPrepare: with auto-commit on, commit what was consumed before revoking. */
  maybeAutoCommitNow(now: Millis, consumed: readonly CommittedOffset[]): void {
    if (!this.#p.config.enableAutoCommit || !this.#p.member.stable) return;
    this.#nextAutoCommitMs = now + this.#p.config.autoCommitIntervalMs;
    this.commit(now, consumed, true);
  }

  /**
   * OffsetCommit of `consumed` under the member's stamp. A member that knows it is not in a stable
   * generation fails the commit without asking (Java's RebalanceInProgressException).
   */
  commit(now: Millis, consumed: readonly CommittedOffset[], auto: boolean): void {
    if (consumed.length === 0) return;
    const member = this.#p.member;
    const stamp = member.stamp();
    const node = member.coordinator;
    if (!member.stable) {
      const opId = this.#p.history.invokeCommit(this.#p.outbox, now, consumed, stamp, auto);
      this.#p.outbox.mark("consumer-commit-refused-rebalancing");
      const code = ErrorCode.REBALANCE_IN_PROGRESS;
      this.#p.history.completeCommit(this.#p.outbox, now, opId, "fail", code);
      return;
    }
    if (node === undefined) {
      // The newest request replaces an older waiting one (both commit the consumed positions).
      this.#p.outbox.mark("consumer-commit-waits-for-coordinator");
      this.#waiting = { offsets: consumed, auto };
      return;
    }
    if (!this.#p.network.canSend(now, node, coordinatorInFlightMax)) {
      this.#p.outbox.mark("consumer-commit-skipped-busy");
      return;
    }
    const opId = this.#p.history.invokeCommit(this.#p.outbox, now, consumed, stamp, auto);
    const topics = new Map<string, { partitionIndex: number; committedOffset: Offset }[]>();
    for (const c of consumed) {
      const { topic, partition } = this.#p.keyMap.topicPartitionOf(c.key);
      const list = topics.get(topic) ?? [];
      list.push({ partitionIndex: partition, committedOffset: c.offset });
      topics.set(topic, list);
    }
    const body = {
      groupId: member.groupId,
      generationId: stamp.generation,
      memberId: stamp.memberId,
      groupInstanceId: stamp.groupInstanceId,
      retentionTimeMs: -1,
      topics: [...topics].map(([name, list]) => ({
        name,
        partitions: list.map((p) => ({
          ...p,
          committedLeaderEpoch: -1,
          commitTimestamp: -1,
          committedMetadata: null,
        })),
      })),
    };
    const tag = this.#p.wrap({ type: "offset-commit", opId, offsets: consumed, stamp });
    this.#p.network.send(now, this.#p.outbox, node, body, "OffsetCommit", tag);
    this.#commitsInFlight++;
  }

  onOffsetCommit(
    now: Millis,
    opId: number,
    stamp: GroupStamp,
    body: OffsetCommitResponse | undefined,
  ): void {
    this.#commitsInFlight--;
    if (body === undefined) {
      // Lost with its connection: it may or may not have been written.
      this.#p.history.completeCommit(this.#p.outbox, now, opId, "info");
      this.#p.member.coordinatorUnknown();
      return;
    }
    let errorCode: number = ErrorCode.NONE;
    for (const t of body.topics) {
      for (const p of t.partitions) if (errorCode === ErrorCode.NONE) errorCode = p.errorCode;
    }
    if (errorCode === ErrorCode.NONE) {
      this.#p.history.completeCommit(this.#p.outbox, now, opId, "ok");
      return;
    }
    const kind = classifyGroupError(errorCode);
    if (kind === "coordinator-moved") {
      // Kafka maps a failed append (timed out, not enough replicas) to these: maybe written.
      this.#p.history.completeCommit(this.#p.outbox, now, opId, "info", undefined, errorCode);
      this.#p.member.coordinatorUnknown();
      return;
    }
    this.#p.outbox.mark("consumer-commit-rejected");
    this.#p.history.completeCommit(this.#p.outbox, now, opId, "fail", errorCode);
    if (kind !== "retry") this.#p.member.onRequestError(now, stamp, errorCode);
  }

  nextWakeup(now: Millis): Millis | undefined {
    const at: Millis[] = [];
    if (this.#awaiting.length > 0 && this.#fetchBackoffUntilMs > now) {
      at.push(this.#fetchBackoffUntilMs);
    }
    return at.length === 0 ? undefined : Math.min(...at);
  }

  checkInvariants(): void {
    const ids = new Set(this.#awaiting.map(partitionId));
    assert(ids.size === this.#awaiting.length, "a partition awaited twice");
    assert(this.#commitsInFlight >= 0, "commits in flight went negative");
  }
}
