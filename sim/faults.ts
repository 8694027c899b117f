// The fault vocabulary of the simulator: every fault the world can apply, the timed schedule that
// drives a run, and the fault model (what the system under test claims to survive). Every fault is
// idempotent-safe to apply in any subset or order, so a shrinker can drop schedule entries freely.

import { assertNever } from "../core/assert.ts";
import type { NodeId } from "../core/ids.ts";

export type PartitionShape = "isolate" | "halves" | "random";

export type Fault =
  /** The process dies: unsynced disk data may be lost, in-flight work and connections vanish. */
  | { readonly type: "crash"; readonly node: NodeId }
  /** A new process object starts on the surviving disk (no-op when the node is running). */
  | { readonly type: "restart"; readonly node: NodeId }
  /** Crash if running, replace the disk with an empty one, start again (wipe-and-rejoin). */
  | { readonly type: "wipe"; readonly node: NodeId }
  /** No inputs, no timers; the clock keeps running (GC pause, VM freeze, SIGSTOP). */
  | { readonly type: "pause"; readonly node: NodeId }
  | { readonly type: "resume"; readonly node: NodeId }
  /**
   * Messages from sides[0] to sides[1] stop (and back, unless oneWay). Held messages are released
   * when healed; connections still partitioned after the network's break delay are broken.
   */
  | {
      readonly type: "partition";
      readonly id: number;
      readonly shape: PartitionShape;
      readonly oneWay: boolean;
      readonly sides: readonly [readonly NodeId[], readonly NodeId[]];
    }
  | { readonly type: "heal"; readonly id: number }
  /** Messages on the directed link queue up (nothing breaks) until unclogged; clogs nest. */
  | { readonly type: "clog"; readonly from: NodeId; readonly to: NodeId }
  | { readonly type: "unclog"; readonly from: NodeId; readonly to: NodeId }
  /** Breaks the connections of `a` (with `b` only, when given): in-flight messages are lost. */
  | { readonly type: "break"; readonly a: NodeId; readonly b: NodeId | null }
  /** Multiplies the latency of a directed link (1 restores it). */
  | { readonly type: "slow"; readonly from: NodeId; readonly to: NodeId; readonly factor: number }
  /** Limits a directed link to `bytesPerMs` (null lifts the limit). */
  | {
      readonly type: "bandwidth";
      readonly from: NodeId;
      readonly to: NodeId;
      readonly bytesPerMs: number | null;
    }
  /** Steps a node's clock (negative steps go back). */
  | { readonly type: "clock-jump"; readonly node: NodeId; readonly deltaMs: number }
  /** Sets a node's clock rate (local ms per true ms). */
  | { readonly type: "clock-rate"; readonly node: NodeId; readonly rate: number }
  /** Multiplies a node's disk latency (1 restores it). */
  | { readonly type: "disk-stall"; readonly node: NodeId; readonly factor: number }
  /** A disk episode: every operation fails with EIO, or writes fail with ENOSPC, or none. */
  | { readonly type: "disk-errors"; readonly node: NodeId; readonly mode: DiskErrorMode }
  /**
   * End of the fault phase: restart and resume the core, heal the network among the core and the
   * clients, restore their links and disks. Faults outside the core stay as they are.
   */
  | { readonly type: "stabilize"; readonly core: readonly NodeId[] };

export type FaultType = Fault["type"];
export type DiskErrorMode = "none" | "eio" | "enospc";

export interface ScheduledFault {
  readonly atMs: number;
  readonly fault: Fault;
}

/**
 * What the swarm may switch on, one name per dimension. Static kinds shape the whole run
 * (latency tails, skew, disk fault probabilities); the others are episodes on the schedule.
 */
export const faultKinds = [
  "crash",
  "wipe",
  "pause",
  "partition-isolate",
  "partition-halves",
  "partition-random",
  "partition-one-way",
  "clog",
  "clog-swizzle",
  "connection-break",
  "slow-link",
  "bandwidth",
  "latency-tail",
  "clock-skew",
  "clock-drift",
  "clock-jump-forward",
  "clock-jump-backward",
  "disk-latency-spike",
  "disk-stall",
  "disk-torn-write",
  "disk-unsynced-file-vanish",
  "disk-read-corruption",
  "disk-bit-rot",
  "disk-sync-failure",
  "disk-io-error",
  "disk-eio-burst",
  "disk-full",
] as const;

export type FaultKind = (typeof faultKinds)[number];

/**
 * The fault contract the swarm honours: only these kinds are drawn, and never more than these
 * many servers are down or paused at once. A checker failure outside it would be a false alarm.
 */
export interface FaultModel {
  readonly kinds: readonly FaultKind[];
  /** Servers crashed or wiped at the same time. */
  readonly maxServersDown: number;
  /** Servers paused at the same time. */
  readonly maxServersPaused: number;
  /** Whether simulated clients may be crashed, paused and partitioned too. */
  readonly clientFaults: boolean;
}

/** Everything on; at most a minority of servers down or paused at once; clients spared. */
export function defaultFaultModel(servers: number): FaultModel {
  const minority = Math.max(0, Math.floor((servers - 1) / 2));
  return {
    kinds: faultKinds,
    maxServersDown: minority,
    maxServersPaused: minority,
    clientFaults: false,
  };
}

/** One line per fault, for reports and the schedule printout. */
export function describeFault(fault: Fault): string {
  switch (fault.type) {
    case "crash":
    case "restart":
    case "wipe":
    case "pause":
    case "resume":
      return `${fault.type} ${fault.node}`;
    case "partition": {
      const arrow = fault.oneWay ? "-/->" : "<-/->";
      const [a, b] = fault.sides;
      return `partition#${fault.id} ${fault.shape} [${a.join(",")}] ${arrow} [${b.join(",")}]`;
    }
    case "heal":
      return `heal#${fault.id}`;
    case "clog":
    case "unclog":
      return `${fault.type} ${fault.from}->${fault.to}`;
    case "break":
      return `break ${fault.a}${fault.b === null ? " (all)" : `<->${fault.b}`}`;
    case "slow":
      return `slow ${fault.from}->${fault.to} x${fault.factor}`;
    case "bandwidth":
      return `bandwidth ${fault.from}->${fault.to} ${fault.bytesPerMs ?? "unlimited"} B/ms`;
    case "clock-jump":
      return `clock-jump ${fault.node} ${fault.deltaMs >= 0 ? "+" : ""}${fault.deltaMs}ms`;
    case "clock-rate":
      return `clock-rate ${fault.node} ${fault.rate}`;
    case "disk-stall":
      return `disk-stall ${fault.node} x${fault.factor}`;
    case "disk-errors":
      return `disk-errors ${fault.node} ${fault.mode}`;
    case "stabilize":
      return `stabilize core [${fault.core.join(",")}]`;
    default:
      return assertNever(fault, "fault");
  }
}
