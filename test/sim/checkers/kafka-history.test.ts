// The Jepsen Kafka history checker on hand-built histories: one per anomaly class, each flagged
// with the details a reader needs; and clean histories (auto-commit, sparse offsets) not flagged.

import { describe, expect, it } from "vitest";
import { checkKafkaHistory, historyFromTrace } from "../../../sim/checkers/kafka-history.ts";
import { HistoryBuilder, run } from "./history-builder.ts";

const K = 0;

/** Values 1..n sent by process 0 to key K at offsets 0..n-1. */
function sent(n: number, h = new HistoryBuilder()): HistoryBuilder {
  for (let v = 1; v <= n; v++) h.send(0, [[K, v, v - 1]]);
  return h;
}

describe("clean histories", () => {
  it("sends then polls in order is valid", () => {
    const h = sent(3)
      .assign(1, [K])
      .poll(1, { [K]: run(0, [1, 2]) })
      .poll(1, { [K]: run(2, [3]) });
    const result = checkKafkaHistory(h.ops);
    expect(result.valid).toBe(true);
    expect(result.counts).toEqual({});
    expect(result.stats).toMatchObject({
      processes: 2,
      keys: 1,
      sends: { ok: 3, info: 0, fail: 0 },
      polls: { ok: 2, info: 0, fail: 0 },
      valuesAcked: 3,
      valuesRead: 3,
      positions: 3,
      unfinished: 0,
    });
  });

  it("auto-commit: committing the penultimate poll, crashing and re-reading is not an anomaly", () => {
    const h = sent(12).assign(1, [K]);
    h.poll(1, { [K]: run(0, [1, 2, 3, 4, 5]) });
    h.poll(1, { [K]: run(5, [6, 7, 8, 9, 10]) });
    h.commit(1, { [K]: 5 }); // auto-commit at the next poll commits what the previous one returned
    h.crash(1);
    h.assign(2, [K])
      .poll(2, { [K]: run(5, [6, 7, 8, 9, 10]) })
      .poll(2, { [K]: run(10, [11, 12]) });
    expect(checkKafkaHistory(h.ops)).toMatchObject({ valid: true, counts: {} });
  });

  it("sparse offsets (transaction markers, compaction, huge offsets) are not gaps", () => {
    const offsets = [0, 2, 5, 1_000_000_000_000, 2 ** 50, 2 ** 50 + 7];
    const h = new HistoryBuilder();
    offsets.forEach((offset, i) => {
      h.send(0, [[K, i + 1, offset]]);
    });
    const records = offsets.map((offset, i) => [offset, i + 1] as const);
    h.assign(1, [K])
      .poll(1, { [K]: records.slice(0, 3) })
      .poll(1, { [K]: records.slice(3) });
    expect(checkKafkaHistory(h.ops)).toMatchObject({ valid: true, counts: {} });
  });

  it("an unfinished send counts as info: its value may be read", () => {
    const h = new HistoryBuilder();
    h.invoke(0, { type: "send", sends: [{ key: K, value: 1, offset: null }] });
    h.assign(1, [K]).poll(1, { [K]: run(0, [1]) });
    const result = checkKafkaHistory(h.ops);
    expect(result.valid).toBe(true);
    expect(result.stats.unfinished).toBe(1);
  });

  it("an assign with seek to beginning rewinds without a nonmonotonic-poll", () => {
    const h = sent(2)
      .assign(1, [K])
      .poll(1, { [K]: run(0, [1, 2]) });
    h.assign(1, [K], true).poll(1, { [K]: run(0, [1, 2]) });
    expect(checkKafkaHistory(h.ops).valid).toBe(true);
  });

  it("reads the history out of trace events", () => {
    const h = sent(1);
    const events = [
      { type: "mark" as const, name: "x" },
      ...h.ops.map((op) => ({ type: "history" as const, op })),
    ];
    expect(historyFromTrace(events)).toEqual(h.ops);
  });
});

