// One simulated run of a single broker with simulated clients, as data: seed, workload profile,
// durability settings, fault selection. Invariant: the scenario plus the commit determine the run
// byte for byte, and `scenarioArgs` prints exactly the arguments that recreate it.

import { assert } from "../core/assert.ts";
import { FsyncBeforeAck } from "../core/broker/config.ts";
import { type WorkloadKind, workloadKinds } from "../core/client/workload-kinds.ts";
import { type FaultKind, faultKinds, type ScheduledFault } from "./faults.ts";
import { formatSeed, type Seed } from "./prng.ts";
import { formatSchedule } from "./scenario-faults.ts";
import { formatOps, type PlannedOp } from "./scenario-ops.ts";

export type AcksSetting = "all" | "1" | "0";
export type ProfileName = "light" | "heavy";

/** Where the run's faults come from. */
export type FaultSelection =
  /** Every kind the single-broker contract covers, drawn per seed (swarm testing). */
  | { readonly mode: "swarm" }
  /** Swarm testing over these kinds only. */
  | { readonly mode: "kinds"; readonly kinds: readonly FaultKind[] }
  /** A calm run. */
  | { readonly mode: "none" }
  /**
   * Exactly this schedule on the seed's drawn weather (a shrunk or hand-written case); `kinds`
   * narrows the weather as `--faults` did for the run the schedule came from.
   */
  | {
      readonly mode: "explicit";
      readonly schedule: readonly ScheduledFault[];
      readonly kinds?: readonly FaultKind[];
    };

export interface SimScenario {
  readonly seed: Seed;
  /** Brokers; only 1 until the cluster arrives. */
  readonly nodes: number;
  /** How long the workload runs (ms); faults strike in its first 60%, then the broker is healed. */
  readonly durationMs: number;
  readonly profile: ProfileName;
  /** default: Jepsen's assign workload; groups: consumer groups; idempotent: idempotent producers. */
  readonly workload: WorkloadKind;
  readonly acks: AcksSetting;
  /** runnel.fsync.before.ack. */
  readonly fsync: FsyncBeforeAck;
  /** Topic flush.messages; null: never. */
  readonly flushMessages: number | null;
  /** Topic flush.ms; null: never. */
  readonly flushMs: number | null;
  /** Draw acks, fsync and flush settings from the seed instead (overrides the four above). */
  readonly drawSettings: boolean;
  readonly partitions: number;
  readonly faults: FaultSelection;
  /** Static (weather) kinds forced off, e.g. by the shrinker. */
  readonly weatherOff: readonly FaultKind[];
  /** The client operations, when not the seed's own workload (shrunk or hand-written). */
  readonly ops: readonly PlannedOp[] | null;
  /** Test-only: the planted bug (sim/canary.ts) fires on canary seeds. */
  readonly canary: boolean;
  /** Simulated time the final reads may take before the run is a liveness failure (ms). */
  readonly livenessBoundMs: number;
}

export const defaultScenario: Omit<SimScenario, "seed"> = {
  nodes: 1,
  durationMs: 60_000,
  profile: "light",
  workload: "default",
  acks: "all",
  fsync: FsyncBeforeAck.acksAll,
  flushMessages: null,
  flushMs: null,
  drawSettings: false,
  partitions: 6,
  faults: { mode: "swarm" },
  weatherOff: [],
  ops: null,
  canary: false,
  livenessBoundMs: 30_000,
};

export function scenario(seed: Seed, overrides: Partial<Omit<SimScenario, "seed">> = {}) {
  const s: SimScenario = { seed, ...defaultScenario, ...overrides };
  checkScenario(s);
  return s;
}

export function checkScenario(s: SimScenario): void {
  assert(s.nodes === 1, "only one broker is simulated until the cluster arrives");
  assert(s.durationMs >= 1_000 && Number.isSafeInteger(s.durationMs), "duration >= 1 s");
  assert(s.partitions >= 1 && s.partitions <= 64, `partitions ${s.partitions}`);
  assert(s.flushMessages === null || s.flushMessages >= 1, "flush.messages >= 1");
  assert(s.flushMs === null || s.flushMs >= 0, "flush.ms >= 0");
  assert(s.livenessBoundMs >= 1_000, "liveness bound >= 1 s");
  assert(workloadKinds.includes(s.workload), `unknown workload ${s.workload}`);
  for (const kind of s.weatherOff) assert(faultKinds.includes(kind), `unknown kind ${kind}`);
}

function kindsText(selection: FaultSelection): string | undefined {
  switch (selection.mode) {
    case "swarm":
      return undefined;
    case "none":
      return "none";
    case "kinds":
      return selection.kinds.join(",");
    case "explicit":
      return selection.kinds?.join(",");
  }
}

const quote = (text: string) => (/^[\w.,:=@/+-]+$/.test(text) ? text : `'${text}'`);

/** The command-line arguments (after `--seed 0x…`) that recreate `s`: every non-default one. */
export function scenarioArgs(s: SimScenario): string[] {
  const d = defaultScenario;
  const args: string[] = [];
  if (s.durationMs !== d.durationMs) args.push("--duration", `${s.durationMs}ms`);
  if (s.profile !== d.profile) args.push("--profile", s.profile);
  if (s.workload !== d.workload) args.push("--workload", s.workload);
  if (s.drawSettings) args.push("--draw-settings");
  else {
    if (s.acks !== d.acks) args.push("--acks", s.acks);
    if (s.fsync !== d.fsync) args.push("--fsync", s.fsync);
    if (s.flushMessages !== d.flushMessages) args.push("--flush-messages", `${s.flushMessages}`);
    if (s.flushMs !== d.flushMs) args.push("--flush-ms", `${s.flushMs}`);
  }
  if (s.partitions !== d.partitions) args.push("--partitions", `${s.partitions}`);
  const faults = kindsText(s.faults);
  if (faults !== undefined) args.push("--faults", faults);
  if (s.faults.mode === "explicit")
    args.push("--schedule", quote(formatSchedule(s.faults.schedule)));
  if (s.weatherOff.length > 0) args.push("--weather-off", s.weatherOff.join(","));
  if (s.ops !== null) args.push("--ops", quote(formatOps(s.ops)));
  if (s.livenessBoundMs !== d.livenessBoundMs)
    args.push("--liveness-bound", `${s.livenessBoundMs}ms`);
  if (s.canary) args.push("--canary");
  return args;
}

/** `runnel sim --seed 0x… …`: the one command that replays `s`. */
export function replayCommand(s: SimScenario): string {
  return ["runnel sim --seed", formatSeed(s.seed), ...scenarioArgs(s)].join(" ");
}
