// A small deterministic world for a cluster of brokers: one event queue ordered by (time, seq),
// peer messages with a fixed latency per link (so FIFO), disk operations one at a time per node on
// a SimDisk, timers from nextWakeup, client requests with answers collected. Faults: crash (the
// disk loses what is unsynced), restart, partition and heal (both ends told the link broke).

import { Broker } from "../../../../core/broker/broker.ts";
import type { BrokerView } from "../../../../core/broker/broker-view.ts";
import { type BrokerConfig, brokerConfig } from "../../../../core/broker/config.ts";
import type { DiskOp } from "../../../../core/disk.ts";
import {
  type ConnectionId,
  connectionId,
  type DiskOpId,
  type Millis,
  type NodeId,
  nodeId,
} from "../../../../core/ids.ts";
import type { Effect, Input } from "../../../../core/node.ts";
import type {
  ApiName,
  ClientResponse,
  RequestOf,
  ResponseOf,
} from "../../../../core/protocol/index.ts";
import type { TraceEvent } from "../../../../core/trace.ts";
import { SimDisk } from "../../../../sim/disk.ts";
import { testRng } from "../../../support/test-rng.ts";

const EVENTS_PER_RUN_MAX = 5_000_000;

export interface ClusterOptions {
  readonly nodes?: number;
  readonly config?: Partial<BrokerConfig>;
  /** Per-node overrides (process.roles, ...). */
  readonly nodeConfig?: (id: NodeId) => Partial<BrokerConfig>;
  /** node.ids of the voters; default all nodes. */
  readonly voters?: readonly number[];
  readonly seed?: number;
  readonly linkLatencyMs?: Millis;
  readonly diskLatencyMs?: Millis;
}

interface Slot {
  readonly id: NodeId;
  readonly config: BrokerConfig;
  readonly disk: SimDisk;
  broker: Broker | undefined;
  incarnation: number;
  diskQueue: { id: DiskOpId; op: DiskOp }[];
  diskBusy: boolean;
  timerGen: number;
  paused: boolean;
  /** Disk completions held (a stalled disk): they wait until released. */
  diskHeld: boolean;
}

type Event =
  | { kind: "input"; node: NodeId; incarnation: number; input: Input }
  | { kind: "timer"; node: NodeId; incarnation: number; gen: number }
  | { kind: "disk"; node: NodeId; incarnation: number }
  | { kind: "peer"; from: NodeId; to: NodeId; fromInc: number; toInc: number; effect: Effect };

export interface Answer {
  readonly node: NodeId;
  readonly connection: ConnectionId;
  readonly correlationId: number;
  readonly response: ClientResponse;
  readonly at: Millis;
}

export class ClusterHarness {
  now: Millis = 0;
  readonly slots = new Map<NodeId, Slot>();
  readonly answers: Answer[] = [];
  readonly traces: { at: Millis; node: NodeId; event: TraceEvent }[] = [];
  readonly #queue: { at: Millis; seq: number; event: Event }[] = [];
  #seq = 0;
  #nextCorrelationId = 1;
  readonly #blocked = new Set<string>();
  readonly #linkLatencyMs: Millis;
  readonly #diskLatencyMs: Millis;
  readonly seed: number;
  /** Checked after every step (cluster invariants of a test). */
  readonly checks: ((h: ClusterHarness) => void)[] = [];

  constructor(options: ClusterOptions = {}) {
    const count = options.nodes ?? 3;
    this.seed = options.seed ?? 1;
    this.#linkLatencyMs = options.linkLatencyMs ?? 1;
    this.#diskLatencyMs = options.diskLatencyMs ?? 0.2;
    const voterIds = options.voters ?? Array.from({ length: count }, (_, i) => i + 1);
    const voters = voterIds.map((id) => ({ id: nodeId(id), host: `n${id}`, port: 9092 }));
    for (let i = 1; i <= count; i++) {
      const id = nodeId(i);
      const config = brokerConfig({
        nodeId: id,
        controllerQuorumVoters: voters,
        processRoles: voterIds.includes(i) ? ["broker", "controller"] : ["broker"],
        listeners: [{ name: "PLAINTEXT", host: `n${i}`, port: 9092 }],
        ...options.config,
        ...options.nodeConfig?.(id),
      });
      const disk = new SimDisk(testRng(`disk-${this.seed}-${i}`));
      this.slots.set(id, {
        id,
        config,
        disk,
        broker: undefined,
        incarnation: 0,
        diskQueue: [],
        diskBusy: false,
        timerGen: 0,
        paused: false,
        diskHeld: false,
      });
    }
  }

