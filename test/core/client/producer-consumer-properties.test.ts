// Properties of the simulated producer and consumer against the fake model cluster with random
// faults (errors before and after the append, lost connections, black holes, delays, leader moves):
// whatever happens, the recorded history agrees with the model log, and the Jepsen checker agrees.

import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { consumerConfig, producerConfig } from "../../../core/client/client-config.ts";
import { SimConsumer } from "../../../core/client/consumer.ts";
import type { HistoryOp, PollOp, SendOp } from "../../../core/client/history.ts";
import { SimProducer } from "../../../core/client/producer.ts";
import { KeyMap } from "../../../core/client/workload-keys.ts";
import { ErrorCode } from "../../../core/error-codes.ts";
import { nodeId } from "../../../core/ids.ts";
import { checkKafkaHistory } from "../../../sim/checkers/kafka-history.ts";
import { testRng } from "../../support/test-rng.ts";
import { Harness } from "./support/client-harness.ts";
import { FakeCluster, type FaultAction } from "./support/fake-cluster.ts";

const PRODUCER = 100;
const CONSUMER = 200;
const FINAL = 201;
const WORKLOAD_MS = 1_500;

const anyFault = fc.constantFrom<FaultAction>(
  { type: "answer" },
  { type: "answer" },
  { type: "answer" },
  { type: "error", errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER },
  { type: "error", errorCode: ErrorCode.NOT_ENOUGH_REPLICAS },
  { type: "error", errorCode: ErrorCode.LEADER_NOT_AVAILABLE },
  { type: "error", errorCode: ErrorCode.MESSAGE_TOO_LARGE },
  { type: "error-after-apply", errorCode: ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND },
  { type: "error-after-apply", errorCode: ErrorCode.REQUEST_TIMED_OUT },
  { type: "drop-before" },
  { type: "drop-after" },
  { type: "black-hole" },
  { type: "delay", delayMs: 40 },
);

/** Faults that never leave a maybe-appended record behind twice, so no duplicates can arise. */
const cleanFault = fc.constantFrom<FaultAction>(
  { type: "answer" },
  { type: "answer" },
  { type: "error", errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER },
  { type: "error", errorCode: ErrorCode.NOT_ENOUGH_REPLICAS },
  { type: "error", errorCode: ErrorCode.MESSAGE_TOO_LARGE },
  { type: "drop-before" },
  { type: "delay", delayMs: 40 },
);

interface Scenario {
  readonly keys: number;
  readonly acks: 1 | -1;
  readonly maxInFlight: number;
  readonly lingerMs: number;
  readonly sends: readonly { at: number; key: number; count: number }[];
  readonly polls: readonly number[];
  readonly moves: readonly { at: number; key: number; to: number }[];
  /** Consumed in order by Produce requests, then by all others; then everything is answered. */
  readonly produceFaults: readonly FaultAction[];
  readonly otherFaults: readonly FaultAction[];
  readonly seed: number;
}

const scenario = (fault: fc.Arbitrary<FaultAction>, maxInFlight: fc.Arbitrary<number>) =>
  fc.integer({ min: 1, max: 4 }).chain((keys) =>
    fc.record<Scenario>({
      keys: fc.constant(keys),
      acks: fc.constantFrom(1 as const, -1 as const),
      maxInFlight,
      lingerMs: fc.constantFrom(0, 5, 20),
      sends: fc.array(
        fc.record({
          at: fc.integer({ min: 0, max: WORKLOAD_MS }),
          key: fc.integer({ min: 0, max: keys - 1 }),
          count: fc.integer({ min: 1, max: 3 }),
        }),
        { maxLength: 40 },
      ),
      polls: fc.array(fc.integer({ min: 0, max: WORKLOAD_MS }), { maxLength: 20 }),
      moves: fc.array(
        fc.record({
          at: fc.integer({ min: 0, max: WORKLOAD_MS }),
          key: fc.integer({ min: 0, max: keys - 1 }),
          to: fc.integer({ min: 1, max: 3 }),
        }),
        { maxLength: 3 },
      ),
      produceFaults: fc.array(fault, { maxLength: 30 }),
      otherFaults: fc.array(fault, { maxLength: 30 }),
      seed: fc.nat(),
    }),
  );

interface Run {
  readonly cluster: FakeCluster;
  readonly keyMap: KeyMap;
  readonly h: Harness;
  readonly final: SimConsumer;
}

type Action = { at: number; seq: number; run: () => void };

