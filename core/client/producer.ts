// SimProducer: a Kafka producer as a pure Node. The workload hands it send ops; it batches records
// per partition (linger.ms, batch.size), sends Produce requests to each leader under
// max.in.flight.requests.per.connection, retries with backoff until delivery.timeout.ms, and
// records every op's invoke and its one completion (ok with offsets, fail, or info) in the history.

import { assert, assertNever } from "../assert.ts";
import type { Millis, NodeId } from "../ids.ts";
import { limits } from "../limits.ts";
import type { Effect, Input, Node, NodeView } from "../node.ts";
import { Outbox } from "../outbox.ts";
import type { ClientResponse } from "../protocol/index.ts";
import type { Rng } from "../rng.ts";
import type { ProducerConfig } from "./client-config.ts";
import type { ClientNetwork, InFlight } from "./client-network.ts";
import { type ClientInputHandlers, ClientPlumbing } from "./client-plumbing.ts";
import type { MetadataCache, MetadataView } from "./metadata-cache.ts";
import { type PartitionQueue, RecordAccumulator } from "./producer-accumulator.ts";
import { ProducerHistory } from "./producer-history.ts";
import { ProducerIdempotence } from "./producer-idempotence.ts";
import { SendOps, type SendRecord } from "./producer-ops.ts";
import { type Partitioning, ProducerRouter } from "./producer-router.ts";
import { ProducerSender, type ProducerTag } from "./producer-sender.ts";

const apiNames = {
  metadata: "Metadata",
  produce: "Produce",
  "init-producer-id": "InitProducerId",
} as const;

import { encodeInt, type KeyMap } from "./workload-keys.ts";

export interface ProducerOptions {
  readonly nodeId: NodeId;
  /** The Jepsen process this client is; a restarted client is a new process. */
  readonly processId: number;
  readonly config: ProducerConfig;
  readonly keyMap: KeyMap;
  readonly rng: Rng;
  /** How records find their partition; Kafka's key partitioner unless told otherwise. */
  readonly partitioning?: Partitioning;
}

/** What the application (the workload) asks of the producer. */
export type ProducerCommand = { readonly type: "send"; readonly records: readonly SendRecord[] };

export interface ProducerView extends NodeView {
  readonly kind: "producer";
  readonly processId: number;
  readonly pendingOps: number;
  /** Records accepted and without an outcome yet: awaiting metadata, queued or in flight. */
  readonly unsettledRecords: number;
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

export class SimProducer implements Node<ProducerView> {
  readonly #id: NodeId;
  readonly #config: ProducerConfig;
  readonly #keyMap: KeyMap;
  readonly #rng: Rng;
  readonly #outbox = new Outbox();
  readonly #network: ClientNetwork<ProducerTag>;
  readonly #metadata: MetadataCache;
  readonly #accumulator: RecordAccumulator;
  readonly #ops = new SendOps();
  readonly #history: ProducerHistory;
  readonly #sender: ProducerSender;
  readonly #router: ProducerRouter;
  readonly #idempotence: ProducerIdempotence<ProducerTag> | undefined;
  readonly #plumbing: ClientPlumbing<ProducerTag>;
  readonly #inputs: ClientInputHandlers<ProducerTag>;

