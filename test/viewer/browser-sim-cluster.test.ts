// The page against the simulator itself: a replicated cluster run (3 brokers, swarm faults) writes
// its trace while, at 100 random times, each running broker's own view() is recorded; the trace is
// loaded into headless Chromium and at each of those times every replica the partitions panel shows
// (leader, leader epoch, ISR, HW, LEO) must equal that broker's view. Zero mismatches allowed.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildClusterRun } from "../../sim/cluster-run.ts";
import { clusterScenario } from "../../sim/cluster-scenario.ts";
import { MemorySink, TraceWriter } from "../../sim/trace-writer.ts";
import { startSession, type ViewerSession } from "./support/browser.ts";
import { replicaMismatches, replicaSample } from "./support/replica-samples.ts";
import { openTrace, sampleTimes, sampleViews, shownAt } from "./support/sim-samples.ts";

let session: ViewerSession;

beforeAll(async () => {
  session = await startSession();
});

afterAll(async () => {
  await session?.close();
});

/** Runs the cluster, recording each running broker's replicas at every sample time. */
function simulate(seed: bigint, durationMs: number, count: number) {
  const sink = new MemorySink();
  const run = buildClusterRun(clusterScenario(seed, { durationMs, partitions: 3 }), {
    trace: new TraceWriter({ sink }),
  });
  const times = sampleTimes(Number(seed % 1000n) + 1, durationMs, count);
  const samples = sampleViews(
    { world: run.world, brokers: run.layout.brokers },
    times,
    replicaSample,
  );
  return { text: `${sink.lines.join("\n")}\n`, times, samples };
}

describe("the partitions panel against the simulator's brokers", () => {
  it("matches every running broker's view at 100 random times", async () => {
    const { text, times, samples } = simulate(0x51n, 8000, 100);
    const page = await openTrace(session, "sim.ndjson", text);
    const mismatches = replicaMismatches(samples, await shownAt(page, "replicas", times));
    expect(mismatches).toEqual([]);
    expect(samples.filter((s) => s.rows.length > 0).length).toBeGreaterThan(30);
    expect(session.errors).toEqual([]);
  });
});
