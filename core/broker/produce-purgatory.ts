// Produce: each partition is checked and appended on the leader, then acknowledged per acks —
// acks=1 at once (or after the fsync with acks-all-and-1), acks=all once the high watermark covers
// the records — or answered REQUEST_TIMED_OUT after timeoutMs. acks=0 never answers.

import { assert } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import type { ConnectionId, Offset } from "../ids.ts";
import { limits } from "../limits.ts";
import type {
  PartitionProduceData,
  PartitionProduceResponse,
  ProduceRequest,
  TopicProduceResponse,
} from "../protocol/index.ts";
import { autoCreateTopic } from "./auto-create.ts";
import { FsyncBeforeAck } from "./config.ts";
import type { Reply } from "./connections.ts";
import type { HostedPartition } from "./hosted-partition.ts";
import { validateProduceRecords } from "./produce-validation.ts";
import type { ReplicaManager } from "./replica-manager.ts";
import { isInternalTopic } from "./topic-name.ts";

/** A partition whose records are appended and whose acknowledgement waits on an offset. */
interface Waiting {
  readonly topicIndex: number;
  readonly partitionIndex: number;
  readonly hosted: HostedPartition;
  readonly leaderEpoch: number;
  readonly baseOffset: Offset;
  /** The offset after the last record appended: HW or durable offset must reach it. */
  readonly endOffset: Offset;
  readonly recordCount: number;
  /** An idempotent producer's retry answered with the original offsets (traced when deduplicated). */
  readonly duplicate: boolean;
  /** acks=all: the high watermark must cover the records. */
  readonly needsHighWatermark: boolean;
  /** An fsync-before-ack setting or a flush.messages sync: the records must be durable. */
  readonly needsDurable: boolean;
}

interface PendingProduce {
  readonly id: number;
  readonly reply: Reply;
  readonly acks: number;
  /** Kafka lets only its own admin client write to internal topics (Produce answers otherwise). */
  readonly internalTopicsAllowed: boolean;
  readonly results: PartitionProduceResponse[][];
  readonly names: string[];
  readonly waiting: Set<Waiting>;
}

const DEADLINE = "produce:";

const failed = (index: number, errorCode: number): PartitionProduceResponse => ({
  index,
  errorCode,
  baseOffset: -1,
  logAppendTimeMs: -1,
  logStartOffset: -1,
});

export class ProducePurgatory {
  readonly #replicas: ReplicaManager;
  readonly #pending = new Map<number, PendingProduce>();
  /** Partition key -> pending produces waiting on it. */
  readonly #byPartition = new Map<string, Set<PendingProduce>>();
  #nextId = 1;

  constructor(replicas: ReplicaManager) {
    this.#replicas = replicas;
  }

  get size(): number {
    return this.#pending.size;
  }

