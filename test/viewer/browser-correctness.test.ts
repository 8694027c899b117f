// The page shows what the nodes themselves saw: a trace is loaded into headless Chromium and, at
// 100 random cursor times, every replica's leader, leader epoch, ISR, HW and LEO shown in the
// partitions panel is compared with the node's own view at that time, recorded while the run made
// the trace. Zero mismatches allowed.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSession, type ViewerSession } from "./support/browser.ts";
import type { ReplicaView, Sample } from "./support/toy-cluster.ts";
import { toyTrace } from "./support/toy-trace.ts";

let session: ViewerSession;

beforeAll(async () => {
  session = await startSession();
});

afterAll(async () => {
  await session?.close();
});

/** Seeded times in [0, duration), so a failure names reproducible times. */
function sampleTimes(count: number, durationMs: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: count }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return Math.round((s / 2 ** 32) * durationMs * 1000) / 1000;
  });
}

function expected(sample: Sample): string[] {
  const rows: string[] = [];
  for (const [node, replicas] of Object.entries(sample.views)) {
    for (const r of replicas as ReplicaView[]) {
      rows.push(
        `${node} ${r.topic}-${r.partition} leader ${r.leader} epoch ${r.leaderEpoch} isr ${[...r.isr].sort().join(",")} leo ${r.logEndOffset} hw ${r.highWatermark}`,
      );
    }
  }
  return rows.sort();
}

describe("the partitions panel against the nodes' own views", () => {
  it("matches at 100 random cursor times (leader, epoch, ISR, HW, LEO of every replica)", async () => {
    const durationMs = 2500;
    const times = sampleTimes(100, durationMs, 0x5eed);
    const trace = toyTrace({ seed: 21, durationMs, sampleTimes: times });
    const page = await session.open(`?trace=${session.fixture("correctness.ndjson", trace.text)}`);
    await page.evaluate(() => window.__runnelViewer.ready());
    const shownAt = await page.evaluate(
      async (times) => {
        const viewer = window.__runnelViewer;
        const out = [];
        for (const t of times) {
          await viewer.seek(t);
          out.push(viewer.shownReplicas());
        }
        return out;
      },
      trace.samples.map((s) => s.t),
    );
    const mismatches: string[] = [];
    trace.samples.forEach((sample, i) => {
      const rows = shownAt[i]!.filter((r) => !r.offline)
        .map(
          (r) =>
            `${r.node} ${r.partition} leader ${r.leader} epoch ${r.leaderEpoch} isr ${[...r.isr].sort().join(",")} leo ${r.logEndOffset} hw ${r.highWatermark}`,
        )
        .sort();
      const want = expected(sample);
      if (JSON.stringify(rows) !== JSON.stringify(want)) {
        mismatches.push(
          `t=${sample.t}: shown ${JSON.stringify(rows)} expected ${JSON.stringify(want)}`,
        );
      }
    });
    expect(mismatches).toEqual([]);
    expect(trace.samples).toHaveLength(100);
    expect(session.errors).toEqual([]);
  });
});
