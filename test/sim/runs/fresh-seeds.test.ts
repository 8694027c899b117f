// A time-budgeted batch of fresh seeds: derived from RUNNEL_SIM_SEED when CI sets it, else from
// today's date, so every day explores new seeds (and a failure names its replay command). All
// faults on, settings drawn per seed. The budget bounds the count and the wall time; the
// assertion is only that every seed that ran passed.

import { performance } from "node:perf_hooks";
import { describe, expect, it } from "vitest";
import { formatSeed } from "../../../sim/prng.ts";
import { scenario } from "../../../sim/scenario.ts";
import { dateBase, freshSeeds, runSeed } from "../../../sim/seeds.ts";

const seedsMax = 24;
const budgetMs = 50_000;

describe("fresh seeds", () => {
  it("pass, as many as fit in the budget", () => {
    const fromEnv = process.env.RUNNEL_SIM_SEED;
    const base = fromEnv === undefined ? dateBase(new Date()) : BigInt(fromEnv);
    const started = performance.now();
    const failures: string[] = [];
    let ran = 0;
    for (const seed of freshSeeds(base, seedsMax)) {
      if (ran > 0 && performance.now() - started > budgetMs) break;
      const report = runSeed(scenario(seed, { durationMs: 30_000, drawSettings: true }));
      ran++;
      if (!report.ok)
        failures.push(
          `${formatSeed(seed)} ${report.failureKind}: ${report.message}\n  ${report.replay}`,
        );
    }
    expect(failures, `base ${base} (set RUNNEL_SIM_SEED=${base} to run these again)`).toEqual([]);
    expect(ran).toBeGreaterThan(0);
  });
});
