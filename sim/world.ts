// The deterministic world: owns nodes, network, disks and clocks, and runs the event loop over true
// simulated time. Invariant: everything that happens is popped from one (time, sequence)-ordered
// queue, so one seed and one configuration give one run, byte for byte; each step is followed by
// the node's own invariants and the global checks, and the first failure ends the run.

import { assert, assertNever } from "../core/assert.ts";
import type { DiskOp } from "../core/disk.ts";
import type { DiskOpId, NodeId } from "../core/ids.ts";
import type { Input, Node, NodeView } from "../core/node.ts";
import type { TraceEvent } from "../core/trace.ts";
import { EventQueue } from "./event-queue.ts";
import type { Fault, ScheduledFault } from "./faults.ts";
import { type NetItem, Network, type NetworkHost } from "./network.ts";
import { estimatePayloadSize } from "./network-payload.ts";
import { formatSeed, rootRng, type SimRng } from "./prng.ts";
import { type NodeSlot, type ProcessStatus, restart } from "./process.ts";
import type { SwarmParams } from "./swarm.ts";
import type { FailureKind, SimTraceEvent } from "./trace-format.ts";
import { TraceWriter } from "./trace-writer.ts";
import { diskOpEvent } from "./world-disk.ts";
import { carryOut, type EffectHost } from "./world-effects.ts";
import { applyFault, type FaultHost } from "./world-faults.ts";
import { describeThrown, isBreakNotice, type QueueItem } from "./world-queue.ts";
import {
  buildSlots,
  describeRun,
  planRun,
  replayCommand,
  simDiskFactory,
  traceHeader,
} from "./world-setup.ts";
import type {
  RunResult,
  RunStats,
  SimFailure,
  StopReason,
  WorldCheck,
  WorldConfig,
  WorldView,
} from "./world-types.ts";

const reservedStreams = new Set(["swarm", "faults", "network", "disk", "node"]);

/** A node stepped this many times at one instant is livelocked (e.g. a timer always due). */
const stepsAtOneInstantMax = 100_000;

export class World implements WorldView {
  readonly config: WorldConfig;
  readonly seedHex: string;
  readonly params: SwarmParams;
  readonly schedule: readonly ScheduledFault[];
  readonly trace: TraceWriter;
  readonly network: Network;
  readonly nodeIds: readonly NodeId[];
  readonly #queue = new EventQueue<QueueItem>();
  readonly #slots: ReadonlyMap<NodeId, NodeSlot>;
  readonly #root: SimRng;
  readonly #nodeStreams: SimRng;
  readonly #host: FaultHost & NetworkHost & EffectHost;
  #now = 0;
  #events = 0;
  #phase: "faults" | "quiet" = "faults";
  #lastStep: WorldView["lastStep"];
  #failure: SimFailure | undefined;
  #stopReason: StopReason | undefined;
  #faultsApplied = 0;
  #faultsSkipped = 0;

