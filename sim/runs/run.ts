// Runs one scenario to its verdict: the fault phase, then (as an operator would) a restart of a
// broker whose logs went offline or whose metadata quorum halted, then the quiet phase, the final
// reads and the final checks. Invariant: the outcome carries the one command that replays the run.

import { performance } from "node:perf_hooks";
import type { BrokerView } from "../../core/broker/broker-view.ts";
import { replayCommand, type SimScenario } from "../scenario.ts";
import type { RunResult, SimFailure } from "../world-types.ts";
import { type BuildOptions, buildRun, type RunParts } from "./build.ts";
import { brokerId } from "./layout.ts";
import { describeSettings } from "./settings.ts";

export interface SimOutcome {
  readonly ok: boolean;
  readonly scenario: SimScenario;
  readonly replay: string;
  readonly failure: SimFailure | undefined;
  readonly result: RunResult;
  readonly stats: OutcomeStats;
}

export interface OutcomeStats {
  readonly events: number;
  readonly simulatedMs: number;
  readonly wallMs: number;
  readonly traceHash: string;
  readonly faultsApplied: number;
  readonly brokerCrashes: number;
  readonly operatorRestarts: number;
  readonly rotted: number;
  readonly canaryFired: number;
  readonly finalReadMs: number | undefined;
  readonly valuesAcked: number;
  readonly valuesRead: number;
  readonly excused: Readonly<Record<string, number>>;
}

/** Runs `parts` (from buildRun) to the end. */
export function runParts(parts: RunParts): SimOutcome {
  const started = performance.now();
  const world = parts.world;
  let operatorRestarts = 0;
  if (
    world.runUntil(parts.layout.faultPhaseMs) &&
    needsOperatorRestart(world.view(brokerId) as BrokerView | undefined)
  ) {
    world.inject({ type: "crash", node: brokerId });
    world.inject({ type: "restart", node: brokerId });
    operatorRestarts++;
  }
  const result = world.run();
  const verdict = parts.verdict();
  const stats: OutcomeStats = {
    events: result.stats.events,
    simulatedMs: result.stats.simulatedMs,
    wallMs: performance.now() - started,
    traceHash: result.stats.traceHash,
    faultsApplied: result.stats.faultsApplied,
    brokerCrashes: parts.watch.brokerCrashes,
    operatorRestarts,
    rotted: parts.disk()?.rotted ?? 0,
    canaryFired: parts.canary?.fired ?? 0,
    finalReadMs: parts.liveness.finalReadMs,
    valuesAcked: verdict?.result.stats.valuesAcked ?? 0,
    valuesRead: verdict?.result.stats.valuesRead ?? 0,
    excused: verdict?.excused ?? {},
  };
  return {
    ok: result.ok,
    scenario: parts.scenario,
    replay: replayCommand(parts.scenario),
    failure: result.ok ? undefined : result.failure,
    result,
    stats,
  };
}

export function runScenario(s: SimScenario, options: BuildOptions = {}): SimOutcome {
  return runParts(buildRun(s, options));
}

/**
 * A log offline after a disk error, one a ready broker never opened (its folder's topic id could
 * not be written), or a halted quorum: each stays so until the process restarts.
 */
function needsOperatorRestart(view: BrokerView | undefined): boolean {
  if (view === undefined) return false;
  if (view.phase === "halted") return true;
  return view.partitions.some(
    (p) => p.status === "offline" || (p.status === "loading" && view.phase === "ready"),
  );
}

/** Everything a run draws and decides, one `key=value` line each (printed at start). */
export function describeParts(parts: RunParts): string[] {
  const s = parts.scenario;
  const w = parts.layout.workload;
  return [
    ...parts.world.describe(),
    `scenario.profile=${s.profile} workload=${s.workload} producers=${w.producers} consumers=${w.consumers} sends/s=${w.sendsPerSecond} polls/s=${w.pollsPerSecond}`,
    `scenario.partitions=${s.partitions} topics=${parts.keyMap
      .topics()
      .map((t) => t.name)
      .join(",")}`,
    `scenario.timeline=workload 0..${s.durationMs}ms, faults until ${parts.layout.faultPhaseMs}ms, final reads at ${parts.layout.finalStartMs}ms, bound ${s.livenessBoundMs}ms`,
    `scenario.ops=${parts.ops.length}${s.ops === null ? " (the seed's workload)" : " (explicit)"}`,
    ...describeSettings(parts.settings),
    `scenario.canary=${parts.canary === undefined ? "off" : "armed"}`,
  ];
}
