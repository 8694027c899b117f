// The trace line encoding (bytes, bigints, maps, undefined fields) and the trace hash.

import { describe, expect, it } from "vitest";
import { nodeId } from "../../core/ids.ts";
import {
  encodeRecord,
  encodeValue,
  fnv32Hex,
  parseTraceLine,
  TraceHash,
} from "../../sim/trace-format.ts";
import { MemorySink, TraceWriter } from "../../sim/trace-writer.ts";

const compact = { fullBytes: false };

describe("encodeValue", () => {
  it.each([
    [null, "null"],
    [undefined, "null"],
    [true, "true"],
    [-0, "0"],
    [1.5, "1.5"],
    [Number.NaN, "null"],
    ["a\"b\n", JSON.stringify("a\"b\n")],
    [12n, '{"$bigint":"12"}'],
    [[1, undefined, "x"], '[1,null,"x"]'],
    [{ b: 1, a: undefined, c: [2] }, '{"b":1,"c":[2]}'],
    [new Map([["k", 1]]), '{"$map":[["k",1]]}'],
    [new Set([3, 4]), '{"$set":[3,4]}'],
  ])("encodes case %# as %s", (value, text) => {
    expect(encodeValue(value, compact)).toBe(text);
  });

  it("writes bytes as length, a hex head and a fingerprint of all of them", () => {
    const bytes = Uint8Array.from({ length: 40 }, (_, i) => i);
    const text = encodeValue({ payload: bytes }, compact);
    expect(JSON.parse(text)).toEqual({
      payload: { $bytes: 40, head: "000102030405060708090a0b0c0d0e0f", fnv: fnv32Hex(bytes) },
    });
    const changedTail = bytes.slice();
    changedTail[39] = 0xff;
    expect(encodeValue({ payload: changedTail }, compact)).not.toBe(text);
  });

  it("writes whole bytes as base64 when asked", () => {
    const text = encodeValue(Uint8Array.of(1, 2, 3), { fullBytes: true });
    expect(JSON.parse(text)).toEqual({ $bytes: 3, b64: "AQID" });
  });

  it.each([
    [new Uint8Array(0), "811c9dc5"],
    [new TextEncoder().encode("a"), "e40c292c"],
    [new TextEncoder().encode("foobar"), "bf9cf968"],
  ])("FNV-1a 32 of %s is %s (published vectors)", (bytes, hex) => {
    expect(fnv32Hex(bytes)).toBe(hex);
  });
});

describe("trace records", () => {
  it("put seq, t and node first and parse back", () => {
    const line = encodeRecord(7, 1.25, nodeId(3), { type: "mark", name: "x" }, compact);
    expect(line).toBe('{"seq":7,"t":1.25,"node":3,"type":"mark","name":"x"}');
    expect(parseTraceLine(line)).toEqual({ seq: 7, t: 1.25, node: 3, type: "mark", name: "x" });
    expect(encodeRecord(1, 0, undefined, { type: "proc-wipe" }, compact)).toBe(
      '{"seq":1,"t":0,"type":"proc-wipe"}',
    );
  });

  it("the writer numbers events from 1 after the header and hashes every line", () => {
    const sink = new MemorySink();
    const writer = new TraceWriter({ sink, lanes: true });
    writer.header({ format: "runnel-trace", version: 1, seed: "0x1", commit: "c", nodes: [], config: {}, faults: {} });
    expect(writer.record(0, nodeId(1), { type: "proc-pause" })).toBe(1);
    expect(writer.record(2, undefined, { type: "proc-wipe" })).toBe(2);
    expect(sink.lines).toHaveLength(3);
    const hash = new TraceHash();
    for (const line of sink.lines) hash.update(line);
    expect(writer.hash).toBe(hash.hex());
    expect(writer.laneAt(2)).toBe(hash.lane);
    expect(writer.lineCount).toBe(3);
  });

  it("the hash tells lines apart, and line boundaries count", () => {
    const hashOf = (...lines: string[]) => {
      const hash = new TraceHash();
      for (const line of lines) hash.update(line);
      return hash.hex();
    };
    expect(hashOf("ab", "c")).not.toBe(hashOf("a", "bc"));
    expect(hashOf("x")).not.toBe(hashOf("y"));
    expect(hashOf("x")).toMatch(/^[0-9a-f]{16}$/);
  });
});
