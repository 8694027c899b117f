// librdkafka (kcat) against `runnel broker`: metadata listing, 100k messages with keys and headers
// produced and consumed back exactly, consuming from an offset and from a timestamp.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerProcess, delay } from "../../support/broker-process.ts";
import { createTopic, kcat } from "./e2e-support.ts";

let broker: BrokerProcess;

beforeAll(async () => {
  broker = await BrokerProcess.start();
});

afterAll(async () => {
  await broker?.dispose();
});

/** kcat -C of the whole partition, each message as "key|value|headers|offset". */
async function consumeAll(topic: string, from = "beginning"): Promise<string[]> {
  const result = await kcat(broker, [
    "-C",
    "-t",
    topic,
    "-p",
    "0",
    "-o",
    from,
    "-e",
    "-q",
    "-f",
    "%k|%s|%h|%o\\n",
  ]);
  const text = result.stdout.toString("utf8");
  return text === "" ? [] : text.slice(0, -1).split("\n");
}

describe("kcat (librdkafka 2.0.2)", () => {
  it("lists the broker and its topics with -L", async () => {
    await createTopic(broker, "listed", 3);
    const result = await kcat(broker, ["-L", "-J"]);
    const metadata = JSON.parse(result.stdout.toString("utf8"));
    expect(metadata.brokers).toEqual([{ id: 1, name: `${broker.host}:${broker.port}` }]);
    expect(metadata.controllerid).toBe(1);
    const topic = metadata.topics.find((t: { topic: string }) => t.topic === "listed");
    expect(topic.partitions.map((p: { partition: number; leader: number }) => p.leader)).toEqual([
      1, 1, 1,
    ]);
  });

  it("produces and consumes back 100,000 keyed messages with headers, exactly", async () => {
    await createTopic(broker, "bulk");
    const count = 100_000;
    const lines = Array.from(
      { length: count },
      (_, i) => `key-${i}\tvalue-${i}-${"x".repeat(i % 50)}`,
    );
    await kcat(
      broker,
      ["-P", "-t", "bulk", "-p", "0", "-K", "\t", "-H", "source=e2e", "-H", "run=1"],
      { input: `${lines.join("\n")}\n`, timeoutMs: 90_000 },
    );
    const consumed = await consumeAll("bulk");
    expect(consumed.length).toBe(count);
    const mismatches = consumed.filter((line, i) => {
      const [key, value] = lines[i]!.split("\t");
      return line !== `${key}|${value}|source=e2e,run=1|${i}`;
    });
    expect(mismatches.slice(0, 3)).toEqual([]);
  });

  it("consumes from an offset (-o N) and from a timestamp (-o s@ms)", async () => {
    await createTopic(broker, "timed");
    const first = Array.from({ length: 100 }, (_, i) => `a${i}`);
    const second = Array.from({ length: 100 }, (_, i) => `b${i}`);
    await kcat(broker, ["-P", "-t", "timed", "-p", "0"], { input: `${first.join("\n")}\n` });
    await delay(30);
    const between = Date.now();
    await delay(30);
    await kcat(broker, ["-P", "-t", "timed", "-p", "0"], { input: `${second.join("\n")}\n` });
    const fromOffset = await consumeAll("timed", "150");
    expect(fromOffset.map((line) => line.split("|")[1])).toEqual(second.slice(50));
    expect(fromOffset[0]!.endsWith("|150")).toBe(true);
    const fromTime = await consumeAll("timed", `s@${between}`);
    expect(fromTime.map((line) => line.split("|")[1])).toEqual(second);
    const fromEnd = await consumeAll("timed", "-10");
    expect(fromEnd.map((line) => line.split("|")[1])).toEqual(second.slice(90));
  });
});
