// The canary proves failures are still detected: with the test-only flag, every canary seed
// (seed % 100 === 0) fails in the history checker — the planted bug acknowledges records one
// offset off — and every other seed passes, flag or not.

import { describe, expect, it } from "vitest";
import { canaryMark, isCanarySeed } from "../../../sim/canary.ts";
import { scenario } from "../../../sim/scenario.ts";
import { runSeed } from "../../../sim/seeds.ts";

const short = { durationMs: 15_000, canary: true, livenessBoundMs: 15_000 } as const;

describe("the canary", () => {
  it.each([[100n], [0x3e8n], [1234500n]])("fails canary seed %s in the history checker", (seed) => {
    expect(isCanarySeed(seed)).toBe(true);
    const report = runSeed(scenario(seed, short));
    expect(report.stats.canaryFired).toBeGreaterThan(0);
    expect(report.marks.map(([name]) => name)).toContain(canaryMark);
    expect(report.ok).toBe(false);
    expect(report.failureKind).toMatch(
      /^final-check\/history\/(inconsistent-offsets|duplicate|acked-lost|lost-write)$/,
    );
    expect(report.replay).toContain("--canary");
  });

  it.each([[101n], [0x3e9n]])("passes the non-canary seed %s with the flag on", (seed) => {
    const report = runSeed(scenario(seed, short));
    expect(report.stats.canaryFired).toBe(0);
    expect(report.ok, `${report.message}\n${report.replay}`).toBe(true);
  });
});
