// bin/bundle.js: an entry runs bundled with its arguments, `import.meta.url` still names the
// source file, the bundle is rebuilt when a source changes and reused when none did, and the entry
// runs with the simulator's Node flags (in a child process when they were not given).

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const repoRoot = path.resolve(import.meta.dirname, "..", "..");
const dir = path.join(repoRoot, ".tsbuild", `bundle-test-${process.pid}`);
const entry = path.join(dir, "entry.ts");
const helper = path.join(dir, "helper.ts");

function run(...args: string[]): { stdout: string; status: number | null } {
  const r = spawnSync(process.execPath, [path.join(repoRoot, "bin", "bundle.js"), ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { stdout: r.stdout, status: r.status };
}

function bundleOf(file: string): string {
  const relative = path.relative(repoRoot, file).replaceAll("/", "_").replace(/\.ts$/, "");
  return path.join(repoRoot, ".tsbuild", "bundle", `${relative}.mjs`);
}

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const f of [bundleOf(entry), `${bundleOf(entry)}.inputs`]) fs.rmSync(f, { force: true });
});

describe("bin/bundle.js", () => {
  it("runs an entry bundled, rebuilding only when a source changed", () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(helper, 'export const word: string = "first";\n');
    fs.writeFileSync(
      entry,
      [
        'import { word } from "./helper.ts";',
        "const args: string[] = process.argv.slice(2);",
        "console.log(JSON.stringify({ word, args, url: import.meta.url,",
        "  dir: import.meta.dirname, bundled: process.env.RUNNEL_BUNDLE_DIR !== undefined,",
        '  young: process.execArgv.includes("--max-semi-space-size=64") }));',
        "",
      ].join("\n"),
    );
    const first = run(entry, "a", "b");
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      word: "first",
      args: ["a", "b"],
      url: `file://${entry}`,
      dir,
      bundled: true,
      young: true,
    });
    const builtAt = fs.statSync(bundleOf(entry)).mtimeMs;

    expect(JSON.parse(run(entry).stdout).word).toBe("first");
    expect(fs.statSync(bundleOf(entry)).mtimeMs).toBe(builtAt);

    // A changed import (newer than the bundle) is picked up.
    fs.writeFileSync(helper, 'export const word: string = "second";\n');
    const later = new Date(builtAt + 2000);
    fs.utimesSync(helper, later, later);
    expect(JSON.parse(run(entry).stdout).word).toBe("second");
  });

  it("refuses a missing or non-TypeScript entry", () => {
    expect(run().status).toBe(2);
    expect(run("README.md").status).toBe(2);
  });
});
