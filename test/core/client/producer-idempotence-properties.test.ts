// Property: under any mix of lost answers, timeouts, leader moves (the new leader has the producer
// state, replicated with the log) and sequence errors, an idempotent producer never puts a value in
// the log twice, every ok record sits at its acknowledged offset, and within one producer epoch a
// partition's records are in the order of their sequence numbers.

import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import type { SendOp } from "../../../core/client/history.ts";
import { ErrorCode } from "../../../core/error-codes.ts";
import { nodeId } from "../../../core/ids.ts";
import type { FaultAction } from "./support/fake-cluster.ts";
import { modelValues, producerSetup } from "./support/producer-setup.ts";

const fault: fc.Arbitrary<FaultAction | undefined> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.constant({ type: "drop-after" } as const) },
  { weight: 1, arbitrary: fc.constant({ type: "drop-before" } as const) },
  { weight: 1, arbitrary: fc.constant({ type: "black-hole" } as const) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        ErrorCode.NOT_LEADER_OR_FOLLOWER,
        ErrorCode.REQUEST_TIMED_OUT,
        ErrorCode.UNKNOWN_PRODUCER_ID,
      )
      .map((errorCode) => ({ type: "error", errorCode }) as const),
  },
);

type Step =
  | { readonly type: "send"; readonly keys: readonly number[] }
  | { readonly type: "wait"; readonly ms: number }
  | { readonly type: "move-leader"; readonly partition: number; readonly to: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 })
      .map((keys) => ({ type: "send", keys }) as const),
  },
  {
    weight: 3,
    arbitrary: fc.integer({ min: 1, max: 800 }).map((ms) => ({ type: "wait", ms }) as const),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ partition: fc.integer({ min: 0, max: 1 }), to: fc.integer({ min: 1, max: 3 }) })
      .map((r) => ({ type: "move-leader", ...r }) as const),
  },
);

test.prop([fc.array(step, { minLength: 3, maxLength: 30 }), fc.array(fault, { maxLength: 60 })], {
  numRuns: 150,
})("an idempotent producer never duplicates and keeps sequence order", (steps, faults) => {
  const s = producerSetup(
    {
      enableIdempotence: true,
      acks: -1,
      maxInFlightRequestsPerConnection: 5,
      requestTimeoutMs: 300,
      deliveryTimeoutMs: 3_000,
      retryBackoffMs: 20,
      lingerMs: 1,
    },
    { partitioning: "explicit", keyCount: 2, partitionsPerTopic: 2 },
  );
  let produce = 0;
  s.cluster.rules.push((c) =>
    c.request.api === "Produce" ? faults[produce++ % Math.max(1, faults.length)] : undefined,
  );
  const topic = s.keyMap.topicPartitionOf(0).topic;
  let value = 0;
  for (const st of steps) {
    if (st.type === "send") s.send(...st.keys.map((k) => ({ key: k % 2, value: value++ })));
    else if (st.type === "wait") s.h.runFor(st.ms);
    else s.cluster.partition(topic, st.partition).leader = nodeId(st.to);
  }
  s.cluster.rules = [];
  s.h.runFor(10_000);
  const done = s.completions();
  expect(done.length).toBe(s.ops().length - done.length);
  for (let p = 0; p < 2; p++) {
    const log = modelValues(s.cluster, topic, p);
    const values = log.map((r) => r.value);
    expect(new Set(values).size, `partition ${p}: ${values}`).toBe(values.length);
    const at = new Map(log.map((r) => [r.value, r.offset]));
    const acked = done
      .filter((op): op is SendOp => op.phase === "ok")
      .flatMap((op) => op.sends)
      .filter((r) => r.key === p);
    for (const r of acked) expect(at.get(r.value)).toBe(r.offset);
    // Within one epoch, log order follows sequence order.
    const seqOf = new Map(acked.map((r) => [r.value, r.sequence]));
    let last: { epoch: number; seq: number } | undefined;
    for (const v of values) {
      const q = seqOf.get(v);
      if (q === undefined) continue;
      if (last !== undefined && last.epoch === q.producerEpoch)
        expect(q.sequence).toBeGreaterThan(last.seq);
      last = { epoch: q.producerEpoch, seq: q.sequence };
    }
  }
});
