// The fixed CI seeds: each once found a bug (or a simulator false alarm) and must pass with every
// fault of the single-broker contract on. A failure prints the one command that replays it.

import { describe, expect, it } from "vitest";
import { formatSeed } from "../../../sim/prng.ts";
import { scenario } from "../../../sim/scenario.ts";
import { ciSeeds, runSeed } from "../../../sim/seeds.ts";

describe("CI seeds (60 s of workload, swarm faults)", () => {
  it.each(ciSeeds.map((c) => [formatSeed(c.seed), c] as const))("%s passes", (_name, ci) => {
    const report = runSeed(scenario(ci.seed, { drawSettings: ci.drawSettings === true }));
    const why = `${report.failureKind}: ${report.message}\n  ${report.replay}\n  (once: ${ci.found})`;
    expect(report.ok, why).toBe(true);
    expect(report.stats.valuesAcked).toBeGreaterThan(0);
  });
});
