// The page against the simulator itself: a single-broker run with simulated producers and consumers
// under swarm faults (crashes, disk faults, partitions) writes its trace while, at 100 random times,
// the broker's own view() is recorded; the trace is loaded into headless Chromium and at each time
// every partition the panel shows (leader, leader epoch, ISR, HW, LEO) must equal the broker's view.

import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrokerView } from "../../core/broker/broker-view.ts";
import { buildRun } from "../../sim/runs/build.ts";
import { brokerId } from "../../sim/runs/layout.ts";
import { runScenario } from "../../sim/runs/run.ts";
import { scenario } from "../../sim/scenario.ts";
import { MemorySink, TraceWriter } from "../../sim/trace-writer.ts";
import { artifacts, startSession, type ViewerSession } from "./support/browser.ts";

let session: ViewerSession;

beforeAll(async () => {
  session = await startSession();
});

afterAll(async () => {
  await session?.close();
});

const row = (
  node: number,
  key: string,
  leader: number,
  epoch: number,
  isr: readonly number[],
  leo: number,
  hw: number,
) =>
  `${node} ${key} leader ${leader} epoch ${epoch} isr ${[...isr].sort().join(",")} leo ${leo} hw ${hw}`;

/** Seeded sample times in [0, durationMs), sorted. */
function sampleTimes(seed: number, durationMs: number, count: number): number[] {
  let x = seed;
  return Array.from({ length: count }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return Math.round((x / 2 ** 32) * durationMs * 1000) / 1000;
  }).sort((a, b) => a - b);
}

describe("the partitions panel against the simulator's broker", () => {
  it("matches the broker's own view at 100 random times of a faulty run", async () => {
    const durationMs = 12_000;
    const sink = new MemorySink();
    const parts = buildRun(scenario(0x77n, { durationMs, partitions: 3 }), {
      trace: new TraceWriter({ sink }),
    });
    const samples = sampleTimes(0x77, durationMs, 100).map((t) => {
      parts.world.runUntil(t);
      const view = parts.world.view(brokerId) as BrokerView | undefined;
      const rows = (view?.partitions ?? [])
        .filter((p) => p.status !== "loading")
        .map((p) =>
          row(
            brokerId,
            `${p.topic}-${p.partition}`,
            p.leader,
            p.leaderEpoch,
            p.isr,
            p.logEndOffset,
            p.highWatermark,
          ),
        );
      return { t, rows: rows.sort() };
    });
    const page = await session.open(
      `?trace=${session.fixture("broker.ndjson", `${sink.lines.join("\n")}\n`)}`,
    );
    await page.evaluate(() => window.__runnelViewer.ready());
    expect(await page.evaluate(() => window.__runnelViewer.error())).toBeNull();
    const shown = await page.evaluate(
      async (times) => {
        const viewer = window.__runnelViewer;
        const out = [];
        for (const t of times) {
          await viewer.seek(t);
          out.push(viewer.shownReplicas().filter((r) => !r.offline));
        }
        return out;
      },
      samples.map((s) => s.t),
    );
    const mismatches: string[] = [];
    samples.forEach((sample, i) => {
      const rows = shown[i]!.map((r) =>
        row(r.node, r.partition, r.leader, r.leaderEpoch, r.isr, r.logEndOffset, r.highWatermark),
      ).sort();
      if (JSON.stringify(rows) !== JSON.stringify(sample.rows)) {
        mismatches.push(
          `t=${sample.t}:\n  shown  ${rows.join("\n         ")}\n  broker ${sample.rows.join("\n         ")}`,
        );
      }
    });
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
