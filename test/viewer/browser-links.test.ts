// Deep links restore the same view in a fresh page (cursor, selection, window, charted partition, a
// selected message), and traces that cannot be read end in a clear message on the page, never a
// blank page. Screenshots go to test-artifacts/viewer/.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

async function press(key: string, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) await page.keyboard.press(key);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
}

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

describe("opening and exporting", () => {
  it("downloads the trace as Chrome Trace Event JSON", async () => {
    const download = page.waitForEvent("download");
    await page.locator("#chrome").click();
    const file = await (await download).path();
    const json = JSON.parse(readFileSync(file, "utf8")) as {
      traceEvents: { ph: string }[];
      otherData: { seed: string };
    };
    expect(json.otherData.seed).toBe(trace.header.seed);
    expect(json.traceEvents.filter((e) => e.ph === "s").length).toBeGreaterThan(100);
  });

  it("opens a trace from the file picker and from a drop", async () => {
    const fresh = await session.open("");
    expect(await fresh.locator("#empty").isVisible()).toBe(true);
    await fresh.setInputFiles("#file", {
      name: "picked.ndjson",
      mimeType: "application/x-ndjson",
      buffer: Buffer.from(trace.text),
    });
    await fresh.evaluate(() => window.__runnelViewer.ready());
    expect(await fresh.evaluate(() => window.__runnelViewer.info()?.events)).toBe(data.count);
    const small = toyTrace({ seed: 4, durationMs: 200 });
    await fresh.evaluate((text) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], "dropped.ndjson"));
      document.dispatchEvent(
        new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }),
      );
    }, small.text);
    await fresh.waitForFunction((n) => window.__runnelViewer.info()?.events === n, small.events);
    await fresh.evaluate(() => window.__runnelViewer.ready());
    expect(await fresh.locator("#drop-overlay").isVisible()).toBe(false);
    await fresh.close();
  });
});
