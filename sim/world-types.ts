// The world's public types: how a run is configured, what checkers see of it, and what a run
// returns. Kept apart from world.ts so that checkers and tools can import them without the loop.

import type { NodeId } from "../core/ids.ts";
import type { InputType, NodeView } from "../core/node.ts";
import type { FaultModel, ScheduledFault } from "./faults.ts";
import type { SizeOf } from "./network-payload.ts";
import type { DrawLog, Seed, SimRng } from "./prng.ts";
import type { NodeSpec, ProcessStatus } from "./process.ts";
import type { DiskParams, SwarmOverrides, SwarmParams } from "./swarm.ts";
import type { FailureKind } from "./trace-format.ts";
import type { TraceObserver, TraceWriter } from "./trace-writer.ts";
import type { WorldDisk } from "./world-disk.ts";

export type ClockMode = "monotonic" | "raw";

/** Where a run's faults come from. */
export type FaultPlan =
  /** Drawn from the seed within the fault model (the default). */
  | { readonly mode: "swarm"; readonly overrides?: SwarmOverrides }
  /** A calm world: no faults, no skew, fast disks. */
  | { readonly mode: "none" }
  /** Exactly this schedule (a shrunk or hand-written one), on calm or given weather. */
  | {
      readonly mode: "explicit";
      readonly schedule: readonly ScheduledFault[];
      readonly params?: SwarmParams;
    };

export interface DiskContext {
  readonly node: NodeId;
  readonly rng: SimRng;
  /** The swarm's disk parameters for this node (calm ones for clients). */
  readonly params: DiskParams;
}

export type DiskFactory = (context: DiskContext) => WorldDisk;

/** What global invariants and final checks see: a read-only window on the world. */
export interface WorldView {
  /** True simulated time (ms). */
  readonly now: number;
  /** "quiet" after the schedule's stabilize (from the start in a calm run). */
  readonly phase: "faults" | "quiet";
  readonly nodeIds: readonly NodeId[];
  status(node: NodeId): ProcessStatus;
  /** The current process's view, or undefined while the node is down. */
  view(node: NodeId): NodeView | undefined;
  /** The node's own clock reading now. */
  localNow(node: NodeId): number;
  /** The step just taken (undefined before the first). */
  readonly lastStep: { readonly node: NodeId; readonly input: InputType } | undefined;
  /**
   * Whether the node's disk still has a truncate, delete or rename under `folder` queued: until it
   * completes, the disk shows bytes the process has already let go of.
   */
  diskShrinkPending(node: NodeId, folder: string): boolean;
}

/** A check across nodes; returns (or throws) a message when violated. */
export interface WorldCheck {
  readonly name: string;
  check(view: WorldView): string | undefined;
}

export interface WorldConfig {
  readonly seed: Seed;
  readonly nodes: readonly NodeSpec[];
  /** Simulated time bound (true ms). */
  readonly durationMs: number;
  /** Event bound: deliveries, timers, disk completions, faults. */
  readonly maxEvents: number;
  /** Length of the fault phase; the quiet phase follows. Default: 60% of durationMs. */
  readonly faultPhaseMs?: number;
  readonly faults?: FaultPlan;
  /** Narrows the default fault model (everything on, at most a minority of servers out). */
  readonly faultModel?: Partial<FaultModel>;
  /** Default: sim/disk.ts's SimDisk with the swarm's parameters. */
  readonly createDisk?: DiskFactory;
  /** Message size estimate for bandwidth limits; default: a structural estimate. */
  readonly sizeOf?: SizeOf;
  /** Local clocks read this (plus their skew) at true time 0. */
  readonly clockEpochMs?: number;
  /**
   * "raw" (default): readings go back when the clock jumps back (a wall clock stepped by NTP).
   * "monotonic": a process never reads less than it read before, so a backward jump shows as its
   * clock standing still (a runtime clamping its wall clock); a restarted process starts afresh.
   */
  readonly clockMode?: ClockMode;
  /** Checked after every step. */
  readonly invariants?: readonly WorldCheck[];
  /** Checked once at the end of a run that did not fail (liveness, history checkers). */
  readonly finalChecks?: readonly WorldCheck[];
  /** Default: hash-only, standard level. */
  readonly trace?: TraceWriter;
  /** Called with every trace record as it is written (e.g. to collect client histories). */
  readonly observers?: readonly TraceObserver[];
  /** Record or check every named draw. */
  readonly draws?: DrawLog;
  /** The commit under test, written into the trace header. */
  readonly commit?: string;
  /** Arguments after `--seed 0x…` that recreate this configuration on the command line. */
  readonly replayArgs?: string;
  /** Extra JSON-safe description of the scenario for the trace header. */
  readonly scenario?: unknown;
}

export interface SimFailure {
  readonly kind: FailureKind;
  readonly message: string;
  readonly node?: NodeId;
  /** True time and trace sequence number at which it was detected. */
  readonly t: number;
  readonly seq: number;
  readonly seed: string;
  /** The one command that replays this run exactly. */
  readonly replay: string;
  readonly stack?: string;
}

export type StopReason = "idle" | "duration" | "max-events" | "failure";

export interface RunStats {
  readonly events: number;
  readonly simulatedMs: number;
  readonly stopReason: StopReason;
  readonly traceHash: string;
  readonly traceLines: number;
  readonly faultsApplied: number;
  readonly faultsSkipped: number;
}

export type RunResult =
  | { readonly ok: true; readonly stats: RunStats }
  | { readonly ok: false; readonly failure: SimFailure; readonly stats: RunStats };
