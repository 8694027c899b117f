// The page against the simulator itself: a single-broker run with simulated producers and consumers
// under swarm faults (crashes, disk faults, partitions) writes its trace while, at 100 random times,
// the broker's own view() is recorded; the trace is loaded into headless Chromium and at each time
// every partition the panel shows (leader, leader epoch, ISR, HW, LEO) must equal the broker's view.

import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRun } from "../../sim/runs/build.ts";
import { brokerId } from "../../sim/runs/layout.ts";
import { runScenario } from "../../sim/runs/run.ts";
import { scenario } from "../../sim/scenario.ts";
import { MemorySink, TraceWriter } from "../../sim/trace-writer.ts";
import { artifacts, startSession, type ViewerSession } from "./support/browser.ts";
import { replicaMismatches, replicaSample } from "./support/replica-samples.ts";
import { openTrace, sampleTimes, sampleViews, shownAt } from "./support/sim-samples.ts";

let session: ViewerSession;

beforeAll(async () => {
  session = await startSession();
});

afterAll(async () => {
  await session?.close();
});

describe("the partitions panel against the simulator's broker", () => {
  it("matches the broker's own view at 100 random times of a faulty run", async () => {
    const durationMs = 12_000;
    const sink = new MemorySink();
    const parts = buildRun(scenario(0x77n, { durationMs, partitions: 3 }), {
      trace: new TraceWriter({ sink }),
    });
    const times = sampleTimes(0x77, durationMs, 100);
    const samples = sampleViews({ world: parts.world, brokers: [brokerId] }, times, replicaSample);
    const page = await openTrace(session, "broker.ndjson", `${sink.lines.join("\n")}\n`);
    const shown = await shownAt(page, "replicas", times);
    const mismatches = replicaMismatches(samples, shown);
    expect(mismatches).toEqual([]);
    expect(samples.filter((s) => s.rows.length > 0).length).toBeGreaterThan(30);
    expect(
      sink.lines.some((l) => l.includes('"type":"proc-crash"') || l.includes('"type":"fault"')),
    ).toBe(true);
    expect(session.errors).toEqual([]);
  });

  it("jumps to the history checker's anomaly in a canary run (a bug planted in the simulator)", async () => {
    const sink = new MemorySink();
    const outcome = runScenario(
      scenario(200n, { canary: true, durationMs: 8000, faults: { mode: "none" } }),
      {
        trace: new TraceWriter({ sink }),
      },
    );
    expect(outcome.ok).toBe(false);
    const failure = sink.lines.findIndex((l) => l.includes('"type":"failure"'));
    expect(failure).toBeGreaterThan(0);
    const page = await session.open(
      `?trace=${session.fixture("canary.ndjson", `${sink.lines.join("\n")}\n`)}`,
    );
    await page.evaluate(() => window.__runnelViewer.ready());
    expect(await page.locator("#failure").isEnabled()).toBe(true);
    await page.keyboard.press("f");
    await expect
      .poll(() => page.evaluate(() => window.__runnelViewer.cursor().idx))
      .toBe(failure - 1);
    await expect
      .poll(() => page.locator("#inspector").textContent())
      .toContain("history: duplicate");
    expect(await page.locator("#cluster-note").textContent()).toContain("final-check");
    await page.screenshot({ path: join(artifacts, "sim-canary-failure.png") });
    await page.close();
  });
});
