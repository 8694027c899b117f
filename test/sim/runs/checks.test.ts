// Every checker of a single-broker run can fail: hand-built Fetch answers, partition states and
// histories that break the fault contract are caught, and the excuses the contract allows apply
// only where a loss event or a retry accounts for the anomaly.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import type { BrokerView, PartitionView } from "../../../core/broker/broker-view.ts";
import { FsyncBeforeAck } from "../../../core/broker/config.ts";
import type { PartitionStateEvent } from "../../../core/broker/trace-events.ts";
import type { HistoryOp } from "../../../core/client/history.ts";
import { decodeInt, encodeInt, KeyMap } from "../../../core/client/workload-keys.ts";
import { nodeId } from "../../../core/ids.ts";
import {
  Compression,
  decodeRecordSection,
  encodeBatch,
  recordSectionOf,
} from "../../../core/log/record-batch.ts";
import type { FetchRequest, FetchResponse } from "../../../core/protocol/index.ts";
import { checkFetchServed } from "../../../sim/checks/fetch-served.ts";
import { HistoryJudge } from "../../../sim/checks/history-verdict.ts";
import { LossLedger } from "../../../sim/checks/loss-ledger.ts";
import { batchesOf, Observations, valuesOf } from "../../../sim/checks/observations.ts";
import { OffsetRanges, RunWatch } from "../../../sim/checks/run-watch.ts";

const keyMap = new KeyMap({ keyCount: 2, partitionsPerTopic: 2, topicPrefix: "t" });
const TOPIC = "t0";

