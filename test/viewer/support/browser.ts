// Headless Chromium for the viewer's browser tests: Debian's /usr/bin/chromium driven by
// playwright-core (never a downloaded browser), a fresh profile per launch, the viewer built into a
// temporary folder and served on 127.0.0.1. Everything started here is stopped by `close()`.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { buildViewer, startViewServer, type ViewServer } from "../../../runtime/cli-view.ts";
import { generateScenarioTraces } from "../../../runtime/cli-view-scenarios.ts";
import type { ViewerHook } from "../../../viewer/test-hook.ts";

export const chromiumPath = "/usr/bin/chromium";
export const artifacts = join(import.meta.dirname, "..", "..", "..", "test-artifacts", "viewer");

export interface ViewerSession {
  readonly url: string;
  readonly context: BrowserContext;
  /** Console errors and page errors seen so far. */
  readonly errors: string[];
  /** Writes a fixture trace next to the page; returns its URL path for ?trace=. */
  fixture(name: string, text: string): string;
  open(query: string, hash?: string, options?: { readonly reducedMotion?: boolean }): Promise<Page>;
  close(): Promise<void>;
}

/** `scenarios`: ids of teaching scenarios to generate with the simulator into the build. */
export async function startSession(
  options: { readonly scenarios?: readonly string[] } = {},
): Promise<ViewerSession> {
  const dir = mkdtempSync(join(tmpdir(), "runnel-viewer-"));
  const outDir = join(dir, "dist");
  await buildViewer({ outDir, minify: true, scenarios: false });
  if (options.scenarios !== undefined)
    generateScenarioTraces(join(outDir, "scenarios"), options.scenarios);
  mkdirSync(join(outDir, "fixtures"));
  const server: ViewServer = await startViewServer({ root: outDir });
  const context = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: chromiumPath,
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
  const errors: string[] = [];
  mkdirSync(artifacts, { recursive: true });
  const base = `http://127.0.0.1:${server.port}/`;
  return {
    url: base,
    context,
    errors,
    fixture(name, text) {
      writeFileSync(join(outDir, "fixtures", name), text);
      return `fixtures/${name}`;
    },
    async open(query, hash = "", options = {}) {
      const page = await context.newPage();
      if (options.reducedMotion === true) await page.emulateMedia({ reducedMotion: "reduce" });
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${base}${query}${hash}`);
      await page.waitForFunction(() => "__runnelViewer" in window);
      return page;
    },
    async close() {
      await context.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

declare global {
  interface Window {
    readonly __runnelViewer: ViewerHook;
  }
}
