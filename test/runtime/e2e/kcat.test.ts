// librdkafka (kcat) against `runnel broker`: metadata listing, 100k messages with keys and headers
// produced and consumed back exactly, consuming from an offset and from a timestamp; kcat -G
// group members sharing partitions, and groups mixing KafkaJS and kcat members.

import { spawn } from "node:child_process";
import { Kafka, logLevel, type PartitionAssigner, PartitionAssigners } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { singleNodeProperties } from "../../../core/broker/config.ts";
import { BrokerProcess, delay } from "../../support/broker-process.ts";
import { createTopic, kcat } from "./e2e-support.ts";

let broker: BrokerProcess;

beforeAll(async () => {
  broker = await BrokerProcess.start({ overrides: singleNodeProperties });
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
  it("two kcat -G members share a topic's partitions and commit what they consumed", async () => {
    const topic = "kc-group-topic";
    await createTopic(broker, topic, 4);
    await produceEach(topic, 4, 0);
    const a = startGroupMember("kc-group", topic);
    try {
      await waitFor("a alone reads all 40", () => a.records().length === 40);
      const b = startGroupMember("kc-group", topic);
      try {
        await waitFor("a and b own two partitions each", () => {
          const [pa, pb] = [a.assigned(), b.assigned()];
          return pa.length === 2 && pb.length === 2 && new Set([...pa, ...pb]).size === 4;
        });
        await produceEach(topic, 4, 10);
        const fresh = (m: GroupMember) => m.records().filter((r) => r.offset >= 10);
        await waitFor("the 40 new records read once between them", () => {
          return fresh(a).length + fresh(b).length === 40;
        });
        expect(new Set(fresh(b).map((r) => r.partition))).toEqual(new Set(b.assigned()));
        expect(new Set(fresh(a).map((r) => r.partition))).toEqual(new Set(a.assigned()));
      } finally {
        await b.stop();
      }
    } finally {
      await a.stop();
    }
    const admin = kafkajs().admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchOffsets({ groupId: "kc-group", topics: [topic] });
      expect(offsets[0]!.partitions.map((p) => p.offset).sort()).toEqual(["20", "20", "20", "20"]);
    } finally {
      await admin.disconnect();
    }
  });

  it("a KafkaJS and a kcat member with no common assignor: INCONSISTENT_GROUP_PROTOCOL; with one they share", async () => {
    const topic = "kc-mixed";
    await createTopic(broker, topic, 2);
    await produceEach(topic, 2, 0);
    const kjs = await startKafkaJsMember("kc-mixed-a", topic, PartitionAssigners.roundRobin);
    try {
      await waitFor("KafkaJS alone owns both partitions", () => kjs.assigned.length === 2);
      const refused = startGroupMember("kc-mixed-a", topic);
      try {
        await waitFor("kcat is refused", () =>
          refused.stderr().includes("Inconsistent group protocol"),
        );
        expect(refused.records()).toEqual([]);
      } finally {
        await refused.stop();
      }
    } finally {
      await kjs.consumer.disconnect();
    }
    // KafkaJS's round robin under librdkafka's protocol name: both members join one generation.
    const named: PartitionAssigner = (config) => ({
      ...PartitionAssigners.roundRobin(config),
      name: "roundrobin",
    });
    const shared = await startKafkaJsMember("kc-mixed-b", topic, named);
    try {
      const kc = startGroupMember("kc-mixed-b", topic, [
        "-X",
        "partition.assignment.strategy=roundrobin",
      ]);
      try {
        await waitFor(
          "one partition each",
          () => shared.assigned.length === 1 && kc.assigned().length === 1,
        );
        expect(new Set([...shared.assigned, ...kc.assigned()])).toEqual(new Set([0, 1]));
        // KafkaJS read and committed the first ten of each partition alone: kcat starts there.
        await produceEach(topic, 2, 10);
        await waitFor("kcat reads its partition's new records", () => kc.records().length === 10);
        expect(kc.records().every((r) => r.partition === kc.assigned()[0])).toBe(true);
      } finally {
        await kc.stop();
      }
    } finally {
      await shared.consumer.disconnect();
    }
  });
});

/** Ten records to each of `partitions` partitions, values "p<partition>-<from + i>". */
async function produceEach(topic: string, partitions: number, from: number): Promise<void> {
  for (let p = 0; p < partitions; p++) {
    const lines = Array.from({ length: 10 }, (_, i) => `p${p}-${from + i}`);
    await kcat(broker, ["-P", "-t", topic, "-p", String(p)], { input: `${lines.join("\n")}\n` });
  }
}

interface GroupMember {
  records(): { partition: number; offset: number }[];
  /** Partitions of the member's latest assignment, as kcat reports its rebalances. */
  assigned(): number[];
  stderr(): string;
  /** SIGTERM: kcat commits and leaves the group; SIGKILL if it does not exit in time. */
  stop(): Promise<void>;
}

/** A kcat -G (balanced consumer) process, read as it runs. */
function startGroupMember(group: string, topic: string, extra: string[] = []): GroupMember {
  const child = spawn(
    "kcat",
    [
      "-b",
      broker.bootstrap,
      "-u",
      "-G",
      group,
      "-X",
      "auto.offset.reset=earliest",
      "-X",
      "session.timeout.ms=6000",
      "-X",
      "heartbeat.interval.ms=300",
      "-X",
      "auto.commit.interval.ms=200",
      ...extra,
      "-f",
      "%p|%o\\n",
      topic,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    err = (err + chunk.toString("utf8")).slice(-100_000);
  });
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  return {
    records: () =>
      out
        .split("\n")
        .filter((line) => line.includes("|"))
        .map((line) => {
          const [partition, offset] = line.split("|");
          return { partition: Number(partition), offset: Number(offset) };
        }),
    assigned: () => {
      const last =
        err
          .split("\n")
          .filter((l) => / (assigned|revoked): /.test(l))
          .at(-1) ?? "";
      if (!last.includes("assigned:")) return [];
      return [...last.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    },
    stderr: () => err,
    stop: async () => {
      child.kill("SIGTERM");
      const done = await Promise.race([exited.then(() => true), delay(10_000).then(() => false)]);
      if (!done) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}

function kafkajs(): Kafka {
  return new Kafka({
    clientId: "e2e-kcat-mixed",
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 100 },
  });
}

async function startKafkaJsMember(groupId: string, topic: string, assigner: PartitionAssigner) {
  const consumer = kafkajs().consumer({
    groupId,
    partitionAssigners: [assigner],
    sessionTimeout: 10_000,
    rebalanceTimeout: 10_000,
    heartbeatInterval: 300,
    maxWaitTimeInMs: 100,
  });
  const member = { consumer, assigned: [] as number[] };
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    member.assigned = [...(event.payload.memberAssignment[topic] ?? [])];
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ eachMessage: async () => undefined });
  return member;
}

async function waitFor(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await done()) return;
    await delay(50);
  }
  throw new Error(`timed out waiting: ${what}`);
}
