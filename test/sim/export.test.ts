// The exporters on a small run: Chrome Trace Event JSON (valid, one process per node, a flow per
// delivered message, crash spans closed by the restart) and ShiViz (host lines with vector clocks
// that the published regex parses, clocks merged on delivery).

import { describe, expect, it } from "vitest";
import { nodeId } from "../../core/ids.ts";
import { toChromeTrace } from "../../sim/export-chrome.ts";
import { shivizRegex, toShiViz } from "../../sim/export-shiviz.ts";
import {
  isTraceHeader,
  parseTraceLine,
  type TraceHeader,
  type TraceRecord,
} from "../../sim/trace-format.ts";
import { MemorySink, TraceWriter } from "../../sim/trace-writer.ts";
import { World } from "../../sim/world.ts";
import { clients, ids, pingServers } from "./support/cluster.ts";

function smallRun(): { header: TraceHeader; records: TraceRecord[] } {
  const sink = new MemorySink();
  new World({
    seed: 5n,
    nodes: [...pingServers(3, { intervalMs: 100 }), ...clients(1, ids(3), 150)],
    durationMs: 1_000,
    maxEvents: 10_000,
    faults: {
      mode: "explicit",
      schedule: [
        { atMs: 300, fault: { type: "crash", node: nodeId(2) } },
        { atMs: 600, fault: { type: "restart", node: nodeId(2) } },
      ],
    },
    trace: new TraceWriter({ sink }),
  }).run();
  const [first, ...rest] = sink.lines.map(parseTraceLine);
  if (first === undefined || !isTraceHeader(first))
    throw new Error("a trace starts with its header");
  return { header: first, records: rest as TraceRecord[] };
}

describe("Chrome trace export", () => {
  it("is valid JSON with a process per node, flows for messages and closed crash spans", () => {
    const { header, records } = smallRun();
    const chrome = JSON.parse(JSON.stringify(toChromeTrace(header, records))) as ReturnType<
      typeof toChromeTrace
    >;
    const names = chrome.traceEvents.filter((e) => e.ph === "M" && e.name === "process_name");
    expect(names.map((e) => e.pid).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 100]);
    const starts = chrome.traceEvents.filter((e) => e.ph === "s");
    const finishes = chrome.traceEvents.filter((e) => e.ph === "f");
    const delivered = records.filter((r) => r.type === "net-deliver").length;
    expect(finishes).toHaveLength(delivered);
    expect(starts.length).toBeGreaterThanOrEqual(delivered);
    for (const f of finishes) {
      const s = starts.find((x) => x.id === f.id)!;
      expect(s.ts!).toBeLessThanOrEqual(f.ts!);
    }
    const spans = chrome.traceEvents.filter((e) => e.tid === 1 && (e.ph === "B" || e.ph === "E"));
    expect(spans.map((e) => [e.ph, e.pid, e.ts])).toEqual([
      ["B", 2, 300_000],
      ["E", 2, 600_000],
    ]);
    expect(chrome.traceEvents.every((e) => e.ph === "M" || Number.isInteger(e.ts))).toBe(true);
    expect(chrome.otherData).toMatchObject({ seed: "0x0000000000000005" });
  });
});

describe("ShiViz export", () => {
  it("writes event and host lines that the regex parses, with clocks merged on delivery", () => {
    const { records } = smallRun();
    const { regex, log } = toShiViz(records);
    expect(regex).toBe(shivizRegex);
    const pattern = new RegExp(regex, "g");
    const parsed = [...log.matchAll(pattern)].map((m) => ({
      event: m.groups!.event!,
      host: m.groups!.host!,
      clock: JSON.parse(m.groups!.clock!) as Record<string, number>,
    }));
    expect(parsed).toHaveLength(records.filter((r) => r.node !== undefined).length);
    // Every host's own component counts its events one by one.
    const seen = new Map<string, number>();
    for (const { host, clock } of parsed) {
      const own = (seen.get(host) ?? 0) + 1;
      seen.set(host, own);
      expect(clock[host]).toBe(own);
    }
    // A delivery knows at least what the sender knew when it sent.
    const send = parsed.find((p) => p.event.startsWith("send #"))!;
    const msg = send.event.split(" ")[1]!;
    const deliver = parsed.find((p) => p.event.startsWith(`deliver ${msg} `))!;
    for (const [host, count] of Object.entries(send.clock)) {
      expect(deliver.clock[host]).toBeGreaterThanOrEqual(count);
    }
    expect(seen.size).toBe(4);
  });
});
