// SimConsumer: a Kafka consumer as a pure Node, with assign semantics or a group subscription
// (consumer-group.ts). It keeps fetching its partitions from their leaders (one Fetch per node at a
// time), resets positions with ListOffsets per auto.offset.reset, and answers the workload's polls
// from what it fetched, recording each in the history. Final polls read every key up to its HW.

import { assert, assertNever } from "../assert.ts";
import { ErrorCode, errorName } from "../error-codes.ts";
import type { Millis, NodeId, Offset } from "../ids.ts";
import { limits } from "../limits.ts";
import type { Effect, Input, Node } from "../node.ts";
import { Outbox } from "../outbox.ts";
import type { ClientResponse } from "../protocol/index.ts";
import type { Rng } from "../rng.ts";
import type { ConsumerConfig } from "./client-config.ts";
import type { ClientNetwork, InFlight } from "./client-network.ts";
import { type ClientInputHandlers, ClientPlumbing } from "./client-plumbing.ts";
import {
  ConsumerFetcher,
  type ConsumerTag,
  type FetchTag,
  type ListOffsetsTag,
} from "./consumer-fetcher.ts";
import { FinalPolls } from "./consumer-final-polls.ts";
import { ConsumerGroup } from "./consumer-group.ts";
import { ConsumerHistory } from "./consumer-history.ts";
import { ConsumerPositions, type PartitionState } from "./consumer-positions.ts";
import { type ConsumerView, groupView, inFlightViews, partitionViews } from "./consumer-view.ts";
import type { PollRead } from "./history.ts";
import type { MetadataCache } from "./metadata-cache.ts";
import { ProcessPause } from "./process-pause.ts";
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
  | { readonly type: "final-polls" }
  /** Join the consumer's group (group.id) for these topics. */
  | { readonly type: "subscribe"; readonly topics: readonly string[] }
  /** commitSync of the consumed positions (group members only). */
  | { readonly type: "commit" }
  /** close(): LeaveGroup unless static, then the process is retired. */
  | { readonly type: "close" }
  /** The process freezes (a GC or VM pause): nothing runs, input waits, the clock goes on. */
  | { readonly type: "pause"; readonly durationMs: Millis };

