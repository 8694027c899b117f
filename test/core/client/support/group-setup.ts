// Several SimConsumers of one group against the fake cluster and its group coordinator (the real
// GroupCoordinator component), with helpers to start, crash, close and pause members and to read
// what each recorded: rebalance callbacks, commits, polls.

import { type ConsumerConfig, consumerConfig } from "../../../../core/client/client-config.ts";
import { type ConsumerCommand, SimConsumer } from "../../../../core/client/consumer.ts";
import type { CommitOp, HistoryOp, RebalanceOp } from "../../../../core/client/history.ts";
import { KeyMap } from "../../../../core/client/workload-keys.ts";
import type { GroupCoordinatorConfig } from "../../../../core/groups/group-config.ts";
import { nodeId } from "../../../../core/ids.ts";
import { testRng } from "../../../support/test-rng.ts";
import { Harness } from "./client-harness.ts";
import { appendValues } from "./consumer-setup.ts";
import { FakeCluster } from "./fake-cluster.ts";
import { FakeGroups } from "./fake-groups.ts";

export const groupDefaults: Partial<ConsumerConfig> = {
  groupId: "g",
  sessionTimeoutMs: 1_000,
  heartbeatIntervalMs: 200,
  fetchMaxWaitMs: 100,
  pollTimeoutMs: 100,
  autoOffsetReset: "earliest",
  enableAutoCommit: false,
  requestTimeoutMs: 2_000,
  retryBackoffMs: 50,
};

export class GroupWorld {
  readonly cluster = new FakeCluster([1, 2, 3]);
  readonly groups: FakeGroups;
  readonly keyMap: KeyMap;
  readonly h: Harness;
  readonly consumers = new Map<number, SimConsumer>();
  #nextProcess = 1;

  constructor(
    options: { keyCount?: number; partitionsPerTopic?: number } = {},
    groupOverrides: Partial<GroupCoordinatorConfig> = {},
  ) {
    this.keyMap = new KeyMap({
      keyCount: options.keyCount ?? 6,
      partitionsPerTopic: options.partitionsPerTopic ?? 6,
      topicPrefix: "t",
    });
    for (const t of this.keyMap.topics()) this.cluster.createTopic(t.name, t.partitions);
    this.groups = new FakeGroups(nodeId(2), groupOverrides);
    this.cluster.groups = this.groups;
    this.h = new Harness(this.cluster);
  }

  get topics(): string[] {
    return this.keyMap.topics().map((t) => t.name);
  }

  /** A new consumer process at node `id`, subscribed to every topic. */
  start(id: number, overrides: Partial<ConsumerConfig> = {}): SimConsumer {
    const config = consumerConfig({ bootstrapNodes: [nodeId(1)], ...groupDefaults, ...overrides });
    const consumer = new SimConsumer({
      nodeId: nodeId(id),
      processId: this.#nextProcess++,
      config,
      keyMap: this.keyMap,
      rng: testRng(id * 7 + this.#nextProcess),
    });
    this.consumers.set(id, consumer);
    this.h.add(id, consumer);
    this.command(id, { type: "subscribe", topics: this.topics });
    return consumer;
  }

  command(id: number, command: ConsumerCommand): void {
    const consumer = this.consumers.get(id)!;
    this.h.act(id, (now) => consumer.apply(now, command));
  }

  crash(id: number): void {
    const consumer = this.consumers.get(id)!;
    this.h.act(id, (now) => consumer.crash(now));
    this.h.remove(id);
    this.consumers.delete(id);
  }

  append(key: number, values: readonly number[]): void {
    appendValues(this.cluster, this.keyMap, key, values);
  }

  history(id?: number): HistoryOp[] {
    return this.h.history(id);
  }

  rebalances(id: number): RebalanceOp[] {
    return this.history(id).filter(
      (op): op is RebalanceOp => op.type === "rebalance" && op.phase === "ok",
    );
  }

  commits(id: number): CommitOp[] {
    return this.history(id).filter(
      (op): op is CommitOp => op.type === "commit" && op.phase !== "invoke",
    );
  }

  /** The keys each live member owns now. */
  owned(): Map<number, readonly number[]> {
    const out = new Map<number, readonly number[]>();
    for (const [id, c] of this.consumers) out.set(id, c.view().group?.owned ?? []);
    return out;
  }

  /** Polls every live member once, then runs `ms`. */
  pollAll(ms = 150): void {
    for (const id of [...this.consumers.keys()]) this.command(id, { type: "poll" });
    this.h.runFor(ms);
  }
}