function batch(baseOffset: number, values: readonly number[]): Uint8Array {
  return encodeBatch({
    baseOffset,
    records: values.map((v) => ({ key: null, value: encodeInt(v) })),
  });
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function partition(state: Partial<PartitionView>): PartitionView {
  // Only the fields the fetch check reads; the view has more (ISR, epochs, roles).
  const fields = {
    topic: TOPIC,
    partition: 0,
    status: "online",
    logStartOffset: 0,
    logEndOffset: 10,
    highWatermark: 10,
    durableOffset: 10,
    ...state,
  };
  return fields as unknown as PartitionView;
}

const view = (p: PartitionView): BrokerView => ({ partitions: [p] }) as unknown as BrokerView;

function fetch(fetchOffset: number): FetchRequest {
  return {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic: TOPIC,
        partitions: [
          {
            partition: 0,
            currentLeaderEpoch: -1,
            fetchOffset,
            logStartOffset: -1,
            partitionMaxBytes: 1 << 20,
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: "",
  };
}

function answer(records: Uint8Array | null, highWatermark: number): FetchResponse {
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [
      {
        topic: TOPIC,
        partitions: [
          {
            partitionIndex: 0,
            errorCode: 0,
            highWatermark,
            lastStableOffset: highWatermark,
            logStartOffset: 0,
            abortedTransactions: null,
            preferredReadReplica: -1,
            records,
          },
        ],
      },
    ],
  };
}

const strict = { fsync: FsyncBeforeAck.acksAll, gapsAllowed: false };

describe("fetch answers, checked as the broker serves them", () => {
  const good = concat(batch(4, [40, 41]), batch(6, [60]));

  it("passes whole, dense batches below the high watermark", () => {
    expect(
      checkFetchServed(fetch(5), answer(good, 7), view(partition({})), strict),
    ).toBeUndefined();
  });

  it.each([
    [
      "a record at the high watermark",
      fetch(4),
      answer(good, 6),
      partition({}),
      "at or past the high watermark",
    ],
    [
      "a gap between batches",
      fetch(4),
      answer(concat(batch(4, [1]), batch(6, [2])), 9),
      partition({}),
      "not dense",
    ],
    [
      "a batch missing a record",
      fetch(4),
      answer(
        encodeBatch({
          baseOffset: 4,
          lastOffsetDelta: 2,
          records: [
            { key: null, value: encodeInt(1), offsetDelta: 0 },
            { key: null, value: encodeInt(2), offsetDelta: 2 },
          ],
        }),
        9,
      ),
      partition({}),
      "holds 2 records",
    ],
    [
      "a first batch past the fetch offset",
      fetch(3),
      answer(good, 9),
      partition({}),
      "does not hold the fetch offset",
    ],
    [
      "a high watermark above the broker's",
      fetch(4),
      answer(good, 9),
      partition({ highWatermark: 8 }),
      "> the broker's",
    ],
    [
      "a high watermark above the durable offset",
      fetch(4),
      answer(good, 9),
      partition({ durableOffset: 8 }),
      "durable offset",
    ],
  ])("catches %s", (_name, request, response, state, expected) => {
    expect(checkFetchServed(request, response, view(state), strict)).toContain(expected);
  });

  it("catches a rotted batch being served (bad CRC)", () => {
    const rotted = batch(4, [40, 41]);
    rotted[rotted.length - 1] = (rotted[rotted.length - 1] ?? 0) ^ 0x10;
    expect(checkFetchServed(fetch(4), answer(rotted, 9), view(partition({})), strict)).toContain(
      "fails validation (bad-crc",
    );
  });
});

function state(over: Partial<PartitionStateEvent>): PartitionStateEvent {
  return {
    type: "partition-state",
    topic: TOPIC,
    partition: 0,
    leader: 1,
    leaderEpoch: 1,
    isr: [1],
    logStartOffset: 0,
    logEndOffset: 5,
    highWatermark: 5,
    durableOffset: 5,
    ...over,
  };
}

function watch(fsync: FsyncBeforeAck = FsyncBeforeAck.acksAll) {
  const ledger = new LossLedger(false);
  const w = new RunWatch({
    broker: nodeId(1),
    keyMap,
    fsync,
    ledger,
    observations: new Observations(keyMap),
  });
  let seq = 0;
  const see = (event: Parameters<typeof w.observer>[3], node = 1) =>
    w.observer(++seq, 0, nodeId(node), event);
  return { w, ledger, see };
}

describe("partition states", () => {
  it.each([
    ["HW above LEO", [state({ highWatermark: 6 })], "HW 6 <= LEO 5"],
    [
      "durable offset above LEO",
      [state({ durableOffset: 7, highWatermark: 5 })],
      "durable offset 7 > LEO 5",
    ],
    [
      "HW above the durable offset with acks-all",
      [state({ durableOffset: 3 })],
      "HW 5 > durable offset 3",
    ],
    ["HW going back", [state({}), state({ highWatermark: 4 })], "HW went back from 5 to 4"],
    [
      "LEO going back",
      [
        state({ highWatermark: 2, durableOffset: 2 }),
        state({ logEndOffset: 4, highWatermark: 2, durableOffset: 2 }),
      ],
      "LEO went back",
    ],
  ])("catches %s", (_name, events, expected) => {
    const { w, see } = watch();
    for (const e of events) see(e);
    expect(w.violation).toContain(expected);
  });

  it("catches an offset acknowledged twice, and an acknowledgement past the LEO", () => {
    const ack = (baseOffset: number, count: number) =>
      ({
        type: "produce-acknowledged",
        topic: TOPIC,
        partition: 0,
        baseOffset,
        count,
        acks: -1,
      }) as const;
    const twice = watch();
    twice.see(state({}));
    twice.see(ack(0, 2));
    twice.see(ack(1, 1));
    expect(twice.w.violation).toContain("offset 1 acknowledged twice");
    const past = watch();
    past.see(state({}));
    past.see(ack(4, 3));
    expect(past.w.violation).toContain("up to offset 6, past LEO 5");
  });

  test.prop([fc.array(fc.tuple(fc.nat(60), fc.integer({ min: 1, max: 8 })), { maxLength: 40 })], {
    numRuns: 300,
  })("acknowledged ranges find the first offset given twice, as a set of offsets does", (acks) => {
    const ranges = new OffsetRanges();
    const naive = new Set<number>();
    for (const [from, count] of acks) {
      let twice: number | undefined;
      for (let o = from; o < from + count && twice === undefined; o++) {
        if (naive.has(o)) twice = o;
      }
      expect(ranges.add(from, from + count)).toBe(twice);
      if (twice !== undefined) continue;
      for (let o = from; o < from + count; o++) naive.add(o);
    }
    // Adjacent ranges are merged: one range per run of consecutive offsets.
    const runs = [...naive].filter((o) => !naive.has(o - 1)).length;
    expect(ranges.ranges).toBe(runs);
  });

  it("allows a lower HW after a crash, and records what the crash may lose", () => {
    const { w, ledger, see } = watch(FsyncBeforeAck.none);
    see(state({ logEndOffset: 9, highWatermark: 9, durableOffset: 6 }));
    see({
      type: "proc-crash",
      incarnation: 1,
      diskOpsLost: 0,
      inputsLost: 0,
      unsyncedBytesLost: 10,
    });
    see({ type: "proc-start", incarnation: 2 });
    see(state({ logEndOffset: 6, highWatermark: 6, durableOffset: 6 }));
    expect(w.violation).toBeUndefined();
    expect(ledger.describe()).toEqual(["crash at seq 2: k0[6,9)"]);
  });
});

/** A history: process 0 sends `value` to key 0 (acked at `offset`), process 1 polls what it reads. */
function sendAndRead(sends: [number, number][], reads: [number, number][]): HistoryOp[] {
  const ops: HistoryOp[] = [];
  let t = 0;
  sends.forEach(([value, offset], i) => {
    ops.push({
      type: "send",
      phase: "invoke",
      processId: 0,
      opId: i,
      time: t++,
      sends: [{ key: 0, value, offset: null }],
    });
    ops.push({
      type: "send",
      phase: "ok",
      processId: 0,
      opId: i,
      time: t++,
      sends: [{ key: 0, value, offset }],
    });
  });
  ops.push({
    type: "assign",
    phase: "invoke",
    processId: 1,
    opId: 0,
    time: t++,
    keys: [0],
    seekToBeginning: true,
  });
  ops.push({
    type: "assign",
    phase: "ok",
    processId: 1,
    opId: 0,
    time: t++,
    keys: [0],
    seekToBeginning: true,
  });
  ops.push({ type: "poll", phase: "invoke", processId: 1, opId: 1, time: t++, reads: [] });
  ops.push({
    type: "poll",
    phase: "ok",
    processId: 1,
    opId: 1,
    time: t++,
    reads: [{ key: 0, records: reads }],
  });
  return ops;
}

/** Judges a history whose observations are the acks (seq = op index) and the reads (served last). */
function judge(
  history: HistoryOp[],
  losses: { seq: number; from: number; to: number }[],
  retried: number[] = [],
) {
  const observations = new Observations(keyMap);
  const seqs = history.map((_, i) => i + 1);
  history.forEach((op, i) => {
    if (op.type === "send" && op.phase === "ok") {
      for (const s of op.sends)
        if (s.offset !== null) observations.ack(s.key, s.value, s.offset, i + 1);
    }
  });
  const reads = history.flatMap((op) => (op.type === "poll" && op.phase === "ok" ? op.reads : []));
  const served = reads.flatMap((r) => r.records.map(([offset, value]) => ({ offset, value })));
  if (served.length > 0) {
    const bytes = concat(...served.map(({ offset, value }) => batch(offset, [value])));
    observations.fetchResponse(answer(bytes, 100), 1_000);
  }
  for (const value of retried) {
    const request = {
      transactionalId: null,
      acks: -1,
      timeoutMs: 1,
      legacyMessageSet: false,
      topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: batch(0, [value]) }] }],
    };
    observations.produceRequest(request);
    observations.produceRequest(request);
  }
  const ledger = new LossLedger(false);
  for (const l of losses)
    ledger.add({ seq: l.seq, kind: "crash", regions: new Map([[0, { from: l.from, to: l.to }]]) });
  return new HistoryJudge(history, seqs, observations, ledger).verdict();
}

