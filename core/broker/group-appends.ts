// The group coordinator's writes to __consumer_offsets: appended on this broker as the partition's
// leader and reported done only once the high watermark covers them (acks=all), as Kafka's
// coordinator appends through its ReplicaManager; a lost leadership or a timeout reports the error.

import { assert } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import type { Offset } from "../ids.ts";
import { limits } from "../limits.ts";
import type { BrokerContext } from "./broker-context.ts";
import { FsyncBeforeAck } from "./config.ts";
import type { HostedPartition } from "./hosted-partition.ts";
import { validateProduceRecords } from "./produce-validation.ts";
import { OFFSETS_TOPIC } from "./topic-name.ts";

interface WaitingAppend {
  readonly appendId: number;
  readonly hosted: HostedPartition;
  readonly leaderEpoch: number;
  /** The offset after the appended batch: the high watermark must reach it. */
  readonly endOffset: Offset;
}

const DEADLINE = "group-append:";

export class GroupAppends {
  readonly #ctx: BrokerContext;
  readonly #done: (appendId: number, error: ErrorCode) => void;
  readonly #waiting = new Map<number, WaitingAppend>();

  constructor(ctx: BrokerContext, done: (appendId: number, error: ErrorCode) => void) {
    this.#ctx = ctx;
    this.#done = done;
  }

  get size(): number {
    return this.#waiting.size;
  }

  /** Appends one coordinator batch as leader; the outcome comes through `done`, maybe at once. */
  append(appendId: number, partition: number, batch: Uint8Array): void {
    const ctx = this.#ctx;
    assert(!this.#waiting.has(appendId), `append ${appendId} twice`);
    const hosted = ctx.replicas.hosted(OFFSETS_TOPIC, partition);
    if (hosted === undefined || !hosted.isServingLeader(ctx.config.nodeId)) {
      this.#done(appendId, ErrorCode.NOT_LEADER_OR_FOLLOWER);
      return;
    }
    const leader = hosted.leader;
    assert(leader !== null, "a serving leader without its LeaderPartition");
    const config = ctx.replicas.topicConfig(OFFSETS_TOPIC);
    if (leader.acksAllError() !== ErrorCode.NONE || leader.isr.length < config.minInsyncReplicas) {
      ctx.outbox.mark("group-append-not-enough-replicas");
      this.#done(appendId, ErrorCode.NOT_ENOUGH_REPLICAS);
      return;
    }
    const checked = validateProduceRecords(batch, config, ctx.now, ctx.crc);
    const appended = checked.ok
      ? hosted.log.appendAsLeader(ctx.now, checked.value, hosted.leaderEpoch)
      : checked;
    if (!appended.ok) {
      // A batch too large for the topic (many offsets in one commit) or a log that went offline.
      ctx.outbox.mark("group-append-refused");
      this.#done(appendId, appended.error.error as ErrorCode);
      return;
    }
    if (ctx.config.fsyncBeforeAck !== FsyncBeforeAck.none) hosted.log.sync();
    ctx.replicas.touch(hosted);
    ctx.replicas.scheduleFlush(hosted);
    assert(this.#waiting.size < limits.groupPendingAppendsMax, "group appends over limit");
    this.#waiting.set(appendId, {
      appendId,
      hosted,
      leaderEpoch: hosted.leaderEpoch,
      endOffset: appended.value.lastOffset + 1,
    });
    ctx.deadlines.set(`${DEADLINE}${appendId}`, ctx.now + ctx.config.offsetsCommitTimeoutMs);
  }

  /** The partition's offsets, leadership or existence changed: settle appends waiting on it. */
  partitionChanged(hosted: HostedPartition): void {
    for (const w of [...this.#waiting.values()]) {
      if (w.hosted !== hosted || !this.#waiting.has(w.appendId)) continue;
      const outcome = this.#check(w);
      if (outcome !== undefined) this.#settle(w, outcome);
    }
  }

  /** Appends of `partition` end without an answer (the coordinator unloaded it and failed them). */
  forgetPartition(partition: number): void {
    for (const w of [...this.#waiting.values()]) {
      if (w.hosted.partition !== partition) continue;
      this.#waiting.delete(w.appendId);
      this.#ctx.deadlines.clear(`${DEADLINE}${w.appendId}`);
    }
  }

  onDeadline(key: string): boolean {
    if (!key.startsWith(DEADLINE)) return false;
    const w = this.#waiting.get(Number(key.slice(DEADLINE.length)));
    if (w !== undefined) {
      this.#ctx.outbox.mark("group-append-timed-out");
      this.#settle(w, ErrorCode.REQUEST_TIMED_OUT);
    }
    return true;
  }

  /** NONE once committed, an error when it never will be, undefined while it waits. */
  #check(w: WaitingAppend): ErrorCode | undefined {
    const self = this.#ctx.config.nodeId;
    if (w.hosted.log.status === "offline") return ErrorCode.KAFKA_STORAGE_ERROR;
    if (!w.hosted.isServingLeader(self) || w.hosted.leaderEpoch !== w.leaderEpoch) {
      return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    }
    const leader = w.hosted.leader;
    assert(leader !== null, "a serving leader without its LeaderPartition");
    const check = leader.checkEnoughReplicasReachOffset(w.endOffset);
    return check.done ? check.errorCode : undefined;
  }

  #settle(w: WaitingAppend, error: ErrorCode): void {
    this.#waiting.delete(w.appendId);
    this.#ctx.deadlines.clear(`${DEADLINE}${w.appendId}`);
    this.#done(w.appendId, error);
  }

  checkInvariants(): void {
    assert(this.#waiting.size <= limits.groupPendingAppendsMax, "group appends over limit");
    for (const w of this.#waiting.values()) {
      assert(w.hosted.topic === OFFSETS_TOPIC, "a group append outside __consumer_offsets");
    }
  }
}
