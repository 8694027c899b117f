// Crashes at random points of random produce/fetch traffic, with the disk running behind and torn
// writes on: with fsync before acks=all, no acknowledged record is ever lost and no record a
// consumer read below the high watermark ever changes (docs/durability.md).

import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { noDiskFaults, SimDisk } from "../../../sim/disk.ts";
import { testRng } from "../../support/test-rng.ts";
import { BrokerHarness } from "./support/harness.ts";
import { batchOf, createTopic, fetchBody, produceBody, recordsOf } from "./support/requests.ts";

type Op =
  | { type: "produce"; partition: number; count: number; acks: number }
  | { type: "disk"; count: number }
  | { type: "fetch"; partition: number }
  | { type: "time"; ms: number }
  | { type: "crash" };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      type: fc.constant("produce" as const),
      partition: fc.integer({ min: 0, max: 1 }),
      count: fc.integer({ min: 1, max: 3 }),
      acks: fc.constantFrom(1, -1),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant("disk" as const),
      count: fc.integer({ min: 1, max: 8 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant("fetch" as const),
      partition: fc.integer({ min: 0, max: 1 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("time" as const),
      ms: fc.integer({ min: 1, max: 3_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ type: "crash" as const }) },
);

test.prop([fc.array(op, { minLength: 5, maxLength: 40 }), fc.integer({ min: 1, max: 10_000 })], {
  numRuns: 60,
})("acks=all and consumer reads survive crashes", (ops, seed) => {
  const disk = new SimDisk(testRng(`crash-${seed}`), {
    faults: { ...noDiskFaults, tornWriteProbability: 0.7, unsyncedFileVanishProbability: 0.3 },
  });
  const h = new BrokerHarness({ disk, seed, config: { fsyncBeforeAck: "acks-all" } }).start();
  createTopic(h, "t", 2);
  h.diskRunning = false;
  let next = 0;
  /** Offset -> value promised to stay, per partition (acked with acks=all, or read by a consumer). */
  const promised = [new Map<number, string>(), new Map<number, string>()];
  const pending = new Map<number, { partition: number; values: string[]; acks: number }>();
  const collect = () => {
    for (const [id, p] of [...pending]) {
      const answer = h.answer("Produce", id)?.responses[0]?.partitionResponses[0];
      if (answer === undefined) continue;
      pending.delete(id);
      if (answer.errorCode === 0 && p.acks === -1) {
        for (const [i, v] of p.values.entries())
          promised[p.partition]?.set(answer.baseOffset + i, v);
      }
    }
  };
  const readAll = (partition: number) => {
    const id = h.send(
      "Fetch",
      fetchBody([{ topic: "t", partition, offset: 0 }], { partitionMaxBytes: 1 << 20 }),
      9,
    );
    h.runDisk(10_000);
    const data = h.answer("Fetch", id)?.responses[0]?.partitions[0];
    expect(data?.errorCode).toBe(0);
    return recordsOf(data?.records ?? null);
  };
  for (const o of ops) {
    if (o.type === "produce") {
      const values = Array.from({ length: o.count }, () => `v${next++}`);
      const id = h.send(
        "Produce",
        produceBody("t", o.partition, batchOf(values), o.acks),
        1 + o.partition,
      );
      pending.set(id, { partition: o.partition, values, acks: o.acks });
    } else if (o.type === "disk") {
      h.runDisk(o.count);
    } else if (o.type === "time") {
      h.advance(o.ms);
    } else if (o.type === "fetch") {
      const id = h.send(
        "Fetch",
        fetchBody([{ topic: "t", partition: o.partition, offset: 0 }]),
        5 + o.partition,
      );
      const data = h.answer("Fetch", id)?.responses[0]?.partitions[0];
      for (const r of recordsOf(data?.records ?? null)) {
        expect(r.offset).toBeLessThan(data?.highWatermark ?? 0);
        if (r.value !== null) promised[o.partition]?.set(r.offset, r.value);
      }
    } else {
      collect();
      pending.clear();
      h.crashAndRestart();
      h.diskRunning = false;
      for (const partition of [0, 1]) {
        const found = new Map(readAll(partition).map((r) => [r.offset, r.value]));
        for (const [offset, value] of promised[partition] ?? []) {
          expect(found.get(offset), `partition ${partition} offset ${offset}`).toBe(value);
        }
      }
    }
    collect();
  }
});