  constructor(config: WorldConfig) {
    assert(config.durationMs > 0 && config.maxEvents > 0, "a run needs a time and an event bound");
    this.config = config;
    this.seedHex = formatSeed(config.seed);
    this.trace = config.trace ?? new TraceWriter();
    for (const observer of config.observers ?? []) this.trace.observe(observer);
    const root = rootRng(config.seed, config.draws);
    this.#root = root;
    this.#nodeStreams = root.derive("node");
    this.nodeIds = config.nodes.map((spec) => spec.id);
    const plan = planRun(config, root);
    this.params = plan.params;
    this.schedule = plan.schedule;
    // A calm run is quiet from the start; otherwise the schedule's stabilize begins the quiet.
    if (plan.mode === "none") this.#phase = "quiet";
    this.#host = this.#makeHost(plan.clients);
    const sizeOf = config.sizeOf ?? estimatePayloadSize;
    const network = root.derive("network");
    this.network = new Network(this.#host, this.nodeIds, plan.params.network, network, sizeOf);
    this.#slots = buildSlots(config, plan, root, config.createDisk ?? simDiskFactory);
    this.trace.header(traceHeader(config, plan, this.seedHex, this.replay));
    for (const slot of this.#slots.values()) this.#queue.push(0, { type: "boot", slot });
    for (const { atMs, fault } of this.schedule) this.#queue.push(atMs, { type: "fault", fault });
  }

  // ---- WorldView ----

  get now(): number {
    return this.#now;
  }

  get phase(): "faults" | "quiet" {
    return this.#phase;
  }

  get lastStep(): WorldView["lastStep"] {
    return this.#lastStep;
  }

  status(node: NodeId): ProcessStatus {
    return this.#slot(node).status;
  }

  view(node: NodeId): NodeView | undefined {
    return this.#slot(node).node?.view();
  }

  localNow(node: NodeId): number {
    return this.#slot(node).local(this.#now);
  }

  diskShrinkPending(node: NodeId, folder: string): boolean {
    return this.#slot(node).disk.shrinkPendingUnder(folder);
  }

  /** The current process object of a node (tests and tools; undefined while down). */
  nodeOf(node: NodeId): Node | undefined {
    return this.#slot(node).node;
  }

  /** The replay command of this run. */
  get replay(): string {
    return replayCommand(this.config, this.seedHex);
  }

  /**
   * A stream for a component outside the world (the workload generator, a checker's sampling),
   * derived from the seed by name like the world's own, and recorded in the draw log.
   */
  stream(name: string): SimRng {
    assert(!reservedStreams.has(name), `stream name '${name}' belongs to the world`);
    return this.#root.derive(name);
  }

  /** Every derived parameter and the schedule, one `key=value` line each (print at start). */
  describe(): string[] {
    return describeRun(this.seedHex, this.replay, this.params, this.schedule);
  }

  /** Schedules an extra fault at `atMs` (>= now): for tests and interactive tools. */
  inject(fault: Fault, atMs = this.#now): void {
    assert(atMs >= this.#now, "a fault cannot be injected into the past");
    this.#queue.push(atMs, { type: "fault", fault });
  }

  // ---- running ----

  /** Runs events up to `limitMs` (inclusive); false once the run has failed. */
  runUntil(limitMs: number): boolean {
    this.#stopReason = undefined;
    const queue = this.#queue;
    const draws = this.config.draws;
    while (this.#failure === undefined) {
      const next = queue.peekTime();
      if (next === undefined) {
        this.#stopReason = "idle";
        break;
      }
      if (next > limitMs) break;
      if (this.#events >= this.config.maxEvents) {
        this.#stopReason = "max-events";
        break;
      }
      const item = queue.pop()!;
      this.#now = queue.lastTime;
      if (draws !== undefined) draws.seq = this.trace.seq;
      if (this.#dispatch(item)) this.#events++;
    }
    if (this.#failure === undefined && this.#stopReason !== "max-events") {
      this.#now = Math.max(this.#now, limitMs);
    }
    return this.#failure === undefined;
  }

  /** The whole run: to the duration bound, then the final checks. */
  run(): RunResult {
    this.runUntil(this.config.durationMs);
    if (this.#failure === undefined) {
      this.#stopReason ??= "duration";
      for (const check of this.config.finalChecks ?? []) {
        if (!this.#check(check, "final-check")) break;
      }
    }
    return this.result();
  }

  result(): RunResult {
    const stats: RunStats = {
      events: this.#events,
      simulatedMs: this.#now,
      stopReason: this.#failure !== undefined ? "failure" : (this.#stopReason ?? "duration"),
      traceHash: this.trace.hash,
      traceLines: this.trace.lineCount,
      faultsApplied: this.#faultsApplied,
      faultsSkipped: this.#faultsSkipped,
    };
    return this.#failure === undefined
      ? { ok: true, stats }
      : { ok: false, failure: this.#failure, stats };
  }

  #dispatch(item: QueueItem): boolean {
    switch (item.type) {
      case "deliver": {
        const delivery = this.network.deliver(item);
        if (delivery === undefined) return false;
        this.#deliver(this.#slot(delivery.to), delivery.input);
        return true;
      }
      case "check":
        return this.network.check(item.conn);
      case "input":
        if (!item.slot.current(item.incarnation)) return false;
        this.#deliver(item.slot, item.input);
        return true;
      case "timer":
        return this.#timer(item.slot, item.incarnation, item.gen);
      case "disk":
        if (item.gen !== item.slot.disk.generation) return false;
        return this.#diskDone(item.slot, item.incarnation, item.id, item.op);
      case "fault":
        this.#fault(item.fault);
        return true;
      case "boot":
        restart(this.#host, item.slot);
        return true;
      default:
        return assertNever(item, "queue item");
    }
  }

  #deliver(slot: NodeSlot, input: Input): void {
    assert(slot.status !== "down", `input ${input.type} for node ${slot.id}, which is down`);
    if (slot.status === "paused") slot.inbox.push(input);
    else this.#step(slot, input);
  }

  #timer(slot: NodeSlot, incarnation: number, gen: number): boolean {
    if (!slot.current(incarnation) || gen !== slot.timerGen || slot.status !== "up") return false;
    slot.timerAt = -1;
    const local = slot.local(this.#now);
    assert(
      local >= slot.wakeup,
      `timer of node ${slot.id} fired early (${local} < ${slot.wakeup})`,
    );
    if (this.trace.full) this.trace.record(this.#now, slot.id, { type: "timer", local });
    this.#step(slot, { type: "timer" });
    return true;
  }

  #diskDone(slot: NodeSlot, incarnation: number, id: DiskOpId, op: DiskOp): boolean {
    if (!slot.current(incarnation)) return false;
    const result = slot.disk.complete(op);
    if (!result.ok || this.trace.full) {
      this.trace.record(this.#now, slot.id, diskOpEvent(id, op, result));
    }
    this.#deliver(slot, { type: "disk-done", id, result });
    return true;
  }

  #fault(fault: Fault): void {
    this.trace.record(this.#now, undefined, { type: "fault", fault });
    const skipped = applyFault(this.#host, fault);
    if (skipped === undefined) this.#faultsApplied++;
    else {
      this.#faultsSkipped++;
      this.trace.record(this.#now, undefined, { type: "fault-skipped", fault, reason: skipped });
    }
  }

  /** One step of one node: the input, its effects in order, then every check. */
  #step(slot: NodeSlot, input: Input): void {
    if (this.#failure !== undefined) return;
    const node = slot.node!;
    if (slot.lastStepAt === this.#now) {
      if (++slot.stepsAtSameTime > stepsAtOneInstantMax) {
        this.#fail(
          "contract",
          `node ${slot.id} was stepped ${stepsAtOneInstantMax} times at one instant (livelock)`,
          slot.id,
        );
        return;
      }
    } else {
      slot.lastStepAt = this.#now;
      slot.stepsAtSameTime = 0;
    }
    if (isBreakNotice(input)) this.network.noticed(input);
    let effects: ReturnType<Node["step"]>;
    try {
      effects = node.step(slot.read(this.#now), input);
    } catch (error) {
      this.#failWith("node-step", error, slot.id, `step(${input.type})`);
      return;
    }
    this.#lastStep = { node: slot.id, input: input.type };
    for (const effect of effects) {
      carryOut(this.#host, slot, effect);
      if (this.#failure !== undefined) return;
    }
    try {
      node.checkInvariants();
    } catch (error) {
      this.#failWith("node-invariant", error, slot.id, "checkInvariants()");
      return;
    }
    this.#rescheduleTimer(slot);
    for (const check of this.config.invariants ?? []) {
      if (!this.#check(check, "global-invariant")) return;
    }
  }

  #rescheduleTimer(slot: NodeSlot): void {
    if (slot.status !== "up" || this.#failure !== undefined) return;
    const wakeup = slot.node!.nextWakeup();
    if (wakeup !== undefined && !Number.isFinite(wakeup)) {
      this.#fail("contract", `node ${slot.id} asked for a wakeup at ${wakeup}`, slot.id);
      return;
    }
    const at = slot.retime(wakeup, this.#now);
    if (at === undefined) return;
    const item = {
      type: "timer",
      slot,
      incarnation: slot.incarnation,
      gen: slot.timerGen,
    } as const;
    this.#queue.push(at, item);
  }

  #check(check: WorldCheck, kind: FailureKind): boolean {
    let message: string | undefined;
    try {
      message = check.check(this);
    } catch (error) {
      this.#failWith(kind, error, undefined, check.name);
      return false;
    }
    if (message === undefined) return true;
    this.#fail(kind, `${check.name}: ${message}`, undefined);
    return false;
  }

  #failWith(kind: FailureKind, error: unknown, node: NodeId | undefined, where: string): void {
    const { text, stack } = describeThrown(error);
    this.#fail(kind, `${where}: ${text}`, node, stack);
  }

  #fail(kind: FailureKind, message: string, node: NodeId | undefined, stack?: string): void {
    if (this.#failure !== undefined) return;
    const seq = this.trace.record(this.#now, node, { type: "failure", kind, message });
    this.#failure = {
      kind,
      message,
      ...(node === undefined ? {} : { node }),
      t: this.#now,
      seq,
      seed: this.seedHex,
      replay: this.replay,
      ...(stack === undefined ? {} : { stack }),
    };
  }

  #slot(node: NodeId): NodeSlot {
    const slot = this.#slots.get(node);
    assert(slot !== undefined, `unknown node ${node}`);
    return slot;
  }

  #makeHost(clients: readonly NodeId[]): FaultHost & NetworkHost & EffectHost {
    const world = this;
    return {
      get now() {
        return world.#now;
      },
      get network() {
        return world.network;
      },
      clients,
      traceBodies: this.trace.bodies,
      trace: (node: NodeId | undefined, event: SimTraceEvent | TraceEvent) => {
        this.trace.record(this.#now, node, event);
      },
      isServer: (node: NodeId) => this.#slots.get(node)?.spec.role === "server",
      diskDoneAt: (slot: NodeSlot, at: number, id: DiskOpId, op: DiskOp) => {
        const gen = slot.disk.generation;
        this.#queue.push(at, { type: "disk", slot, incarnation: slot.incarnation, gen, id, op });
      },
      contractViolation: (message: string, node: NodeId) => this.#fail("contract", message, node),
      schedule: (time: number, item: NetItem) => {
        this.#queue.push(time, item);
      },
      notify: (node: NodeId, input: Input) => {
        const slot = this.#slot(node);
        if (!slot.running) return;
        this.#queue.push(this.#now, { type: "input", slot, incarnation: slot.incarnation, input });
      },
      isRunning: (node: NodeId) => this.#slot(node).running,
      incarnation: (node: NodeId) => this.#slot(node).incarnation,
      step: (slot: NodeSlot, input: Input) => this.#step(slot, input),
      rescheduleTimer: (slot: NodeSlot) => this.#rescheduleTimer(slot),
      nodeRng: (slot: NodeSlot, incarnation: number) =>
        this.#nodeStreams.derive(String(slot.id)).derive(String(incarnation)),
      slot: (node: NodeId) => this.#slots.get(node),
      enterQuiet: (core: readonly NodeId[]) => {
        this.#phase = "quiet";
        this.trace.record(this.#now, undefined, { type: "phase", phase: "quiet", core });
      },
    };
  }
}
