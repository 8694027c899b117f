// `runnel sim --nodes N`: the arguments a cluster run takes (bad ones are refused with a reason),
// and one short run through the command's own entry, proven deterministic by its own check.

import { describe, expect, it } from "vitest";
import { parseClusterCli, runClusterSim, wantsCluster } from "../../sim/cluster-cli.ts";

describe("runnel sim --nodes", () => {
  it("routes --nodes above 1 to the cluster", () => {
    expect(wantsCluster(["--seed", "1", "--nodes", "3"])).toBe(true);
    expect(wantsCluster(["--seed", "1", "--nodes", "1"])).toBe(false);
    expect(wantsCluster(["--seed", "1"])).toBe(false);
  });

  it("builds one scenario per seed of a range, with the scenario flags applied", () => {
    const parsed = parseClusterCli([
      "--seeds",
      "5..7",
      "--nodes",
      "5",
      "--duration",
      "20s",
      "--unclean",
      "--jobs",
      "2",
    ]);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.scenarios.map((s) => s.seed)).toEqual([5n, 6n, 7n]);
    expect(parsed.value.scenarios.every((s) => s.nodes === 5 && s.unclean)).toBe(true);
    expect(parsed.value.scenarios[0]?.durationMs).toBe(20_000);
    expect(parsed.value.jobs).toBe(2);
    expect(parsed.value.batch).toBe(true);
  });

  it.each([
    [["--seed", "1", "--nodes", "2"], "3 to 9 brokers"],
    [["--seed", "1", "--nodes", "three"], "3 to 9 brokers"],
    [["--seed", "x", "--nodes", "3"], "--seed"],
    [["--seeds", "1..3", "--nodes", "3", "--trace", "t.ndjson"], "--trace"],
    [["--seed", "1", "--nodes", "3", "--jobs", "0"], "--jobs"],
    [["--seed", "1", "--nodes", "3", "--frobnicate"], "unknown argument --frobnicate"],
  ])("refuses %j with a reason", (argv, reason) => {
    const parsed = parseClusterCli(argv);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(reason);
  });

  it("runs a seed, checks it twice for determinism and prints its result", async () => {
    const lines: string[] = [];
    const code = await runClusterSim(
      ["--seed", "3", "--nodes", "3", "--duration", "8s", "--check-determinism", "--quiet"],
      (line = "") => lines.push(line),
      "test",
    );
    const text = lines.join("\n");
    expect(text).toMatch(/^ok seed 0x0+3: /m);
    expect(text).not.toContain("FAILED");
    expect(code).toBe(0);
  });
});
