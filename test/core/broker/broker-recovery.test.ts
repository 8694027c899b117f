// Restart and crash: topics, configs and records come back; what a crash may lose is exactly what
// docs/durability.md says for each setting (fsync before ack, flush.messages, background sync).

import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import { noDiskFaults, SimDisk } from "../../../sim/disk.ts";
import { testRng } from "../../support/test-rng.ts";
import { BrokerHarness } from "./support/harness.ts";
import {
  batchOf,
  createTopic,
  fetchOnce,
  metadataBody,
  produce,
  produceBody,
  recordsOf,
} from "./support/requests.ts";

function values(h: BrokerHarness, topic: string, partition = 0): (string | null)[] {
  return recordsOf(
    fetchOnce(h, topic, partition, 0, { partitionMaxBytes: 10_000_000 }).records,
  ).map((r) => r.value);
}

function tornDisk(seed: number): SimDisk {
  return new SimDisk(testRng(`torn-${seed}`), {
    faults: { ...noDiskFaults, tornWriteProbability: 1, unsyncedFileVanishProbability: 0.5 },
  });
}

describe("restart", () => {
  it("recovers topics, configs and records, and bumps the leader epoch", () => {
    const h = new BrokerHarness().start();
    createTopic(h, "kept", 2, { "retention.ms": "12345" });
    produce(h, "kept", 0, ["a", "b"]);
    produce(h, "kept", 1, ["c"]);
    const epochBefore = h.view.partitions[0]?.leaderEpoch ?? -1;
    h.restart();
    expect(h.view.topics).toEqual(["kept"]);
    expect(values(h, "kept", 0)).toEqual(["a", "b"]);
    expect(values(h, "kept", 1)).toEqual(["c"]);
    // A new incarnation loses its leadership at registration and regains it when unfenced.
    expect(h.view.partitions[0]?.leaderEpoch).toBe(epochBefore + 2);
    const configs = h.call("DescribeConfigs", {
      resources: [{ resourceType: 2, resourceName: "kept", configurationKeys: ["retention.ms"] }],
      includeSynonyms: false,
      includeDocumentation: false,
    });
    expect(configs.results[0]?.configs[0]?.value).toBe("12345");
    expect(produce(h, "kept", 0, ["d"]).baseOffset).toBe(2);
    expect(h.events("node-ready")).toHaveLength(2);
  });

  it("queues requests that arrive before it is ready, then answers them in order", () => {
    const h = new BrokerHarness();
    h.deliver({ type: "start" });
    const early = h.send("Metadata", metadataBody(null));
    expect(h.answer("Metadata", early)).toBeUndefined();
    h.runUntilReady();
    expect(h.answer("Metadata", early)?.brokers).toHaveLength(1);
  });

  it("deletes the folders of topics deleted before a crash, and never mixes a new topic with them", () => {
    const h = new BrokerHarness().start();
    createTopic(h, "x");
    produce(h, "x", 0, ["old"]);
    h.diskRunning = false;
    h.send("DeleteTopics", { topicNames: ["x"], timeoutMs: 1000 });
    h.diskRunning = true;
    h.settle();
    expect(h.view.topics).toEqual([]);
    h.crashAndRestart();
    expect(h.disk.files().filter((f) => f.startsWith("x-0/"))).toEqual([]);
    createTopic(h, "x");
    expect(values(h, "x")).toEqual([]);
  });

  it("deletes a stray folder whose topic the image does not know", () => {
    const h = new BrokerHarness().start();
    h.disk.execute({
      type: "append",
      path: "ghost-0/00000000000000000000.log",
      bytes: batchOf(["boo"]),
    });
    h.restart();
    expect(h.disk.files().filter((f) => f.startsWith("ghost-0/"))).toEqual([]);
    expect(h.marks()).toContain("stray-partition-folder-deleted");
  });
});

