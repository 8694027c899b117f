// The viewer's streaming Chrome Trace exporter gives the same JSON as sim/export-chrome.ts (the
// viewer may not import sim/ at runtime, so it keeps its own copy of the mapping; this keeps them equal).

import { describe, expect, it } from "vitest";
import { toChromeTrace } from "../../sim/export-chrome.ts";
import type { TraceHeader, TraceRecord } from "../../sim/trace-format.ts";
import { ChromeWriter } from "../../viewer/chrome-export.ts";
import { checkHeader } from "../../viewer/header.ts";
import type { AnyRecord } from "../../viewer/records.ts";
import { toyTrace } from "./support/toy-trace.ts";

describe("Chrome trace export", () => {
  it("matches sim/export-chrome.ts on a trace with crashes, pauses and messages", async () => {
    const trace = toyTrace({ seed: 9, durationMs: 1500 });
    const header = JSON.parse(trace.lines[0]!) as TraceHeader;
    const records = trace.lines.slice(1).map((l) => JSON.parse(l) as TraceRecord);
    const check = checkHeader(trace.lines[0]!);
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    const writer = new ChromeWriter(check.info);
    for (const r of records) writer.add(r as unknown as AnyRecord);
    const mine = JSON.parse(await writer.finish().text()) as unknown;
    expect(mine).toEqual(JSON.parse(JSON.stringify(toChromeTrace(header, records))));
    const types = new Set(records.map((r) => r.type));
    expect(types).toContain("proc-crash");
    expect(types).toContain("proc-pause");
  });
});
