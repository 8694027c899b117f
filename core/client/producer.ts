// SimProducer: a Kafka producer as a pure Node. The workload hands it send ops; it batches records
// per partition (linger.ms, batch.size), sends Produce requests to each leader under
// max.in.flight.requests.per.connection, retries with backoff until delivery.timeout.ms, and
// records every op's invoke and its one completion (ok with offsets, fail, or info) in the history.

import { assert, assertNever } from "../assert.ts";
import { ErrorCode, errorName, isRetriable } from "../error-codes.ts";
import type { Millis, NodeId, Offset } from "../ids.ts";
import { limits } from "../limits.ts";
import type { Effect, Input, Node, NodeView } from "../node.ts";
import { Outbox } from "../outbox.ts";
import type { ClientResponse, ProduceResponse } from "../protocol/index.ts";
import type { Rng } from "../rng.ts";
import type { ProducerConfig } from "./client-config.ts";
import { backoffMs, ClientNetwork, type InFlight } from "./client-network.ts";
import { MetadataCache, type MetadataView, type RefreshReason } from "./metadata-cache.ts";
import { type PartitionQueue, RecordAccumulator } from "./producer-accumulator.ts";
import {
  NO_PRODUCER_IDENTITY,
  type ProducerBatch,
  provesNotAppended,
  recordOffset,
} from "./producer-batch.ts";
import { ProducerHistory } from "./producer-history.ts";
import { type SendCompletion, SendOps, type SendRecord } from "./producer-ops.ts";
import { buildProduceRequest } from "./producer-request.ts";
import { encodeInt, type KeyMap } from "./workload-keys.ts";

export interface ProducerOptions {
  readonly nodeId: NodeId;
  /** The Jepsen process this client is; a restarted client is a new process. */
  readonly process: number;
  readonly config: ProducerConfig;
  readonly keyMap: KeyMap;
  readonly rng: Rng;
}

/** What the application (the workload) asks of the producer. */
export type ProducerCommand = { readonly type: "send"; readonly records: readonly SendRecord[] };

export interface ProducerView extends NodeView {
  readonly kind: "producer";
  readonly process: number;
  readonly pendingOps: number;
  readonly queuedRecords: number;
  readonly inFlightRequests: readonly {
    readonly node: NodeId;
    readonly correlationId: number;
    readonly api: string;
    readonly sentMs: Millis;
  }[];
  readonly partitions: readonly {
    readonly topic: string;
    readonly partition: number;
    readonly leader: number;
    readonly queuedBatches: number;
    readonly inFlightBatches: number;
  }[];
  readonly metadata: MetadataView;
}

type Tag =
  | { readonly type: "metadata" }
  | { readonly type: "produce"; readonly batches: readonly ProducerBatch[] };

const refreshOn: ReadonlyMap<number, RefreshReason> = new Map<number, RefreshReason>([
  [ErrorCode.NOT_LEADER_OR_FOLLOWER, "not-leader"],
  [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "unknown-topic-or-partition"],
  [ErrorCode.LEADER_NOT_AVAILABLE, "leader-not-available"],
  [ErrorCode.FENCED_LEADER_EPOCH, "not-leader"],
  [ErrorCode.KAFKA_STORAGE_ERROR, "not-leader"],
]);

export class SimProducer implements Node<ProducerView> {
  readonly #id: NodeId;
  readonly #config: ProducerConfig;
  readonly #keyMap: KeyMap;
  readonly #rng: Rng;
  readonly #outbox = new Outbox();
  readonly #network: ClientNetwork<Tag>;
  readonly #metadata: MetadataCache;
  readonly #accumulator: RecordAccumulator;
  readonly #ops = new SendOps();
  readonly #history: ProducerHistory;
  /** Records accepted and not yet settled: queued or in flight. */
  #unsettledRecords = 0;
  #lastNow: Millis = 0;
  #drainCursor = 0;
  #crashed = false;

  constructor(options: ProducerOptions) {
    this.#id = options.nodeId;
    this.#config = options.config;
    this.#keyMap = options.keyMap;
    this.#rng = options.rng;
    this.#network = new ClientNetwork<Tag>(options.config);
    this.#metadata = new MetadataCache(options.config, options.rng);
    this.#accumulator = new RecordAccumulator(options.config);
    this.#history = new ProducerHistory(options.process);
  }

