// Determinism of whole single-broker runs: each seed and fault mix runs twice in this process and
// the trace hashes must match; a mismatch reports the first divergent trace line and named draw.

import { describe, expect, it } from "vitest";
import { checkDeterminism, describeDeterminism } from "../../../sim/determinism.ts";
import { buildRun } from "../../../sim/runs/build.ts";
import { runParts } from "../../../sim/runs/run.ts";
import { type FaultSelection, scenario } from "../../../sim/scenario.ts";

const mixes: readonly [string, FaultSelection, boolean][] = [
  ["swarm", { mode: "swarm" }, false],
  ["swarm, drawn settings", { mode: "swarm" }, true],
  [
    "crash and disk faults",
    {
      mode: "kinds",
      kinds: ["crash", "disk-torn-write", "disk-sync-failure", "disk-read-corruption"],
    },
    true,
  ],
  [
    "clocks and network",
    {
      mode: "kinds",
      kinds: ["clock-jump-backward", "clock-drift", "clog", "connection-break", "pause"],
    },
    false,
  ],
];

describe("single-broker runs are deterministic", () => {
  it.each(
    mixes.map(([name, faults, draw], i) => [name, faults, draw, BigInt(0x5eed + i)] as const),
  )("%s", (_name, faults, drawSettings, seed) => {
    const s = scenario(seed, { durationMs: 12_000, faults, drawSettings, livenessBoundMs: 15_000 });
    const report = checkDeterminism(
      ({ trace, draws }) => runParts(buildRun(s, { trace, draws })).result,
    );
    expect(report.deterministic, describeDeterminism(report).join("\n")).toBe(true);
    expect(report.lines[0]).toBeGreaterThan(100);
  });
});

describe("the groups and idempotent workloads are deterministic", () => {
  it.each([
    ["groups", 0x6701n],
    ["idempotent", 0x1d01n],
  ] as const)("%s", (workload, seed) => {
    const s = scenario(seed, { durationMs: 12_000, workload, livenessBoundMs: 15_000 });
    const report = checkDeterminism(
      ({ trace, draws }) => runParts(buildRun(s, { trace, draws })).result,
    );
    expect(report.deterministic, describeDeterminism(report).join("\n")).toBe(true);
    expect(report.lines[0]).toBeGreaterThan(100);
  });
});
