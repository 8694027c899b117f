// Applies one scheduled fault to the world. Invariant: every fault is safe in any state — one that
// cannot apply (restart of a running node, heal of an unknown partition) is skipped with a reason,
// never an error, so any subset of a schedule (what a shrinker produces) is a valid run.

import { assertNever } from "../core/assert.ts";
import type { DiskOp } from "../core/disk.ts";
import type { DiskOpId, NodeId } from "../core/ids.ts";
import type { Fault } from "./faults.ts";
import { crash, type NodeSlot, type ProcessHost, pause, restart, resume, wipe } from "./process.ts";

export interface FaultHost extends ProcessHost {
  /** Schedules a disk completion (re-timed ones after a stall changed; older events go stale). */
  diskDoneAt(slot: NodeSlot, at: number, id: DiskOpId, op: DiskOp): void;
  slot(node: NodeId): NodeSlot | undefined;
  /** Nodes that are simulated clients (healed with the core at stabilize). */
  readonly clients: readonly NodeId[];
  enterQuiet(core: readonly NodeId[]): void;
}

/** Applies `fault`; returns why it was skipped, or undefined when it took effect. */
export function applyFault(host: FaultHost, fault: Fault): string | undefined {
  switch (fault.type) {
    case "crash":
    case "restart":
    case "wipe":
    case "pause":
    case "resume":
      return processFault(host, fault);
    case "partition":
      return host.network.links.partition(fault.id, fault.sides, fault.oneWay)
        ? reblock(host)
        : "partition id already active";
    case "heal":
      return host.network.links.heal(fault.id) ? reblock(host) : "no such partition";
    case "clog":
      host.network.links.clog(fault.from, fault.to);
      return reblock(host);
    case "unclog":
      return host.network.links.unclog(fault.from, fault.to) ? reblock(host) : "link not clogged";
    case "break":
      return host.network.breakAll(fault.a, "broken by fault", fault.b ?? undefined) > 0
        ? undefined
        : "no connection to break";
    case "slow":
      host.network.links.setSlow(fault.from, fault.to, fault.factor);
      return undefined;
    case "bandwidth":
      host.network.links.setBandwidth(fault.from, fault.to, fault.bytesPerMs);
      return undefined;
    case "clock-jump":
    case "clock-rate":
      return clockFault(host, fault);
    case "disk-stall":
    case "disk-errors":
      return diskFault(host, fault);
    case "stabilize":
      return stabilize(host, fault.core);
    default:
      return assertNever(fault, "fault");
  }
}

function reblock(host: FaultHost): undefined {
  host.network.reblock();
  return undefined;
}

function processFault(
  host: FaultHost,
  fault: Extract<Fault, { type: "crash" | "restart" | "wipe" | "pause" | "resume" }>,
): string | undefined {
  const slot = host.slot(fault.node);
  if (slot === undefined) return "unknown node";
  switch (fault.type) {
    case "crash":
      return crash(host, slot) ? undefined : "already down";
    case "restart":
      return restart(host, slot) ? undefined : "already running";
    case "wipe":
      wipe(host, slot);
      return undefined;
    case "pause":
      return pause(host, slot) ? undefined : `not running (${slot.status})`;
    case "resume":
      return resume(host, slot) ? undefined : `not paused (${slot.status})`;
    default:
      return assertNever(fault, "process fault");
  }
}

function clockFault(
  host: FaultHost,
  fault: Extract<Fault, { type: "clock-jump" | "clock-rate" }>,
): string | undefined {
  const slot = host.slot(fault.node);
  if (slot === undefined) return "unknown node";
  if (fault.type === "clock-jump") slot.clock.jump(host.now, fault.deltaMs);
  else slot.clock.setRate(host.now, fault.rate);
  host.trace(slot.id, { type: "clock", local: slot.local(host.now), rate: slot.clock.rate });
  // The pending timer was converted with the old clock: convert it again.
  slot.cancelTimer();
  host.rescheduleTimer(slot);
  return undefined;
}

function diskFault(
  host: FaultHost,
  fault: Extract<Fault, { type: "disk-stall" | "disk-errors" }>,
): string | undefined {
  const slot = host.slot(fault.node);
  if (slot === undefined) return "unknown node";
  if (fault.type === "disk-stall") setStall(host, slot, fault.factor);
  else slot.disk.setErrors(fault.mode);
  return undefined;
}

/** A stall changes the speed of the operations already queued too (their events are re-timed). */
function setStall(host: FaultHost, slot: NodeSlot, factor: number): void {
  for (const c of slot.disk.setStall(factor, host.now)) host.diskDoneAt(slot, c.doneAt, c.id, c.op);
}

/** The end of the fault phase: the core and the clients come back and talk freely. */
function stabilize(host: FaultHost, core: readonly NodeId[]): string | undefined {
  const healed = [...core, ...host.clients];
  for (const node of healed) {
    const slot = host.slot(node);
    if (slot === undefined) return `unknown node ${node}`;
    for (const c of slot.disk.endFaults(host.now)) host.diskDoneAt(slot, c.doneAt, c.id, c.op);
  }
  host.network.links.exempt(healed);
  host.network.reblock();
  host.enterQuiet(core);
  for (const node of healed) {
    const slot = host.slot(node)!;
    if (slot.status === "paused") resume(host, slot);
    else if (slot.status === "down") restart(host, slot);
  }
  return undefined;
}
