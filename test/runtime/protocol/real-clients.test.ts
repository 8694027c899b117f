// Real clients against the codec: KafkaJS 2.2.4 and @platformatic/kafka 2.12 talk to a scripted
// broker on 127.0.0.1 built from runtime/protocol alone. They negotiate with our ApiVersions
// answer, fetch metadata and produce; we check the versions they chose and the batches they sent.

import { afterEach, describe, expect, it } from "vitest";
import { encodeBatch } from "../../../core/log/record-batch-encode.ts";
import { decodeRecords } from "../../../core/log/record-batch-records.ts";
import type { ClientRequest } from "../../../core/protocol/index.ts";
import {
  type FakeBroker,
  groupScript,
  isApi,
  metadataFor,
  produceOk,
  startFakeBroker,
} from "./support/fake-broker.ts";

let broker: FakeBroker | undefined;

const utf8 = (text: string) => new TextEncoder().encode(text);

/** @platformatic/kafka 2.12 needs Promise.withResolvers (Node 22); this lets it run on Node 20. */
function installWithResolvers(): void {
  const promise = Promise as unknown as { withResolvers?: () => unknown };
  promise.withResolvers ??= () => {
    let resolve: unknown;
    let reject: unknown;
    const p = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise: p, resolve, reject };
  };
}

afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

function answer(request: ClientRequest, port: number) {
  if (request.api === "Metadata") return metadataFor(request, port);
  if (request.api === "Produce") return produceOk(request);
  throw new Error(`unexpected ${request.api}`);
}

/** The values of every record the broker received, in order. */
function producedValues(requests: readonly ClientRequest[]): string[] {
  const values: string[] = [];
  for (const request of requests) {
    if (!isApi(request, "Produce")) continue;
    for (const topic of request.body.topicData) {
      for (const partition of topic.partitionData) {
        const records = partition.records === null ? null : decodeRecords(partition.records);
        if (records === null || !records.ok) throw new Error("undecodable batch");
        for (const r of records.value) values.push(new TextDecoder().decode(r.value ?? undefined));
      }
    }
  }
  return values;
}

describe("KafkaJS 2.2.4", () => {
  it("negotiates ApiVersions v2, reads Metadata v6 and produces with Produce v7", async () => {
    broker = await startFakeBroker(answer);
    const { Kafka, logLevel } = await import("kafkajs");
    const kafka = new Kafka({
      clientId: "kafkajs-test",
      brokers: [`127.0.0.1:${broker.port}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: "t", acks: -1, messages: [{ key: "k", value: "hello" }] });
    await producer.disconnect();
    expect(broker.errors).toEqual([]);
    expect(broker.seen).toContain("ApiVersions v2");
    expect(broker.seen).toContain("Metadata v6");
    expect(broker.seen).toContain("Produce v7");
    expect(producedValues(broker.requests)).toEqual(["hello"]);
  }, 15_000);
});

describe("KafkaJS 2.2.4 consumer", () => {
  it("joins a group and fetches a batch: FindCoordinator v2, JoinGroup v5, SyncGroup v3, Fetch v11", async () => {
    const batch = encodeBatch({
      baseTimestamp: 1_700_000_000_000,
      records: [{ key: null, value: utf8("hi") }],
    });
    broker = await startFakeBroker(groupScript(batch));
    const { Kafka, logLevel } = await import("kafkajs");
    const kafka = new Kafka({
      clientId: "kafkajs-test",
      brokers: [`127.0.0.1:${broker.port}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const consumer = kafka.consumer({ groupId: "g", maxWaitTimeInMs: 50 });
    await consumer.connect();
    await consumer.subscribe({ topic: "t", fromBeginning: true });
    const received = new Promise<string>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ message }) => resolve(message.value?.toString() ?? ""),
      });
    });
    expect(await received).toBe("hi");
    await consumer.disconnect();
    expect(broker.errors).toEqual([]);
    expect([...new Set(broker.seen)]).toEqual([
      "ApiVersions v2",
      "Metadata v6",
      "FindCoordinator v2",
      "JoinGroup v5",
      "SyncGroup v3",
      "OffsetFetch v4",
      "ListOffsets v3",
      "Fetch v11",
      "LeaveGroup v3",
    ]);
  }, 15_000);
});

describe("@platformatic/kafka 2.12", () => {
  it("opens with ApiVersions v3 (flexible, header v2), then Metadata v6 and Produce v7", async () => {
    installWithResolvers();
    broker = await startFakeBroker(answer);
    const { Producer, stringSerializers } = await import("@platformatic/kafka");
    const producer = new Producer({
      clientId: "platformatic-test",
      bootstrapBrokers: [`127.0.0.1:${broker.port}`],
      serializers: stringSerializers,
      retries: 0,
    });
    try {
      await producer.send({ messages: [{ topic: "t", key: "k", value: "bonjour" }], acks: -1 });
    } finally {
      await producer.close();
    }
    expect(broker.errors).toEqual([]);
    expect(broker.seen[0]).toBe("ApiVersions v3");
    expect(broker.seen).toContain("Metadata v6");
    expect(broker.seen).toContain("Produce v7");
    const first = broker.requests[0];
    expect(first?.api === "ApiVersions" && first.body.clientSoftwareName).toBe(
      "platformatic-kafka",
    );
    expect(producedValues(broker.requests)).toEqual(["bonjour"]);
  }, 15_000);
});

describe("@platformatic/kafka 2.12 consumer", () => {
  it("joins a group and fetches a batch", async () => {
    installWithResolvers();
    const batch = encodeBatch({
      baseTimestamp: 1_700_000_000_000,
      records: [{ key: null, value: utf8("salut") }],
    });
    broker = await startFakeBroker(groupScript(batch));
    const { Consumer, stringDeserializers } = await import("@platformatic/kafka");
    const consumer = new Consumer({
      groupId: "g",
      clientId: "platformatic-test",
      bootstrapBrokers: [`127.0.0.1:${broker.port}`],
      deserializers: stringDeserializers,
      maxWaitTime: 50,
      retries: 0,
    });
    try {
      const stream = await consumer.consume({ topics: ["t"], mode: "earliest", autocommit: false });
      const received = await new Promise<string>((resolve) => {
        stream.on("data", (message: { value: string }) => resolve(message.value));
      });
      expect(received).toBe("salut");
      await stream.close();
    } finally {
      await consumer.close(true);
    }
    expect(broker.errors).toEqual([]);
    expect(new Set(broker.seen)).toEqual(
      new Set([
        "ApiVersions v3",
        "FindCoordinator v2",
        "Metadata v6",
        "JoinGroup v5",
        "SyncGroup v3",
        "ListOffsets v3",
        "Fetch v11",
        "LeaveGroup v3",
      ]),
    );
  }, 15_000);
});
