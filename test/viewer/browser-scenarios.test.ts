// The scenario catalog and the playback of scenarios the simulator cannot run yet: their annotation
// tracks are played on toy-cluster runs shaped like them (support/toy-scenarios.ts), pausing at
// every beat, Enter continuing, the last beat ending it; the build lists them with what they wait for.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  generateScenarioTraces,
  type ScenarioIndexEntry,
  scenarioCatalog,
} from "../../runtime/cli-view-scenarios.ts";
import { scenarioBeats } from "../../viewer/scenarios/beats.ts";
import { artifacts, startSession, type ViewerSession } from "./support/browser.ts";
import { toyScenarios } from "./support/toy-scenarios.ts";
import { toyTrace } from "./support/toy-trace.ts";

let session: ViewerSession;

beforeAll(async () => {
  session = await startSession();
});

afterAll(async () => {
  await session?.close();
});

describe("scenario catalog", () => {
  it("gives every scenario in catalog.json an annotation track, and the reverse", () => {
    const ids = scenarioCatalog()
      .map((s) => s.id)
      .sort();
    expect(ids).toHaveLength(6);
    expect(Object.keys(scenarioBeats).sort()).toEqual(ids);
    expect(Object.keys(toyScenarios).sort()).toEqual(ids);
  });

  it("lists each scenario the simulator cannot run yet with what it waits for", () => {
    const dir = mkdtempSync(join(tmpdir(), "runnel-scenarios-"));
    try {
      generateScenarioTraces(dir, []);
      const index = JSON.parse(
        readFileSync(join(dir, "index.json"), "utf8"),
      ) as ScenarioIndexEntry[];
      expect(index.map((e) => e.id).sort()).toEqual(
        scenarioCatalog()
          .map((s) => s.id)
          .sort(),
      );
      for (const entry of index) expect(entry.trace).toBeNull();
      const waiting = index.filter((e) => e.waitingFor.length > 0).map((e) => e.id);
      expect(waiting.sort()).toEqual(
        scenarioCatalog()
          .filter((s) => s.cluster === null)
          .map((s) => s.id)
          .sort(),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The pause mechanics on small hand-made runs of each scenario's story (the simulator's own runs
 * are played in browser-sim-scenarios.test.ts).
 */
const toyIds = Object.keys(toyScenarios)
  // Its beats follow a coordinator's rebalances, which the toy cluster only sketches.
  .filter((id) => id !== "group-rebalance-lag")
  .sort();

describe("playback with pauses", () => {
  it("has a toy run for every replication scenario", () => {
    expect(toyIds).toEqual(
      scenarioCatalog()
        .map((s) => s.id)
        .filter((id) => id !== "group-rebalance-lag")
        .sort(),
    );
  });

  it.each(toyIds)("%s on a toy run pauses at each beat and plays to its end", async (id) => {
    const trace = toyTrace(toyScenarios[id]!);
    const page = await session.open(
      `?trace=${session.fixture(`${id}.ndjson`, trace.text)}&scenario=${id}&speed=13`,
    );
    await page.evaluate(() => window.__runnelViewer.ready());
    const beats = (await page.evaluate(() => window.__runnelViewer.info()!.beats)) as {
      text: string;
      idx: number;
    }[];
    expect(beats.map((b) => b.text)).toEqual(scenarioBeats[id]!.map((b) => b.text));
    for (let k = 0; k < beats.length; k++) {
      expect(beats[k]!.idx).toBeGreaterThan(k === 0 ? -1 : beats[k - 1]!.idx);
      await page.waitForFunction(
        (text) => window.__runnelViewer.scenario().narration === text,
        beats[k]!.text,
        { timeout: 8000 },
      );
      expect(await page.evaluate(() => window.__runnelViewer.cursor().idx)).toBe(beats[k]!.idx);
      expect(await page.evaluate(() => window.__runnelViewer.scenario().playing)).toBe(false);
      if (id === "leader-crash-election" && k === 3)
        await page.screenshot({ path: join(artifacts, "scenario-truncation.png") });
      await page.keyboard.press("Enter");
    }
    await page.waitForFunction(
      () =>
        window.__runnelViewer.scenario().narration?.startsWith("The end of this scenario") ?? false,
    );
    expect(await page.evaluate(() => window.__runnelViewer.scenario().active)).toBe(false);
    await page.close();
  });
});