describe("one history per anomaly class", () => {
  it("lost-write: an acknowledged value below what others read was never read", () => {
    const h = sent(3)
      .assign(1, [K])
      .poll(1, { [K]: run(0, [1]) });
    h.assign(2, [K]).poll(2, { [K]: run(2, [3]) }); // a fresh consumer that started at offset 2
    const result = checkKafkaHistory(h.ops);
    expect(result.failing).toEqual(["lost-write"]);
    expect(result.anomalies["lost-write"]).toEqual([
      {
        type: "lost-write",
        key: K,
        value: 2,
        offset: 1,
        index: 1,
        boundIndex: 2,
        boundOffset: 2,
        writer: { index: 3, processId: 0, opId: 1, time: 3 },
      },
    ]);
  });

  it("lost-write is reported but not failing when the fault contract allows loss", () => {
    const h = sent(3)
      .assign(1, [K])
      .poll(1, { [K]: run(0, [1]) });
    h.assign(2, [K]).poll(2, { [K]: run(2, [3]) });
    const result = checkKafkaHistory(h.ops, { allowed: ["lost-write"] });
    expect(result.valid).toBe(true);
    expect(result.counts["lost-write"]).toBe(1);
    expect(result.allowed).toContain("lost-write");
  });

  it("duplicate: one value at two offsets", () => {
    const h = sent(2)
      .assign(1, [K])
      .poll(1, {
        [K]: [
          [0, 1],
          [1, 2],
          [2, 1],
        ],
      });
    const result = checkKafkaHistory(h.ops);
    expect(result.failing).toEqual(["duplicate"]);
    expect(result.anomalies.duplicate).toEqual([
      { type: "duplicate", key: K, value: 1, offsets: [0, 2] },
    ]);
  });

  it("inconsistent-offsets: one offset, two values", () => {
    const h = sent(2).send(0, [[K, 3, null]], "info");
    h.assign(1, [K])
      .poll(1, {
        [K]: [
          [0, 1],
          [1, 3],
        ],
      })
      .poll(1, { [K]: [] });
    const result = checkKafkaHistory(h.ops);
    expect(result.failing).toContain("inconsistent-offsets");
    expect(result.anomalies["inconsistent-offsets"]).toEqual([
      { type: "inconsistent-offsets", key: K, offset: 1, values: [3, 2] },
    ]);
  });

  it("poll-skip: a consumer's next poll jumps over a value (allowed with subscribe)", () => {
    const h = sent(5)
      .assign(1, [K])
      .poll(1, { [K]: run(0, [1, 2]) })
      .poll(1, { [K]: run(3, [4, 5]) });
    h.assign(2, [K]).poll(2, { [K]: run(0, [1, 2, 3, 4, 5]) });
    const result = checkKafkaHistory(h.ops);
    expect(result.failing).toEqual(["poll-skip"]);
    expect(result.anomalies["poll-skip"]).toEqual([
      expect.objectContaining({
        key: K,
        processId: 1,
        previous: expect.objectContaining({ offset: 1, index: 1, value: 2 }),
        next: expect.objectContaining({ offset: 3, index: 3, value: 4 }),
        delta: 2,
        skipped: [3],
      }),
    ]);
    const subscribed = new HistoryBuilder();
    subscribed.ops.push(...h.ops);
    subscribed.subscribe(9, [K]);
    const withSubscribe = checkKafkaHistory(subscribed.ops);
    expect(withSubscribe.valid).toBe(true);
    expect(withSubscribe.counts["poll-skip"]).toBe(1);
  });

  it("nonmonotonic-poll: a consumer's next poll starts at or before its last read", () => {
    const h = sent(3)
      .assign(1, [K])
      .poll(1, { [K]: run(0, [1, 2]) })
      .poll(1, { [K]: run(1, [2, 3]) });
    const result = checkKafkaHistory(h.ops);
    expect(result.failing).toEqual(["nonmonotonic-poll"]);
    expect(result.anomalies["nonmonotonic-poll"]?.[0]).toMatchObject({ delta: 0, processId: 1 });
  });

  it("an assign that drops a key forgets its position", () => {
    const h = sent(3)
      .assign(1, [K])
      .poll(1, { [K]: run(0, [1, 2]) });
    h.assign(1, [7])
      .assign(1, [K])
      .poll(1, { [K]: run(0, [1, 2, 3]) });
    expect(checkKafkaHistory(h.ops).valid).toBe(true);
  });

  it("int-poll-skip: one poll jumps over a value", () => {
    const h = sent(3)
      .assign(1, [K])
      .poll(1, {
        [K]: [
          [0, 1],
          [2, 3],
        ],
      });
    h.assign(2, [K]).poll(2, { [K]: run(0, [1, 2, 3]) });
    const result = checkKafkaHistory(h.ops);
    expect(result.failing).toEqual(["int-poll-skip"]);
    expect(result.anomalies["int-poll-skip"]?.[0]).toMatchObject({ delta: 2, skipped: [2] });
  });

  it("int-nonmonotonic-poll: one poll goes backwards (unless a rebalance moved the key)", () => {
    const h = sent(2)
      .assign(1, [K])
      .poll(1, {
        [K]: [
          [1, 2],
          [0, 1],
        ],
      });
    const result = checkKafkaHistory(h.ops);
    expect(result.failing).toEqual(["int-nonmonotonic-poll"]);
    const rebalanced = sent(2)
      .assign(1, [K])
      .poll(
        1,
        {
          [K]: [
            [1, 2],
            [0, 1],
          ],
        },
        { rebalancedKeys: [K] },
      );
    expect(checkKafkaHistory(rebalanced.ops).valid).toBe(true);
  });

  it("nonmonotonic-send: a later send of one producer lands before an earlier one", () => {
    const h = new HistoryBuilder().send(0, [[K, 1, 5]]).send(0, [[K, 2, 3]]);
    h.assign(1, [K]).poll(1, {
      [K]: [
        [3, 2],
        [5, 1],
      ],
    });
    const result = checkKafkaHistory(h.ops);
    expect(result.failing).toEqual(["nonmonotonic-send"]);
    expect(result.anomalies["nonmonotonic-send"]?.[0]).toMatchObject({
      processId: 0,
      previous: { value: 1, offset: 5, index: 1 },
      next: { value: 2, offset: 3, index: 0 },
      delta: -1,
    });
  });

  it("int-send-skip: another writer between two sends of one op is always allowed", () => {
    const h = new HistoryBuilder();
    const opId = h.invoke(0, {
      type: "send",
      sends: [
        { key: K, value: 1, offset: null },
        { key: K, value: 3, offset: null },
      ],
    });
    h.send(5, [[K, 2, 1]]);
    h.complete(0, opId, "ok", {
      type: "send",
      sends: [
        { key: K, value: 1, offset: 0 },
        { key: K, value: 3, offset: 2 },
      ],
    });
    h.assign(1, [K]).poll(1, { [K]: run(0, [1, 2, 3]) });
    const result = checkKafkaHistory(h.ops);
    expect(result.valid).toBe(true);
    expect(result.counts).toEqual({ "int-send-skip": 1 });
  });

  it("int-nonmonotonic-send: two sends of one op land in reverse order", () => {
    const h = new HistoryBuilder().send(0, [
      [K, 1, 1],
      [K, 2, 0],
    ]);
    h.assign(1, [K]).poll(1, {
      [K]: [
        [0, 2],
        [1, 1],
      ],
    });
    const result = checkKafkaHistory(h.ops);
    expect(result.failing).toEqual(["int-nonmonotonic-send"]);
  });

  it("unseen: acknowledged values no poll ever returned", () => {
    const h = sent(4)
      .assign(1, [K])
      .poll(1, { [K]: run(0, [1, 2]) });
    const result = checkKafkaHistory(h.ops);
    expect(result.failing).toEqual(["unseen"]);
    expect(result.counts.unseen).toBe(2);
    expect(result.anomalies.unseen).toEqual([{ type: "unseen", key: K, count: 2, values: [3, 4] }]);
  });

  it("G1a: a poll returned a value whose send definitely failed", () => {
    const h = new HistoryBuilder().send(0, [[K, 1, null]], "fail");
    h.assign(1, [K]).poll(1, { [K]: run(0, [1]) });
    const result = checkKafkaHistory(h.ops);
    expect(result.failing).toEqual(["G1a"]);
    expect(result.anomalies.G1a?.[0]).toMatchObject({ key: K, value: 1, offset: 0 });
  });

  it("phantom-read: a poll returned a value nobody sent to that key", () => {
    const h = sent(1)
      .assign(1, [K])
      .poll(1, {
        [K]: [
          [0, 1],
          [1, 99],
        ],
      });
    const result = checkKafkaHistory(h.ops);
    expect(result.failing).toEqual(["phantom-read"]);
  });
});

describe("reporting", () => {
  it("counts every anomaly but keeps only the first examples", () => {
    const h = new HistoryBuilder();
    const records: [number, number][] = [];
    for (let v = 1; v <= 20; v++) {
      h.send(0, [[K, v, 2 * v]]);
      records.push([2 * v, v], [2 * v + 1, v]);
    }
    h.assign(1, [K]).poll(1, { [K]: records });
    const result = checkKafkaHistory(h.ops);
    expect(result.counts.duplicate).toBe(20);
    expect(result.anomalies.duplicate).toHaveLength(16);
    expect(checkKafkaHistory(h.ops, { examplesPerClass: 3 }).anomalies.duplicate).toHaveLength(3);
  });

  it("asserts on a malformed history (a completion without an invoke)", () => {
    const h = new HistoryBuilder();
    h.complete(0, 7, "ok", { type: "crash" });
    expect(() => checkKafkaHistory(h.ops)).toThrow(/without an invoke/);
  });
});
