// SimConsumer: a Kafka consumer with assign semantics as a pure Node. It keeps fetching the
// assigned partitions from their leaders (one Fetch per node at a time), resets positions with
// ListOffsets per auto.offset.reset, and answers the workload's polls from what it fetched,
// recording each poll in the history. Final polls read every assigned key up to its high watermark.

import { assert, assertNever } from "../assert.ts";
import { ErrorCode, errorName } from "../error-codes.ts";
import type { Millis, NodeId, Offset } from "../ids.ts";
import { limits } from "../limits.ts";
import type { Effect, Input, Node, NodeView } from "../node.ts";
import { Outbox } from "../outbox.ts";
import type { ClientResponse } from "../protocol/index.ts";
import type { Rng } from "../rng.ts";
import type { ConsumerConfig } from "./client-config.ts";
import { ClientNetwork, type InFlight } from "./client-network.ts";
import {
  ConsumerFetcher,
  type ConsumerTag,
  type FetchTag,
  type ListOffsetsTag,
} from "./consumer-fetcher.ts";
import { FinalPolls, type FinalPollsView } from "./consumer-final-polls.ts";
import { ConsumerHistory } from "./consumer-history.ts";
import { ConsumerPositions, type PartitionState, type ResetTarget } from "./consumer-positions.ts";
import type { PollRead } from "./history.ts";
import { MetadataCache, type MetadataView } from "./metadata-cache.ts";
import type { KeyMap } from "./workload-keys.ts";

export interface ConsumerOptions {
  readonly nodeId: NodeId;
  /** The Jepsen process this client is; a restarted client is a new process. */
  readonly processId: number;
  readonly config: ConsumerConfig;
  readonly keyMap: KeyMap;
  readonly rng: Rng;
}

/** What the application (the workload) asks of the consumer. */
export type ConsumerCommand =
  | { readonly type: "assign"; readonly keys: readonly number[]; readonly seekToBeginning: boolean }
  | { readonly type: "seek"; readonly key: number; readonly offset: Offset }
  | { readonly type: "poll" }
  /** Poll continuously until every assigned key is read up to its high watermark. */
  | { readonly type: "final-polls" };

export interface ConsumerView extends NodeView {
  readonly kind: "consumer";
  readonly processId: number;
  readonly pollOpen: boolean;
  readonly bufferedRecords: number;
  readonly inFlightRequests: readonly {
    node: NodeId;
    correlationId: number;
    api: string;
    sentMs: Millis;
  }[];
  readonly partitions: readonly {
    readonly key: number;
    readonly topic: string;
    readonly partition: number;
    /** -1 while the position is unknown (a reset is pending). */
    readonly position: Offset;
    readonly epoch: number;
    readonly highWatermark: Offset;
    readonly buffered: number;
    readonly reset: ResetTarget | "none" | null;
  }[];
  readonly finalPolls: FinalPollsView;
  readonly metadata: MetadataView;
}

export class SimConsumer implements Node<ConsumerView> {
  readonly #id: NodeId;
  readonly #config: ConsumerConfig;
  readonly #keyMap: KeyMap;
  readonly #rng: Rng;
  readonly #outbox = new Outbox();
  readonly #network: ClientNetwork<ConsumerTag>;
  readonly #metadata: MetadataCache;
  readonly #positions = new ConsumerPositions();
  readonly #history: ConsumerHistory;
  readonly #final = new FinalPolls();
  readonly #fetcher: ConsumerFetcher;
  #pollDeadlineMs: Millis | undefined;
  #pollCursor = 0;
  #lastNow: Millis = 0;
  #crashed = false;
  /** Positions at the last invariant check, to prove they only move forward within an epoch. */
  #checked = new Map<PartitionState, { epoch: number; position: Offset | undefined }>();

