// The group coordinator on the broker (Kafka's GroupCoordinator in KafkaApis): FindCoordinator and
// the group APIs, the coordinator's writes to __consumer_offsets through this broker's leader
// replicas, its loads and unloads as leadership moves, and its deadlines on the broker's timers.

import { assert, assertNever } from "../assert.ts";
import { findCoordinator } from "../groups/find-coordinator.ts";
import { groupCoordinatorConfig } from "../groups/group-config.ts";
import type { GroupOutput } from "../groups/group-context.ts";
import { GroupCoordinator, type GroupRequest } from "../groups/group-coordinator.ts";
import type { GroupView } from "../groups/group-view.ts";
import { limits } from "../limits.ts";
import type { ClientResponse, FindCoordinatorRequest } from "../protocol/index.ts";
import { autoCreateTopic } from "./auto-create.ts";
import type { BrokerContext } from "./broker-context.ts";
import type { Reply } from "./connections.ts";
import { GroupAppends } from "./group-appends.ts";
import { GroupLoader } from "./group-loader.ts";
import type { HostedPartition } from "./hosted-partition.ts";
import { OFFSETS_TOPIC } from "./topic-name.ts";

const TICK = "group-tick";
/** Outputs one drain applies at most (each call's outputs are bounded; this bounds their chains). */
const OUTPUTS_PER_DRAIN_MAX = 10 * limits.groupPendingAppendsMax + 1_000_000;

export class GroupHost {
  readonly #ctx: BrokerContext;
  readonly coordinator: GroupCoordinator<Reply>;
  readonly #appends: GroupAppends;
  readonly #loader: GroupLoader;
  /** Outputs not applied yet: applying one may call the coordinator again (a reply starts the
   * connection's next request), so they are applied in order by one loop, never re-entered. */
  readonly #queue: GroupOutput<Reply>[] = [];
  #draining = false;

  constructor(ctx: BrokerContext) {
    this.#ctx = ctx;
    const c = ctx.config;
    this.coordinator = new GroupCoordinator<Reply>(
      groupCoordinatorConfig({
        offsetsTopicNumPartitions: c.offsetsTopicNumPartitions,
        groupMinSessionTimeoutMs: c.groupMinSessionTimeoutMs,
        groupMaxSessionTimeoutMs: c.groupMaxSessionTimeoutMs,
        groupInitialRebalanceDelayMs: c.groupInitialRebalanceDelayMs,
        offsetsRetentionMs: c.offsetsRetentionMinutes * 60_000,
        offsetsRetentionCheckIntervalMs: c.offsetsRetentionCheckIntervalMs,
      }),
      ctx.rng,
    );
    this.#appends = new GroupAppends(ctx, (appendId, error) =>
      this.#run(this.coordinator.onAppendDone(ctx.now, appendId, error)),
    );
    this.#loader = new GroupLoader(ctx, {
      begin: (p) => this.#run(this.coordinator.beginLoading(ctx.now, p)),
      batch: (p, bytes) => this.#run(this.coordinator.loadBatch(ctx.now, p, bytes)),
      complete: (p) => this.#run(this.coordinator.completeLoading(ctx.now, p)),
      unload: (p) => {
        this.#run(this.coordinator.unload(ctx.now, p));
        // The coordinator failed the partition's appends itself: their answers are not wanted.
        this.#appends.forgetPartition(p);
      },
    });
  }

  /** A group API request: answered now or once its group gets there (joins, syncs, commits). */
  handle(request: GroupRequest, reply: Reply): void {
    this.#run(this.coordinator.handle(this.#ctx.now, request, reply));
  }

  /** FindCoordinator: the leader of the group's __consumer_offsets partition, created on demand. */
  handleFindCoordinator(body: FindCoordinatorRequest, reply: Reply): void {
    const ctx = this.#ctx;
    const answer = findCoordinator(body, {
      partitionCount: (topic) => ctx.image.topic(topic)?.partitions.length,
      leaderOf: (topic, partition) => {
        const leader = ctx.image.partition(topic, partition)?.leader ?? -1;
        const broker = leader === -1 ? undefined : ctx.image.broker(leader);
        const listener = broker?.fenced === false ? broker.listeners[0] : undefined;
        if (listener === undefined) return undefined;
        return { nodeId: leader, host: listener.host, port: listener.port };
      },
    });
    if (answer.createTopic === OFFSETS_TOPIC) this.#createOffsetsTopic();
    reply.respond({ api: "FindCoordinator", body: answer.response });
  }

  /** Kafka creates __consumer_offsets on first lookup, once enough brokers are alive for its RF. */
  #createOffsetsTopic(): void {
    const ctx = this.#ctx;
    const alive = ctx.image.brokers().filter((b) => !b.fenced).length;
    if (alive < ctx.config.offsetsTopicReplicationFactor) {
      ctx.outbox.mark("offsets-topic-too-few-brokers");
      return;
    }
    autoCreateTopic(ctx, OFFSETS_TOPIC);
  }

  /** A hosted replica changed (offsets, leadership, removal): loads and appends follow it. */
  partitionChanged(hosted: HostedPartition): void {
    if (hosted.topic !== OFFSETS_TOPIC) return;
    this.#appends.partitionChanged(hosted);
    this.#loader.partitionChanged(hosted);
  }

  onDeadline(key: string): boolean {
    if (key === TICK) {
      this.#run(this.coordinator.tick(this.#ctx.now));
      return true;
    }
    return this.#appends.onDeadline(key) || this.#loader.onDeadline(key);
  }

  /** The groups this broker coordinates (loaded partitions only), sorted by group id. */
  groups(): readonly GroupView[] {
    return this.coordinator.view().groups;
  }

  /** The __consumer_offsets partitions this broker serves, and whether each is loaded. */
  partitions(): readonly { readonly partition: number; readonly loaded: boolean }[] {
    return this.#loader.view();
  }

  #run(outputs: readonly GroupOutput<Reply>[]): void {
    this.#queue.push(...outputs);
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let applied = 0; this.#queue.length > 0; applied++) {
        assert(applied < OUTPUTS_PER_DRAIN_MAX, "group outputs keep coming");
        const output = this.#queue.shift();
        if (output !== undefined) this.#apply(output);
      }
    } finally {
      this.#draining = false;
    }
    const next = this.coordinator.nextDeadline();
    if (next === undefined) this.#ctx.deadlines.clear(TICK);
    else this.#ctx.deadlines.set(TICK, next);
  }

  #apply(output: GroupOutput<Reply>): void {
    switch (output.type) {
      case "respond":
        output.replyTo.respond(output.response as ClientResponse);
        return;
      case "append":
        this.#appends.append(output.appendId, output.partition, output.batch);
        return;
      case "trace":
        this.#ctx.outbox.trace(output.event);
        return;
      default:
        assertNever(output, "group output");
    }
  }

  checkInvariants(): void {
    this.coordinator.checkInvariants();
    this.#appends.checkInvariants();
    this.#loader.checkInvariants();
    assert(this.#queue.length === 0, "group outputs left over after a step");
  }
}
