// The tree obeys DESIGN §1: core/ and runtime/protocol/ are pure and import only what they may;
// sim/ never reaches into runtime/; viewer/ takes only types from the rest. Planted violations
// prove each rule can fail.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkFile,
  formatViolation,
  stripCommentsAndStrings,
} from "./support/architecture-rules.ts";

const root = join(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) files.push(...sourceFiles(path));
    else if (name.endsWith(".ts")) files.push(path);
  }
  return files;
}

describe("architecture", () => {
  it("the tree has no violations", () => {
    const files = ["core", "runtime", "sim", "viewer"].flatMap((dir) => sourceFiles(dir));
    expect(files.length).toBeGreaterThan(10);
    const report = files.flatMap((file) =>
      checkFile(relative(root, join(root, file)), readFileSync(join(root, file), "utf8")).map(
        formatViolation,
      ),
    );
    expect(report).toEqual([]);
  });

  it.each([
    [
      "core/x.ts",
      "const now = Date.now();",
      "core/x.ts:1: Date is banned, use the `now` argument of step()",
    ],
    [
      "core/x.ts",
      "\nconst b = Buffer.alloc(1);",
      "core/x.ts:2: Buffer is banned, use Uint8Array and DataView",
    ],
    [
      "core/x.ts",
      "const r = Math.random();",
      "core/x.ts:1: Math.random is banned, use the injected Rng with a named draw",
    ],
    [
      "core/x.ts",
      "async function f() {}",
      "core/x.ts:1: async is banned, use synchronous step() with disk effects",
    ],
    [
      "core/x.ts",
      "const p: Promise<void> = f();",
      "core/x.ts:1: Promise is banned, use effects and inputs",
    ],
    ["core/x.ts", "setTimeout(f, 1);", "core/x.ts:1: timers is banned, use nextWakeup()"],
    [
      "core/x.ts",
      "console.log(1);",
      "core/x.ts:1: console is banned, use a trace effect (outbox.trace)",
    ],
    [
      "core/x.ts",
      "new WeakRef(o);",
      "core/x.ts:1: WeakRef is banned, use explicit ownership (GC timing is not deterministic)",
    ],
    [
      "runtime/peer/codec/x.ts",
      "const b = Buffer.from([1]);",
      "runtime/peer/codec/x.ts:1: Buffer is banned, use Uint8Array and DataView",
    ],
    [
      "runtime/protocol/x.ts",
      "const e = process.env;",
      "runtime/protocol/x.ts:1: process is banned, use configuration passed as an argument",
    ],
    [
      "core/x.ts",
      'import { readFileSync } from "node:fs";',
      "core/x.ts:1: node:fs is banned, use effects and inputs",
    ],
    [
      "core/log/x.ts",
      'import { world } from "../../sim/world.ts";',
      "core/log/x.ts:1: import of ../../sim/world.ts is banned, core imports only core/",
    ],
    [
      "core/x.ts",
      'import seedrandom from "seedrandom";',
      "core/x.ts:1: import of seedrandom is banned, core imports only core/",
    ],
    [
      "sim/x.ts",
      'import { RuntimeDisk } from "../runtime/disk.ts";',
      "sim/x.ts:1: import of ../runtime/disk.ts is banned, sim imports runtime/protocol only, never runtime/",
    ],
    [
      "viewer/x.ts",
      'import { World } from "../sim/world.ts";',
      "viewer/x.ts:1: import of ../sim/world.ts is banned, viewer imports only viewer/, d3, and types from core/ and sim/",
    ],
  ])("a planted violation in %s is reported: %s", (file, source, expected) => {
    expect(checkFile(file, source).map(formatViolation)).toContain(expected);
  });

  it.each([
    ["core/x.ts", "// Date and Buffer are banned here\nconst x = 1;"],
    ["core/x.ts", 'const message = "no Date, no Promise";'],
    ["core/x.ts", "/* console */ const y = `Buffer`;"],
    ["sim/x.ts", 'import { encode } from "../runtime/protocol/codec.ts";'],
    ["viewer/x.ts", 'import type { TraceEvent } from "../core/trace.ts";'],
    ["viewer/x.ts", 'import * as d3 from "d3";'],
    ["runtime/x.ts", 'import { readFileSync } from "node:fs";'],
  ])("allowed code in %s passes: %s", (file, source) => {
    expect(checkFile(file, source)).toEqual([]);
  });

  it("blanks comments and strings but keeps line numbers", () => {
    const stripped = stripCommentsAndStrings('a // Date\n"Buffer" /* x\ny */ b');
    expect(stripped.split("\n")).toHaveLength(3);
    expect(stripped).not.toMatch(/Date|Buffer/);
    expect(stripped).toMatch(/a/);
    expect(stripped).toMatch(/b$/);
  });
});