  constructor(options: ConsumerOptions) {
    this.#id = options.nodeId;
    this.#config = options.config;
    this.#keyMap = options.keyMap;
    this.#rng = options.rng;
    this.#network = new ClientNetwork<ConsumerTag>(options.config);
    this.#metadata = new MetadataCache(options.config, options.rng);
    this.#history = new ConsumerHistory(options.processId);
    this.#fetcher = new ConsumerFetcher({
      config: this.#config,
      positions: this.#positions,
      metadata: this.#metadata,
      network: this.#network,
      outbox: this.#outbox,
      final: this.#final,
    });
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
        this.#onLost(now, this.#network.connectionLost(now, input.to, this.#rng));
        break;
      case "peer-message":
      case "peer-unreachable":
      case "client-request":
      case "connection-closed":
      case "disk-done":
        assert(false, `consumer ${this.#id} got ${input.type}: clients have no peers or disks`);
        break;
      default:
        assertNever(input, "input");
    }
    this.#run(now);
    return this.#outbox.take();
  }

  /** The application's entry point (beside step): the workload hands the consumer an op. */
  apply(now: Millis, command: ConsumerCommand): readonly Effect[] {
    this.#advance(now);
    switch (command.type) {
      case "assign":
        this.#assign(now, command.keys, command.seekToBeginning);
        break;
      case "seek":
        this.#seek(command.key, command.offset);
        break;
      case "poll":
        if (this.#history.pollOpen) this.#outbox.mark("consumer-poll-while-polling-ignored");
        else this.#startPoll(now);
        break;
      case "final-polls":
        this.#final.start(now, this.#positions.all());
        if (!this.#history.pollOpen) this.#startPoll(now);
        break;
      default:
        assertNever(command, "consumer command");
    }
    this.#run(now);
    return this.#outbox.take();
  }

  /** The process dies: an open poll ends as info, and the crash is recorded. */
  crash(now: Millis): readonly Effect[] {
    this.#advance(now);
    this.#history.crash(this.#outbox, now);
    this.#pollDeadlineMs = undefined;
    this.#crashed = true;
    return this.#outbox.take();
  }

  #advance(now: Millis): void {
    assert(!this.#crashed, `consumer ${this.#id} used after its crash`);
    assert(now >= this.#lastNow, `time went backwards: ${now} < ${this.#lastNow}`);
    this.#lastNow = now;
  }

  #assign(now: Millis, keys: readonly number[], seekToBeginning: boolean): void {
    // One op at a time, as in Kafka's single-threaded consumer: an open poll returns first.
    if (this.#history.pollOpen) this.#completePoll(now, true);
    const unique = [...new Set(keys)].sort((a, b) => a - b);
    const partitions = unique.map((key) => ({ ...this.#keyMap.topicPartitionOf(key), key }));
    for (const p of partitions) this.#metadata.addTopic(p.topic);
    const policy = this.#config.autoOffsetReset;
    const reset = seekToBeginning ? "earliest" : policy === "none" ? undefined : policy;
    this.#positions.assign(partitions, reset, seekToBeginning);
    this.#history.assign(this.#outbox, now, unique, seekToBeginning);
  }

  #seek(key: number, offset: Offset): void {
    const { topic, partition } = this.#keyMap.topicPartitionOf(key);
    const state = this.#positions.get(topic, partition);
    if (state === undefined) {
      this.#outbox.mark("consumer-seek-unassigned-ignored");
      return;
    }
    this.#positions.seek(state, offset);
  }

  #startPoll(now: Millis): void {
    this.#history.invokePoll(this.#outbox, now);
    this.#pollDeadlineMs = now + this.#config.pollTimeoutMs;
  }

  /** Completes the open poll if it has records, an error, or its time is up (or `force`). */
  #completePoll(now: Millis, force: boolean): void {
    const deadline = this.#pollDeadlineMs;
    assert(deadline !== undefined && this.#history.pollOpen, "no poll open");
    const broken = [...this.#positions.all()].find((s) => s.outOfRange);
    if (broken !== undefined) {
      // KafkaConsumer.poll throws OffsetOutOfRange / NoOffsetForPartition: nothing was returned.
      this.#outbox.mark("consumer-poll-failed-no-offset");
      this.#pollDeadlineMs = undefined;
      this.#history.completePoll(
        this.#outbox,
        now,
        "fail",
        [],
        errorName(ErrorCode.OFFSET_OUT_OF_RANGE),
      );
      return;
    }
    if (this.#positions.bufferedRecords === 0 && now < deadline && !force) return;
    this.#pollDeadlineMs = undefined;
    this.#history.completePoll(this.#outbox, now, "ok", this.#takeRecords());
  }

  /** Up to max.poll.records, partition by partition from a rotating start (fairness). */
  #takeRecords(): PollRead[] {
    const states = [...this.#positions.all()];
    const reads: PollRead[] = [];
    let budget = this.#config.maxPollRecords;
    const start = states.length === 0 ? 0 : this.#pollCursor++ % states.length;
    for (let i = 0; i < states.length && budget > 0; i++) {
      const state = states[(start + i) % states.length]!;
      if (state.fetched.length === 0) continue;
      const taken = this.#positions.take(state, budget);
      budget -= taken.length;
      reads.push({ key: state.key, records: taken.map((r) => [r.offset, r.value] as const) });
    }
    return reads;
  }

  #run(now: Millis): void {
    for (const { lost } of this.#network.expire(now, this.#rng)) {
      this.#outbox.mark("client-request-timed-out");
      this.#onLost(now, lost);
    }
    const maxInFlight = limits.clientInFlightPerConnectionMax;
    this.#metadata.maybeSend(now, this.#network, this.#outbox, maxInFlight, { type: "metadata" });
    this.#fetcher.sendResets(now);
    this.#fetcher.sendFetches(now);
    this.#progressPolls(now);
  }

  #progressPolls(now: Millis): void {
    // Bounded: each round either returns records (finite buffer) or leaves the poll open.
    for (let round = 0; round <= limits.consumerBufferedRecordsMax; round++) {
      if (this.#history.pollOpen) this.#completePoll(now, false);
      if (this.#history.pollOpen) return;
      if (!this.#final.wantsAnotherPoll(now, this.#positions.all(), this.#outbox)) return;
      this.#startPoll(now);
    }
    assert(false, "final polls made no progress");
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
      case "fetch":
        assert(response.api === "Fetch", `Fetch answered with ${response.api}`);
        this.#fetcher.onFetchResponse(now, from, entry.tag, response.body);
        break;
      case "list-offsets":
        assert(response.api === "ListOffsets", `ListOffsets answered with ${response.api}`);
        this.#fetcher.onListOffsetsResponse(now, entry.tag.partitions, response.body);
        break;
      default:
        assertNever(entry.tag, "request tag");
    }
  }

  /** Requests lost with their connection: nothing changed, ask again (after a metadata check). */
  #onLost(now: Millis, lost: readonly InFlight<ConsumerTag>[]): void {
    for (const entry of lost) {
      if (entry.tag.type === "metadata") this.#metadata.onFailure(now);
      else this.#fetcher.lost(entry as InFlight<FetchTag | ListOffsetsTag>);
    }
    if (lost.length > 0) this.#metadata.requestUpdate("connection-lost", this.#outbox);
  }

  nextWakeup(): Millis | undefined {
    const now = this.#lastNow;
    const candidates: (Millis | undefined)[] = [
      this.#network.nextDeadline(),
      this.#network.nextBackoffEnd(now),
      this.#metadata.nextWakeup(now),
      this.#pollDeadlineMs,
    ];
    for (const state of this.#positions.all()) candidates.push(state.backoffUntilMs);
    let earliest: Millis | undefined;
    for (const at of candidates) {
      if (at !== undefined && at > now && (earliest === undefined || at < earliest)) earliest = at;
    }
    return earliest;
  }

  view(): ConsumerView {
    const api = { metadata: "Metadata", fetch: "Fetch", "list-offsets": "ListOffsets" } as const;
    return {
      nodeId: this.#id,
      kind: "consumer",
      processId: this.#history.processId,
      pollOpen: this.#history.pollOpen,
      bufferedRecords: this.#positions.bufferedRecords,
      inFlightRequests: [...this.#network.entries()].map((e) => ({
        node: e.node,
        correlationId: e.correlationId,
        api: api[e.tag.type],
        sentMs: e.sentMs,
      })),
      partitions: [...this.#positions.all()].map((s) => ({
        key: s.key,
        topic: s.topic,
        partition: s.partition,
        position: s.position ?? -1,
        epoch: s.epoch,
        highWatermark: s.highWatermark,
        buffered: s.fetched.length,
        reset: s.reset ?? (s.outOfRange ? "none" : null),
      })),
      finalPolls: this.#final.view(),
      metadata: this.#metadata.view(),
    };
  }

  checkInvariants(): void {
    this.#network.checkInvariants(limits.clientInFlightPerConnectionMax);
    this.#positions.checkInvariants();
    this.#fetcher.checkInvariants();
    assert(
      this.#history.pollOpen === (this.#pollDeadlineMs !== undefined),
      "poll deadline drifted",
    );
    const checked = new Map<PartitionState, { epoch: number; position: Offset | undefined }>();
    for (const state of this.#positions.all()) {
      const before = this.#checked.get(state);
      if (before !== undefined && before.epoch === state.epoch && before.position !== undefined) {
        assert(
          state.position !== undefined && state.position >= before.position,
          `position of ${state.topic}-${state.partition} went back within epoch ${state.epoch}`,
        );
      }
      checked.set(state, { epoch: state.epoch, position: state.position });
    }
    this.#checked = checked;
  }
}