describe("crash durability", () => {
  it.each([
    1, 2, 3,
  ])("acks=all with fsync before ack loses nothing acknowledged (seed %i)", (seed) => {
    const h = new BrokerHarness({
      disk: tornDisk(seed),
      seed,
      config: { fsyncBeforeAck: "acks-all" },
    }).start();
    createTopic(h, "d");
    const acked: string[] = [];
    for (let i = 0; i < 6; i++) {
      if (produce(h, "d", 0, [`v${i}`], -1).errorCode === 0) acked.push(`v${i}`);
    }
    h.diskRunning = false;
    const inFlight = h.send("Produce", produceBody("d", 0, batchOf(["unacked"]), -1));
    expect(h.answer("Produce", inFlight)).toBeUndefined();
    h.crashAndRestart();
    const after = values(h, "d");
    expect(after.slice(0, acked.length)).toEqual(acked);
    expect(after.length === acked.length || after.at(-1) === "unacked").toBe(true);
  });

  it("acks=1 in acks-all mode: acknowledged at once, invisible to consumers until synced", () => {
    const h = new BrokerHarness({
      disk: tornDisk(9),
      config: { fsyncBeforeAck: "acks-all" },
    }).start();
    createTopic(h, "d");
    produce(h, "d", 0, ["synced"], -1);
    h.diskRunning = false;
    expect(
      h.call("Produce", produceBody("d", 0, batchOf(["fast"]), 1)).responses[0]
        ?.partitionResponses[0]?.errorCode,
    ).toBe(0);
    expect(values(h, "d")).toEqual(["synced"]);
    h.crashAndRestart();
    expect(values(h, "d")[0]).toBe("synced");
  });

  it("acks-all-and-1 makes acks=1 wait for the sync", () => {
    const h = new BrokerHarness({ config: { fsyncBeforeAck: "acks-all-and-1" } }).start();
    createTopic(h, "d");
    h.diskRunning = false;
    const id = h.send("Produce", produceBody("d", 0, batchOf(["x"]), 1));
    expect(h.answer("Produce", id)).toBeUndefined();
    h.diskRunning = true;
    h.settle();
    expect(h.answer("Produce", id)?.responses[0]?.partitionResponses[0]?.errorCode).toBe(0);
  });

  it("with fsync none, a crash loses acknowledged records not yet synced, and offsets are reused", () => {
    const h = new BrokerHarness({
      config: { fsyncBeforeAck: "none", logBackgroundSyncMs: 1_000 },
    }).start();
    createTopic(h, "d");
    produce(h, "d", 0, ["before-sync"], -1);
    h.advance(1_000);
    expect(h.view.partitions[0]).toMatchObject({ durableOffset: 1, highWatermark: 1 });
    expect(produce(h, "d", 0, ["lost"], -1).errorCode).toBe(0);
    expect(values(h, "d")).toEqual(["before-sync", "lost"]);
    h.crashAndRestart();
    expect(values(h, "d")).toEqual(["before-sync"]);
    expect(produce(h, "d", 0, ["reused"], -1).baseOffset).toBe(1);
  });

  it("with fsync none, the background sync makes acknowledged records durable", () => {
    const h = new BrokerHarness({
      config: { fsyncBeforeAck: "none", logBackgroundSyncMs: 1_000 },
    }).start();
    createTopic(h, "d");
    produce(h, "d", 0, ["a"], 1);
    h.advance(1_000);
    h.crashAndRestart();
    expect(values(h, "d")).toEqual(["a"]);
  });

  it("flush.messages=1 makes every acknowledgement wait for its sync, as Kafka's flush does", () => {
    const h = new BrokerHarness({ config: { fsyncBeforeAck: "none" } }).start();
    createTopic(h, "f", 1, { "flush.messages": "1" });
    h.diskRunning = false;
    const id = h.send("Produce", produceBody("f", 0, batchOf(["x"]), 1));
    expect(h.answer("Produce", id)).toBeUndefined();
    h.diskRunning = true;
    h.settle();
    expect(h.answer("Produce", id)?.responses[0]?.partitionResponses[0]?.errorCode).toBe(0);
    h.crashAndRestart();
    expect(values(h, "f")).toEqual(["x"]);
  });

  it("flush.ms syncs on the broker's timer", () => {
    const h = new BrokerHarness({ config: { fsyncBeforeAck: "none" } }).start();
    createTopic(h, "f", 1, { "flush.ms": "100" });
    produce(h, "f", 0, ["x"], 1);
    expect(h.view.partitions[0]?.durableOffset).toBe(0);
    h.advance(100);
    expect(h.view.partitions[0]?.durableOffset).toBe(1);
  });

  it("a crash in the middle of topic creation leaves a usable cluster", () => {
    const h = new BrokerHarness({ disk: tornDisk(4) }).start();
    h.diskRunning = false;
    h.send("CreateTopics", {
      topics: [
        { name: "half", numPartitions: 3, replicationFactor: 1, assignments: [], configs: [] },
      ],
      timeoutMs: 1000,
      validateOnly: false,
    });
    h.crashAndRestart();
    const md = h.call("Metadata", metadataBody(null));
    expect(md.topics.every((t) => t.errorCode === ErrorCode.NONE)).toBe(true);
  });
});

describe("disk failures", () => {
  it("a failed sync takes the partition offline: KAFKA_STORAGE_ERROR until a restart recovers it", () => {
    const h = new BrokerHarness({ config: { fsyncBeforeAck: "acks-all" } }).start();
    createTopic(h, "e", 2);
    produce(h, "e", 0, ["kept"], -1);
    h.disk.setErrorEpisode("eio");
    const failed = h.call("Produce", produceBody("e", 0, batchOf(["x"]), -1));
    expect(failed.responses[0]?.partitionResponses[0]?.errorCode).toBe(
      ErrorCode.KAFKA_STORAGE_ERROR,
    );
    expect(h.view.partitions.find((p) => p.partition === 0)?.status).toBe("offline");
    expect(produce(h, "e", 0, ["again"], 1).errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect(fetchOnce(h, "e", 0, 0).errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
    expect(h.marks()).toContain("partition-log-offline");
    h.disk.setErrorEpisode("none");
    expect(produce(h, "e", 1, ["other partition"], -1).errorCode).toBe(0);
    h.crashAndRestart();
    expect(values(h, "e")[0]).toBe("kept");
    expect(produce(h, "e", 0, ["after"], -1).errorCode).toBe(0);
  });
});

describe("metadata disk failure", () => {
  it("halts the broker when the metadata quorum cannot write, and recovers after a restart", () => {
    const h = new BrokerHarness().start();
    createTopic(h, "before");
    h.disk.setErrorEpisode("eio");
    const id = h.send("CreateTopics", {
      topics: [
        { name: "during", numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
      ],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(h.view.phase).toBe("halted");
    expect(h.events("broker-halted")).toHaveLength(1);
    expect(h.answer("CreateTopics", id)?.topics[0]?.errorCode).toBe(ErrorCode.NOT_CONTROLLER);
    h.send("Metadata", metadataBody(null), 3);
    expect(h.closes.at(-1)).toMatchObject({ connection: 3, reason: "broker halted" });
    h.disk.setErrorEpisode("none");
    h.crashAndRestart();
    expect(h.view.topics).toEqual(["before"]);
  });
});
