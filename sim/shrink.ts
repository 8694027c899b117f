// Shrinking a failing seed to a minimal case (`runnel sim --seed X --shrink`): the seed's drawn
// fault schedule and its workload become an explicit case on the same weather — which replays the
// very same run — and fast-check shrinks it while it still fails the same way (same failure kind
// and checker), within a budget of runs. The result prints as one command and a test snippet.

import fc from "fast-check";
import { failureKindOf } from "./cli-report.ts";
import type { FaultKind } from "./faults.ts";
import { formatSeed } from "./prng.ts";
import { buildRun, seedOps } from "./runs/build.ts";
import { drawFaults } from "./runs/fault-plan.ts";
import { adminId, brokerId, clientNodes, layoutOf } from "./runs/layout.ts";
import { runParts, type SimOutcome } from "./runs/run.ts";
import { replayCommand, type SimScenario } from "./scenario.ts";
import { formatFault } from "./scenario-faults.ts";
import { caseSize, type ShrinkCase, ShrinkCaseArbitrary } from "./shrink-case.ts";
import { staticKinds } from "./swarm.ts";

function faultsOf(s: SimScenario) {
  const layout = layoutOf(s);
  const faults = drawFaults(s.seed, s.faults, s.weatherOff, {
    broker: brokerId,
    clients: [adminId, ...clientNodes(layout)],
    faultPhaseMs: layout.faultPhaseMs,
  });
  return { layout, faults };
}

/** The explicit case that replays `s` exactly: its drawn schedule and its client operations. */
export function caseOf(s: SimScenario): ShrinkCase {
  const { layout, faults } = faultsOf(s);
  return { schedule: faults.schedule, ops: s.ops ?? seedOps(s, layout), weatherOff: s.weatherOff };
}

/** The static kinds switched on in the seed's weather (what switching off can remove). */
export function weatherOn(s: SimScenario): FaultKind[] {
  const kinds = faultsOf(s).faults.params.kinds;
  return [...staticKinds].filter((k) => kinds[k] !== null);
}

/** `s` with the case's faults, operations and static kinds instead of the seed's. */
export function scenarioOf(s: SimScenario, c: ShrinkCase): SimScenario {
  const kinds =
    s.faults.mode === "kinds" || s.faults.mode === "explicit" ? s.faults.kinds : undefined;
  const faults =
    s.faults.mode === "none"
      ? s.faults
      : {
          mode: "explicit" as const,
          schedule: c.schedule,
          ...(kinds === undefined ? {} : { kinds }),
        };
  return { ...s, faults, ops: c.ops, weatherOff: c.weatherOff };
}

/** What "the same failure" means while shrinking: kind and checker (and anomaly class). */
export function failureSignature(outcome: SimOutcome): string | undefined {
  const f = outcome.failure;
  return f === undefined ? undefined : failureKindOf(f.kind, f.message);
}

export interface ShrinkOptions {
  /** Simulation runs the shrinker may spend (each is a whole run). */
  readonly budget: number;
  readonly log?: (line: string) => void;
}

export interface ShrinkResult {
  readonly original: ShrinkCase;
  readonly minimal: ShrinkCase;
  readonly scenario: SimScenario;
  readonly signature: string | undefined;
  readonly runs: number;
  readonly report: string[];
}

/** Shrinks an arbitrary failing `start` case of `s` (or the seed's own case). */
export function shrinkScenario(
  s: SimScenario,
  options: ShrinkOptions,
  start: ShrinkCase = caseOf(s),
): ShrinkResult {
  const log = options.log ?? (() => {});
  const first = runParts(buildRun(scenarioOf(s, start)));
  const signature = failureSignature(first);
  let runs = 1;
  let best = start;
  if (signature === undefined) {
    return {
      original: start,
      minimal: start,
      scenario: scenarioOf(s, start),
      signature,
      runs,
      report: ["the case does not fail: nothing to shrink"],
    };
  }
  log(`failing as ${signature}; ${caseSize(start)}`);
  const arbitrary = new ShrinkCaseArbitrary(() => start, weatherOn(s));
  const property = fc.property(arbitrary, (c) => {
    if (runs >= options.budget) return true; // out of budget: keep the smallest failure found
    runs++;
    const failed = failureSignature(runParts(buildRun(scenarioOf(s, c)))) === signature;
    if (failed) {
      best = c;
      log(`run ${runs}: still fails with ${caseSize(c)}`);
    }
    return !failed;
  });
  fc.check(property, { numRuns: 1, examples: [[start]], endOnFailure: false });
  const scenario = scenarioOf(s, best);
  return {
    original: start,
    minimal: best,
    scenario,
    signature,
    runs,
    report: describeShrink(s, start, best, scenario, signature, runs),
  };
}

function describeShrink(
  s: SimScenario,
  original: ShrinkCase,
  minimal: ShrinkCase,
  scenario: SimScenario,
  signature: string | undefined,
  runs: number,
): string[] {
  const command = replayCommand(scenario);
  return [
    `shrunk in ${runs} runs: ${caseSize(original)} -> ${caseSize(minimal)} (still ${signature})`,
    "minimal schedule:",
    ...minimal.schedule.map((f) => `  ${f.atMs} ms: ${formatFault(f.fault)}`),
    `client ops: ${minimal.ops.length}`,
    "replay:",
    `  ${command}`,
    "test snippet (test/sim/runs/…):",
    `  it("seed ${formatSeed(s.seed)} shrunk: ${signature}", () => {`,
    `    const report = runSeed(scenarioFromCommand(${JSON.stringify(command)}));`,
    "    expect(report.ok, report.message).toBe(true);",
    "  });",
  ];
}
