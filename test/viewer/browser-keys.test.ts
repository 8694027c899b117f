// The viewer in headless Chromium, driven by the keyboard like a person would: every key of the
// help sheet, search, unknown event types listed but not drawn, following the cursor smoothly or by
// whole windows under prefers-reduced-motion. Screenshots go to test-artifacts/viewer/.

import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notableSets, stepNotable } from "../../viewer/navigation.ts";
import { artifacts, startSession, type ViewerSession } from "./support/browser.ts";
import { loadText } from "./support/load.ts";
import { toyTrace } from "./support/toy-trace.ts";

let session: ViewerSession;
let page: Page;
const trace = toyTrace({ seed: 33, durationMs: 1600, failureAt: 1450 });
const data = loadText(trace.text).indexer!.snapshot(false);

beforeAll(async () => {
  session = await startSession();
  page = await session.open(`?trace=${session.fixture("keys.ndjson", trace.text)}`);
  await page.evaluate(() => window.__runnelViewer.ready());
});

afterAll(async () => {
  await session?.close();
});

const cursor = () => page.evaluate(() => window.__runnelViewer.cursor().idx);
const span = () =>
  page.evaluate(() => {
    const w = window.__runnelViewer.window();
    return { t0: w.t0, t1: w.t1 };
  });

async function press(key: string, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) await page.keyboard.press(key);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
}

