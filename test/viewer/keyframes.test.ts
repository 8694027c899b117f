// Seeking through keyframes gives exactly the state a full replay gives: stateAt(i) equals applying
// events 0..i to the empty state, for any i and any keyframe spacing (the naive model is the replay).

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { applyRecord, type ClusterState, emptyState } from "../../viewer/cluster-state.ts";
import type { AnyRecord } from "../../viewer/records.ts";
import { loadText } from "./support/load.ts";
import { toyTrace } from "./support/toy-trace.ts";

const trace = toyTrace({ seed: 5, durationMs: 1500 });
const records = trace.lines.slice(1).map((l) => JSON.parse(l) as AnyRecord);
const clients = new Set(
  trace.header.nodes.filter((n) => n.role === "client").map((n) => n.id as number),
);

/** The naive model: replay everything from the start. */
function replay(upTo: number): ClusterState {
  const state = emptyState(trace.header.nodes);
  for (let i = 0; i <= upTo; i++) applyRecord(state, records[i]!, i, clients);
  state.idx = upTo;
  state.t = records[upTo]!.t;
  return state;
}

describe("keyframes", () => {
  const spacings = [1, 7, 256];
  const indexers = spacings.map((k) => loadText(trace.text, [65_536], k).indexer!);

  it("the toy trace exercises crashes, elections, ISR changes and groups", () => {
    const types = new Set(records.map((r) => r.type));
    for (const t of [
      "proc-crash",
      "raft-role-changed",
      "isr-shrink-proposed",
      "leader-elected",
      "group-state",
      "offset-committed",
      "fault",
    ]) {
      expect(types).toContain(t);
    }
  });

  test.prop([fc.integer({ min: 0, max: records.length - 1 }), fc.constantFrom(0, 1, 2)], {
    numRuns: 60,
  })("stateAt(i) equals a full replay to i", (i, k) => {
    expect(indexers[k]!.stateAt(i)).toEqual(replay(i));
  });

  it("before the first event the state is empty", () => {
    const state = indexers[1]!.stateAt(-1);
    expect(state.partitions).toEqual({});
    expect(state.idx).toBe(-1);
  });
});
