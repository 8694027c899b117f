// A deterministic world for one partition on N brokers: the real replication components over model
// logs, the model controller, seeded network delays (FIFO per link) and disk syncs, crashes losing
// unsynced suffixes, isolation, controlled shutdown, elections and an acks=all producer.

import { assert } from "../../../../core/assert.ts";
import { type NodeId, nodeId } from "../../../../core/ids.ts";
import { Outbox } from "../../../../core/outbox.ts";
import { replicationConfig } from "../../../../core/replication/config.ts";
import {
  FollowerPartition,
  type FollowerPartitionDeps,
} from "../../../../core/replication/follower-partition.ts";
import type { Rng } from "../../../../core/rng.ts";
import { testRng } from "../../../support/test-rng.ts";
import { EventQueue } from "./event-queue.ts";
import { ModelController } from "./model-controller.ts";
import type { ModelLogScheduler } from "./model-log.ts";
import { ModelNode } from "./model-node.ts";
import { CONTROLLER, type Envelope, type Payload } from "./world-types.ts";

export interface WorldOptions {
  readonly brokers: number;
  readonly minInsyncReplicas: number;
  readonly uncleanAllowed: boolean;
  readonly ackRequiresSync: boolean;
  readonly replicaLagTimeMaxMs: number;
  readonly sessionTimeoutMs: number;
  readonly unfenceDelayMs: number;
  readonly networkDelayMaxMs: number;
  readonly diskDelayMaxMs: number;
  readonly fetchWaitMaxMs: number;
  readonly produceEveryMaxMs: number;
  /** See ControllerOptions.keepRestartedBrokers. */
  readonly keepRestartedBrokers: boolean;
  /** Replaces the follower under test (planted bugs). */
  readonly followerFactory?: (
    now: number,
    deps: FollowerPartitionDeps,
    leaderId: number,
    leaderEpoch: number,
  ) => FollowerPartition;
}

export const defaultWorldOptions: WorldOptions = {
  brokers: 3,
  minInsyncReplicas: 2,
  uncleanAllowed: false,
  ackRequiresSync: true,
  replicaLagTimeMaxMs: 400,
  sessionTimeoutMs: 300,
  unfenceDelayMs: 40,
  networkDelayMaxMs: 15,
  diskDelayMaxMs: 12,
  fetchWaitMaxMs: 60,
  produceEveryMaxMs: 30,
  keepRestartedBrokers: false,
};

export type Fault =
  | { readonly type: "crash"; readonly node: number; readonly downMs: number }
  | { readonly type: "isolate"; readonly node: number; readonly ms: number }
  | { readonly type: "break-links"; readonly node: number }
  | { readonly type: "controlled-shutdown"; readonly node: number; readonly downMs: number }
  | { readonly type: "preferred-election" }
  /** The controller fences at once (as if the session had expired). */
  | { readonly type: "fence"; readonly node: number }
  /** Syncs on the node complete no sooner than `ms` from now. */
  | { readonly type: "stall-disk"; readonly node: number; readonly ms: number };

export type WorldEvent =
  | { readonly type: "deliver"; readonly envelope: Envelope }
  | { readonly type: "lost"; readonly envelope: Envelope }
  | {
      readonly type: "node";
      readonly node: NodeId;
      readonly incarnation: number;
      readonly run: () => void;
    }
  | { readonly type: "produce" }
  | { readonly type: "controller-tick" }
  | { readonly type: "fault"; readonly fault: Fault }
  | { readonly type: "restart"; readonly node: NodeId }
  | { readonly type: "heal"; readonly node: NodeId };

export interface AckedRecord {
  readonly offset: number;
  readonly value: string;
  readonly atMs: number;
}

const EVENTS_MAX = 400_000;

export class ReplicationWorld {
  readonly options: WorldOptions;
  readonly rng: Rng;
  readonly queue = new EventQueue<WorldEvent>();
  readonly nodes = new Map<NodeId, ModelNode>();
  readonly controller: ModelController;
  readonly acked: AckedRecord[] = [];
  readonly outbox = new Outbox();
  now = 0;
  producing = true;
  #nextValue = 0;
  #nextMessageId = 1;
  #events = 0;
  readonly #linkClock = new Map<string, number>();
  #afterEvent: (world: ReplicationWorld) => void = () => {};

