// The page against the simulator itself: a replicated cluster run (3 brokers, swarm faults) writes
// its trace while, at 100 random times, each running broker's own view() is recorded; the trace is
// loaded into headless Chromium and at each of those times every replica the partitions panel shows
// (leader, leader epoch, ISR, HW, LEO) must equal that broker's view. Zero mismatches allowed.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrokerView } from "../../core/broker/broker-view.ts";
import { buildClusterRun } from "../../sim/cluster-run.ts";
import { clusterScenario } from "../../sim/cluster-scenario.ts";
import { MemorySink, TraceWriter } from "../../sim/trace-writer.ts";
import { startSession, type ViewerSession } from "./support/browser.ts";

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

/** Runs the cluster, recording each running broker's replicas at every sample time. */
function simulate(seed: bigint, durationMs: number, count: number) {
  const sink = new MemorySink();
  const run = buildClusterRun(clusterScenario(seed, { durationMs, partitions: 3 }), {
    trace: new TraceWriter({ sink }),
  });
  let x = Number(seed % 1000n) + 1;
  const times = Array.from({ length: count }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return Math.round((x / 2 ** 32) * durationMs * 1000) / 1000;
  }).sort((a, b) => a - b);
  const samples = times.map((t) => {
    run.world.runUntil(t);
    const rows: string[] = [];
    for (const id of run.layout.brokers) {
      const view = run.world.view(id) as BrokerView | undefined;
      for (const p of view?.partitions ?? []) {
        if (p.status === "loading") continue;
        rows.push(
          row(
            id,
            `${p.topic}-${p.partition}`,
            p.leader,
            p.leaderEpoch,
            p.isr,
            p.logEndOffset,
            p.highWatermark,
          ),
        );
      }
    }
    return { t, rows: rows.sort() };
  });
  return { text: `${sink.lines.join("\n")}\n`, samples };
}

describe("the partitions panel against the simulator's brokers", () => {
  it("matches every running broker's view at 100 random times", async () => {
    const { text, samples } = simulate(0x51n, 8000, 100);
    const page = await session.open(`?trace=${session.fixture("sim.ndjson", text)}`);
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
          `t=${sample.t}:\n  shown    ${rows.join("\n           ")}\n  brokers  ${sample.rows.join("\n           ")}`,
        );
      }
    });
    expect(mismatches).toEqual([]);
    expect(samples.filter((s) => s.rows.length > 0).length).toBeGreaterThan(30);
    expect(session.errors).toEqual([]);
  });
});
