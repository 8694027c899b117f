// KafkaJS 2.2.4 against `runnel broker`: admin create/list/delete topics, an acks=all producer
// with keys and per-message headers (read back with kcat, since KafkaJS can only consume through a
// group), fetchTopicOffsets and fetchTopicOffsetsByTimestamp. Consumer groups are not integrated
// into the broker yet: a KafkaJS consumer crashes with KafkaJSGroupCoordinatorNotFound, asserted
// here so that the test changes when the group coordinator arrives.

import { Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerProcess, delay } from "../../support/broker-process.ts";
import { kcat } from "./e2e-support.ts";

let broker: BrokerProcess;
let kafka: Kafka;

beforeAll(async () => {
  broker = await BrokerProcess.start();
  kafka = new Kafka({
    clientId: "e2e-kafkajs",
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 100 },
  });
});

afterAll(async () => {
  await broker?.dispose();
});

describe("KafkaJS 2.2.4", () => {
  it("creates, lists and deletes topics with the admin client", async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic: "kjs-a", numPartitions: 3 }] })).toBe(
        true,
      );
      expect(await admin.createTopics({ topics: [{ topic: "kjs-b" }] })).toBe(true);
      expect((await admin.listTopics()).sort()).toEqual(["kjs-a", "kjs-b"]);
      const { topics } = await admin.fetchTopicMetadata({ topics: ["kjs-a"] });
      expect(topics[0]!.partitions.map((p) => p.leader)).toEqual([1, 1, 1]);
      await admin.deleteTopics({ topics: ["kjs-b"] });
      expect(await admin.listTopics()).toEqual(["kjs-a"]);
    } finally {
      await admin.disconnect();
    }
  });

  it("produces with acks=all: keys and headers per message come back exactly", async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "kjs-produce", numPartitions: 1 }] });
    await admin.disconnect();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const count = 10_000;
    try {
      for (let start = 0; start < count; start += 1_000) {
        const messages = Array.from({ length: 1_000 }, (_, j) => {
          const i = start + j;
          return {
            key: `k${i}`,
            value: `v${i}`,
            headers: { seq: String(i), parity: i % 2 ? "odd" : "even" },
          };
        });
        const results = await producer.send({ topic: "kjs-produce", acks: -1, messages });
        expect(results[0]!.errorCode).toBe(0);
        expect(results[0]!.baseOffset).toBe(String(start));
      }
    } finally {
      await producer.disconnect();
    }
    const read = await kcat(broker, [
      "-C",
      "-t",
      "kjs-produce",
      "-p",
      "0",
      "-o",
      "beginning",
      "-e",
      "-q",
      "-f",
      "%o|%k|%s|%h\\n",
    ]);
    const lines = read.stdout.toString("utf8").trimEnd().split("\n");
    expect(lines.length).toBe(count);
    const wrong = lines.filter(
      (line, i) => line !== `${i}|k${i}|v${i}|seq=${i},parity=${i % 2 ? "odd" : "even"}`,
    );
    expect(wrong.slice(0, 3)).toEqual([]);
  });

  it("answers fetchTopicOffsets and fetchTopicOffsetsByTimestamp", async () => {
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer();
    await producer.connect();
    try {
      await admin.createTopics({ topics: [{ topic: "kjs-offsets", numPartitions: 2 }] });
      const early = Array.from({ length: 5 }, (_, i) => ({ value: `e${i}`, partition: 0 }));
      await producer.send({ topic: "kjs-offsets", acks: -1, messages: early });
      await delay(30);
      const between = Date.now();
      await delay(30);
      const late = Array.from({ length: 3 }, (_, i) => ({ value: `l${i}`, partition: 0 }));
      await producer.send({
        topic: "kjs-offsets",
        acks: -1,
        messages: [...late, { value: "p1", partition: 1 }],
      });

      const offsets = await admin.fetchTopicOffsets("kjs-offsets");
      expect(offsets.sort((a, b) => a.partition - b.partition)).toEqual([
        { partition: 0, offset: "8", high: "8", low: "0" },
        { partition: 1, offset: "1", high: "1", low: "0" },
      ]);
      const byTime = await admin.fetchTopicOffsetsByTimestamp("kjs-offsets", between);
      expect(byTime.sort((a, b) => a.partition - b.partition)).toEqual([
        { partition: 0, offset: "5" },
        { partition: 1, offset: "0" },
      ]);
      // After every record's timestamp: Kafka answers -1, and KafkaJS substitutes the high watermark.
      const future = await admin.fetchTopicOffsetsByTimestamp("kjs-offsets", Date.now() + 60_000);
      expect(future.sort((a, b) => a.partition - b.partition)).toEqual([
        { partition: 0, offset: "8" },
        { partition: 1, offset: "1" },
      ]);
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  });

  it("a group consumer cannot join yet: it crashes with KafkaJSGroupCoordinatorNotFound", async () => {
    const consumer = kafka.consumer({ groupId: "kjs-group", retry: { retries: 0 } });
    const crashed = new Promise<string>((resolve) => {
      consumer.on(consumer.events.CRASH, (event) => resolve(String(event.payload.error.name)));
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: ["kjs-a"], fromBeginning: true });
      await consumer.run({ eachMessage: async () => undefined });
      const name = await Promise.race([crashed, delay(20_000).then(() => "no crash in 20 s")]);
      expect(name).toBe("KafkaJSGroupCoordinatorNotFound");
    } finally {
      await consumer.disconnect();
    }
  });
});
