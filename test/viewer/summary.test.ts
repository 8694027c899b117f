// One-line summaries in the event list: the fields that matter per event type, in Kafka's words,
// compact JSON for types the viewer does not know, never longer than the list can show.

import { describe, expect, it } from "vitest";
import type { AnyRecord } from "../../viewer/records.ts";
import { summarize } from "../../viewer/summary.ts";

const r = (type: string, fields: Record<string, unknown>): AnyRecord => ({
  seq: 1,
  t: 0,
  node: 1,
  type,
  ...fields,
});

describe("summaries", () => {
  it.each([
    [
      r("group-member-joined", {
        group: "g",
        memberId: "static-7-b",
        groupInstanceId: "static-7",
        clientId: "sim-7",
        reason: "static-replaced",
        replacedMemberId: "static-7-a",
      }),
      "g sim-7 joined as static-7-b (static static-7: static-7-a fenced)",
    ],
    [
      r("group-member-expired", { group: "g", memberId: "m1", sessionTimeoutMs: 6000 }),
      "g m1 session expired (6000 ms)",
    ],
    [
      r("producer-batch-deduplicated", {
        topic: "t",
        partition: 1,
        producerId: 4000,
        producerEpoch: 0,
        baseSequence: 10,
        lastSequence: 14,
        firstOffset: 52,
        lastOffset: 56,
      }),
      "t-1 producer 4000 epoch 0 sequences 10..14: duplicate of offsets 52..56",
    ],
    [
      r("producer-ids-allocated", {
        brokerId: 2,
        brokerEpoch: 7,
        firstProducerId: 1000,
        size: 1000,
      }),
      "producer ids 1000..1999 to broker 2",
    ],
    [
      r("coordinator-loaded", { partition: 2, groups: 1, offsets: 3, records: 24 }),
      "__consumer_offsets-2: 1 groups, 3 offsets from 24 records",
    ],
    [
      r("net-send", {
        msg: 7,
        from: 1,
        to: 2,
        kind: "peer",
        size: 80,
        at: 3,
        body: { type: "replica-fetch-request" },
      }),
      "#7 1→2 replica-fetch-request (peer, 80 B)",
    ],
    [
      r("net-send", {
        msg: 8,
        from: 100,
        to: 1,
        kind: "request",
        at: null,
        body: { correlationId: 1, request: { api: "Produce" } },
      }),
      "#8 100→1 Produce (request) held",
    ],
    [r("net-drop", { msg: 9, from: 1, to: 2, reason: "crash" }), "#9 1→2 dropped: crash"],
    [
      r("partition-state", {
        topic: "t",
        partition: 0,
        leader: 1,
        leaderEpoch: 2,
        isr: [1, 2],
        logEndOffset: 9,
        highWatermark: 7,
        durableOffset: 9,
      }),
      "t-0 leader 1 epoch 2 ISR [1,2] LEO 9 HW 7 durable 9",
    ],
    [
      r("leader-elected", {
        topic: "t",
        partition: 0,
        leader: 2,
        previousLeader: 1,
        leaderEpoch: 3,
        isr: [2, 3],
        reason: "broker-fenced",
        unclean: true,
      }),
      "t-0 leader 1 → 2 epoch 3 ISR [2,3] (broker-fenced, UNCLEAN)",
    ],
    [
      r("follower-truncated", {
        topic: "t",
        partition: 1,
        from: 12,
        to: 9,
        reason: "diverging-epoch",
      }),
      "t-1 12 → 9 (diverging-epoch)",
    ],
    [
      r("failure", { kind: "global-invariant", message: "HW above LEO" }),
      "global-invariant: HW above LEO",
    ],
    [
      r("something-new", { a: 1, payload: { $bytes: 40, head: "00", fnv: "1" } }),
      '{"a":1,"payload":"<40 bytes>"}',
    ],
  ])("summarizes case %#", (record, text) => {
    expect(summarize(record)).toBe(text);
  });

  it("clips long summaries to 160 characters", () => {
    const s = summarize(r("failure", { kind: "final-check", message: "x".repeat(500) }));
    expect(s).toHaveLength(160);
    expect(s.endsWith("…")).toBe(true);
  });
});