  constructor(options: Partial<WorldOptions>, seed: string | number) {
    this.options = { ...defaultWorldOptions, ...options };
    this.rng = testRng(seed);
    const replicas = Array.from({ length: this.options.brokers }, (_, i) => nodeId(i + 1));
    this.controller = new ModelController(
      replicas,
      {
        sessionTimeoutMs: this.options.sessionTimeoutMs,
        unfenceDelayMs: this.options.unfenceDelayMs,
        uncleanAllowed: this.options.uncleanAllowed,
        keepRestartedBrokers: this.options.keepRestartedBrokers,
      },
      () => this.#broadcastMetadata(),
    );
    const config = replicationConfig({
      replicaLagTimeMaxMs: this.options.replicaLagTimeMaxMs,
      minInsyncReplicas: this.options.minInsyncReplicas,
      alterPartitionTimeoutMs: 200,
      alterPartitionRetryBackoffMs: 20,
      replicaFetchBackoffMs: 25,
      ackRequiresSync: this.options.ackRequiresSync,
    });
    for (const id of replicas) {
      const node = new ModelNode(this, id, config, this.controller.broker(id)!.brokerEpoch);
      this.nodes.set(id, node);
    }
    for (const node of this.nodes.values()) node.start();
    this.queue.push(0, { type: "controller-tick" });
    this.queue.push(1, { type: "produce" });
  }

  /** Called after every event (the checker). */
  onEvent(check: (world: ReplicationWorld) => void): void {
    this.#afterEvent = check;
  }

  node(id: number): ModelNode {
    const node = this.nodes.get(nodeId(id));
    assert(node !== undefined, `no node ${id}`);
    return node;
  }

  schedule(atMs: number, fault: Fault): void {
    this.queue.push(atMs, { type: "fault", fault });
  }

  makeFollower(
    now: number,
    deps: FollowerPartitionDeps,
    leaderId: number,
    epoch: number,
  ): FollowerPartition {
    const factory = this.options.followerFactory;
    return factory === undefined
      ? new FollowerPartition(now, deps, leaderId, epoch)
      : factory(now, deps, leaderId, epoch);
  }

  logScheduler(node: ModelNode): ModelLogScheduler {
    const incarnation = node.incarnation;
    return {
      sync: (log, sync) => {
        // One disk per node: operations complete in issue order.
        const at = Math.max(
          this.now + 1 + this.rng.int("disk-delay", this.options.diskDelayMaxMs),
          node.diskClockMs,
        );
        node.diskClockMs = at;
        this.atNode(node, incarnation, at, () => {
          log.completeSync(sync);
          node.onDurable();
        });
      },
      truncated: (done, logEndOffset) => {
        const at = Math.max(
          this.now + 1 + this.rng.int("disk-delay", this.options.diskDelayMaxMs),
          node.diskClockMs,
        );
        node.diskClockMs = at;
        this.atNode(node, incarnation, at, () => {
          done(logEndOffset);
          node.pump();
        });
      },
    };
  }

  /** Runs `run` at `atMs` on `node` unless it crashed (a new incarnation) in between. */
  atNode(node: ModelNode, incarnation: number, atMs: number, run: () => void): void {
    this.queue.push(atMs, { type: "node", node: node.id, incarnation, run });
  }

  /** Sends over a connection: FIFO per link, seeded delay; lost at once if either end is cut off. */
  send(from: NodeId, to: NodeId, payload: Payload): void {
    const envelope = { from, to, payload };
    if (!this.#reachable(from) || !this.#reachable(to)) {
      this.queue.push(this.now + 1, { type: "lost", envelope });
      return;
    }
    // Metadata travels the metadata log's own connection: it may overtake an RPC answer or lag it.
    const key = `${from}->${to}${payload.kind === "metadata" ? "/metadata" : ""}`;
    const at = Math.max(
      this.now + 1 + this.rng.int("net-delay", this.options.networkDelayMaxMs),
      this.#linkClock.get(key) ?? 0,
    );
    this.#linkClock.set(key, at);
    this.queue.push(at, { type: "deliver", envelope });
  }

  nextMessageId(): number {
    return this.#nextMessageId++;
  }

