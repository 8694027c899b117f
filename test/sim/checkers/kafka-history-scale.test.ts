// The checker at scale: 200k messages at offsets around 2^50 with sparse gaps (Maelstrom #51: a
// checker that allocates per offset dies here). Only completion and the planted anomalies are
// checked; speed is measured in bench/history-checker.bench.ts, never asserted in a test.

import { expect, it } from "vitest";
import type { HistoryOp, OffsetValue, SendMicroOp } from "../../../core/client/history.ts";
import { checkKafkaHistory } from "../../../sim/checkers/kafka-history.ts";

const KEYS = 4;
const MESSAGES = 200_000;
const BASE = 2 ** 50;

function bigHistory(): HistoryOp[] {
  const ops: HistoryOp[] = [];
  const logs: OffsetValue[][] = Array.from({ length: KEYS }, () => []);
  const next = Array.from({ length: KEYS }, (_, k) => BASE + k * 1_000_003);
  let time = 0;
  let opId = 0;
  let lost = -1;
  for (let value = 1; value <= MESSAGES; value += 10) {
    const sends: SendMicroOp[] = [];
    for (let v = value; v < value + 10; v++) {
      const key = v % KEYS;
      const offset = next[key]!;
      next[key] = offset + 1 + ((v * 7919) % 13 === 0 ? (v % 1000) * 1_000 : 0); // sparse gaps
      if (v === 123_457)
        lost = v; // planted: acknowledged, never in the log
      else logs[key]!.push([offset, v]);
      if (v === 54_321) logs[key]!.push([next[key]!++, v]); // planted: appended twice
      sends.push({ key, value: v, offset });
    }
    const invoked = sends.map((s) => ({ ...s, offset: null }));
    ops.push({ type: "send", phase: "invoke", processId: 0, opId, time: time++, sends: invoked });
    ops.push({ type: "send", phase: "ok", processId: 0, opId: opId++, time: time++, sends });
  }
  expect(lost).toBe(123_457);
  const keys = Array.from({ length: KEYS }, (_, k) => k);
  ops.push({
    type: "assign",
    phase: "invoke",
    processId: 1,
    opId: 0,
    time: time++,
    keys,
    seekToBeginning: true,
  });
  ops.push({
    type: "assign",
    phase: "ok",
    processId: 1,
    opId: 0,
    time: time++,
    keys,
    seekToBeginning: true,
  });
  let pollId = 1;
  for (const key of keys) {
    const log = logs[key]!;
    for (let i = 0; i < log.length; i += 500) {
      const reads = [{ key, records: log.slice(i, i + 500) }];
      ops.push({
        type: "poll",
        phase: "invoke",
        processId: 1,
        opId: pollId,
        time: time++,
        reads: [],
      });
      ops.push({ type: "poll", phase: "ok", processId: 1, opId: pollId++, time: time++, reads });
    }
  }
  return ops;
}

it("checks 200k messages at offsets near 2^50 and finds the planted anomalies", () => {
  const result = checkKafkaHistory(bigHistory());
  expect(result.stats.valuesAcked).toBe(MESSAGES);
  expect(result.stats.valuesRead).toBe(MESSAGES - 1);
  expect(result.counts["lost-write"]).toBe(1);
  expect(result.anomalies["lost-write"]?.[0]).toMatchObject({ value: 123_457 });
  expect(result.counts.duplicate).toBe(1);
  expect(result.anomalies.duplicate?.[0]).toMatchObject({ value: 54_321 });
  // Side effects of the plants: the reader's run steps over the lost value's acknowledged offset
  // (int-poll-skip), and the second copy sits between two sends of one op (int-send-skip, allowed).
  expect(result.counts).toEqual({
    "lost-write": 1,
    duplicate: 1,
    "int-poll-skip": 1,
    "int-send-skip": 1,
  });
  expect(result.failing).toEqual(["lost-write", "duplicate", "int-poll-skip"]);
});
