// The groups panel against the simulator itself: a replicated cluster runs the groups workload
// (two groups, eager range and cooperative-sticky, static members) while two coordinators crash in
// turn, recording every running broker's groups at 100 random times; the trace is loaded into
// headless Chromium and at each time every group box (coordinator, state, generation, protocol,
// leader, members and their partitions, committed offsets, lag = HW − committed) must equal that
// broker's own GroupView. Zero mismatches allowed. Shift+arrows step from rebalance to rebalance.

import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifacts, startSession, type ViewerSession } from "./support/browser.ts";
import { coordinatorCrashes } from "./support/coordinator-crashes.ts";
import { compareSample, simulateClusterGroups } from "./support/group-samples.ts";
import { openTrace, shownAt } from "./support/sim-samples.ts";

let session: ViewerSession;

beforeAll(async () => {
  session = await startSession();
});

afterAll(async () => {
  await session?.close();
});

describe("the groups panel against the simulator's coordinators", () => {
  it("matches every running broker's groups at 100 random times", async () => {
    const run = simulateClusterGroups(0x61n, coordinatorCrashes, 100);
    const page = await openTrace(session, "groups.ndjson", run.text);
    const shown = await shownAt(
      page,
      "groups",
      run.samples.map((s) => s.t),
    );
    const mismatches = run.samples.flatMap((s, i) => compareSample(s, shown[i]!) ?? []);
    expect(mismatches).toEqual([]);
    expect(run.samples.filter((s) => s.rows.length > 0).length).toBeGreaterThan(50);
    expect(run.samples.filter((s) => s.lags.length > 0).length).toBeGreaterThan(30);

    // Shift+→ with "rebalances" chosen lands on each group state change in turn.
    await page.selectOption("#notable-kinds", "groups");
    await page.evaluate(() => window.__runnelViewer.seekIndex(0));
    const stops: string[] = [];
    let idx = 0;
    for (let k = 0; k < 6; k++) {
      await page.keyboard.press("Shift+ArrowRight");
      await page.waitForFunction((from) => window.__runnelViewer.cursor().idx > from, idx);
      idx = await page.evaluate(() => window.__runnelViewer.cursor().idx);
      const line = run.text.split("\n")[idx + 1] ?? "";
      stops.push((JSON.parse(line) as { type: string }).type);
    }
    expect(new Set(stops)).toEqual(new Set(["group-state"]));
    await page.evaluate(() => window.__runnelViewer.seek(16_400));
    await page.screenshot({ path: join(artifacts, "sim-groups-panel.png") });
    expect(session.errors).toEqual([]);
  });
});
