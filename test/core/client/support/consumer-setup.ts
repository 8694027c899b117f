// Builds a SimConsumer against a fake cluster in a harness, with helpers to fill the model log
// with record batches of workload values and to read the consumer's poll history.

import { type ConsumerConfig, consumerConfig } from "../../../../core/client/client-config.ts";
import { type ConsumerCommand, SimConsumer } from "../../../../core/client/consumer.ts";
import type { HistoryOp, PollOp } from "../../../../core/client/history.ts";
import { encodeInt, KeyMap } from "../../../../core/client/workload-keys.ts";
import { nodeId } from "../../../../core/ids.ts";
import { encodeBatch } from "../../../../core/log/record-batch.ts";
import { testRng } from "../../../support/test-rng.ts";
import { Harness } from "./client-harness.ts";
import { FakeCluster } from "./fake-cluster.ts";

export const CONSUMER_ID = 200;

export interface ConsumerSetup {
  readonly cluster: FakeCluster;
  readonly keyMap: KeyMap;
  readonly consumer: SimConsumer;
  readonly h: Harness;
  command(command: ConsumerCommand): void;
  /** Appends one record batch of these values to the key's partition. */
  append(key: number, values: readonly number[]): void;
  history(): HistoryOp[];
  /** Completed ok polls' reads flattened per key: [offset, value] in poll order. */
  polled(key: number): (readonly [number, number])[];
  pollCompletions(): PollOp[];
}

export function consumerSetup(
  overrides: Partial<ConsumerConfig> = {},
  options: { keyCount?: number; partitionsPerTopic?: number; seed?: number } = {},
): ConsumerSetup {
  const cluster = new FakeCluster([1, 2, 3]);
  const keyMap = new KeyMap({
    keyCount: options.keyCount ?? 4,
    partitionsPerTopic: options.partitionsPerTopic ?? 2,
    topicPrefix: "t",
  });
  for (const t of keyMap.topics()) cluster.createTopic(t.name, t.partitions);
  const config = consumerConfig({
    bootstrapNodes: [nodeId(1)],
    fetchMaxWaitMs: 100,
    pollTimeoutMs: 200,
    ...overrides,
  });
  const consumer = new SimConsumer({
    nodeId: nodeId(CONSUMER_ID),
    processId: 1,
    config,
    keyMap,
    rng: testRng(options.seed ?? 2),
  });
  const h = new Harness(cluster);
  h.add(CONSUMER_ID, consumer);
  const pollCompletions = () =>
    h
      .history(CONSUMER_ID)
      .filter((op): op is PollOp => op.type === "poll" && op.phase !== "invoke");
  return {
    cluster,
    keyMap,
    consumer,
    h,
    command: (command) => h.act(CONSUMER_ID, (now) => consumer.apply(now, command)),
    append: (key, values) => appendValues(cluster, keyMap, key, values),
    history: () => h.history(CONSUMER_ID),
    pollCompletions,
    polled: (key) =>
      pollCompletions()
        .filter((op) => op.phase === "ok")
        .flatMap((op) => op.reads.filter((r) => r.key === key).flatMap((r) => r.records)),
  };
}

export function appendValues(
  cluster: FakeCluster,
  keyMap: KeyMap,
  key: number,
  values: readonly number[],
): void {
  const { topic, partition } = keyMap.topicPartitionOf(key);
  const records = values.map((v) => ({ key: encodeInt(key), value: encodeInt(v), timestamp: 0 }));
  cluster.partition(topic, partition).append(encodeBatch({ records }));
}
