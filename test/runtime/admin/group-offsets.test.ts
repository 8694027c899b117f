// The pure parts of `runnel groups`: decoding a consumer member's assignment, the lag rows, and
// the --reset-offsets targets clamped into [log start, log end] as Kafka's tool does.

import { describe, expect, it } from "vitest";
import {
  decodeAssignment,
  lagRows,
  partitionKey,
  type ResetSpec,
  resetTarget,
} from "../../../runtime/admin/group-offsets.ts";
import { Writer } from "../../../runtime/protocol/writer.ts";

/** ConsumerProtocolAssignment v0: version, [topic, [partition]], user data. */
function assignment(topics: Record<string, number[]>): Uint8Array {
  const w = new Writer();
  w.int16(0);
  w.lengthPrefix("int32", Object.keys(topics).length);
  for (const [topic, partitions] of Object.entries(topics)) {
    w.string("int16", topic);
    w.lengthPrefix("int32", partitions.length);
    for (const p of partitions) w.int32(p);
  }
  w.lengthPrefix("int32", -1);
  return w.finish();
}

describe("decodeAssignment", () => {
  it("reads the topics and partitions of a member's assignment", () => {
    const decoded = decodeAssignment(assignment({ orders: [0, 2], audit: [1] }));
    expect(decoded).toEqual({
      ok: true,
      value: [
        { topic: "orders", partitions: [0, 2] },
        { topic: "audit", partitions: [1] },
      ],
    });
  });

  it("reads empty bytes as nothing assigned and truncated bytes as an error value", () => {
    expect(decodeAssignment(new Uint8Array(0))).toEqual({ ok: true, value: [] });
    const bytes = assignment({ orders: [0, 1] });
    expect(decodeAssignment(bytes.subarray(0, bytes.length - 7)).ok).toBe(false);
  });
});

describe("lagRows", () => {
  it("joins commits, log end offsets and owners; lag is unknown without a commit", () => {
    const committed = new Map([
      [partitionKey("b", 0), 5],
      [partitionKey("a", 1), 10],
    ]);
    const logEnd = new Map([
      [partitionKey("a", 1), 12],
      [partitionKey("b", 0), 5],
      [partitionKey("b", 1), 9],
    ]);
    const owners = new Map([[partitionKey("b", 1), "member-1"]]);
    expect(lagRows(committed, logEnd, owners)).toEqual([
      { topic: "a", partition: 1, committed: 10, logEndOffset: 12, lag: 2, memberId: undefined },
      { topic: "b", partition: 0, committed: 5, logEndOffset: 5, lag: 0, memberId: undefined },
      {
        topic: "b",
        partition: 1,
        committed: undefined,
        logEndOffset: 9,
        lag: undefined,
        memberId: "member-1",
      },
    ]);
  });
});

describe("resetTarget", () => {
  const state = { logStartOffset: 10, logEndOffset: 100, committed: 40 };
  it.each<[ResetSpec, number]>([
    [{ type: "earliest" }, 10],
    [{ type: "latest" }, 100],
    [{ type: "offset", offset: 50 }, 50],
    [{ type: "offset", offset: 5 }, 10],
    [{ type: "offset", offset: 500 }, 100],
    [{ type: "shift", by: -15 }, 25],
    [{ type: "shift", by: -100 }, 10],
    [{ type: "shift", by: 100 }, 100],
    [{ type: "datetime", timestampMs: 1 }, 100],
  ])("%j -> %i", (spec, expected) => {
    expect(resetTarget(spec, state)).toBe(expected);
  });

  it("uses the offset found for a time, and the log end when none was found", () => {
    const spec: ResetSpec = { type: "datetime", timestampMs: 1_000 };
    expect(resetTarget(spec, { ...state, offsetForTime: 42 })).toBe(42);
    expect(resetTarget(spec, { ...state, offsetForTime: -1 })).toBe(100);
  });

  it("shifts from the log end when nothing is committed", () => {
    expect(resetTarget({ type: "shift", by: -30 }, { ...state, committed: undefined })).toBe(70);
  });
});
