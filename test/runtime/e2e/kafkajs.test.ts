// KafkaJS 2.2.4 against `runnel broker`: admin create/list/delete topics, an acks=all producer
// with keys and per-message headers (read back with kcat), fetchTopicOffsets and
// fetchTopicOffsetsByTimestamp; a consumer group of three with members leaving and joining,
// committed offsets, seek, and the admin's fetchOffsets, setOffsets, describeGroups, listGroups.

import { type Consumer, Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { singleNodeProperties } from "../../../core/broker/config.ts";
import { BrokerProcess, delay } from "../../support/broker-process.ts";
import { kcat } from "./e2e-support.ts";

let broker: BrokerProcess;
/** The single-node settings `runnel broker` without a file uses (one-replica offsets topic). */
const groupOverrides = singleNodeProperties;
let kafka: Kafka;

beforeAll(async () => {
  broker = await BrokerProcess.start({ overrides: groupOverrides });
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

  it("a group of three shares a topic, rebalances as members leave and join, commits offsets", async () => {
    const topic = "kjs-group-topic";
    const groupId = "kjs-group";
    const admin = kafka.admin();
    await admin.connect();
    const producer = kafka.producer();
    await producer.connect();
    const members: Member[] = [];
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
      await producer.send({ topic, acks: -1, messages: messages(0, 30) });
      for (const name of ["m1", "m2", "m3"]) members.push(await startMember(groupId, topic, name));
      await waitFor("three members own one partition each", () => ownAll(members, 3, 1));
      await waitFor("30 records consumed", () => consumed(members).size === 30);
      const described = await admin.describeGroups([groupId]);
      expect(described.groups[0]).toMatchObject({
        groupId,
        state: "Stable",
        protocolType: "consumer",
        protocol: "RoundRobinAssigner",
      });
      expect(described.groups[0]!.members).toHaveLength(3);

      // m3 leaves: the other two take over its partition and consume what comes next.
      const leaving = members.pop()!;
      await leaving.consumer.disconnect();
      await waitFor("two members own all three partitions", () => ownAll(members, 3, 2));
      await producer.send({ topic, acks: -1, messages: messages(30, 30) });
      await waitFor("60 records consumed", () => consumed([...members, leaving]).size === 60);

      // m4 joins: a new generation with three members again.
      members.push(await startMember(groupId, topic, "m4"));
      await waitFor("three members again", () => ownAll(members, 3, 1));
      await producer.send({ topic, acks: -1, messages: messages(60, 30) });
      await waitFor("90 records consumed", () => consumed([...members, leaving]).size === 90);
      await waitFor("offsets committed up to the end", async () => {
        const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
        const total = offsets[0]!.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
        return total === 90;
      });
    } finally {
      for (const m of members) await m.consumer.disconnect();
      await producer.disconnect();
      await admin.disconnect();
    }
    const after = await kafka.admin();
    await after.connect();
    try {
      const described = await after.describeGroups([groupId]);
      expect(described.groups[0]).toMatchObject({ state: "Empty", members: [] });
      const groups = await after.listGroups();
      expect(groups.groups).toContainEqual({ groupId, protocolType: "consumer" });
    } finally {
      await after.disconnect();
    }
  });

  it("a group member seeks back and reads again; a restarted member resumes at the commit", async () => {
    const topic = "kjs-seek";
    const groupId = "kjs-seek-group";
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic, acks: -1, messages: messages(0, 10) });
    } finally {
      await producer.disconnect();
    }
    const first = await startMember(groupId, topic, "s1");
    try {
      await waitFor("10 records consumed", () => first.seen.length === 10);
      first.consumer.seek({ topic, partition: 0, offset: "4" });
      await waitFor("records from offset 4 again", () => first.seen.length === 16);
      expect(first.seen.slice(10).map((r) => r.offset)).toEqual([4, 5, 6, 7, 8, 9]);
    } finally {
      await first.consumer.disconnect();
    }
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
      expect(offsets[0]!.partitions).toEqual([{ partition: 0, offset: "10", metadata: null }]);
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: "7" }] });
    } finally {
      await admin.disconnect();
    }
    const second = await startMember(groupId, topic, "s2");
    try {
      await waitFor("resumed at the committed offset", () => second.seen.length === 3);
      expect(second.seen.map((r) => r.offset)).toEqual([7, 8, 9]);
    } finally {
      await second.consumer.disconnect();
    }
  });
});

interface Member {
  readonly consumer: Consumer;
  readonly seen: { partition: number; offset: number; key: string }[];
  assigned: number[];
}

async function startMember(groupId: string, topic: string, clientId: string): Promise<Member> {
  const consumer = new Kafka({
    clientId,
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 100 },
  }).consumer({
    groupId,
    sessionTimeout: 10_000,
    rebalanceTimeout: 10_000,
    heartbeatInterval: 300,
    maxWaitTimeInMs: 100,
  });
  const member: Member = { consumer, seen: [], assigned: [] };
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    member.assigned = [...(event.payload.memberAssignment[topic] ?? [])];
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      member.seen.push({ partition, offset: Number(message.offset), key: String(message.key) });
    },
  });
  return member;
}

function messages(from: number, count: number) {
  return Array.from({ length: count }, (_, i) => ({ key: `k${from + i}`, value: `v${from + i}` }));
}

/** The members' assignments cover `partitions` without overlap, at most `most` each. */
function ownAll(members: readonly Member[], partitions: number, most: number): boolean {
  const owned = members.flatMap((m) => m.assigned);
  return (
    owned.length === partitions &&
    new Set(owned).size === partitions &&
    members.every((m) => m.assigned.length >= 1 && m.assigned.length <= most)
  );
}

/** Distinct keys consumed by the members. */
function consumed(members: readonly Member[]): Set<string> {
  return new Set(members.flatMap((m) => m.seen.map((r) => r.key)));
}

async function waitFor(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await done()) return;
    await delay(50);
  }
  throw new Error(`timed out waiting: ${what}`);
}
