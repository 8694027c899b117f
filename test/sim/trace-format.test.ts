// The trace line encoding (bytes, bigints, maps, undefined fields) and the trace hash.

import { describe, expect, it } from "vitest";
import { nodeId } from "../../core/ids.ts";
import type { TraceEvent } from "../../core/trace.ts";
import { defaultFaultModel } from "../../sim/faults.ts";
import { calmSwarm } from "../../sim/swarm.ts";
import {
  encodeGeneric,
  encodeRecord,
  encodeValue,
  fnv32Hex,
  parseTraceLine,
  type SimTraceEvent,
  type TraceHeader,
} from "../../sim/trace-format.ts";
import { MemorySink, TraceWriter } from "../../sim/trace-writer.ts";

const compact = { fullBytes: false };

const setup = { servers: [nodeId(1)], clients: [], faultPhaseMs: 0, model: defaultFaultModel(1) };

const header: TraceHeader = {
  format: "runnel-trace",
  version: 1,
  seed: "0x1",
  commit: "c",
  nodes: [{ id: nodeId(1), role: "server" }],
  config: {
    durationMs: 1,
    maxEvents: 1,
    faultPhaseMs: 0,
    faultPlan: "none",
    faultModel: setup.model,
    clockEpochMs: 0,
    clockMode: "monotonic",
    replay: "runnel sim --seed 0x1",
  },
  faults: { params: calmSwarm(setup), schedule: [] },
};

function sampleEvents(): (SimTraceEvent | TraceEvent)[] {
  const [a, b] = [nodeId(1), nodeId(2)];
  return [
    { type: "net-deliver", msg: 9, from: a, to: b, conn: 4 },
    { type: "net-send", msg: 9, from: a, to: b, conn: 4, kind: "peer", at: 12.25 },
    {
      type: "net-send",
      msg: 10,
      from: a,
      to: b,
      conn: 4,
      kind: "request",
      size: 70,
      at: null,
      body: { x: Uint8Array.of(1) },
    },
    { type: "net-drop", msg: 10, from: a, to: b, conn: 4, reason: "partitioned" },
    { type: "mark", name: "follower-truncated-divergent-tail" },
    { type: "disk-op", id: 3, op: "sync", path: "data/log", ok: false, code: "EIO" },
  ];
}

describe("encodeValue", () => {
  it.each([
    [null, "null"],
    [undefined, "null"],
    [true, "true"],
    [-0, "0"],
    [1.5, "1.5"],
    [Number.NaN, "null"],
    ['a"b\n', JSON.stringify('a"b\n')],
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

  it("the writer numbers events from 1 after the header", () => {
    const sink = new MemorySink();
    const writer = new TraceWriter({ sink, lanes: true });
    writer.header(header);
    expect(writer.record(0, nodeId(1), { type: "proc-pause" })).toBe(1);
    expect(writer.record(2, undefined, { type: "proc-wipe" })).toBe(2);
    expect(sink.lines).toHaveLength(3);
    expect(writer.lineCount).toBe(3);
    expect(writer.laneAt(2)).toBeDefined();
    expect(writer.laneAt(3)).toBeUndefined();
  });

  it("the hash is the same with or without lines written, and sees every field", () => {
    const events = sampleEvents();
    const hashOf = (writer: TraceWriter, change?: number) => {
      writer.header(header);
      events.forEach((event, i) => {
        writer.record(i === change ? 1.5 : i, nodeId(i % 3), event);
      });
      return writer.hash;
    };
    const quiet = hashOf(new TraceWriter());
    expect(hashOf(new TraceWriter({ sink: new MemorySink() }))).toBe(quiet);
    expect(hashOf(new TraceWriter({ level: "full" }))).toBe(quiet);
    expect(quiet).toMatch(/^[0-9a-f]{16}$/);
    for (let i = 0; i < events.length; i++) expect(hashOf(new TraceWriter(), i)).not.toBe(quiet);
  });

  it("fast-path encodings equal the generic encoding", () => {
    for (const event of sampleEvents()) {
      const fast = encodeRecord(3, 2.5, nodeId(1), event, compact);
      expect(fast).toBe(`{"seq":3,"t":2.5,"node":1${encodeGeneric(event, compact)}}`);
    }
  });
});