export type { ConsumerGroupView, ConsumerView } from "./consumer-view.ts";

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
  readonly #plumbing: ClientPlumbing<ConsumerTag>;
  readonly #inputs: ClientInputHandlers<ConsumerTag>;
  #pollDeadlineMs: Millis | undefined;
  #pollCursor = 0;
  /** close() ran: the process is retired and handles nothing more. */
  #closed = false;
  /** The group side, for a consumer with group.id. */
  readonly #group: ConsumerGroup<ConsumerTag> | undefined;
  /** Positions at the last invariant check, to prove they only move forward within an epoch. */
  #checked = new Map<PartitionState, { epoch: number; position: Offset | undefined }>();
  /** A GC or VM pause: input and the application's calls wait for its end. */
  readonly #pause = new ProcessPause<
    | { readonly type: "input"; readonly input: Input }
    | { readonly type: "command"; readonly command: ConsumerCommand }
  >();

  constructor(options: ConsumerOptions) {
    this.#id = options.nodeId;
    this.#config = options.config;
    this.#keyMap = options.keyMap;
    this.#rng = options.rng;
    this.#plumbing = new ClientPlumbing<ConsumerTag>(
      `consumer ${this.#id}`,
      this.#config,
      this.#rng,
      this.#outbox,
    );
    this.#network = this.#plumbing.network;
    this.#metadata = this.#plumbing.metadata;
    this.#history = new ConsumerHistory(options.processId);
    this.#inputs = {
      response: (now, from, correlationId, response) =>
        this.#onResponse(now, from, correlationId, response),
      connectionLost: (now, lost) => this.#onLost(now, lost),
    };
    this.#fetcher = new ConsumerFetcher({
      config: this.#config,
      positions: this.#positions,
      metadata: this.#metadata,
      network: this.#network,
      outbox: this.#outbox,
      final: this.#final,
    });
    this.#group =
      options.config.groupId === null
        ? undefined
        : new ConsumerGroup<ConsumerTag>(
            {
              config: this.#config,
              rng: this.#rng,
              network: this.#network,
              metadata: this.#metadata,
              outbox: this.#outbox,
              keyMap: this.#keyMap,
              history: this.#history,
              positions: this.#positions,
              wrap: (group) => ({ type: "group", group }),
            },
            0,
          );
  }

  step(now: Millis, input: Input): readonly Effect[] {
    this.#advance(now);
    if (this.#closed) return [];
    if (this.#pause.frozen(now)) {
      if (input.type !== "timer" && input.type !== "start")
        this.#pause.hold({ type: "input", input });
      return [];
    }
    if (this.#pause.paused) this.#resume(now);
    this.#handle(now, input);
    this.#run(now);
    return this.#outbox.take();
  }

  /** The pause is over: what arrived meanwhile is handled now, in arrival order. */
  #resume(now: Millis): void {
    this.#outbox.mark("consumer-resumed-after-pause");
    for (const d of this.#pause.end(now)) {
      if (d.type === "input") this.#handle(now, d.input);
      else this.#command(now, d.command);
    }
  }

  #handle(now: Millis, input: Input): void {
    this.#plumbing.route(now, input, this.#inputs);
  }

  /** The application's entry point (beside step): the workload hands the consumer an op. */
  apply(now: Millis, command: ConsumerCommand): readonly Effect[] {
    this.#advance(now);
    if (this.#closed) {
      this.#outbox.mark("consumer-command-after-close-ignored");
      return this.#outbox.take();
    }
    if (this.#pause.frozen(now)) {
      // The whole process froze: the application's call goes through when the pause ends.
      this.#pause.hold({ type: "command", command });
      return this.#outbox.take();
    }
    if (this.#pause.paused) this.#resume(now);
    this.#command(now, command);
    this.#run(now);
    return this.#outbox.take();
  }

  #command(now: Millis, command: ConsumerCommand): void {
    if (this.#closed) return;
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
      case "subscribe":
        assert(this.#group !== undefined, "subscribe needs group.id");
        if (this.#history.pollOpen) this.#completePoll(now, true);
        this.#group.subscribe(now, command.topics);
        break;
      case "commit":
        if (this.#group === undefined) this.#outbox.mark("consumer-commit-without-group-ignored");
        else this.#group.offsets.commit(now, this.#group.consumed(), false);
        break;
      case "close":
        this.#close(now);
        break;
      case "pause":
        this.#pause.start(now, command.durationMs);
        this.#outbox.mark("consumer-paused");
        break;
      default:
        assertNever(command, "consumer command");
    }
  }

  /** close(): LeaveGroup (dynamic members), the close op, and the process handles nothing more. */
  #close(now: Millis): void {
    const group = this.#group;
    const left = group?.member.leave(now) ?? false;
    this.#history.close(this.#outbox, now, group?.stamp(), left);
    this.#pollDeadlineMs = undefined;
    this.#closed = true;
  }

  /** The process dies: an open poll ends as info, and the crash is recorded. */
  crash(now: Millis): readonly Effect[] {
    this.#advance(now);
    this.#history.crash(this.#outbox, now);
    this.#pollDeadlineMs = undefined;
    this.#plumbing.crash();
    return this.#outbox.take();
  }

  #advance(now: Millis): void {
    this.#plumbing.advance(now);
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
    // Java auto-commits inside poll(), before fetching more: the previous polls' positions.
    this.#group?.member.polled(now);
    this.#group?.offsets.maybeAutoCommit(now, this.#group.consumed());
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
    const group = this.#group;
    const extra =
      group === undefined
        ? {}
        : { rebalancedKeys: group.member.takeRebalancedKeys(), group: group.stamp() };
    this.#history.completePoll(this.#outbox, now, "ok", this.#takeRecords(), undefined, extra);
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
    if (this.#closed || this.#pause.frozen(now)) return;
    this.#plumbing.expire(now, (lost) => this.#onLost(now, lost));
    const maxInFlight = limits.clientInFlightPerConnectionMax;
    this.#metadata.maybeSend(now, this.#network, this.#outbox, maxInFlight, { type: "metadata" });
    this.#group?.run(now);
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
    const entry = this.#plumbing.answered(from, correlationId);
    if (entry === undefined) return;
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
      case "group":
        assert(this.#group !== undefined, "a group answer without a group");
        this.#group.onResponse(now, entry.tag.group, response);
        break;
      default:
        assertNever(entry.tag, "request tag");
    }
  }

  /** Requests lost with their connection: nothing changed, ask again (after a metadata check). */
  #onLost(now: Millis, lost: readonly InFlight<ConsumerTag>[]): void {
    this.#plumbing.lose(now, lost, (entry) => {
      if (entry.tag.type === "group") this.#group?.lost(now, entry.tag.group);
      else this.#fetcher.lost(entry as InFlight<FetchTag | ListOffsetsTag>);
    });
  }

  nextWakeup(): Millis | undefined {
    const now = this.#plumbing.lastNow;
    if (this.#closed || this.#plumbing.crashed) return undefined;
    const pausedUntil = this.#pause.untilMs;
    if (pausedUntil !== undefined) return Math.max(now + 1, pausedUntil);
    const own: (Millis | undefined)[] = [this.#group?.nextWakeup(now), this.#pollDeadlineMs];
    for (const state of this.#positions.all()) own.push(state.backoffUntilMs);
    return this.#plumbing.nextWakeup(own);
  }

  view(): ConsumerView {
    const group = this.#group;
    return {
      nodeId: this.#id,
      kind: "consumer",
      processId: this.#history.processId,
      pollOpen: this.#history.pollOpen,
      bufferedRecords: this.#positions.bufferedRecords,
      inFlightRequests: inFlightViews(this.#network),
      partitions: partitionViews(this.#positions),
      finalPolls: this.#final.view(),
      metadata: this.#metadata.view(),
      ...(group === undefined ? {} : { group: groupView(group, this.#closed, this.#pause.paused) }),
    };
  }

  checkInvariants(): void {
    if (this.#closed || this.#plumbing.crashed) return;
    this.#group?.checkInvariants();
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
