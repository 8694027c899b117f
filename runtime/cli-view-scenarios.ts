// Generates the teaching scenarios' traces at build time by running the simulator's replicated
// cluster from each scenario's seed, settings and fault schedule (viewer/scenarios/catalog.json).
// Invariant: a scenario's trace is always the simulator's own output, never drawn by hand; a
// scenario whose simulator features are missing is listed as waiting, with what it waits for.

import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildClusterRun } from "../sim/cluster-run.ts";
import { type ClusterScenario, clusterScenario } from "../sim/cluster-scenario.ts";
import { FileSink, TraceWriter } from "../sim/trace-writer.ts";

export interface ScenarioDefinition {
  readonly id: string;
  readonly title: string;
  readonly seed: string;
  /** The cluster run (sim/cluster-scenario.ts overrides); null while the simulator cannot run it. */
  readonly cluster: Partial<Omit<ClusterScenario, "seed">> | null;
  /** Simulator features the scenario needs (see `simulatorFeatures`). */
  readonly requires: readonly string[];
}

export interface ScenarioIndexEntry {
  readonly id: string;
  readonly title: string;
  readonly seed: string;
  /** The trace file relative to the scenarios folder, or null while waiting. */
  readonly trace: string | null;
  readonly waitingFor: readonly string[];
}

const catalogPath = fileURLToPath(new URL("../viewer/scenarios/catalog.json", import.meta.url));

export function scenarioCatalog(): ScenarioDefinition[] {
  return JSON.parse(readFileSync(catalogPath, "utf8")) as ScenarioDefinition[];
}

/** What the simulator can run today; a scenario runs once everything it requires is here. */
export const simulatorFeatures: ReadonlySet<string> = new Set<string>([
  "replicated-cluster",
  // The cluster's `groups` workload: consumers in consumer groups (classic protocol).
  "consumer-groups",
]);

/** The repository's commit (short), or "unknown" outside a git checkout. */
export function currentCommit(): string {
  const git = spawnSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" });
  return git.status === 0 ? git.stdout.trim() : "unknown";
}

export interface GeneratedScenario {
  readonly id: string;
  readonly ok: boolean;
  readonly events: number;
}

/**
 * Runs one scenario's cluster into `<dir>/<id>.ndjson`, up to the end of its workload: the story is
 * told by then, and the final reads and checks that follow would only make the trace longer.
 */
export function generateScenario(
  scenario: ScenarioDefinition,
  dir: string,
  commit = currentCommit(),
): GeneratedScenario {
  if (scenario.cluster === null) throw new Error(`scenario ${scenario.id} has no cluster run yet`);
  const settings = clusterScenario(BigInt(scenario.seed), scenario.cluster);
  const trace = new TraceWriter({ sink: new FileSink(join(dir, `${scenario.id}.ndjson`)) });
  try {
    const ok = buildClusterRun(settings, { trace, commit }).world.runUntil(settings.durationMs);
    return { id: scenario.id, ok, events: trace.lineCount - 1 };
  } finally {
    trace.close();
  }
}

/** Writes `<dir>/index.json` and a trace per runnable scenario; returns what was generated. */
export function generateScenarioTraces(dir: string, only?: readonly string[]): GeneratedScenario[] {
  mkdirSync(dir, { recursive: true });
  const index: ScenarioIndexEntry[] = [];
  const generated: GeneratedScenario[] = [];
  const commit = currentCommit();
  for (const scenario of scenarioCatalog()) {
    const waitingFor = scenario.requires.filter((feature) => !simulatorFeatures.has(feature));
    const runnable = waitingFor.length === 0 && scenario.cluster !== null;
    const wanted = only === undefined || only.includes(scenario.id);
    if (runnable && wanted) generated.push(generateScenario(scenario, dir, commit));
    const trace = runnable && wanted ? `${scenario.id}.ndjson` : null;
    index.push({ id: scenario.id, title: scenario.title, seed: scenario.seed, trace, waitingFor });
  }
  writeFileSync(join(dir, "index.json"), JSON.stringify(index, null, 2));
  return generated;
}