  #reachable(id: NodeId): boolean {
    if (id === CONTROLLER) return true;
    const node = this.node(id);
    return node.up && !node.isolated;
  }

  /** Breaks every connection of `id`: what is in flight is lost and the other ends are told. */
  breakLinks(id: NodeId): void {
    const cut = this.queue.remove(
      (e) => e.type === "deliver" && (e.envelope.from === id || e.envelope.to === id),
    );
    for (const event of cut) {
      if (event.type === "deliver")
        this.queue.push(this.now + 1, { type: "lost", envelope: event.envelope });
    }
  }

  #broadcastMetadata(): void {
    for (const node of this.nodes.values()) this.sendMetadata(node);
  }

  sendMetadata(node: ModelNode): void {
    this.send(CONTROLLER, node.id, {
      kind: "metadata",
      assignment: this.controller.assignment,
      brokers: this.controller.snapshot(),
    });
  }

  /** Applies a fault now (scenario scripts). */
  inject(fault: Fault): void {
    this.#fault(fault);
  }

  /** Runs events for `ms` more milliseconds. */
  runFor(ms: number): void {
    this.run(this.now + ms);
  }

  /** Runs events up to `untilMs`, checking after each. */
  run(untilMs: number): void {
    for (;;) {
      const at = this.queue.peekTime();
      if (at === undefined || at > untilMs) break;
      const item = this.queue.pop()!;
      assert(item.atMs >= this.now, "time went back");
      this.now = item.atMs;
      this.#handle(item.event);
      this.#events++;
      assert(this.#events < EVENTS_MAX, "the world does not quiesce (a wakeup loop?)");
      this.#afterEvent(this);
    }
    this.now = Math.max(this.now, untilMs);
  }

  #handle(event: WorldEvent): void {
    switch (event.type) {
      case "deliver":
        this.#deliver(event.envelope);
        return;
      case "lost": {
        const { from, to, payload } = event.envelope;
        if (payload.kind === "metadata") this.#metadataLost(to);
        else
          this.node(payload.kind === "fetch" || payload.kind === "alter" ? from : to).onLost(
            event.envelope,
          );
        return;
      }
      case "node": {
        const node = this.node(event.node);
        if (node.up && node.incarnation === event.incarnation) event.run();
        return;
      }
      case "produce":
        this.#produce();
        return;
      case "controller-tick":
        this.controller.tick(this.now);
        this.queue.push(this.now + 20, { type: "controller-tick" });
        return;
      case "fault":
        this.#fault(event.fault);
        return;
      case "restart":
        this.node(event.node).restart();
        return;
      case "heal":
        this.node(event.node).heal();
        return;
      default:
        event satisfies never;
    }
  }

  #deliver(envelope: Envelope): void {
    const payload = envelope.payload;
    if (envelope.to !== CONTROLLER) {
      const node = this.node(envelope.to);
      if (!node.up || node.isolated) {
        this.queue.push(this.now + 1, { type: "lost", envelope });
        return;
      }
      node.receive(envelope);
      return;
    }
    assert(payload.kind === "alter", `controller got ${payload.kind}`);
    const result = this.controller.alterPartition(
      this.now,
      envelope.from,
      payload.brokerEpoch,
      payload.item,
    );
    this.send(CONTROLLER, envelope.from, { kind: "alter-response", id: payload.id, result });
  }

  /** Metadata that did not arrive is sent again once the node can hear (the metadata log retries). */
  #metadataLost(id: NodeId): void {
    const node = this.node(id);
    if (node.up && !node.isolated) this.sendMetadata(node);
  }

  #produce(): void {
    if (this.options.produceEveryMaxMs === 0) return;
    if (this.producing) {
      const candidates = [...this.nodes.values()].filter(
        (n) => n.up && !n.isolated && n.leader !== null,
      );
      if (candidates.length > 0) {
        const node = candidates[this.rng.int("produce-node", candidates.length)]!;
        const count = 1 + this.rng.int("produce-count", 3);
        node.produce(Array.from({ length: count }, () => `v${this.#nextValue++}`));
      }
    }
    this.queue.push(this.now + 1 + this.rng.int("produce-gap", this.options.produceEveryMaxMs), {
      type: "produce",
    });
  }

  acknowledge(values: readonly { offset: number; value: string }[]): void {
    for (const v of values) this.acked.push({ ...v, atMs: this.now });
  }

  #fault(fault: Fault): void {
    switch (fault.type) {
      case "crash":
        this.node(fault.node).crash(fault.downMs);
        return;
      case "isolate":
        this.node(fault.node).isolate(fault.ms);
        return;
      case "break-links":
        this.breakLinks(nodeId(fault.node));
        return;
      case "controlled-shutdown":
        this.node(fault.node).controlledShutdown(fault.downMs);
        return;
      case "preferred-election":
        this.controller.preferredElection(this.now);
        return;
      case "fence":
        this.controller.fence(this.now, nodeId(fault.node));
        return;
      case "stall-disk": {
        const node = this.node(fault.node);
        node.diskClockMs = Math.max(node.diskClockMs, this.now + fault.ms);
        return;
      }
      default:
        fault satisfies never;
    }
  }

  /** Ends every fault: down nodes restart, isolated ones heal; production stops. */
  healAll(): void {
    this.producing = false;
    for (const node of this.nodes.values()) {
      if (!node.up) node.restart();
      else if (node.isolated) node.heal();
    }
  }
}
