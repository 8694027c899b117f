// Generates the teaching scenarios' traces at build time by running the simulator from each
// scenario's seed and configuration (viewer/scenarios/catalog.json). Invariant: a scenario's trace
// is always the simulator's own output, never drawn by hand; a scenario whose simulator features
// are missing is listed as waiting, with what it waits for.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface ScenarioDefinition {
  readonly id: string;
  readonly title: string;
  readonly seed: string;
  readonly config: Readonly<Record<string, unknown>>;
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
export const simulatorFeatures: ReadonlySet<string> = new Set<string>([]);

/** Writes `<dir>/index.json` and a trace per runnable scenario; returns the ids generated. */
export function generateScenarioTraces(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const index: ScenarioIndexEntry[] = [];
  const generated: string[] = [];
  for (const scenario of scenarioCatalog()) {
    const waitingFor = scenario.requires.filter((feature) => !simulatorFeatures.has(feature));
    index.push({
      id: scenario.id,
      title: scenario.title,
      seed: scenario.seed,
      trace: null,
      waitingFor,
    });
  }
  writeFileSync(join(dir, "index.json"), JSON.stringify(index, null, 2));
  return generated;
}