describe("keyboard", () => {
  it("steps events with the arrows and notable events with Shift+arrows", async () => {
    await press("Home");
    expect(await cursor()).toBe(0);
    await press("ArrowRight", 3);
    expect(await cursor()).toBe(3);
    await press("ArrowLeft");
    expect(await cursor()).toBe(2);
    await press("Shift+ArrowRight");
    const next = stepNotable(data, 2, 1);
    expect(next).toBeGreaterThan(2);
    expect(await cursor()).toBe(next);
    await press("Shift+ArrowRight");
    await press("Shift+ArrowLeft");
    expect(await cursor()).toBe(next);
    await press("End");
    expect(await cursor()).toBe(data.count - 1);
  });

  it("steps only the notable kinds chosen in the toolbar", async () => {
    await press("Home");
    await page.selectOption("#notable-kinds", "leadership");
    await page.keyboard.press("Escape");
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const mask = notableSets.find((set) => set.id === "leadership")!.mask;
    let at = 0;
    for (let i = 0; i < 3; i++) {
      await press("Shift+ArrowRight");
      const next = stepNotable(data, at, 1, mask);
      expect(next).toBeGreaterThan(at);
      expect(await cursor()).toBe(next);
      at = next;
    }
    await page.selectOption("#notable-kinds", "all");
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  });

  it("changes speed with [ and ], zooms with W/S and pans with A/D", async () => {
    await press("Home");
    const speed = () => page.locator("#speed-value").textContent();
    expect(await speed()).toBe("1/10×");
    await press("]", 2);
    expect(await speed()).toBe("1/2×");
    await press("[");
    expect(await speed()).toBe("1/5×");
    const before = await span();
    await press("w");
    const zoomed = await span();
    expect(zoomed.t1 - zoomed.t0).toBeCloseTo((before.t1 - before.t0) / 2, 3);
    await press("d");
    const panned = await span();
    expect(panned.t0 - zoomed.t0).toBeCloseTo((zoomed.t1 - zoomed.t0) / 4, 3);
    await press("a");
    await press("s");
    const back = await span();
    expect(back.t1 - back.t0).toBeCloseTo(before.t1 - before.t0, 3);
  });

  it("plays and pauses with Space", async () => {
    await press("Home");
    await press("]", 2);
    await press(" ");
    expect(await page.evaluate(() => window.__runnelViewer.scenario().playing)).toBe(true);
    await page.waitForFunction(() => window.__runnelViewer.cursor().idx > 50);
    await press(" ");
    expect(await page.evaluate(() => window.__runnelViewer.scenario().playing)).toBe(false);
    expect(await page.locator("#play").textContent()).toContain("Play");
    await press("[", 2);
  });

  it("jumps to the first failure with F and shows it in the inspector", async () => {
    await press("Home");
    await press("f");
    expect(await cursor()).toBe(data.failures[0]);
    await expect
      .poll(() => page.locator("#inspector").textContent())
      .toContain("planted by the toy cluster");
    await page.screenshot({ path: join(artifacts, "failure.png") });
  });

  it("searches with /, filters the list, and steps matches with N", async () => {
    await press("Home");
    await press("/");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("search");
    await page.keyboard.type("mystery");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#match-count").textContent()).toMatch(/^\d+ match/);
    const mystery = data.types.indexOf("mystery-event");
    const first = data.type.indexOf(mystery);
    expect(await cursor()).toBe(first);
    await page.keyboard.press("Escape");
    expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
    await press("n");
    await expect.poll(cursor).toBeGreaterThan(first);
    const rows = page.locator(".row.unknown");
    expect(await rows.count()).toBeGreaterThan(0);
    expect(await rows.first().getAttribute("title")).toContain("does not know");
    await page.fill("#search", "");
    await page.locator("#search").dispatchEvent("input");
    await expect.poll(() => page.locator("#match-count").textContent()).toBe("");
    await page.keyboard.press("Escape");
  });

  it("opens and closes the help sheet with ?", async () => {
    await press("?");
    expect(await page.locator("#help").evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
    await page.screenshot({ path: join(artifacts, "help.png") });
    await page.keyboard.press("Escape");
    expect(await page.locator("#help").evaluate((d) => (d as HTMLDialogElement).open)).toBe(false);
  });
});

describe("motion and announcements", () => {
  /** Plays zoomed in for a while; where the cursor sits in the window right after each move. */
  async function follow(p: Page): Promise<{ moves: number[]; visible: boolean }> {
    await p.evaluate(() => window.__runnelViewer.ready());
    await p.keyboard.press("Home");
    for (let i = 0; i < 3; i++) await p.keyboard.press("w");
    for (let i = 0; i < 2; i++) await p.keyboard.press("]");
    await p.keyboard.press(" ");
    const result = await p.evaluate(async () => {
      const v = window.__runnelViewer;
      const moves: number[] = [];
      let visible = true;
      let last = v.window().t0;
      const end = performance.now() + 1200;
      while (performance.now() < end) {
        await new Promise((r) => requestAnimationFrame(r));
        const w = v.window();
        const t = v.cursor().t;
        if (w.t0 !== last) moves.push((t - w.t0) / (w.t1 - w.t0));
        last = w.t0;
        if (t < w.t0 || t > w.t1) visible = false;
      }
      return { moves, visible };
    });
    await p.keyboard.press(" ");
    return result;
  }

  it("follows the cursor smoothly, or by whole windows under prefers-reduced-motion", async () => {
    const smooth = await session.open(`?trace=fixtures/keys.ndjson`);
    const a = await follow(smooth);
    await smooth.close();
    const calm = await session.open(`?trace=fixtures/keys.ndjson`, "", { reducedMotion: true });
    const b = await follow(calm);
    await calm.close();
    await page.bringToFront();
    expect(a.visible && b.visible).toBe(true);
    expect(a.moves.length).toBeGreaterThan(0);
    expect(b.moves.length).toBeGreaterThan(0);
    // Smooth: the window slides with the cursor at 80%; reduced motion: it jumps a whole window,
    // leaving the cursor near its start.
    for (const f of a.moves) expect(f).toBeCloseTo(0.8, 1);
    for (const f of b.moves) expect(f).toBeCloseTo(0.1, 1);
  });

  it("announces the event reached by stepping to screen readers", async () => {
    await press("Home");
    await press("ArrowRight");
    const type = data.types[data.type[1]!];
    expect(await page.locator("#announce").textContent()).toContain(`event 2: ${type}`);
  });
});
