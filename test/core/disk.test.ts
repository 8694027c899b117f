// core/disk.ts's path rule: relative, "/"-separated, no empty, "." or ".." part, no backslash —
// checked against the plain split-based statement of it on generated paths.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isValidDiskPath } from "../../core/disk.ts";

function model(path: string): boolean {
  if (path.length === 0 || path.startsWith("/") || path.includes("\\")) return false;
  return path.split("/").every((part) => part.length > 0 && part !== "." && part !== "..");
}

describe("isValidDiskPath", () => {
  it.each([
    ["t-0/00000000000000000000.log", true],
    ["a", true],
    ["..a/b.", true],
    ["", false],
    ["/abs", false],
    ["a/", false],
    ["a//b", false],
    ["a/./b", false],
    ["../a", false],
    ["a/..", false],
    ["a\\b", false],
  ])("%s -> %s", (path, valid) => {
    expect(isValidDiskPath(path)).toBe(valid);
  });

  it("agrees with the split-based rule", () => {
    const part = fc.constantFrom("", ".", "..", "a", ".a", "a.", "..b", "\\", "seg-1");
    const path = fc.array(part, { minLength: 1, maxLength: 5 }).map((parts) => parts.join("/"));
    fc.assert(
      fc.property(path, (p) => isValidDiskPath(p) === model(p)),
      { numRuns: 2000 },
    );
  });
});
