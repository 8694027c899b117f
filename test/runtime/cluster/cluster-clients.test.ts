// Real Kafka clients against a 3-node Runnel cluster (separate processes, RF 3, min ISR 2): kcat
// sees three brokers and the replicas, kcat and KafkaJS produce with acks=all and read back exactly
// what they wrote, from any node.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalCluster } from "../../support/local-cluster.ts";
import { run } from "../e2e/e2e-support.ts";

let cluster: LocalCluster;

beforeAll(async () => {
  cluster = await LocalCluster.start();
}, 90_000);

afterAll(async () => {
  await cluster?.dispose();
});

async function kcat(args: readonly string[], input?: string) {
  const result = await run("kcat", ["-b", cluster.bootstrap, ...args], {
    timeoutMs: 30_000,
    ...(input === undefined ? {} : { input }),
  });
  if (result.code !== 0) throw new Error(`kcat ${args.join(" ")}: ${result.stderr}`);
  return result.stdout.toString("utf8");
}

async function consumeAll(topic: string, partition: number): Promise<string[]> {
  const text = await kcat([
    "-C",
    "-t",
    topic,
    "-p",
    String(partition),
    "-o",
    "beginning",
    "-e",
    "-q",
  ]);
  return text === "" ? [] : text.slice(0, -1).split("\n");
}

describe("a 3-node cluster with real clients", () => {
  it("lists three brokers and every replica in sync (kcat -L)", async () => {
    await cluster.createTopic("listed", 3);
    const listing = await kcat(["-L", "-t", "listed"]);
    expect(listing).toContain("3 brokers:");
    for (const node of cluster.nodes) {
      expect(listing).toMatch(new RegExp(`broker \\d at ${node.host}:${node.port}`));
    }
    const partitions = [
      ...listing.matchAll(/partition (\d), leader (\d), replicas: ([\d,]+), isrs: ([\d,]+)/g),
    ];
    expect(partitions, listing).toHaveLength(3);
    for (const [, , leader, replicas, isrs] of partitions) {
      expect(replicas?.split(",").sort()).toEqual(["1", "2", "3"]);
      expect(isrs?.split(",").sort()).toEqual(["1", "2", "3"]);
      expect(replicas?.split(",")).toContain(leader);
    }
  });

  it("idempotent kcat produces with acks=all and reads back exactly, from every node", async () => {
    await cluster.createTopic("kcat-all");
    const values = Array.from({ length: 2_000 }, (_, i) => `kcat-${i}`);
    await kcat(
      ["-P", "-t", "kcat-all", "-p", "0", "-X", "acks=all", "-X", "enable.idempotence=true"],
      `${values.join("\n")}\n`,
    );
    expect(await consumeAll("kcat-all", 0)).toEqual(values);
    // Each node answers Metadata with the same leader; a consumer bootstrapped on any one of them
    // is sent to the leader and reads the same records.
    for (const node of cluster.nodes) {
      const result = await run(
        "kcat",
        ["-b", node.bootstrap, "-C", "-t", "kcat-all", "-p", "0", "-o", "-5", "-e", "-q"],
        { timeoutMs: 30_000 },
      );
      expect(result.stdout.toString("utf8")).toBe(`${values.slice(-5).join("\n")}\n`);
    }
  });

  it("idempotent KafkaJS produces with acks=all (-1) across partitions and reads back exactly", async () => {
    await cluster.createTopic("kafkajs-all", 3);
    // Idempotent, so that a retry (the machine is shared: a slow broker may lose its session for a
    // moment and refuse a request) cannot duplicate a record and "exactly" holds.
    const producer = cluster.kafka("producer").producer({
      allowAutoTopicCreation: false,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const sent = new Map<number, string[]>([
      [0, []],
      [1, []],
      [2, []],
    ]);
    try {
      for (let round = 0; round < 30; round++) {
        const messages = Array.from({ length: 30 }, (_, i) => {
          const partition = (round + i) % 3;
          const value = `kjs-${round}-${i}`;
          sent.get(partition)?.push(value);
          return { partition, value };
        });
        const acks = await producer.send({ topic: "kafkajs-all", acks: -1, messages });
        expect(acks.every((a) => a.errorCode === 0)).toBe(true);
      }
    } finally {
      await producer.disconnect();
    }
    for (const [partition, values] of sent) {
      expect(await consumeAll("kafkajs-all", partition)).toEqual(values);
    }
    const state = await cluster.describe("kafkajs-all");
    expect(state.map((p) => p.isr)).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });

  it("a KafkaJS group consumer reads every partition through the cluster's coordinator", async () => {
    await cluster.createTopic("grouped", 3);
    const producer = cluster.kafka("group-producer").producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const values = Array.from({ length: 300 }, (_, i) => `grp-${i}`);
    try {
      await producer.send({
        topic: "grouped",
        acks: -1,
        messages: values.map((value, i) => ({ partition: i % 3, value })),
      });
    } finally {
      await producer.disconnect();
    }
    const consumer = cluster.kafka("group-consumer").consumer({ groupId: "cluster-group" });
    const seen: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: "grouped", fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(message.value?.toString("utf8") ?? "");
        },
      });
      const deadline = Date.now() + 45_000;
      while (new Set(seen).size < values.length && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await consumer.disconnect();
    }
    // At least once: a rebalance before a commit may deliver some records again.
    const distinct = new Set(seen);
    expect(
      [...distinct].sort(),
      `${distinct.size} distinct of ${values.length}, ${seen.length} delivered`,
    ).toEqual([...values].sort());
  }, 90_000);
});
