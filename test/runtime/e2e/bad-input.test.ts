// Bad input against `runnel broker` (auto topic creation off, message.max.bytes=10000): an unknown
// topic is UNKNOWN_TOPIC_OR_PARTITION, an oversized batch MESSAGE_TOO_LARGE (to a raw client and
// to kcat), and a malformed frame closes only its own connection.

import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import { encodeBatch } from "../../../core/log/record-batch-encode.ts";
import { KafkaConnection } from "../../../runtime/admin/connection.ts";
import { BrokerProcess } from "../../support/broker-process.ts";
import { createTopic, kcat } from "./e2e-support.ts";

let broker: BrokerProcess;

beforeAll(async () => {
  broker = await BrokerProcess.start({
    overrides: { "auto.create.topics.enable": "false", "message.max.bytes": "10000" },
  });
  await createTopic(broker, "small");
});

afterAll(async () => {
  await broker?.dispose();
});

function connect(): Promise<KafkaConnection> {
  return KafkaConnection.connect({ host: broker.host, port: broker.port });
}

async function produce(connection: KafkaConnection, topic: string, valueBytes: number) {
  const batch = encodeBatch({
    baseTimestamp: Date.now(),
    records: [{ key: null, value: new Uint8Array(valueBytes).fill(120) }],
  });
  const answer = await connection.send("Produce", {
    transactionalId: null,
    acks: -1,
    timeoutMs: 5_000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }],
    legacyMessageSet: false,
  });
  return answer.responses[0]!.partitionResponses[0]!.errorCode;
}

describe("bad input", () => {
  it("answers UNKNOWN_TOPIC_OR_PARTITION for an unknown topic when auto-creation is off", async () => {
    const connection = await connect();
    try {
      expect(await produce(connection, "missing", 10)).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      const metadata = await connection.send("Metadata", {
        topics: [{ name: "missing" }],
        allowAutoTopicCreation: true,
      });
      expect(metadata.topics[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    } finally {
      connection.close();
    }
    const listed = await kcat(broker, ["-L", "-J", "-t", "missing"]);
    const topic = JSON.parse(listed.stdout.toString("utf8")).topics[0];
    expect(topic.error).toBe("Broker: Unknown topic or partition");
  });

  it("answers MESSAGE_TOO_LARGE for a batch above message.max.bytes, to any client", async () => {
    const connection = await connect();
    try {
      expect(await produce(connection, "small", 20_000)).toBe(ErrorCode.MESSAGE_TOO_LARGE);
      expect(await produce(connection, "small", 100)).toBe(ErrorCode.NONE);
    } finally {
      connection.close();
    }
    const big = "y".repeat(20_000);
    const result = await kcat(
      broker,
      ["-P", "-t", "small", "-p", "0", "-X", "message.max.bytes=100000"],
      {
        input: `${big}\n`,
        allowFailure: true,
      },
    );
    expect(result.stderr).toContain("Broker: Message size too large");
  });

  it("closes only the connection that sent a malformed frame", async () => {
    const healthy = await connect();
    try {
      const raw = net.connect({ host: broker.host, port: broker.port });
      const closed = new Promise<void>((resolve) => raw.once("close", () => resolve()));
      raw.on("error", () => undefined);
      // A frame of 8 bytes naming API key 999, which does not exist.
      raw.write(Uint8Array.from([0, 0, 0, 8, 0x03, 0xe7, 0, 0, 0, 0, 0, 1]));
      await closed;
      const metadata = await healthy.send("Metadata", {
        topics: null,
        allowAutoTopicCreation: false,
      });
      expect(metadata.topics.map((t) => t.name)).toEqual(["small"]);
      const fresh = await connect();
      fresh.close();
    } finally {
      healthy.close();
    }
    expect(broker.output).toContain("closing connection");
    expect(broker.running).toBe(true);
  });
});
