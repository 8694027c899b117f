// Names in a log folder: offsets zero-padded to 20 digits, and what recovery makes of each name.

import { describe, expect, it } from "vitest";
import { logFolder, offsetFileName, parseLogFileName } from "../../../core/log/log-files.ts";

describe("log file names", () => {
  it("pads offsets so that names sort like offsets", () => {
    expect(offsetFileName(42, ".log")).toBe("00000000000000000042.log");
    expect(logFolder("orders", 3)).toBe("orders-3");
    expect(() => logFolder("a/b", 0)).toThrow();
  });

  it.each([
    ["00000000000000000042.log", { type: "offset-file", kind: "segment", baseOffset: 42 }],
    ["00000000000000000042.index", { type: "offset-file", kind: "offset-index", baseOffset: 42 }],
    ["00000000000000000042.timeindex", { type: "offset-file", kind: "time-index", baseOffset: 42 }],
    ["00000000000000000042.log.cleaned", { type: "offset-file", kind: "cleaned", baseOffset: 42 }],
    ["00000000000000000042.index.tmp", { type: "temp" }],
    ["leader-epoch-checkpoint", { type: "leader-epoch-checkpoint" }],
    ["partition-checkpoint", { type: "partition-checkpoint" }],
    ["42.log", { type: "unknown" }],
    ["99999999999999999999.log", { type: "unknown" }],
    ["00000000000000000042.txnindex", { type: "unknown" }],
  ])("%s", (name, expected) => {
    expect(parseLogFileName(name)).toEqual(expected);
  });
});