  constructor(options: ProducerOptions) {
    this.#id = options.nodeId;
    this.#config = options.config;
    this.#keyMap = options.keyMap;
    this.#rng = options.rng;
    this.#plumbing = new ClientPlumbing<ProducerTag>(
      `producer ${this.#id}`,
      this.#config,
      this.#rng,
      this.#outbox,
    );
    this.#network = this.#plumbing.network;
    this.#metadata = this.#plumbing.metadata;
    this.#accumulator = new RecordAccumulator(options.config);
    this.#inputs = {
      response: (now, from, correlationId, response) =>
        this.#onResponse(now, from, correlationId, response),
      connectionLost: (now, lost) => this.#onLost(now, lost, "NETWORK_EXCEPTION"),
    };
    this.#history = new ProducerHistory(options.processId, options.config.enableIdempotence);
    this.#idempotence = options.config.enableIdempotence
      ? new ProducerIdempotence<ProducerTag>({
          config: this.#config,
          rng: this.#rng,
          network: this.#network,
          metadata: this.#metadata,
          outbox: this.#outbox,
          history: this.#history,
          wrap: (tag) => tag,
          reserveOpId: () => this.#ops.reserveId(),
        })
      : undefined;
    this.#router = new ProducerRouter(
      options.partitioning ?? "key-hash",
      options.keyMap,
      this.#metadata,
      this.#accumulator,
    );
    this.#sender = new ProducerSender({
      config: this.#config,
      rng: this.#rng,
      network: this.#network,
      metadata: this.#metadata,
      accumulator: this.#accumulator,
      ops: this.#ops,
      history: this.#history,
      outbox: this.#outbox,
      idempotence: this.#idempotence,
    });
  }

  step(now: Millis, input: Input): readonly Effect[] {
    this.#advance(now);
    this.#plumbing.route(now, input, this.#inputs);
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
    this.#plumbing.crash();
    return this.#outbox.take();
  }

  #advance(now: Millis): void {
    this.#plumbing.advance(now);
  }

  #send(now: Millis, records: readonly SendRecord[]): void {
    for (const r of records) assert(this.#keyMap.has(r.key), `send to unknown key ${r.key}`);
    const full =
      this.#ops.full ||
      this.#ops.unsettledRecords + records.length > limits.producerRecordsQueuedMax;
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
      const key = this.#keyMap.recordKeyOf(r.key);
      const record = { opId, index, key, value: encodeInt(r.value), timestampMs: now };
      this.#router.route(now, r.key, record);
    });
  }

  #run(now: Millis): void {
    this.#plumbing.expire(now, (lost) => this.#onLost(now, lost, "REQUEST_TIMED_OUT"));
    for (const record of this.#router.expire(now, this.#config.deliveryTimeoutMs)) {
      // Kafka's send() gives up after max.block.ms without metadata: the record was never sent.
      this.#outbox.mark("producer-metadata-wait-expired");
      this.#sender.settleRecord(now, record.opId, record.index, {
        type: "fail",
        error: "METADATA_TIMEOUT",
      });
    }
    for (const batch of this.#accumulator.expire(now, this.#config.deliveryTimeoutMs)) {
      this.#outbox.mark("producer-batch-expired");
      this.#sender.settleFailed(now, batch, "DELIVERY_TIMEOUT");
    }
    const maxInFlight = this.#config.maxInFlightRequestsPerConnection;
    this.#metadata.maybeSend(now, this.#network, this.#outbox, maxInFlight, { type: "metadata" });
    this.#router.place(now);
    this.#sender.drain(now);
  }

  #onResponse(now: Millis, from: NodeId, correlationId: number, response: ClientResponse): void {
    const entry = this.#plumbing.answered(from, correlationId);
    if (entry === undefined) return;
    switch (entry.tag.type) {
      case "metadata":
        assert(response.api === "Metadata", `Metadata answered with ${response.api}`);
        this.#metadata.onResponse(now, response.body, this.#outbox);
        break;
      case "produce":
        assert(response.api === "Produce", `Produce answered with ${response.api}`);
        this.#sender.onProduceResponse(now, entry.tag.batches, response.body);
        break;
      case "init-producer-id":
        assert(response.api === "InitProducerId", `InitProducerId answered with ${response.api}`);
        this.#idempotence?.onInitProducerId(now, entry.tag.opId, response.body);
        break;
      default:
        assertNever(entry.tag, "request tag");
    }
  }

  /** Requests lost with their connection (broken or timed out): outcomes unknown, retry. */
  #onLost(now: Millis, lost: readonly InFlight<ProducerTag>[], error: string): void {
    this.#plumbing.lose(now, lost, ({ tag }) => {
      if (tag.type === "init-producer-id") {
        this.#idempotence?.onInitProducerId(now, tag.opId, undefined);
      } else {
        this.#sender.lost(now, tag.batches, error);
      }
    });
  }

  nextWakeup(): Millis | undefined {
    const now = this.#plumbing.lastNow;
    const own: (Millis | undefined)[] = [
      this.#accumulator.nextExpiry(this.#config.deliveryTimeoutMs),
      this.#router.nextExpiry(this.#config.deliveryTimeoutMs),
      this.#idempotence?.nextWakeup(now),
    ];
    for (const queue of this.#accumulator.queues()) {
      const first = queue.batches[0];
      if (first === undefined || this.#sender.muted(queue)) continue;
      if (this.#metadata.leader(queue.topic, queue.partition) === undefined) continue;
      own.push(this.#accumulator.readyAt(queue, first));
    }
    return this.#plumbing.nextWakeup(own);
  }

  view(): ProducerView {
    const inFlightRequests = [...this.#network.entries()].map((e) => ({
      node: e.node,
      correlationId: e.correlationId,
      api: apiNames[e.tag.type],
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
      processId: this.#history.processId,
      pendingOps: this.#ops.size,
      unsettledRecords: this.#ops.unsettledRecords,
      inFlightRequests,
      partitions,
      metadata: this.#metadata.view(),
    };
  }

  checkInvariants(): void {
    if (this.#plumbing.crashed) return; // a dead process holds nothing the world may still observe
    this.#network.checkInvariants(this.#config.maxInFlightRequestsPerConnection);
    this.#accumulator.checkInvariants();
    this.#ops.checkInvariants();
    this.#idempotence?.checkInvariants();
    const inFlight = new Map<PartitionQueue, number>();
    let records = this.#router.awaiting.length;
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
      records === this.#ops.unsettledRecords,
      `${records} records held, ${this.#ops.unsettledRecords} counted`,
    );
    assert(
      this.#ops.unsettledRecords <= limits.producerRecordsQueuedMax,
      "producer buffer overflow",
    );
  }
}
