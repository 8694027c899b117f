// Node processes: each node id has a slot holding its current process (a Node object), clock and
// disk. Crash drops the object (and with it every continuation), restart builds a new one from the
// factory, pause freezes inputs and timers while the clock runs on. Invariant: events carry the
// incarnation they were made for, and nothing reaches a process that is not that incarnation.

import type { NodeId } from "../core/ids.ts";
import type { Input, Node } from "../core/node.ts";
import type { SimClock } from "./clock.ts";
import type { Network } from "./network.ts";
import type { SimRng } from "./prng.ts";
import type { NodeRole, SimTraceEvent } from "./trace-format.ts";
import type { DiskQueue } from "./world-disk.ts";

export type ProcessStatus = "up" | "down" | "paused";

/** What a node factory is given for each new process of a node. */
export interface NodeContext {
  readonly id: NodeId;
  readonly role: NodeRole;
  /** 1 for the first boot, +1 for every restart. */
  readonly incarnation: number;
  /** This incarnation's own stream (independent of every other component's). */
  readonly rng: SimRng;
}

export interface NodeSpec {
  readonly id: NodeId;
  readonly role: NodeRole;
  readonly create: (context: NodeContext) => Node;
}

export class NodeSlot {
  readonly spec: NodeSpec;
  readonly clock: SimClock;
  readonly disk: DiskQueue;
  status: ProcessStatus = "down";
  node: Node | undefined;
  incarnation = 0;
  /** Bumped whenever the pending timer is replaced or cancelled; stale timer events are skipped. */
  timerGen = 0;
  /** True time of the pending timer (-1: none) and the local wakeup it stands for. */
  timerAt = -1;
  wakeup = 0;
  /** Inputs that arrived while paused, in arrival order. */
  inbox: Input[] = [];
  /**
   * With monotonic clocks, the highest reading this process has seen: the node never reads less,
   * so a backward jump shows as its clock standing still until the true clock catches up.
   */
  floorLocal = Number.NEGATIVE_INFINITY;
  readonly monotonic: boolean;
  /** Steps taken at `lastStepAt`: a node stepped endlessly at one instant is livelocked. */
  stepsAtSameTime = 0;
  lastStepAt = -1;

  constructor(spec: NodeSpec, clock: SimClock, disk: DiskQueue, monotonic: boolean) {
    this.spec = spec;
    this.clock = clock;
    this.disk = disk;
    this.monotonic = monotonic;
  }

  /** What the process reads from its clock at true time `trueNow`. */
  local(trueNow: number): number {
    const raw = this.clock.now(trueNow);
    return this.monotonic && raw < this.floorLocal ? this.floorLocal : raw;
  }

  /** The reading handed to a step (it raises the floor of a monotonic clock). */
  read(trueNow: number): number {
    const local = this.local(trueNow);
    this.floorLocal = local;
    return local;
  }

  get id(): NodeId {
    return this.spec.id;
  }

  get running(): boolean {
    return this.status !== "down";
  }

  /**
   * Takes the node's latest wakeup (its own clock): returns the true time of a new timer to queue,
   * or undefined when the pending one stands (or none is wanted, which cancels it).
   */
  retime(wakeup: number | undefined, trueNow: number): number | undefined {
    if (wakeup === undefined) {
      if (this.timerAt >= 0) this.cancelTimer();
      return undefined;
    }
    const at = wakeup <= this.local(trueNow) ? trueNow : this.clock.toTrue(wakeup, trueNow);
    if (at === this.timerAt && wakeup === this.wakeup) return undefined;
    this.timerGen++;
    this.timerAt = at;
    this.wakeup = wakeup;
    return at;
  }

  /** Forgets the pending timer: its queued event goes stale. */
  cancelTimer(): void {
    this.timerGen++;
    this.timerAt = -1;
  }

  /** Whether an event made for `incarnation` may still reach this process. */
  current(incarnation: number): boolean {
    return this.status !== "down" && incarnation === this.incarnation;
  }
}

/** What process transitions need from the world. */
export interface ProcessHost {
  readonly now: number;
  readonly network: Network;
  trace(node: NodeId | undefined, event: SimTraceEvent): void;
  /** Steps the node at once with `input` (its effects carried out, invariants checked). */
  step(slot: NodeSlot, input: Input): void;
  /** Re-reads nextWakeup() and (re)schedules the timer. */
  rescheduleTimer(slot: NodeSlot): void;
  nodeRng(slot: NodeSlot, incarnation: number): SimRng;
}

/** Kills the process; false when it was already down. */
export function crash(host: ProcessHost, slot: NodeSlot): boolean {
  if (slot.status === "down") return false;
  const inputsLost = slot.inbox.length;
  slot.status = "down";
  slot.node = undefined;
  slot.inbox = [];
  slot.cancelTimer();
  const disk = slot.disk.crash(host.now);
  host.network.breakAll(slot.id, "crash");
  host.network.forgetNotices(slot.id);
  host.trace(slot.id, {
    type: "proc-crash",
    incarnation: slot.incarnation,
    diskOpsLost: disk.opsLost,
    inputsLost,
    unsyncedBytesLost: disk.bytesLost,
  });
  return true;
}

/** Starts a new process on the node's disk and steps it with `start`; false when running. */
export function restart(host: ProcessHost, slot: NodeSlot): boolean {
  if (slot.status !== "down") return false;
  const incarnation = slot.incarnation + 1;
  const rng = host.nodeRng(slot, incarnation);
  const node = slot.spec.create({ id: slot.id, role: slot.spec.role, incarnation, rng });
  slot.incarnation = incarnation;
  slot.node = node;
  slot.floorLocal = Number.NEGATIVE_INFINITY;
  slot.status = "up";
  slot.stepsAtSameTime = 0;
  host.trace(slot.id, { type: "proc-start", incarnation });
  host.step(slot, { type: "start" });
  return true;
}

/** Crashes the node if it runs, empties its disk and starts it again. */
export function wipe(host: ProcessHost, slot: NodeSlot): void {
  crash(host, slot);
  slot.disk.wipe();
  host.trace(slot.id, { type: "proc-wipe" });
  restart(host, slot);
}

export function pause(host: ProcessHost, slot: NodeSlot): boolean {
  if (slot.status !== "up") return false;
  slot.status = "paused";
  slot.cancelTimer();
  host.trace(slot.id, { type: "proc-pause" });
  return true;
}

/**
 * Unfreezes the node: what queued up is stepped at once, in order (before anything else arriving
 * at this instant, which keeps each connection FIFO), then due timers fire.
 */
export function resume(host: ProcessHost, slot: NodeSlot): boolean {
  if (slot.status !== "paused") return false;
  slot.status = "up";
  const queued = slot.inbox;
  slot.inbox = [];
  host.trace(slot.id, { type: "proc-resume", queued: queued.length });
  for (const input of queued) {
    if (slot.status !== "up") break;
    host.step(slot, input);
  }
  host.rescheduleTimer(slot);
  return true;
}