  get ids(): NodeId[] {
    return [...this.slots.keys()];
  }

  slot(id: number): Slot {
    const slot = this.slots.get(nodeId(id));
    if (slot === undefined) throw new Error(`no node ${id}`);
    return slot;
  }

  view(id: number): BrokerView | undefined {
    return this.slot(id).broker?.view();
  }

  /** Views of the nodes that are up. */
  views(): BrokerView[] {
    return this.ids.flatMap((id) => {
      const v = this.view(id);
      return v === undefined ? [] : [v];
    });
  }

  #push(at: Millis, event: Event): void {
    const entry = { at, seq: this.#seq++, event };
    // Binary insertion keeps the queue sorted by (at, seq); queues here stay small.
    let lo = 0;
    let hi = this.#queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = this.#queue[mid]!;
      if (m.at < at || (m.at === at && m.seq < entry.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.#queue.splice(lo, 0, entry);
  }

  /** Boots every node (or those given). */
  start(ids: readonly number[] = this.ids): this {
    for (const id of ids) this.#boot(this.slot(id));
    return this;
  }

  #boot(slot: Slot): void {
    slot.incarnation++;
    slot.broker = new Broker({
      config: slot.config,
      rng: testRng(`broker-${this.seed}-${slot.id}-${slot.incarnation}`),
      raftTiming: { electionTimeoutMs: 300, fetchTimeoutMs: 600, electionBackoffMaxMs: 300 },
    });
    slot.diskQueue = [];
    slot.diskBusy = false;
    this.#push(this.now, {
      kind: "input",
      node: slot.id,
      incarnation: slot.incarnation,
      input: { type: "start" },
    });
  }

  /** Runs until every node with the broker role that is up is ready (or a bound passes). */
  startAndWait(maxMs = 20_000): this {
    this.start();
    this.runUntil(() => this.allReady(), maxMs);
    if (!this.allReady()) {
      const phases = this.views().map((v) => `${v.nodeId}:${v.phase}`);
      throw new Error(`cluster not ready: ${phases.join(" ")}`);
    }
    return this;
  }

  allReady(): boolean {
    return this.views().every((v) => v.ready);
  }

  /** Runs events until `done()` holds or `maxMs` of simulated time passed; true when it held. */
  runUntil(done: () => boolean, maxMs: Millis): boolean {
    const end = this.now + maxMs;
    for (let i = 0; i < EVENTS_PER_RUN_MAX; i++) {
      if (done()) return true;
      const next = this.#queue[0];
      if (next === undefined || next.at > end) break;
      this.#queue.shift();
      this.now = Math.max(this.now, next.at);
      this.#handle(next.event);
    }
    if (done()) return true;
    this.now = Math.max(this.now, end);
    return false;
  }

  runFor(ms: Millis): void {
    this.runUntil(() => false, ms);
  }

  #handle(event: Event): void {
    switch (event.kind) {
      case "input": {
        const slot = this.slot(event.node);
        if (slot.incarnation !== event.incarnation || slot.broker === undefined) return;
        if (slot.paused) {
          this.#push(this.now + 1, event);
          return;
        }
        this.#step(slot, event.input);
        return;
      }
      case "timer": {
        const slot = this.slot(event.node);
        if (slot.incarnation !== event.incarnation || slot.timerGen !== event.gen) return;
        if (slot.broker === undefined || slot.paused) return;
        this.#step(slot, { type: "timer" });
        return;
      }
      case "disk":
        this.#diskDone(this.slot(event.node), event.incarnation);
        return;
      case "peer":
        this.#deliverPeer(event);
        return;
    }
  }

  #step(slot: Slot, input: Input): void {
    const broker = slot.broker;
    if (broker === undefined) return;
    const effects = broker.step(this.#localNow(slot), input);
    broker.checkInvariants();
    this.#apply(slot, effects);
    this.#armTimer(slot);
    for (const check of this.checks) check(this);
  }

  /** A node's own clock: true time (tests that need skew move `now` themselves). */
  #localNow(_slot: Slot): Millis {
    return Math.floor(this.now);
  }

  #armTimer(slot: Slot): void {
    const broker = slot.broker;
    if (broker === undefined) return;
    slot.timerGen++;
    const wake = broker.nextWakeup();
    if (wake === undefined) return;
    this.#push(Math.max(this.now, wake), {
      kind: "timer",
      node: slot.id,
      incarnation: slot.incarnation,
      gen: slot.timerGen,
    });
  }

  #apply(slot: Slot, effects: readonly Effect[]): void {
    for (const effect of effects) {
      switch (effect.type) {
        case "disk":
          slot.diskQueue.push({ id: effect.id, op: effect.op });
          this.#kickDisk(slot);
          break;
        case "send": {
          const to = this.slots.get(effect.to);
          if (to === undefined) throw new Error(`send to unknown node ${effect.to}`);
          if (effect.to === slot.id) throw new Error(`node ${slot.id} sent to itself`);
          this.#push(this.now + this.#linkLatencyMs, {
            kind: "peer",
            from: slot.id,
            to: effect.to,
            fromInc: slot.incarnation,
            toInc: to.incarnation,
            effect,
          });
          break;
        }
        case "respond":
          this.answers.push({
            node: slot.id,
            connection: effect.connection,
            correlationId: effect.correlationId,
            response: effect.response,
            at: this.now,
          });
          break;
        case "close":
          break;
        case "trace":
          this.traces.push({ at: this.now, node: slot.id, event: effect.event });
          break;
        case "request":
          throw new Error("a broker sent a client request");
      }
    }
  }

  #kickDisk(slot: Slot): void {
    if (slot.diskBusy || slot.diskQueue.length === 0 || slot.diskHeld) return;
    slot.diskBusy = true;
    this.#push(this.now + this.#diskLatencyMs, {
      kind: "disk",
      node: slot.id,
      incarnation: slot.incarnation,
    });
  }

  #diskDone(slot: Slot, incarnation: number): void {
    if (slot.incarnation !== incarnation || slot.broker === undefined) return;
    slot.diskBusy = false;
    const next = slot.diskQueue.shift();
    if (next === undefined) return;
    const result = slot.disk.execute(next.op);
    this.#step(slot, { type: "disk-done", id: next.id, result });
    this.#kickDisk(slot);
  }

  #deliverPeer(event: Extract<Event, { kind: "peer" }>): void {
    const from = this.slot(event.from);
    const to = this.slot(event.to);
    if (from.incarnation !== event.fromInc) return;
    if (to.incarnation !== event.toInc || to.broker === undefined) {
      // The receiver is down or restarted: the sender learns the connection broke.
      this.#notifyUnreachable(from, event.to);
      return;
    }
    if (this.#blocked.has(`${event.from}->${event.to}`)) {
      this.#notifyUnreachable(from, event.to);
      this.#notifyUnreachable(to, event.from);
      return;
    }
    if (event.effect.type !== "send") return;
    const input: Input = { type: "peer-message", from: event.from, message: event.effect.message };
    if (to.paused) {
      this.#push(this.now + 1, { ...event, toInc: to.incarnation });
      return;
    }
    this.#step(to, input);
  }

  #notifyUnreachable(slot: Slot, peer: NodeId): void {
    if (slot.broker === undefined) return;
    this.#push(this.now, {
      kind: "input",
      node: slot.id,
      incarnation: slot.incarnation,
      input: { type: "peer-unreachable", peer },
    });
  }

  /** Crash: the process dies, its disk loses what was not synced; peers learn their links broke. */
  crash(id: number): void {
    const slot = this.slot(id);
    if (slot.broker === undefined) return;
    slot.broker = undefined;
    slot.incarnation++;
    slot.diskQueue = [];
    slot.diskBusy = false;
    slot.paused = false;
    slot.diskHeld = false;
    slot.disk.crash();
    for (const other of this.slots.values()) {
      if (other.id !== slot.id) this.#notifyUnreachable(other, slot.id);
    }
  }

  restart(id: number): void {
    const slot = this.slot(id);
    if (slot.broker !== undefined) return;
    this.#boot(slot);
  }

  /** Cuts every link between the two sides (both ways); both ends see the links break. */
  partition(a: readonly number[], b: readonly number[]): void {
    for (const x of a) {
      for (const y of b) {
        this.#blocked.add(`${x}->${y}`);
        this.#blocked.add(`${y}->${x}`);
        this.#notifyUnreachable(this.slot(x), nodeId(y));
        this.#notifyUnreachable(this.slot(y), nodeId(x));
      }
    }
  }

  /** One node cut off from every other. */
  isolate(id: number): void {
    this.partition(
      [id],
      this.ids.filter((x) => x !== id),
    );
  }

  heal(): void {
    this.#blocked.clear();
  }

  /** Freezes a node: nothing is delivered to it and its timers wait, its clock runs on. */
  pause(id: number): void {
    this.slot(id).paused = true;
  }

  resume(id: number): void {
    const slot = this.slot(id);
    slot.paused = false;
    this.#armTimer(slot);
  }

  /** Holds (or releases) a node's disk completions: a stalled disk. */
  holdDisk(id: number, held: boolean): void {
    const slot = this.slot(id);
    slot.diskHeld = held;
    this.#kickDisk(slot);
  }

  /** Starts a controlled shutdown of a node (what SIGTERM does); its effects are carried out. */
  shutdown(id: number): void {
    const slot = this.slot(id);
    const broker = slot.broker;
    if (broker === undefined) return;
    this.#apply(slot, broker.beginControlledShutdown(Math.floor(this.now)));
    this.#armTimer(slot);
  }

  /** Sends a client request to node `to` on connection `connection`; returns its correlation id. */
  send<N extends ApiName>(to: number, api: N, body: RequestOf<N>, connection = 1): number {
    const correlationId = this.#nextCorrelationId++;
    const slot = this.slot(to);
    this.#push(this.now, {
      kind: "input",
      node: slot.id,
      incarnation: slot.incarnation,
      input: {
        type: "client-request",
        connection: connectionId(connection),
        correlationId,
        request: { api, clientId: "test", body } as never,
      },
    });
    return correlationId;
  }

  answer<N extends ApiName>(api: N, correlationId: number): ResponseOf<N> | undefined {
    const found = this.answers.find((a) => a.correlationId === correlationId);
    if (found === undefined) return undefined;
    if (found.response.api !== api) throw new Error(`answer is ${found.response.api}, not ${api}`);
    return found.response.body as ResponseOf<N>;
  }

  /** Sends a request and runs until it is answered (or throws after maxMs). */
  call<N extends ApiName>(
    to: number,
    api: N,
    body: RequestOf<N>,
    connection = 1,
    maxMs = 10_000,
  ): ResponseOf<N> {
    const id = this.send(to, api, body, connection);
    this.runUntil(() => this.answer(api, id) !== undefined, maxMs);
    const answer = this.answer(api, id);
    if (answer === undefined) throw new Error(`${api} ${id} to ${to} got no answer`);
    return answer;
  }

  events<T extends TraceEvent["type"]>(
    type: T,
    node?: number,
  ): (Extract<TraceEvent, { type: T }> & { readonly node: NodeId; readonly at: Millis })[] {
    return this.traces
      .filter((t) => t.event.type === type && (node === undefined || t.node === node))
      .map((t) => ({ ...(t.event as Extract<TraceEvent, { type: T }>), node: t.node, at: t.at }));
  }

  marks(node?: number): string[] {
    return this.events("mark", node).map((e) => e.name);
  }

  /** The node that is the active controller now, if any. */
  activeController(): NodeId | undefined {
    return this.views().find((v) => v.activeController)?.nodeId;
  }

  /** Leader of a partition as the active controller's... as most up nodes' committed images say. */
  leaderOf(topic: string, partition: number): number {
    const seen = this.views()
      .flatMap((v) => v.partitions)
      .filter((p) => p.topic === topic && p.partition === partition)
      .sort((a, b) => b.partitionEpoch - a.partitionEpoch);
    return seen[0]?.leader ?? -1;
  }
}