describe("the history verdict under the fault contract", () => {
  it("passes a clean history", () => {
    expect(
      judge(
        sendAndRead(
          [
            [1, 0],
            [2, 1],
          ],
          [
            [0, 1],
            [1, 2],
          ],
        ),
        [],
      ).ok,
    ).toBe(true);
  });

  it("fails an acknowledged record nobody read, unless a later crash may have lost it", () => {
    const history = sendAndRead(
      [
        [1, 0],
        [2, 1],
      ],
      [[0, 1]],
    );
    const bare = judge(history, []);
    expect(bare.ok).toBe(false);
    expect(bare.message).toContain("acked-lost");
    expect(judge(history, [{ seq: 5, from: 1, to: 2 }]).ok).toBe(true);
    // A crash whose region does not hold offset 1, or that came before the ack, excuses nothing.
    expect(judge(history, [{ seq: 5, from: 2, to: 3 }]).ok).toBe(false);
    expect(judge(history, [{ seq: 1, from: 0, to: 5 }]).ok).toBe(false);
  });

  it("fails a value read at an offset another value was acknowledged at, unless lost there", () => {
    const history = sendAndRead(
      [
        [1, 0],
        [2, 1],
      ],
      [
        [0, 1],
        [1, 3],
      ],
    );
    const bare = judge(history, []);
    expect(bare.unexcused["inconsistent-offsets"]).toBe(1);
    expect(
      judge(history, [{ seq: 5, from: 1, to: 2 }]).unexcused["inconsistent-offsets"],
    ).toBeUndefined();
  });

  it("fails a duplicate unless the value was sent twice", () => {
    const history = sendAndRead(
      [[1, 0]],
      [
        [0, 1],
        [1, 1],
      ],
    );
    expect(judge(history, []).unexcused.duplicate).toBe(1);
    expect(judge(history, [], [1]).unexcused.duplicate).toBeUndefined();
  });

  it("never excuses a poll that returned a value nobody sent", () => {
    const history = sendAndRead(
      [[1, 0]],
      [
        [0, 1],
        [1, 99],
      ],
    );
    const verdict = judge(history, [{ seq: 100, from: 0, to: 10 }]);
    expect(verdict.unexcused["phantom-read"]).toBe(1);
  });

  it("keeps durability promises: a crash never voids an acknowledgement that waited for a sync", () => {
    const observations = new Observations(keyMap);
    observations.ack(0, 7, 3, 1);
    const promised = new LossLedger(true);
    promised.add({ seq: 2, kind: "crash", regions: new Map([[0, { from: 0, to: 9 }]]) });
    expect(promised.voided(observations.of(7)[0]!)).toBe(false);
    promised.add({
      seq: 3,
      kind: "rot",
      regions: new Map([[0, { from: 3, to: Number.POSITIVE_INFINITY }]]),
    });
    expect(promised.voided(observations.of(7)[0]!)).toBe(true);
  });
});

