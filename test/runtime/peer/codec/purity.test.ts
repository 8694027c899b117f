// runtime/peer/codec/ is pure like runtime/protocol/ (the tree-wide architecture test only knows
// that folder): it imports only core/, runtime/protocol/ and itself, and uses none of the banned
// globals. A planted violation proves each check can fail.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkFile,
  formatViolation,
  importsOf,
  resolveSpecifier,
} from "../../../support/architecture-rules.ts";

const root = join(import.meta.dirname, "../../../..");
const folder = "runtime/peer/codec";

/** Every rule `source` breaks, as `file:line: ...` lines. */
function violations(file: string, source: string): string[] {
  const out: string[] = [];
  for (const entry of importsOf(source)) {
    const target = resolveSpecifier(file, entry.specifier);
    const allowed = ["core/", "runtime/protocol/", `${folder}/`].some((p) => target.startsWith(p));
    if (!allowed) out.push(`${file}:${entry.line}: import of ${entry.specifier} is banned`);
  }
  // The token bans of pure code, checked as if the file lived in core/ with its imports blanked.
  const blanked = source.replace(/^\s*(import|export)\s[^;]*?from\s+["'][^"']+["']/gm, (text) =>
    text.replace(/[^\n]/g, " "),
  );
  const asPure = checkFile("core/peer-codec-check.ts", blanked).map(formatViolation);
  out.push(...asPure.map((v) => v.replace("core/peer-codec-check.ts", file)));
  return out;
}

describe("runtime/peer/codec purity", () => {
  it("no file breaks a rule", () => {
    const files = readdirSync(join(root, folder)).filter((name) => name.endsWith(".ts"));
    expect(files.length).toBeGreaterThanOrEqual(7);
    const report = files.flatMap((name) =>
      violations(`${folder}/${name}`, readFileSync(join(root, folder, name), "utf8")),
    );
    expect(report).toEqual([]);
  });

  it.each([
    ['import net from "node:net";', "import of node:net is banned"],
    ['import { x } from "../links.ts";', "import of ../links.ts is banned"],
    ['import { y } from "../../server.ts";', "import of ../../server.ts is banned"],
    ["const b = Buffer.from([1]);", "Buffer is banned"],
    ["setTimeout(f, 1);", "timers is banned"],
    ["const p: Promise<void> = f();", "Promise is banned"],
  ])("a planted `%s` is reported", (line, expected) => {
    const report = violations(`${folder}/planted.ts`, `// header\n${line}\n`);
    expect(report.join("\n")).toContain(`${folder}/planted.ts:2: ${expected}`);
  });

  it("imports of core/ and runtime/protocol/ pass", () => {
    const source = [
      'import { assert } from "../../../core/assert.ts";',
      'import { Reader } from "../../protocol/reader.ts";',
      'import { PeerWriter } from "./fields.ts";',
    ].join("\n");
    expect(violations(`${folder}/planted.ts`, source)).toEqual([]);
  });
});
