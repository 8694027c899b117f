// Builds a SimProducer against a fake cluster in a harness, with helpers to send and to read the
// producer's history, for the producer scenario tests and properties.

import { type ProducerConfig, producerConfig } from "../../../../core/client/client-config.ts";
import type { SendOp } from "../../../../core/client/history.ts";
import { SimProducer } from "../../../../core/client/producer.ts";
import type { SendRecord } from "../../../../core/client/producer-ops.ts";
import type { Partitioning } from "../../../../core/client/producer-router.ts";
import { KeyMap } from "../../../../core/client/workload-keys.ts";
import { nodeId } from "../../../../core/ids.ts";
import { testRng } from "../../../support/test-rng.ts";
import { Harness } from "./client-harness.ts";
import { FakeCluster } from "./fake-cluster.ts";

export const PRODUCER_ID = 100;

export interface ProducerSetup {
  readonly cluster: FakeCluster;
  readonly keyMap: KeyMap;
  readonly producer: SimProducer;
  readonly h: Harness;
  send(...records: SendRecord[]): void;
  /** The producer's send ops (invokes and completions), in trace order. */
  ops(): readonly SendOp[];
  completions(): readonly SendOp[];
}

export function producerSetup(
  overrides: Partial<ProducerConfig> = {},
  options: {
    keyCount?: number;
    partitionsPerTopic?: number;
    seed?: number;
    latencyMs?: number;
    partitioning?: Partitioning;
  } = {},
): ProducerSetup {
  const cluster = new FakeCluster([1, 2, 3]);
  const keyMap = new KeyMap({
    keyCount: options.keyCount ?? 4,
    partitionsPerTopic: options.partitionsPerTopic ?? 2,
    topicPrefix: "t",
  });
  for (const t of keyMap.topics()) cluster.createTopic(t.name, t.partitions);
  const config = producerConfig({ bootstrapNodes: [nodeId(1)], ...overrides });
  const producer = new SimProducer({
    nodeId: nodeId(PRODUCER_ID),
    processId: 0,
    config,
    keyMap,
    rng: testRng(options.seed ?? 1),
    partitioning: options.partitioning ?? "key-hash",
  });
  const h = new Harness(cluster, options.latencyMs ?? 1);
  h.add(PRODUCER_ID, producer);
  return {
    cluster,
    keyMap,
    producer,
    h,
    send: (...records) =>
      h.act(PRODUCER_ID, (now) => producer.apply(now, { type: "send", records })),
    ops: () => sendOps(h),
    completions: () => sendOps(h).filter((op) => op.phase !== "invoke"),
  };
}

function sendOps(h: Harness): SendOp[] {
  return h.history(PRODUCER_ID).filter((op): op is SendOp => op.type === "send");
}

/** The decoded (key, value) integers of a partition's model log, with offsets. */
export function modelValues(
  cluster: FakeCluster,
  topic: string,
  partition: number,
): { offset: number; value: number }[] {
  return cluster
    .partition(topic, partition)
    .records()
    .map((r) => ({ offset: r.offset, value: Number(new TextDecoder().decode(r.value!)) }));
}