/** valuesOf as it was: every record of every whole batch decoded (the reference). */
function valuesByDecoding(bytes: Uint8Array): { offset: number; value: number }[] {
  const out: { offset: number; value: number }[] = [];
  for (const { position, header } of batchesOf(bytes)) {
    if (header.compression !== Compression.none) continue;
    const records = decodeRecordSection(recordSectionOf(bytes, header, position), header);
    if (!records.ok) continue;
    for (const record of records.value) {
      const value = decodeInt(record.value);
      if (value !== undefined) out.push({ offset: record.offset, value });
    }
  }
  return out;
}

const recordArb = fc.record({
  key: fc.option(fc.uint8Array({ maxLength: 6 }), { nil: null }),
  value: fc.oneof(
    fc.nat().map((n) => encodeInt(n)),
    fc.option(fc.uint8Array({ maxLength: 20 }), { nil: null }),
  ),
  headers: fc.array(
    fc.record({
      key: fc.string({ maxLength: 4 }),
      value: fc.option(fc.uint8Array({ maxLength: 4 }), { nil: null }),
    }),
    { maxLength: 2 },
  ),
  gap: fc.nat(3),
});

describe("observed values", () => {
  test.prop(
    [
      fc.array(fc.array(recordArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 3 }),
      fc.nat(),
    ],
    { numRuns: 300 },
  )(
    "read from the walked records as decoding every record gives them, damaged or cut",
    (batches, flips, cut) => {
      let base = 0;
      const encoded = batches.map((records) => {
        let delta = 0;
        const bytes = encodeBatch({
          baseOffset: base,
          records: records.map((r) => {
            delta += r.gap;
            const offsetDelta = delta++;
            return { key: r.key, value: r.value, headers: r.headers, offsetDelta };
          }),
        });
        base += delta;
        return bytes;
      });
      const bytes = concat(...encoded);
      // Values are read from whole batches as received, whatever their CRC: damage anywhere counts.
      for (const [at, mask] of flips) bytes[at % bytes.length]! ^= mask;
      const served = bytes.subarray(0, bytes.length - (cut % 8));
      expect(valuesOf(served)).toEqual(valuesByDecoding(served));
    },
  );
});
