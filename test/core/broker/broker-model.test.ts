// Random sequences of admin, produce, fetch, ListOffsets and restarts against a deliberately naive
// model: topics as arrays of partitions, partitions as arrays of values. Every answer of the broker
// must be the model's.

import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import { BrokerHarness } from "./support/harness.ts";
import { batchOf, fetchOnce, metadataBody, produceBody, recordsOf } from "./support/requests.ts";

type Op =
  | { type: "create"; topic: string; partitions: number }
  | { type: "delete"; topic: string }
  | { type: "grow"; topic: string }
  | { type: "produce"; topic: string; partition: number; values: string[]; acks: number }
  | { type: "fetch"; topic: string; partition: number; offset: number }
  | { type: "latest"; topic: string; partition: number }
  | { type: "restart" };

const topicName = fc.constantFrom("a", "b", "c");
const partition = fc.integer({ min: 0, max: 3 });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant("create" as const),
      topic: topicName,
      partitions: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("delete" as const), topic: topicName }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("grow" as const), topic: topicName }) },
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant("produce" as const),
      topic: topicName,
      partition,
      values: fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 3 }),
      acks: fc.constantFrom(1, -1),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      type: fc.constant("fetch" as const),
      topic: topicName,
      partition,
      offset: fc.integer({ min: 0, max: 12 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant("latest" as const), topic: topicName, partition }),
  },
  { weight: 1, arbitrary: fc.constant({ type: "restart" as const }) },
);

function check(h: BrokerHarness, model: Map<string, string[][]>, o: Op): void {
  const parts = "topic" in o ? model.get(o.topic) : undefined;
  switch (o.type) {
    case "create": {
      const r = h.call("CreateTopics", {
        topics: [
          {
            name: o.topic,
            numPartitions: o.partitions,
            replicationFactor: 1,
            assignments: [],
            configs: [],
          },
        ],
        timeoutMs: 1000,
        validateOnly: false,
      }).topics[0];
      expect(r?.errorCode).toBe(
        parts === undefined ? ErrorCode.NONE : ErrorCode.TOPIC_ALREADY_EXISTS,
      );
      if (parts === undefined)
        model.set(
          o.topic,
          Array.from({ length: o.partitions }, () => []),
        );
      return;
    }
    case "delete": {
      const r = h.call("DeleteTopics", { topicNames: [o.topic], timeoutMs: 1000 }).responses[0];
      expect(r?.errorCode).toBe(
        parts === undefined ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.NONE,
      );
      model.delete(o.topic);
      return;
    }
    case "grow": {
      const count = (parts?.length ?? 0) + 1;
      const r = h.call("CreatePartitions", {
        topics: [{ name: o.topic, count, assignments: null }],
        timeoutMs: 1000,
        validateOnly: false,
      }).results[0];
      expect(r?.errorCode).toBe(
        parts === undefined ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.NONE,
      );
      parts?.push([]);
      return;
    }
    case "produce": {
      const r = h.call("Produce", produceBody(o.topic, o.partition, batchOf(o.values), o.acks))
        .responses[0]?.partitionResponses[0];
      const log = parts?.[o.partition];
      if (log === undefined) {
        expect(r?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        return;
      }
      expect(r).toMatchObject({ errorCode: 0, baseOffset: log.length });
      log.push(...o.values);
      return;
    }
    case "fetch": {
      const data = fetchOnce(h, o.topic, o.partition, o.offset);
      const log = parts?.[o.partition];
      if (log === undefined) {
        expect(data.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        return;
      }
      if (o.offset > log.length) {
        expect(data.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
        return;
      }
      expect(data).toMatchObject({ errorCode: 0, highWatermark: log.length, logStartOffset: 0 });
      const records = recordsOf(data.records);
      if (o.offset === log.length) expect(records).toEqual([]);
      else expect(records.some((r) => r.offset === o.offset)).toBe(true);
      records.forEach((r, i) => {
        expect(r.value).toBe(log[r.offset]);
        if (i > 0) expect(r.offset).toBe((records[i - 1]?.offset ?? 0) + 1);
      });
      expect(records.at(-1)?.offset ?? log.length - 1).toBe(log.length - 1);
      return;
    }
    case "latest": {
      const r = h.call("ListOffsets", {
        replicaId: -1,
        isolationLevel: 0,
        topics: [
          {
            name: o.topic,
            partitions: [{ partitionIndex: o.partition, timestamp: -1, maxNumOffsets: 1 }],
          },
        ],
      }).topics[0]?.partitions[0];
      const log = parts?.[o.partition];
      if (log === undefined) expect(r?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      else expect(r).toMatchObject({ errorCode: 0, offset: log.length });
      return;
    }
    case "restart":
      h.restart();
      return;
  }
}

test.prop(
  [
    fc.array(op, { minLength: 1, maxLength: 30 }),
    fc.constantFrom("none", "acks-all"),
    fc.integer({ min: 1, max: 1000 }),
  ],
  { numRuns: 40 },
)("the broker answers like topics-as-arrays", (ops, fsync, seed) => {
  const h = new BrokerHarness({
    seed,
    config: { fsyncBeforeAck: fsync, autoCreateTopicsEnable: false },
  }).start();
  const model = new Map<string, string[][]>();
  for (const o of ops) check(h, model, o);
  const md = h.call("Metadata", metadataBody(null));
  expect(md.topics.map((t) => [t.name, t.partitions.length])).toEqual(
    [...model.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, p]) => [name, p.length]),
  );
});
