// Cluster run arguments: the replay arguments clusterArgs prints parse back to the same scenario
// (the workload kind included), and bad values are refused with the argument named.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { parseClusterArgs } from "../../sim/cluster-args.ts";
import { clusterArgs, clusterScenario } from "../../sim/cluster-scenario.ts";

describe("cluster arguments", () => {
  test.prop([
    fc.record({
      seed: fc.bigInt({ min: 0n, max: 1n << 40n }),
      nodes: fc.constantFrom(3, 5),
      durationMs: fc.integer({ min: 1_000, max: 120_000 }),
      profile: fc.constantFrom("light" as const, "heavy" as const),
      workload: fc.constantFrom("default" as const, "groups" as const, "idempotent" as const),
      partitions: fc.integer({ min: 1, max: 12 }),
      unclean: fc.boolean(),
    }),
  ])("the replay arguments recreate the scenario", (r) => {
    const { seed, ...rest } = r;
    const s = clusterScenario(seed, rest);
    const parsed = parseClusterArgs(["--seed", String(seed), ...clusterArgs(s)]);
    expect(parsed.ok && parsed.value.scenarios).toEqual([s]);
  });

  it("refuses an unknown workload", () => {
    const parsed = parseClusterArgs(["--seed", "1", "--nodes", "3", "--workload", "transactions"]);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? "" : parsed.error).toContain("--workload");
  });
});