  step(now: Millis, input: Input): readonly Effect[] {
    this.#advance(now);
    switch (input.type) {
      case "start":
      case "timer":
        break;
      case "client-response":
        this.#onResponse(now, input.from, input.correlationId, input.response);
        break;
      case "client-connection-lost":
        this.#onLost(
          now,
          this.#network.connectionLost(now, input.to, this.#rng),
          "NETWORK_EXCEPTION",
        );
        break;
      case "peer-message":
      case "peer-unreachable":
      case "client-request":
      case "connection-closed":
      case "disk-done":
        assert(false, `producer ${this.#id} got ${input.type}: clients have no peers or disks`);
        break;
      default:
        assertNever(input, "input");
    }
    this.#run(now);
    return this.#outbox.take();
  }

  /** The application's entry point (beside step): the workload hands the producer an op. */
  apply(now: Millis, command: ProducerCommand): readonly Effect[] {
    this.#advance(now);
    switch (command.type) {
      case "send":
        this.#send(now, command.records);
        break;
      default:
        assertNever(command.type, "producer command");
    }
    this.#run(now);
    return this.#outbox.take();
  }

  /** The process dies: every open op ends as info (unknown), as Jepsen records a crashed client. */
  crash(now: Millis): readonly Effect[] {
    this.#advance(now);
    for (const completion of this.#ops.abandon("crash")) {
      this.#history.complete(this.#outbox, now, completion);
    }
    this.#history.crash(this.#outbox, now, this.#ops.reserveId());
    this.#crashed = true;
    return this.#outbox.take();
  }

  #advance(now: Millis): void {
    assert(!this.#crashed, `producer ${this.#id} used after its crash`);
    assert(now >= this.#lastNow, `time went backwards: ${now} < ${this.#lastNow}`);
    this.#lastNow = now;
  }

  #send(now: Millis, records: readonly SendRecord[]): void {
    for (const r of records) assert(this.#keyMap.has(r.key), `send to unknown key ${r.key}`);
    const full =
      this.#ops.full || this.#unsettledRecords + records.length > limits.producerRecordsQueuedMax;
    const opId = full ? this.#ops.reserveId() : this.#ops.open(records);
    this.#history.invoke(this.#outbox, now, opId, records);
    if (full) {
      // Kafka blocks send() for max.block.ms on a full buffer, then throws: nothing was sent.
      this.#outbox.mark("producer-buffer-full");
      const failed = records.map((r) => ({ ...r, offset: null }));
      this.#history.complete(this.#outbox, now, {
        opId,
        type: "fail",
        records: failed,
        error: "BUFFER_EXHAUSTED",
      });
      return;
    }
    records.forEach((r, index) => {
      const { topic, partition } = this.#keyMap.topicPartitionOf(r.key);
      this.#metadata.addTopic(topic);
      const record = {
        opId,
        index,
        key: encodeInt(r.key),
        value: encodeInt(r.value),
        timestampMs: now,
      };
      this.#accumulator.append(now, topic, partition, record);
      this.#unsettledRecords++;
    });
  }

  #run(now: Millis): void {
    for (const { lost } of this.#network.expire(now, this.#rng)) {
      this.#outbox.mark("client-request-timed-out");
      this.#onLost(now, lost, "REQUEST_TIMED_OUT");
    }
    for (const batch of this.#accumulator.expire(now, this.#config.deliveryTimeoutMs)) {
      this.#outbox.mark("producer-batch-expired");
      this.#settleFailed(now, batch, "DELIVERY_TIMEOUT");
    }
    const maxInFlight = this.#config.maxInFlightRequestsPerConnection;
    this.#metadata.maybeSend(now, this.#network, this.#outbox, maxInFlight, { type: "metadata" });
    this.#drain(now);
  }

  /** Kafka mutes a partition while one of its batches is in flight when max.in.flight is 1. */
  #muted(queue: PartitionQueue): boolean {
    return this.#config.maxInFlightRequestsPerConnection === 1 && queue.inFlight > 0;
  }

  #drain(now: Millis): void {
    const queues = [...this.#accumulator.queues()];
    if (queues.length === 0) return;
    const start = this.#drainCursor++ % queues.length;
    const byLeader = new Map<NodeId, PartitionQueue[]>();
    for (let i = 0; i < queues.length; i++) {
      const queue = queues[(start + i) % queues.length]!;
      if (this.#muted(queue) || this.#accumulator.sendable(now, queue) === undefined) continue;
      const leader = this.#metadata.leader(queue.topic, queue.partition);
      if (leader === undefined) {
        if (this.#metadata.topic(queue.topic) !== undefined) {
          this.#metadata.requestUpdate("no-leader", this.#outbox);
        }
        continue;
      }
      const list = byLeader.get(leader);
      if (list === undefined) byLeader.set(leader, [queue]);
      else list.push(queue);
    }
    const maxInFlight = this.#config.maxInFlightRequestsPerConnection;
    for (const [leader, list] of byLeader) {
      while (this.#network.canSend(now, leader, maxInFlight)) {
        const batches = this.#takeRequestBatches(now, list);
        if (batches.length === 0) break;
        this.#sendProduce(now, leader, batches);
      }
    }
  }

  /** One batch per partition, up to max.request.size (the first batch always goes). */
  #takeRequestBatches(now: Millis, queues: readonly PartitionQueue[]): ProducerBatch[] {
    const batches: ProducerBatch[] = [];
    let bytes = 0;
    for (const queue of queues) {
      if (this.#muted(queue)) continue;
      const batch = this.#accumulator.sendable(now, queue);
      if (batch === undefined) continue;
      if (batches.length > 0 && bytes + batch.sizeBytes > this.#config.maxRequestSizeBytes) break;
      batches.push(this.#accumulator.take(queue));
      bytes += batch.sizeBytes;
    }
    return batches;
  }

  #sendProduce(now: Millis, leader: NodeId, batches: readonly ProducerBatch[]): void {
    const body = buildProduceRequest(this.#config, batches, NO_PRODUCER_IDENTITY);
    for (const batch of batches) batch.attempts++;
    if (this.#config.acks !== 0) {
      this.#network.send(now, this.#outbox, leader, body, "Produce", { type: "produce", batches });
      return;
    }
    // acks=0: no answer will ever come, so nothing is known about these records.
    this.#network.send(now, this.#outbox, leader, body, "Produce", { type: "metadata" }, false);
    for (const batch of batches) {
      this.#accumulator.landed(batch);
      batch.maybeAppended = true;
      this.#settle(now, batch, { type: "info", error: "ACKS_0" });
    }
  }

  #onResponse(now: Millis, from: NodeId, correlationId: number, response: ClientResponse): void {
    const entry = this.#network.complete(from, correlationId);
    if (entry === undefined) {
      this.#outbox.mark("client-late-response-ignored");
      return;
    }
    switch (entry.tag.type) {
      case "metadata":
        assert(response.api === "Metadata", `Metadata answered with ${response.api}`);
        this.#metadata.onResponse(now, response.body, this.#outbox);
        break;
      case "produce":
        assert(response.api === "Produce", `Produce answered with ${response.api}`);
        this.#onProduceResponse(now, entry.tag.batches, response.body);
        break;
      default:
        assertNever(entry.tag, "request tag");
    }
  }

  #onProduceResponse(now: Millis, batches: readonly ProducerBatch[], body: ProduceResponse): void {
    const answers = new Map<string, { errorCode: number; baseOffset: Offset }>();
    for (const topic of body.responses) {
      for (const p of topic.partitionResponses) answers.set(`${topic.name}-${p.index}`, p);
    }
    for (const batch of batches) {
      this.#accumulator.landed(batch);
      const answer = answers.get(`${batch.topic}-${batch.partition}`);
      if (answer === undefined || (answer.errorCode === ErrorCode.NONE && answer.baseOffset < 0)) {
        // A broker bug, not a Kafka outcome: the append may or may not have happened.
        this.#outbox.mark("producer-malformed-produce-answer");
        batch.maybeAppended = true;
        this.#retryOrSettle(now, batch, "MALFORMED_RESPONSE");
      } else if (answer.errorCode === ErrorCode.NONE) {
        this.#settleAcknowledged(now, batch, answer.baseOffset);
      } else {
        this.#onBatchError(now, batch, answer.errorCode);
      }
    }
  }

  #onBatchError(now: Millis, batch: ProducerBatch, errorCode: number): void {
    if (!provesNotAppended(errorCode, this.#config.acks)) batch.maybeAppended = true;
    const reason = refreshOn.get(errorCode);
    if (reason !== undefined) this.#metadata.requestUpdate(reason, this.#outbox);
    if (isRetriable(errorCode)) {
      this.#retryOrSettle(now, batch, errorName(errorCode));
    } else {
      this.#outbox.mark("producer-non-retriable-error");
      this.#settleFailed(now, batch, errorName(errorCode));
    }
  }

  /** Requests lost with their connection (broken or timed out): outcomes unknown, retry. */
  #onLost(now: Millis, lost: readonly InFlight<Tag>[], error: string): void {
    for (const entry of lost) {
      if (entry.tag.type === "metadata") {
        this.#metadata.onFailure(now);
        continue;
      }
      for (const batch of entry.tag.batches) {
        this.#accumulator.landed(batch);
        batch.maybeAppended = true;
        this.#retryOrSettle(now, batch, error);
      }
    }
    if (lost.length > 0) this.#metadata.requestUpdate("connection-lost", this.#outbox);
  }

  #retryOrSettle(now: Millis, batch: ProducerBatch, error: string): void {
    const c = this.#config;
    if (batch.attempts <= c.retries && now < batch.createdMs + c.deliveryTimeoutMs) {
      const wait = backoffMs(
        this.#rng,
        "producer-retry-backoff",
        c.retryBackoffMs,
        c.retryBackoffMaxMs,
        batch.attempts,
      );
      batch.retryAtMs = now + wait;
      this.#accumulator.reenqueue(batch);
      this.#outbox.mark("producer-batch-retried");
      return;
    }
    this.#outbox.mark("producer-retries-exhausted");
    this.#settleFailed(now, batch, error);
  }

  /** The batch will not be sent again: fail if no attempt can have appended it, else info. */
  #settleFailed(now: Millis, batch: ProducerBatch, error: string): void {
    const type = batch.maybeAppended ? "info" : "fail";
    this.#settle(now, batch, { type, error });
  }

  #settleAcknowledged(now: Millis, batch: ProducerBatch, baseOffset: Offset): void {
    batch.records.forEach((record, i) => {
      const offset = recordOffset(baseOffset, i);
      this.#settleRecord(now, record.opId, record.index, { type: "ok", offset });
    });
  }

  #settle(
    now: Millis,
    batch: ProducerBatch,
    outcome: { readonly type: "fail" | "info"; readonly error: string },
  ): void {
    for (const record of batch.records) this.#settleRecord(now, record.opId, record.index, outcome);
  }

  #settleRecord(
    now: Millis,
    opId: number,
    index: number,
    outcome: Parameters<SendOps["settle"]>[2],
  ): void {
    this.#unsettledRecords--;
    const completion: SendCompletion | undefined = this.#ops.settle(opId, index, outcome);
    if (completion !== undefined) this.#history.complete(this.#outbox, now, completion);
  }

  nextWakeup(): Millis | undefined {
    const now = this.#lastNow;
    const candidates: (Millis | undefined)[] = [
      this.#network.nextDeadline(),
      this.#network.nextBackoffEnd(now),
      this.#metadata.nextWakeup(now),
      this.#accumulator.nextExpiry(this.#config.deliveryTimeoutMs),
    ];
    for (const queue of this.#accumulator.queues()) {
      const first = queue.batches[0];
      if (first === undefined || this.#muted(queue)) continue;
      if (this.#metadata.leader(queue.topic, queue.partition) === undefined) continue;
      candidates.push(this.#accumulator.readyAt(queue, first));
    }
    let earliest: Millis | undefined;
    for (const at of candidates) {
      if (at !== undefined && at > now && (earliest === undefined || at < earliest)) earliest = at;
    }
    return earliest;
  }

  view(): ProducerView {
    const inFlightRequests = [...this.#network.entries()].map((e) => ({
      node: e.node,
      correlationId: e.correlationId,
      api: e.tag.type === "metadata" ? "Metadata" : "Produce",
      sentMs: e.sentMs,
    }));
    const partitions = [...this.#accumulator.queues()].map((q) => ({
      topic: q.topic,
      partition: q.partition,
      leader: this.#metadata.leader(q.topic, q.partition) ?? -1,
      queuedBatches: q.batches.length,
      inFlightBatches: q.inFlight,
    }));
    return {
      nodeId: this.#id,
      kind: "producer",
      process: this.#history.process,
      pendingOps: this.#ops.size,
      queuedRecords: this.#unsettledRecords,
      inFlightRequests,
      partitions,
      metadata: this.#metadata.view(),
    };
  }

  checkInvariants(): void {
    this.#network.checkInvariants(this.#config.maxInFlightRequestsPerConnection);
    this.#accumulator.checkInvariants();
    this.#ops.checkInvariants();
    const inFlight = new Map<PartitionQueue, number>();
    let records = 0;
    for (const entry of this.#network.entries()) {
      if (entry.tag.type !== "produce") continue;
      for (const batch of entry.tag.batches) {
        const queue = this.#accumulator.queue(batch.topic, batch.partition);
        inFlight.set(queue, (inFlight.get(queue) ?? 0) + 1);
        records += batch.records.length;
      }
    }
    for (const queue of this.#accumulator.queues()) {
      assert(queue.inFlight === (inFlight.get(queue) ?? 0), "in-flight batch count drifted");
      for (const batch of queue.batches) records += batch.records.length;
    }
    assert(
      records === this.#unsettledRecords,
      `${records} records held, ${this.#unsettledRecords} counted`,
    );
    assert(this.#unsettledRecords <= limits.producerRecordsQueuedMax, "producer buffer overflow");
  }
}