  handle(body: ProduceRequest, reply: Reply, internalTopicsAllowed = false): void {
    const requestError = body.legacyMessageSet
      ? ErrorCode.UNSUPPORTED_VERSION
      : ![-1, 0, 1].includes(body.acks)
        ? ErrorCode.INVALID_REQUIRED_ACKS
        : ErrorCode.NONE;
    const pending: PendingProduce = {
      id: this.#nextId++,
      reply,
      acks: body.acks,
      internalTopicsAllowed,
      results: [],
      names: [],
      waiting: new Set(),
    };
    for (const [topicIndex, topic] of body.topicData.entries()) {
      pending.names.push(topic.name);
      pending.results.push(
        topic.partitionData.map((data, partitionIndex) =>
          requestError !== ErrorCode.NONE
            ? failed(data.index, requestError)
            : this.#append(pending, topic.name, data, topicIndex, partitionIndex),
        ),
      );
    }
    if (body.acks === 0) {
      this.#finishAcksZero(pending);
      return;
    }
    if (pending.waiting.size === 0) {
      this.#respond(pending);
      return;
    }
    assert(this.#pending.size < limits.pendingProducesMax, "pending produces over limit");
    this.#pending.set(pending.id, pending);
    for (const w of pending.waiting) this.#index(w.hosted.key).add(pending);
    const timeoutMs = Math.max(0, body.timeoutMs);
    this.#replicas.ctx.deadlines.set(`${DEADLINE}${pending.id}`, this.#replicas.now + timeoutMs);
  }

  /** Checks and appends one partition; the result, or a placeholder while it waits. */
  #append(
    pending: PendingProduce,
    topic: string,
    data: PartitionProduceData,
    topicIndex: number,
    partitionIndex: number,
  ): PartitionProduceResponse {
    const ctx = this.#replicas.ctx;
    const refuse = (errorCode: number) => {
      ctx.outbox.trace({
        type: "produce-rejected",
        topic,
        partition: data.index,
        errorCode,
        acks: pending.acks,
      });
      return failed(data.index, errorCode);
    };
    const registration = ctx.image.topic(topic);
    if (registration === undefined) return refuse(autoCreateOrUnknown(this.#replicas, topic));
    if (isInternalTopic(topic) && !pending.internalTopicsAllowed) {
      // Kafka: "Cannot append to internal topic" — the coordinators alone write there.
      ctx.outbox.mark("produce-to-internal-topic-refused");
      return refuse(ErrorCode.INVALID_TOPIC_EXCEPTION);
    }
    if (data.index < 0 || data.index >= registration.partitions.length) {
      return refuse(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    }
    const hosted = this.#replicas.hosted(topic, data.index);
    if (hosted === undefined || !hosted.isServingLeader(ctx.config.nodeId)) {
      const offline = hosted?.log.status === "offline";
      return refuse(offline ? ErrorCode.KAFKA_STORAGE_ERROR : ErrorCode.NOT_LEADER_OR_FOLLOWER);
    }
    const config = this.#replicas.topicConfig(topic);
    const leader = hosted.leader;
    assert(leader !== null, "a serving leader without its LeaderPartition");
    // Kafka's rule: the committed ISR must hold min.insync.replicas, whatever the replication factor.
    const isrTooSmall =
      leader.acksAllError() !== ErrorCode.NONE || leader.isr.length < config.minInsyncReplicas;
    if (pending.acks === -1 && isrTooSmall) {
      return refuse(ErrorCode.NOT_ENOUGH_REPLICAS);
    }
    const checked = validateProduceRecords(data.records, config, ctx.now, ctx.crc, ctx.codecs);
    if (!checked.ok) return refuse(checked.error.error);
    const appended = hosted.log.appendAsLeader(ctx.now, checked.value, hosted.leaderEpoch);
    if (!appended.ok) return refuse(appended.error.error);
    this.#replicas.touch(hosted);
    this.#replicas.scheduleFlush(hosted);
    const info = appended.value;
    // A duplicate (KIP-98) appended nothing; like Kafka, it is answered once its original offsets
    // meet the acknowledgement's conditions.
    const duplicate = info.duplicate === true;
    const needsDurable = this.#syncAfterAppend(
      hosted,
      pending.acks,
      duplicate ? 0 : info.recordCount,
      config.flushMessages,
    );
    const response: PartitionProduceResponse = {
      index: data.index,
      errorCode: ErrorCode.NONE,
      baseOffset: info.firstOffset,
      logAppendTimeMs: config.messageTimestampType === "LogAppendTime" ? ctx.now : -1,
      logStartOffset: hosted.log.logStartOffset,
    };
    const needsHighWatermark = pending.acks === -1;
    if (!needsHighWatermark && !needsDurable) {
      if (!duplicate)
        this.#traceAck(topic, data.index, info.firstOffset, info.recordCount, pending.acks);
      return response;
    }
    pending.waiting.add({
      topicIndex,
      partitionIndex,
      hosted,
      leaderEpoch: hosted.leaderEpoch,
      baseOffset: info.firstOffset,
      endOffset: info.lastOffset + 1,
      recordCount: info.recordCount,
      duplicate,
      needsHighWatermark,
      needsDurable,
    });
    return response;
  }

  /**
   * Issues the syncs an append calls for, and says whether its acknowledgement waits for one: with
   * an fsync-before-ack setting every append is synced (HW follows durability), and as in Kafka the
   * append that brings flush.messages unflushed records is flushed before it is acknowledged.
   */
  #syncAfterAppend(hosted: HostedPartition, acks: number, records: number, flushMessages: number) {
    const fsync = this.#replicas.ctx.config.fsyncBeforeAck;
    hosted.unflushedRecords += records;
    const flushDue = hosted.unflushedRecords >= flushMessages;
    if (fsync !== FsyncBeforeAck.none || flushDue) {
      hosted.unflushedRecords = 0;
      hosted.log.sync();
    }
    if (acks === 0) return false;
    if (flushDue) {
      this.#replicas.ctx.outbox.mark("produce-waits-for-flush-messages");
      return true;
    }
    return acks === 1 && fsync === FsyncBeforeAck.acksAllAndOne;
  }

  #finishAcksZero(pending: PendingProduce): void {
    const errors = pending.results.flat().filter((r) => r.errorCode !== ErrorCode.NONE);
    pending.reply.noResponse();
    // Kafka's only way to tell an acks=0 producer something went wrong: close its connection.
    if (errors.length > 0) {
      this.#replicas.ctx.outbox.mark("produce-acks0-error-closes-connection");
      this.#replicas.ctx.outbox.push({
        type: "close",
        connection: pending.reply.connection,
        reason: `acks=0 produce failed with error ${errors[0]?.errorCode}`,
      });
    }
  }

  /** A partition's offsets, leadership or existence changed: settle produces waiting on it. */
  partitionChanged(hosted: HostedPartition): void {
    const waiting = this.#byPartition.get(hosted.key);
    if (waiting === undefined) return;
    for (const pending of [...waiting]) {
      // Answering one produce may start the next request of its connection, which may settle
      // others of this very list: those are gone from #pending by now.
      if (!this.#pending.has(pending.id)) continue;
      for (const w of [...pending.waiting]) {
        if (w.hosted.key !== hosted.key) continue;
        const outcome = this.#check(w);
        if (outcome !== undefined) this.#settle(pending, w, outcome);
      }
      if (pending.waiting.size === 0) this.#complete(pending);
    }
  }

  /** NONE when acknowledged, an error when it never will be, undefined while it waits. */
  #check(w: Waiting): number | undefined {
    const self = this.#replicas.ctx.config.nodeId;
    const log = w.hosted.log;
    if (log.status === "offline" && !w.hosted.removed) return ErrorCode.KAFKA_STORAGE_ERROR;
    if (!w.hosted.isServingLeader(self) || w.hosted.leaderEpoch !== w.leaderEpoch) {
      return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    }
    if (w.needsDurable && log.durableOffset < w.endOffset) return undefined;
    if (!w.needsHighWatermark) return ErrorCode.NONE;
    // acks=all: Kafka's checkEnoughReplicasReachOffset (the HW covers the records, and the ISR
    // still meets min.insync.replicas; NOT_ENOUGH_REPLICAS_AFTER_APPEND otherwise).
    const leader = w.hosted.leader;
    assert(leader !== null, "a serving leader without its LeaderPartition");
    const check = leader.checkEnoughReplicasReachOffset(w.endOffset);
    return check.done ? check.errorCode : undefined;
  }

  #settle(pending: PendingProduce, w: Waiting, errorCode: number): void {
    pending.waiting.delete(w);
    const row = pending.results[w.topicIndex];
    const current = row?.[w.partitionIndex];
    assert(row !== undefined && current !== undefined, "waiting partition without a result slot");
    const topic = pending.names[w.topicIndex] ?? "";
    if (errorCode === ErrorCode.NONE) {
      if (!w.duplicate)
        this.#traceAck(topic, current.index, w.baseOffset, w.recordCount, pending.acks);
      row[w.partitionIndex] = { ...current, logStartOffset: w.hosted.log.logStartOffset };
    } else {
      this.#replicas.ctx.outbox.trace({
        type: "produce-rejected",
        topic,
        partition: current.index,
        errorCode,
        acks: pending.acks,
      });
      row[w.partitionIndex] = failed(current.index, errorCode);
    }
  }

  #complete(pending: PendingProduce): void {
    this.#forget(pending);
    this.#respond(pending);
  }

  #respond(pending: PendingProduce): void {
    const responses: TopicProduceResponse[] = pending.names.map((name, i) => ({
      name,
      partitionResponses: pending.results[i] ?? [],
    }));
    pending.reply.respond({ api: "Produce", body: { responses, throttleTimeMs: 0 } });
  }

  #forget(pending: PendingProduce): void {
    this.#pending.delete(pending.id);
    this.#replicas.ctx.deadlines.clear(`${DEADLINE}${pending.id}`);
    for (const [key, set] of this.#byPartition) {
      set.delete(pending);
      if (set.size === 0) this.#byPartition.delete(key);
    }
  }

  onDeadline(key: string): boolean {
    if (!key.startsWith(DEADLINE)) return false;
    const pending = this.#pending.get(Number(key.slice(DEADLINE.length)));
    if (pending !== undefined) {
      this.#replicas.ctx.outbox.mark("produce-timed-out");
      for (const w of [...pending.waiting]) this.#settle(pending, w, ErrorCode.REQUEST_TIMED_OUT);
      this.#complete(pending);
    }
    return true;
  }

  connectionClosed(connection: ConnectionId): void {
    for (const pending of [...this.#pending.values()]) {
      if (pending.reply.connection === connection) this.#forget(pending);
    }
  }

  #index(key: string): Set<PendingProduce> {
    let set = this.#byPartition.get(key);
    if (set === undefined) {
      set = new Set();
      this.#byPartition.set(key, set);
    }
    return set;
  }

  #traceAck(topic: string, partition: number, baseOffset: number, count: number, acks: number) {
    this.#replicas.ctx.outbox.trace({
      type: "produce-acknowledged",
      topic,
      partition,
      baseOffset,
      count,
      acks,
    });
  }

  checkInvariants(): void {
    assert(this.#pending.size <= limits.pendingProducesMax, "pending produces over limit");
    for (const pending of this.#pending.values()) {
      assert(pending.waiting.size > 0, `pending produce ${pending.id} waits on nothing`);
      assert(!pending.reply.closed, `pending produce ${pending.id} on a closed connection`);
    }
  }
}

function autoCreateOrUnknown(replicas: ReplicaManager, topic: string): number {
  const errorCode = autoCreateTopic(replicas.ctx, topic);
  // Produce names the topic it wants; an invalid name is just an unknown topic here.
  return errorCode === ErrorCode.INVALID_TOPIC_EXCEPTION
    ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
    : errorCode;
}
