// Trace viewer in headless Chromium (Debian's /usr/bin/chromium): first render of a 100k-event
// trace, and for a 1M-event trace the opening window, the full index, seek latency and scrubbing
// frame rate, each as a ratio to a baseline measured in the same run and page (JSON.parse of every
// line of the 100k trace on the main thread), since the machine is shared and noisy.
// Run: npx tsx bench/viewer.bench.ts   (traces are generated once into $TMPDIR/runnel-viewer-bench)

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { buildViewer, startViewServer } from "../runtime/cli-view.ts";

const root = join(import.meta.dirname, "..");
const cache = join(tmpdir(), "runnel-viewer-bench");
const sizes = [100_000, 1_000_000] as const;
const shots = join(root, "test-artifacts", "viewer");
const targets = { firstRender100kMs: 1500, opening1mMs: 5000, seekP95Ms: 100, scrubFps: 30 };

function trace(events: number): string {
  const path = join(cache, `toy-${events}.ndjson`);
  if (!existsSync(path)) {
    mkdirSync(cache, { recursive: true });
    const generator = join(root, "test", "viewer", "support", "toy-cli.ts");
    const run = spawnSync(process.execPath, ["--import", "tsx", generator, String(events), path], {
      stdio: "inherit",
      cwd: root,
    });
    if (run.status !== 0) throw new Error(`could not generate the ${events}-event trace`);
  }
  return path;
}

interface Load {
  readonly firstRenderMs: number;
  readonly fullIndexMs: number;
  readonly events: number;
}

async function load(page: Page, url: string): Promise<Load> {
  await page.goto(url);
  await page.waitForFunction("window.__runnelViewer !== undefined");
  await page.waitForFunction("window.__runnelViewer.firstRenderMs() !== null", undefined, {
    timeout: 60_000,
  });
  const fullIndexMs = (await page.evaluate(
    "window.__runnelViewer.ready().then(() => performance.now())",
  )) as number;
  const firstRenderMs = (await page.evaluate("window.__runnelViewer.firstRenderMs()")) as number;
  const events = (await page.evaluate("window.__runnelViewer.info().events")) as number;
  return { firstRenderMs, fullIndexMs, events };
}

/** The baseline: fetch the 100k trace and JSON.parse every line on the page's main thread. */
async function parseBaseline(page: Page, path: string): Promise<number> {
  return (await page.evaluate(`(async () => {
    const text = await (await fetch(${JSON.stringify(path)})).text();
    const t0 = performance.now();
    let n = 0;
    for (const line of text.split("\\n")) {
      if (line !== "") {
        JSON.parse(line);
        n++;
      }
    }
    return performance.now() - t0;
  })()`)) as number;
}

async function seeks(page: Page, count: number): Promise<number[]> {
  return (await page.evaluate(`(async () => {
    const v = window.__runnelViewer;
    const info = v.info();
    let x = 12345;
    const out = [];
    for (let i = 0; i < ${count}; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const t = info.tMin + (x / 2 ** 32) * (info.tMax - info.tMin);
      const t0 = performance.now();
      await v.seek(t);
      out.push(performance.now() - t0);
    }
    return out;
  })()`)) as number[];
}

const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))]!;
const fmt = (n: number, digits = 0) => n.toFixed(digits);

interface Scrub {
  readonly fps: number;
  readonly panelUpdatesPerSecond: number;
  readonly p95FrameMs: number;
}

function report(
  paths: readonly string[],
  baseline: number,
  small: Load,
  big: Load,
  seekTimes: number[],
  scrub: Scrub,
): void {
  const mb = (p: string) => fmt(statSync(p).size / 1e6);
  const rows: [string, string, string, string][] = [
    [
      "baseline: JSON.parse of every line, 100k trace, main thread",
      `${fmt(baseline)} ms`,
      "1.00",
      "—",
    ],
    [
      `100k events (${mb(paths[0]!)} MB): first render`,
      `${fmt(small.firstRenderMs)} ms`,
      fmt(small.firstRenderMs / baseline, 2),
      `≤ ${targets.firstRender100kMs} ms`,
    ],
    [
      "100k events: full index",
      `${fmt(small.fullIndexMs)} ms`,
      fmt(small.fullIndexMs / baseline, 2),
      "—",
    ],
    [
      `1M events (${mb(paths[1]!)} MB): opening window rendered`,
      `${fmt(big.firstRenderMs)} ms`,
      fmt(big.firstRenderMs / baseline, 2),
      `≤ ${targets.opening1mMs} ms`,
    ],
    [
      "1M events: full index",
      `${fmt(big.fullIndexMs)} ms`,
      fmt(big.fullIndexMs / baseline, 2),
      "—",
    ],
    [
      "1M events: seek p50 (200 random seeks, panels updated)",
      `${fmt(quantile(seekTimes, 0.5), 1)} ms`,
      fmt(quantile(seekTimes, 0.5) / baseline, 3),
      "—",
    ],
    [
      "1M events: seek p95",
      `${fmt(quantile(seekTimes, 0.95), 1)} ms`,
      fmt(quantile(seekTimes, 0.95) / baseline, 3),
      `≤ ${targets.seekP95Ms} ms`,
    ],
    [
      "1M events: scrubbing across the whole trace, frames per second",
      fmt(scrub.fps, 1),
      "—",
      `≥ ${targets.scrubFps}`,
    ],
    ["1M events: scrubbing, p95 frame", `${fmt(scrub.p95FrameMs, 1)} ms`, "—", "—"],
    [
      "1M events: scrubbing, panel updates per second",
      fmt(scrub.panelUpdatesPerSecond, 1),
      "—",
      "—",
    ],
  ];
  process.stdout.write("| measure | value | ratio to baseline | target |\n|---|---|---|---|\n");
  for (const row of rows) process.stdout.write(`| ${row.join(" | ")} |\n`);
  process.stdout.write(
    `\n${small.events} and ${big.events} events; Chromium headless, 1440x900.\n`,
  );
}

async function main(): Promise<void> {
  const paths = sizes.map(trace);
  const dir = mkdtempSync(join(tmpdir(), "runnel-viewer-bench-run-"));
  let context: BrowserContext | undefined;
  const outDir = join(dir, "dist");
  await buildViewer({ outDir, scenarios: false });
  mkdirSync(join(outDir, "fixtures"));
  paths.forEach((p, i) => {
    symlinkSync(p, join(outDir, "fixtures", `t${i}.ndjson`));
  });
  const server = await startViewServer({ root: outDir });
  try {
    context = await chromium.launchPersistentContext(join(dir, "profile"), {
      executablePath: "/usr/bin/chromium",
      headless: true,
      viewport: { width: 1440, height: 900 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    const base = `http://127.0.0.1:${server.port}/`;
    const page = await context.newPage();
    const small = await load(page, `${base}?trace=fixtures/t0.ndjson`);
    const baseline = await parseBaseline(page, "fixtures/t0.ndjson");
    const big = await load(page, `${base}?trace=fixtures/t1.ndjson`);
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, "bench-1m.png") });
    await seeks(page, 20);
    const seekTimes = await seeks(page, 200);
    const scrub = (await page.evaluate("window.__runnelViewer.scrub(3000)")) as Scrub;
    report(paths, baseline, small, big, seekTimes, scrub);
  } finally {
    await context?.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
