// The fixed CI seeds: each once found a bug (or a simulator false alarm) and must pass with every
// fault of the single-broker contract on. A failure prints the one command that replays it. The
// groups and idempotent workloads have their own seeds, chosen for what they exercise.

import { describe, expect, it } from "vitest";
import type { HistoryOp } from "../../../core/client/history.ts";
import { ErrorCode } from "../../../core/error-codes.ts";
import { formatSeed } from "../../../sim/prng.ts";
import { buildRun } from "../../../sim/runs/build.ts";
import { runParts } from "../../../sim/runs/run.ts";
import { resolveSettings } from "../../../sim/runs/settings.ts";
import { scenario } from "../../../sim/scenario.ts";
import { ciSeeds, runSeed } from "../../../sim/seeds.ts";

describe("CI seeds (60 s of workload, swarm faults)", () => {
  it.each(ciSeeds.map((c) => [formatSeed(c.seed), c] as const))("%s passes", (_name, ci) => {
    const report = runSeed(scenario(ci.seed, { drawSettings: ci.drawSettings === true }));
    const why = `${report.failureKind}: ${report.message}\n  ${report.replay}\n  (once: ${ci.found})`;
    expect(report.ok, why).toBe(true);
    // acks=0 acknowledges nothing: there, what the final reader read proves the workload ran.
    const s = scenario(ci.seed, { drawSettings: ci.drawSettings === true });
    const acksZero = resolveSettings(s).acks === 0;
    expect(acksZero ? report.stats.valuesRead : report.stats.valuesAcked).toBeGreaterThan(0);
  });
});

function run(seed: bigint, workload: "groups" | "idempotent"): readonly HistoryOp[] {
  const parts = buildRun(scenario(seed, { workload, durationMs: 30_000 }));
  const outcome = runParts(parts);
  const why = `${outcome.failure?.kind}: ${outcome.failure?.message}\n  ${outcome.replay}`;
  expect(outcome.ok, why).toBe(true);
  expect(outcome.stats.valuesAcked).toBeGreaterThan(0);
  return parts.watch.history.filter((op) => op.phase !== "invoke");
}

describe("groups workload seeds (one broker, 30 s, swarm faults)", () => {
  // 7: zombies refused, partitions lost, and a broker crash that reloads the coordinator.
  it.each([7n])("seed %s passes, with zombie commits refused", (seed) => {
    const history = run(seed, "groups");
    const assigned = history.filter((op) => op.type === "rebalance" && op.callback === "assigned");
    expect(assigned.length).toBeGreaterThan(5);
    expect(
      history.filter((op) => op.type === "commit" && op.phase === "ok").length,
    ).toBeGreaterThan(50);
    const refused = history.filter(
      (op) =>
        op.type === "commit" &&
        op.phase === "fail" &&
        (op.errorCode === ErrorCode.UNKNOWN_MEMBER_ID ||
          op.errorCode === ErrorCode.ILLEGAL_GENERATION),
    );
    expect(refused.length).toBeGreaterThan(0);
    expect(history.some((op) => op.type === "rebalance" && op.callback === "lost")).toBe(true);
  });
});

describe("idempotent workload seeds (one broker, 30 s, swarm faults)", () => {
  // The broker crashes; the producers bump their epochs after expired batches.
  it.each([13n])("seed %s passes, with epoch bumps", (seed) => {
    const history = run(seed, "idempotent");
    const ids = history.filter((op) => op.type === "producer-id" && op.phase === "ok");
    expect(ids.some((op) => op.type === "producer-id" && op.reason === "epoch-bump")).toBe(true);
    const sends = history.filter((op) => op.type === "send" && op.phase === "ok");
    expect(sends.every((op) => op.type === "send" && op.idempotent === true)).toBe(true);
    expect(sends.some((op) => op.type === "send" && op.sends[0]?.sequence !== undefined)).toBe(
      true,
    );
  });
});
