// Idempotent producers against `runnel broker`: librdkafka (kcat -X enable.idempotence=true) and
// KafkaJS (idempotent: true, acks all) get a producer id from InitProducerId and write every message
// exactly once — the stored batches carry the producer id and consecutive sequences; and a broker
// killed (kill -9) and restarted under a KafkaJS idempotent producer loses nothing acknowledged and
// stores no duplicate (a retry of an appended batch is recognised from the state rebuilt from the
// log). kcat is not used across the restart: it exits once all brokers are down.

import { Kafka, logLevel } from "kafkajs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import { type RecordBatchHeader, scanBatches } from "../../../core/log/record-batch.ts";
import { KafkaConnection } from "../../../runtime/admin/connection.ts";
import { BrokerProcess } from "../../support/broker-process.ts";
import { createTopic, kcat } from "./e2e-support.ts";

/** The round trips share one broker; the restart test has its own. */
let shared: BrokerProcess;
let broker: BrokerProcess | undefined;

beforeAll(async () => {
  shared = await BrokerProcess.start();
});

afterAll(async () => {
  await shared?.dispose();
});

afterEach(async () => {
  await broker?.dispose();
  broker = undefined;
});

/** Keys and values of partition 0, in offset order, as kcat reads them (key=value lines). */
async function consumeKeyed(b: BrokerProcess, topic: string): Promise<string[]> {
  const result = await kcat(b, [
    "-C",
    "-t",
    topic,
    "-p",
    "0",
    "-o",
    "beginning",
    "-e",
    "-q",
    "-f",
    "%k=%s\\n",
  ]);
  const text = result.stdout.toString("utf8");
  return text === "" ? [] : text.slice(0, -1).split("\n");
}

/** The v2 batch headers of partition 0 (Fetch from 0 to the high watermark). */
async function batchHeaders(b: BrokerProcess, topic: string): Promise<RecordBatchHeader[]> {
  const connection = await KafkaConnection.connect({ host: b.host, port: b.port });
  const headers: RecordBatchHeader[] = [];
  try {
    let offset = 0;
    for (let round = 0; round < 1_000; round++) {
      const answer = await connection.send("Fetch", {
        replicaId: -1,
        maxWaitMs: 100,
        minBytes: 1,
        maxBytes: 52_428_800,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic,
            partitions: [
              {
                partition: 0,
                currentLeaderEpoch: -1,
                fetchOffset: offset,
                logStartOffset: -1,
                partitionMaxBytes: 1_048_576,
              },
            ],
          },
        ],
        forgottenTopicsData: [],
        rackId: "",
      });
      const data = answer.responses[0]?.partitions[0];
      if (data === undefined || data.errorCode !== ErrorCode.NONE) {
        throw new Error(`fetch ${topic} at ${offset}: error ${data?.errorCode}`);
      }
      const scan = scanBatches(data.records ?? new Uint8Array(0));
      for (const { header } of scan.batches) {
        if (header.baseOffset + header.lastOffsetDelta < offset) continue;
        headers.push(header);
        offset = header.baseOffset + header.lastOffsetDelta + 1;
      }
      if (offset >= data.highWatermark) return headers;
    }
    throw new Error(`fetching ${topic} did not reach its high watermark`);
  } finally {
    connection.close();
  }
}

/** Every batch from one producer id, epoch 0, sequences following on from 0 without a gap. */
function expectOneProducerInSequence(headers: readonly RecordBatchHeader[]): void {
  expect(headers.length).toBeGreaterThan(0);
  const producerId = headers[0]?.producerId ?? -1;
  expect(producerId).toBeGreaterThanOrEqual(0);
  let next = 0;
  for (const h of headers) {
    expect([h.producerId, h.producerEpoch, h.baseSequence]).toEqual([producerId, 0, next]);
    next += h.recordCount;
  }
}

describe("librdkafka: kcat -X enable.idempotence=true", () => {
  it("gets a producer id and writes N keyed messages exactly once", async () => {
    const b = shared;
    await createTopic(b, "idem-kcat");
    const lines = Array.from({ length: 3_000 }, (_, i) => `k${i % 97}:v${i}`);
    await kcat(
      b,
      [
        "-P",
        "-t",
        "idem-kcat",
        "-p",
        "0",
        "-K",
        ":",
        "-X",
        "enable.idempotence=true",
        "-X",
        "linger.ms=5",
        "-X",
        "batch.num.messages=200",
      ],
      { input: `${lines.join("\n")}\n`, timeoutMs: 60_000 },
    );
    expect(await consumeKeyed(b, "idem-kcat")).toEqual(lines.map((l) => l.replace(":", "=")));
    expectOneProducerInSequence(await batchHeaders(b, "idem-kcat"));
  });
});

describe("KafkaJS: idempotent producer", () => {
  function client(b: BrokerProcess): Kafka {
    return new Kafka({
      clientId: "e2e-idempotent",
      brokers: [b.bootstrap],
      logLevel: logLevel.NOTHING,
      retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
  }

  it("produces with acks all and reads back exactly what it sent", async () => {
    const b = shared;
    await createTopic(b, "idem-kjs");
    const producer = client(b).producer({ idempotent: true, maxInFlightRequests: 5 });
    await producer.connect();
    const sent: string[] = [];
    try {
      for (let round = 0; round < 10; round++) {
        const messages = Array.from({ length: 100 }, (_, j) => {
          const i = round * 100 + j;
          return { key: `k${i % 13}`, value: `v${i}`, partition: 0 };
        });
        await producer.send({ topic: "idem-kjs", acks: -1, messages });
        sent.push(...messages.map((m) => `${m.key}=${m.value}`));
      }
    } finally {
      await producer.disconnect();
    }
    expect(await consumeKeyed(b, "idem-kjs")).toEqual(sent);
    expectOneProducerInSequence(await batchHeaders(b, "idem-kjs"));
  });

  it("survives kill -9 and a restart of the broker: nothing acknowledged lost, no duplicate", async () => {
    const b = await BrokerProcess.start();
    broker = b;
    await createTopic(b, "idem-restart");
    const producer = client(b).producer({ idempotent: true, maxInFlightRequests: 5 });
    await producer.connect();
    const acknowledged: string[] = [];
    let restarted: Promise<void> | undefined;
    try {
      // One send at a time (KafkaJS's idempotent producer keeps one request in flight per broker
      // anyway): the broker dies under a send, which KafkaJS retries with the same sequence.
      for (let round = 0; round < 40; round++) {
        const messages = Array.from({ length: 50 }, (_, j) => ({
          key: `k${j % 7}`,
          value: `r${round}-${j}`,
          partition: 0,
        }));
        const sending = producer.send({ topic: "idem-restart", acks: -1, messages });
        if (round === 12) restarted = b.stop("SIGKILL").then(() => b.restart());
        await sending;
        acknowledged.push(...messages.map((m) => `${m.key}=${m.value}`));
      }
      await restarted;
    } finally {
      await producer.disconnect();
    }
    const stored = await consumeKeyed(b, "idem-restart");
    expect(stored).toEqual(acknowledged);
    expectOneProducerInSequence(await batchHeaders(b, "idem-restart"));
    expect(b.starts).toBe(2);
  });
});