function run(s: Scenario): Run {
  const cluster = new FakeCluster([1, 2, 3]);
  const keyMap = new KeyMap({ keyCount: s.keys, partitionsPerTopic: 2, topicPrefix: "t" });
  for (const t of keyMap.topics()) cluster.createTopic(t.name, t.partitions);
  const produceFaults = [...s.produceFaults];
  const otherFaults = [...s.otherFaults];
  cluster.rules.push((c) =>
    c.request.api === "Produce" ? produceFaults.shift() : otherFaults.shift(),
  );
  const common = { bootstrapNodes: [nodeId(1)], requestTimeoutMs: 200, retryBackoffMs: 20 };
  const producer = new SimProducer({
    nodeId: nodeId(PRODUCER),
    processId: 0,
    config: producerConfig({
      ...common,
      acks: s.acks,
      lingerMs: s.lingerMs,
      deliveryTimeoutMs: 800,
      maxInFlightRequestsPerConnection: s.maxInFlight,
    }),
    keyMap,
    rng: testRng(s.seed),
  });
  const consumerOf = (id: number, processId: number) =>
    new SimConsumer({
      nodeId: nodeId(id),
      processId,
      config: consumerConfig({
        ...common,
        autoOffsetReset: "earliest",
        fetchMaxWaitMs: 50,
        pollTimeoutMs: 100,
      }),
      keyMap,
      rng: testRng(s.seed + processId),
    });
  const consumer = consumerOf(CONSUMER, 1);
  const h = new Harness(cluster);
  h.add(PRODUCER, producer);
  h.add(CONSUMER, consumer);
  h.act(CONSUMER, (now) =>
    consumer.apply(now, { type: "assign", keys: keyMap.keys(), seekToBeginning: false }),
  );
  let value = 0;
  let seq = 0;
  const actions: Action[] = [
    ...s.sends.map((send) => ({
      at: send.at,
      seq: seq++,
      run: () => {
        const records = Array.from({ length: send.count }, () => ({
          key: send.key,
          value: value++,
        }));
        h.act(PRODUCER, (now) => producer.apply(now, { type: "send", records }));
      },
    })),
    ...s.polls.map((at) => ({
      at,
      seq: seq++,
      run: () => h.act(CONSUMER, (now) => consumer.apply(now, { type: "poll" })),
    })),
    ...s.moves.map((move) => ({
      at: move.at,
      seq: seq++,
      run: () => {
        const { topic, partition } = keyMap.topicPartitionOf(move.key);
        cluster.partition(topic, partition).leader = nodeId(move.to);
      },
    })),
  ].sort((a, b) => a.at - b.at || a.seq - b.seq);
  for (const action of actions) {
    h.runUntil(action.at);
    action.run();
  }
  // Faults stop; every send settles within delivery.timeout.ms; then a fresh client reads it all.
  h.runUntil(WORKLOAD_MS + 1_000);
  produceFaults.length = 0;
  otherFaults.length = 0;
  const final = consumerOf(FINAL, 2);
  h.add(FINAL, final);
  h.act(FINAL, (now) =>
    final.apply(now, { type: "assign", keys: keyMap.keys(), seekToBeginning: true }),
  );
  h.act(FINAL, (now) => final.apply(now, { type: "final-polls" }));
  h.runFor(3_000);
  return { cluster, keyMap, h, final };
}

function modelLog(r: Run, key: number): Map<number, number> {
  const { topic, partition } = r.keyMap.topicPartitionOf(key);
  const log = new Map<number, number>();
  for (const record of r.cluster.partition(topic, partition).records()) {
    log.set(record.offset, Number(new TextDecoder().decode(record.value!)));
  }
  return log;
}

function checkAgainstModel(r: Run, history: readonly HistoryOp[]): void {
  const logs = r.keyMap.keys().map((k) => modelLog(r, k));
  const written = new Set(logs.flatMap((log) => [...log.values()]));
  const completions = new Map<string, HistoryOp>();
  for (const op of history) {
    const id = `${op.processId}/${op.opId}`;
    if (op.phase !== "invoke") {
      expect(completions.has(id), `second completion of ${id}`).toBe(false);
      completions.set(id, op);
    }
  }
  const invokes = history.filter((op) => op.phase === "invoke");
  expect(completions.size).toBe(invokes.length); // every op completed, exactly once
  for (const op of history) {
    if (op.type === "send" && op.phase === "ok") {
      for (const send of (op as SendOp).sends)
        expect(logs[send.key]!.get(send.offset!)).toBe(send.value);
    }
    if (op.type === "send" && op.phase === "fail") {
      for (const send of (op as SendOp).sends) expect(written.has(send.value)).toBe(false);
    }
  }
  for (const id of [CONSUMER, FINAL]) {
    const polls = r.h
      .history(id)
      .filter((op): op is PollOp => op.type === "poll" && op.phase === "ok");
    for (const key of r.keyMap.keys()) {
      const read = polls.flatMap((op) =>
        op.reads.filter((x) => x.key === key).flatMap((x) => x.records),
      );
      // From offset 0 with no seeks: what one consumer reads of a key is a prefix of its log.
      read.forEach(([offset, value], i) => {
        expect(offset).toBe(i);
        expect(logs[key]!.get(offset)).toBe(value);
      });
      if (id === FINAL) expect(read).toHaveLength(logs[key]!.size);
    }
  }
}

test.prop([scenario(anyFault, fc.integer({ min: 1, max: 5 }))], { numRuns: 60 })(
  "under any fault the history agrees with the model log",
  (s) => {
    const r = run(s);
    expect(r.final.view().finalPolls.state).toBe("done");
    const history = r.h.history();
    checkAgainstModel(r, history);
    // Retries without idempotence may append twice and reorder: Kafka's at-least-once, allowed here.
    const result = checkKafkaHistory(history, {
      allowed: ["duplicate", "nonmonotonic-send", "int-nonmonotonic-send"],
    });
    expect(result.failing).toEqual([]);
  },
);

test.prop([scenario(cleanFault, fc.constant(1))], { numRuns: 60 })(
  "without ambiguous appends and with one request in flight the Jepsen checker finds nothing",
  (s) => {
    const r = run(s);
    expect(r.final.view().finalPolls.state).toBe("done");
    const history = r.h.history();
    checkAgainstModel(r, history);
    const result = checkKafkaHistory(history);
    expect(result.counts).toEqual({});
    expect(result.valid).toBe(true);
  },
);
