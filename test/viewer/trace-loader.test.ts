// The viewer's loader: header checks with messages a person can act on, a bad line stops loading
// with its line number while earlier events stay, and chunk boundaries never change the index.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { traceFormat, traceVersion } from "../../sim/trace-format.ts";
import { checkHeader } from "../../viewer/header.ts";
import { expectedFormat, expectedVersion } from "../../viewer/records.ts";
import { loadText } from "./support/load.ts";
import { toyTrace } from "./support/toy-trace.ts";

const header = JSON.stringify({
  format: "runnel-trace",
  version: 1,
  seed: "0x1",
  commit: "c",
  nodes: [{ id: 1, role: "server" }],
  config: {},
  faults: {},
});
const small = toyTrace({ seed: 3, durationMs: 300 });

describe("header", () => {
  it("mirrors sim/trace-format.ts's format name and version", () => {
    expect(expectedFormat).toBe(traceFormat);
    expect(expectedVersion).toBe(traceVersion);
  });

  it.each([
    [undefined, /file is empty/],
    ["", /file is empty/],
    ["not json", /Line 1 is not JSON .* not a Runnel trace/],
    ["[1,2]", /not a JSON object/],
    ['{"format":"chrome","version":1}', /format "chrome", expected "runnel-trace"/],
    [
      '{"format":"runnel-trace","version":2,"commit":"abc"}',
      /version 2; this viewer reads version 1.*\(abc\)/,
    ],
    ['{"format":"runnel-trace","version":1,"nodes":"x"}', /no valid `nodes` list/],
  ])("rejects %j with a clear message", (line, message) => {
    const check = checkHeader(line);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.message).toMatch(message);
  });

  it("accepts the simulator's header and keeps its replay command", () => {
    const check = checkHeader(
      JSON.stringify({ ...JSON.parse(header), config: { replay: "runnel sim --seed 0x1" } }),
    );
    expect(check.ok && check.info.replay).toBe("runnel sim --seed 0x1");
  });
});

describe("loading", () => {
  it("indexes every event of a toy trace", () => {
    const { indexer, status } = loadText(small.text);
    expect(status.kind).toBe("loading");
    expect(indexer?.count).toBe(small.events);
  });

  it("stops at a malformed line, names it, and keeps the events before it", () => {
    const lines = [...small.lines];
    lines.splice(41, 0, '{"seq": 40.5, "t": oops}');
    const { indexer, status } = loadText(lines.join("\n"));
    expect(status).toMatchObject({ kind: "error", fatal: false });
    expect(status.kind === "error" && status.message).toMatch(
      /^Line 42 is malformed \(.*\): \{"seq": 40\.5/,
    );
    expect(indexer?.count).toBe(40);
  });

  it.each([
    ['{"seq":1,"t":0}', /needs numeric seq and t and a string type/],
    ['{"seq":1,"t":5,"type":"a"}\n{"seq":2,"t":4,"type":"b"}', /time goes back/],
  ])("rejects event lines like %j", (body, message) => {
    const { status } = loadText(`${header}\n${body}\n`);
    expect(status.kind === "error" && status.message).toMatch(message);
  });

  it("reports a bad header as fatal", () => {
    const { indexer, status } = loadText('{"format":"x"}\n{"seq":1,"t":0,"type":"a"}\n');
    expect(status).toMatchObject({ kind: "error", fatal: true });
    expect(indexer).toBeUndefined();
  });

  it("accepts CRLF line ends and a last line without a newline", () => {
    const text = `${header}\r\n{"seq":1,"t":0,"type":"a"}\r\n{"seq":2,"t":1,"type":"b"}`;
    const { indexer, status } = loadText(text);
    expect(status.kind).toBe("loading");
    expect(indexer?.count).toBe(2);
    expect(indexer?.lines.line(1)).toBe('{"seq":2,"t":1,"type":"b"}');
  });

  test.prop([fc.array(fc.integer({ min: 1, max: 4000 }), { minLength: 1, maxLength: 8 })], {
    numRuns: 25,
  })("any chunking gives the same lines and state", (sizes) => {
    const whole = loadText(small.text).indexer!;
    const chunked = loadText(small.text, sizes).indexer!;
    expect(chunked.count).toBe(whole.count);
    for (const i of [0, 7, Math.floor(whole.count / 2), whole.count - 1]) {
      expect(chunked.lines.line(i)).toBe(whole.lines.line(i));
    }
    expect(chunked.stateAt(whole.count - 1)).toEqual(whole.stateAt(whole.count - 1));
  });
});
