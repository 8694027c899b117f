// @platformatic/kafka 2.12.1 against `runnel broker` (on Node 20, with the Promise.withResolvers
// polyfill installed first): admin topics, a producer with keys and headers, listOffsets, and
// reading without a group through Consumer.fetch (its assign-style call), and its group consumer
// (consume) committing offsets that a second member of the group resumes from.

import "../../support/with-resolvers.mjs";
import {
  Admin,
  Consumer,
  Producer,
  stringDeserializers,
  stringSerializers,
} from "@platformatic/kafka";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { singleNodeProperties } from "../../../core/broker/config.ts";
import { BrokerProcess } from "../../support/broker-process.ts";

let broker: BrokerProcess;

beforeAll(async () => {
  broker = await BrokerProcess.start({ overrides: singleNodeProperties });
});

afterAll(async () => {
  await broker?.dispose();
});

function consumer(retries = 1): Consumer<string, string, string, string> {
  return new Consumer({
    clientId: "e2e-platformatic-consumer",
    groupId: "e2e-platformatic",
    bootstrapBrokers: [broker.bootstrap],
    deserializers: stringDeserializers,
    maxWaitTime: 200,
    retries,
    retryDelay: 100,
  });
}

describe("@platformatic/kafka 2.12.1", () => {
  it("creates a topic, produces keyed messages with headers and reads them back without a group", async () => {
    const admin = new Admin({
      clientId: "e2e-platformatic-admin",
      bootstrapBrokers: [broker.bootstrap],
    });
    const producer = new Producer({
      clientId: "e2e-platformatic-producer",
      bootstrapBrokers: [broker.bootstrap],
      serializers: stringSerializers,
    });
    const reader = consumer();
    try {
      await admin.createTopics({ topics: ["plt"], partitions: 1, replicas: 1 });
      expect(await admin.listTopics()).toContain("plt");
      const messages = Array.from({ length: 500 }, (_, i) => ({
        topic: "plt",
        partition: 0,
        key: `k${i}`,
        value: `v${i}`,
        headers: new Map([["seq", String(i)]]),
      }));
      const sent = await producer.send({ messages, acks: -1 });
      expect(sent.offsets).toEqual([{ topic: "plt", partition: 0, offset: 0n }]);

      const offsets = await reader.listOffsets({ topics: ["plt"] });
      expect(offsets.get("plt")).toEqual([500n]);

      const seen: string[] = [];
      let fetchOffset = 0n;
      for (let round = 0; round < 50 && fetchOffset < 500n; round++) {
        const answer = await reader.fetch({
          node: 1,
          // Before Fetch v13 the request names the topic in the topicId field.
          topics: [
            {
              topicId: "plt",
              partitions: [
                {
                  partition: 0,
                  currentLeaderEpoch: -1,
                  fetchOffset,
                  lastFetchedEpoch: -1,
                  partitionMaxBytes: 1 << 20,
                },
              ],
            },
          ],
        });
        const partition = answer.responses[0]!.partitions[0]!;
        expect(partition.errorCode).toBe(0);
        for (const batch of partition.records ?? []) {
          for (const record of batch.records) {
            const offset = batch.firstOffset + BigInt(record.offsetDelta);
            if (offset < fetchOffset) continue;
            const headers = record.headers
              .map(([k, v]) => `${k?.toString()}=${v?.toString()}`)
              .join(",");
            seen.push(`${offset}|${record.key?.toString()}|${record.value?.toString()}|${headers}`);
            fetchOffset = offset + 1n;
          }
        }
      }
      expect(seen).toEqual(messages.map((m, i) => `${i}|${m.key}|${m.value}|seq=${i}`));
    } finally {
      await reader.close(true);
      await producer.close();
      await admin.close();
    }
  });

  it("consumes with a group, commits, and a second member resumes at the commit", async () => {
    // Retries: the first lookup creates __consumer_offsets, whose partitions load before serving.
    const first = consumer(20);
    const seen: string[] = [];
    try {
      const stream = await first.consume({ topics: ["plt"], mode: "earliest", autocommit: false });
      for await (const message of stream) {
        seen.push(message.value);
        if (seen.length === 100) {
          await message.commit();
          break;
        }
      }
    } finally {
      await first.close(true);
    }
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => `v${i}`));
    const admin = new Admin({
      clientId: "e2e-platformatic-admin",
      bootstrapBrokers: [broker.bootstrap],
    });
    try {
      const groups = await admin.describeGroups({ groups: ["e2e-platformatic"] });
      expect(groups.get("e2e-platformatic")).toMatchObject({
        state: "Empty",
        protocolType: "consumer",
      });
    } finally {
      await admin.close();
    }
    const second = consumer(20);
    try {
      const stream = await second.consume({
        topics: ["plt"],
        mode: "committed",
        autocommit: false,
      });
      const next: string[] = [];
      for await (const message of stream) {
        next.push(message.value);
        if (next.length === 5) break;
      }
      expect(next).toEqual(["v100", "v101", "v102", "v103", "v104"]);
    } finally {
      await second.close(true);
    }
  });
});
