// The viewer in headless Chromium, driven like a person would: every key of the help sheet, a deep
// link that restores the same view in a fresh page, unknown event types listed but not drawn, and
// traces that cannot be read ending in a clear message. Screenshots go to test-artifacts/viewer/.

import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stepNotable } from "../../viewer/navigation.ts";
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

describe("deep links", () => {
  it("restore cursor, selection, window and charted partition in a fresh page", async () => {
    const crash = data.marks.find((m) => m.kind === "crash")!;
    await page.evaluate((t) => window.__runnelViewer.seek(t), crash.t + 30);
    await page.locator('.partition[data-partition="orders-1"] .partition-head').click();
    await press("w", 2);
    await page.waitForFunction(
      () => location.hash.includes("sel=porders-1") && location.hash.includes("w="),
    );
    const hash = await page.evaluate(() => location.hash);
    const before = await page.evaluate(() => ({
      cursor: window.__runnelViewer.cursor(),
      window: window.__runnelViewer.window(),
    }));
    const fresh = await session.open(`?trace=fixtures/keys.ndjson`, hash);
    await fresh.evaluate(() => window.__runnelViewer.ready());
    const after = await fresh.evaluate(() => ({
      cursor: window.__runnelViewer.cursor(),
      window: window.__runnelViewer.window(),
    }));
    expect(after.cursor).toEqual(before.cursor);
    expect(after.window.t0).toBeCloseTo(before.window.t0, 2);
    expect(after.window.t1).toBeCloseTo(before.window.t1, 2);
    await expect
      .poll(() => fresh.locator(".partition.selected").getAttribute("data-partition"))
      .toBe("orders-1");
    await fresh.screenshot({ path: join(artifacts, "main-after-crash.png") });
    await fresh.close();
  });

  it("selects a message from a link and inspects its delivery", async () => {
    const row = data.messages.status.findIndex((s, i) => s === 1 && data.messages.sendT[i]! > 400);
    const id = data.messages.id[row]!;
    const t = data.messages.sendT[row]!;
    const fresh = await session.open(
      `?trace=fixtures/keys.ndjson`,
      `#t=${t}&sel=m${id}&w=${t - 8}~${t + 8}`,
    );
    await fresh.evaluate(() => window.__runnelViewer.ready());
    await expect.poll(() => fresh.locator("#inspector-title").textContent()).toContain("net-send");
    expect(await fresh.locator("#inspector").textContent()).toContain("Go to delivery");
    await fresh.screenshot({ path: join(artifacts, "message-zoomed.png") });
    await fresh.close();
  });
});

describe("traces that cannot be read", () => {
  it.each([
    ["empty.ndjson", "", /file is empty/],
    ["chrome.json", '{"traceEvents":[]}\n', /format null, expected "runnel-trace"/],
    ["v9.ndjson", '{"format":"runnel-trace","version":9,"commit":"abc"}\n', /version 9/],
  ])("%s gets a message instead of a blank page", async (name, text, message) => {
    const bad = await session.open(`?trace=${session.fixture(name, text)}`);
    await bad.evaluate(() => window.__runnelViewer.ready());
    expect(await bad.locator("#banner").textContent()).toMatch(message);
    expect(await bad.locator("#empty").isVisible()).toBe(true);
    expect(await bad.locator("#empty h2").textContent()).toBe("This trace could not be opened");
    if (name === "chrome.json") await bad.screenshot({ path: join(artifacts, "error.png") });
    await bad.close();
  });

  it("a malformed line shows the events before it and names the line", async () => {
    const lines = [...trace.lines];
    lines.splice(500, 0, "{not json");
    const bad = await session.open(`?trace=${session.fixture("broken.ndjson", lines.join("\n"))}`);
    await bad.evaluate(() => window.__runnelViewer.ready());
    expect(await bad.locator("#banner").textContent()).toMatch(
      /^Line 501 is malformed .*Showing the events before it\./s,
    );
    expect(await bad.evaluate(() => window.__runnelViewer.info()?.events)).toBe(499);
    expect(await bad.locator("#empty").isVisible()).toBe(false);
    await bad.close();
  });
});
