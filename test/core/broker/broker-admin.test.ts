// Admin through the broker's Node interface: CreateTopics / DeleteTopics / CreatePartitions with
// their Kafka errors, Metadata (all topics, named, auto-create), DescribeConfigs with sources and
// synonyms, AlterConfigs replacing overrides, and the answers of APIs not served yet.

import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import type { CreatableTopic } from "../../../core/protocol/index.ts";
import { BrokerHarness } from "./support/harness.ts";
import { batchOf, createTopic, metadataBody, produce, produceBody } from "./support/requests.ts";

const topic = (name: string, more: Partial<CreatableTopic> = {}): CreatableTopic => ({
  name,
  numPartitions: 1,
  replicationFactor: 1,
  assignments: [],
  configs: [],
  ...more,
});

function create(h: BrokerHarness, topics: CreatableTopic[], validateOnly = false) {
  return h.call("CreateTopics", { topics, timeoutMs: 5_000, validateOnly }).topics;
}

describe("CreateTopics", () => {
  it("creates topics that Metadata then lists with leader, replicas and ISR", () => {
    const h = new BrokerHarness({ config: { numPartitions: 3 } }).start();
    const results = create(h, [
      topic("b", { numPartitions: 2 }),
      topic("a", { numPartitions: -1 }),
    ]);
    expect(results.map((r) => r.errorCode)).toEqual([0, 0]);
    const md = h.call("Metadata", metadataBody(null));
    expect(md.topics.map((t) => [t.name, t.partitions.length])).toEqual([
      ["a", 3],
      ["b", 2],
    ]);
    expect(md.topics[0]?.partitions[0]).toMatchObject({
      errorCode: 0,
      leaderId: 1,
      replicaNodes: [1],
      isrNodes: [1],
    });
    expect(md.brokers).toEqual([{ nodeId: 1, host: "localhost", port: 9092, rack: null }]);
    expect(md.controllerId).toBe(1);
    expect(md.clusterId).toBe("runnel-cluster");
    expect(h.events("topic-created").map((e) => e.topic)).toEqual(["b", "a"]);
    expect(h.view.partitions.map((p) => `${p.topic}-${p.partition}:${p.status}`)).toEqual([
      "a-0:online",
      "a-1:online",
      "a-2:online",
      "b-0:online",
      "b-1:online",
    ]);
  });

  it.each([
    ["an existing topic", "t", {}, ErrorCode.TOPIC_ALREADY_EXISTS],
    ["an illegal name", "no spaces", {}, ErrorCode.INVALID_TOPIC_EXCEPTION],
    ["a name of 250 characters", "x".repeat(250), {}, ErrorCode.INVALID_TOPIC_EXCEPTION],
    ["the name ..", "..", {}, ErrorCode.INVALID_TOPIC_EXCEPTION],
    ["a colliding name", "t_x", {}, ErrorCode.INVALID_TOPIC_EXCEPTION],
    ["zero partitions", "n", { numPartitions: 0 }, ErrorCode.INVALID_PARTITIONS],
    [
      "replication factor 2 on one broker",
      "n",
      { replicationFactor: 2 },
      ErrorCode.INVALID_REPLICATION_FACTOR,
    ],
    [
      "a bad config value",
      "n",
      { configs: [{ name: "retention.ms", value: "soon" }] },
      ErrorCode.INVALID_CONFIG,
    ],
    [
      "an unknown config",
      "n",
      { configs: [{ name: "retention.days", value: "1" }] },
      ErrorCode.INVALID_CONFIG,
    ],
    ["too many partitions", "n", { numPartitions: 20_000 }, ErrorCode.INVALID_PARTITIONS],
  ] as const)("refuses %s", (_label, name, more, errorCode) => {
    const h = new BrokerHarness().start();
    createTopic(h, "t");
    createTopic(h, "t.x");
    const [result] = create(h, [topic(name, more)]);
    expect(result?.errorCode).toBe(errorCode);
    expect(result?.errorMessage).toBeTruthy();
    expect(h.view.topics).toEqual(["t", "t.x"]);
  });

  it("validateOnly checks without creating", () => {
    const h = new BrokerHarness().start();
    expect(create(h, [topic("v"), topic("bad name")], true).map((r) => r.errorCode)).toEqual([
      0,
      ErrorCode.INVALID_TOPIC_EXCEPTION,
    ]);
    expect(h.view.topics).toEqual([]);
  });

  it("keeps explicit replica assignments", () => {
    const h = new BrokerHarness().start();
    const [ok] = create(h, [
      topic("x", {
        numPartitions: -1,
        replicationFactor: -1,
        assignments: [
          { partitionIndex: 1, brokerIds: [1] },
          { partitionIndex: 0, brokerIds: [1] },
        ],
      }),
    ]);
    expect(ok?.errorCode).toBe(0);
    const [bad] = create(h, [
      topic("y", {
        numPartitions: -1,
        replicationFactor: -1,
        assignments: [{ partitionIndex: 0, brokerIds: [7] }],
      }),
    ]);
    expect(bad?.errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  });
});

describe("DeleteTopics and CreatePartitions", () => {
  it("deletes a topic, its partitions and its folder", () => {
    const h = new BrokerHarness().start();
    createTopic(h, "gone", 2);
    produce(h, "gone", 0, ["x"]);
    expect(h.disk.files().some((f) => f.startsWith("gone-0/"))).toBe(true);
    const response = h.call("DeleteTopics", { topicNames: ["gone", "never"], timeoutMs: 5000 });
    expect(response.responses).toEqual([
      { name: "gone", errorCode: 0 },
      { name: "never", errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION },
    ]);
    expect(h.view.topics).toEqual([]);
    expect(h.view.partitions).toEqual([]);
    expect(h.disk.files().filter((f) => f.startsWith("gone-"))).toEqual([]);
    expect(h.events("topic-deleted").map((e) => e.topic)).toEqual(["gone"]);
    const md = h.call("Metadata", metadataBody(["gone"]));
    expect(md.topics[0]?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it("recreates a deleted topic empty, with a new topic id", () => {
    const h = new BrokerHarness().start();
    createTopic(h, "again");
    produce(h, "again", 0, ["old"]);
    const firstId = h.view.partitions[0]?.topicId;
    h.call("DeleteTopics", { topicNames: ["again"], timeoutMs: 5000 });
    createTopic(h, "again");
    expect(h.view.partitions[0]).toMatchObject({ logEndOffset: 0, status: "online" });
    expect(h.view.partitions[0]?.topicId).not.toBe(firstId);
    expect(produce(h, "again", 0, ["new"]).baseOffset).toBe(0);
  });

  it("refuses deletion when delete.topic.enable=false", () => {
    const h = new BrokerHarness({ config: { deleteTopicEnable: false } }).start();
    createTopic(h, "kept");
    const response = h.call("DeleteTopics", { topicNames: ["kept"], timeoutMs: 5000 });
    expect(response.responses[0]?.errorCode).toBe(ErrorCode.TOPIC_DELETION_DISABLED);
  });

  it("adds partitions, and refuses to shrink", () => {
    const h = new BrokerHarness().start();
    createTopic(h, "grow", 1);
    const grown = h.call("CreatePartitions", {
      topics: [{ name: "grow", count: 3, assignments: null }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(grown.results[0]?.errorCode).toBe(0);
    expect(h.view.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    expect(produce(h, "grow", 2, ["z"]).errorCode).toBe(0);
    const shrink = h.call("CreatePartitions", {
      topics: [
        { name: "grow", count: 2, assignments: null },
        { name: "none", count: 2, assignments: null },
      ],
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(shrink.results.map((r) => r.errorCode)).toEqual([
      ErrorCode.INVALID_PARTITIONS,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    ]);
  });
});

describe("Metadata", () => {
  it("auto-creates a topic named with allowAutoTopicCreation, LEADER_NOT_AVAILABLE first", () => {
    const h = new BrokerHarness().start();
    const first = h.call("Metadata", metadataBody(["auto"], true));
    expect(first.topics[0]?.errorCode).toBe(ErrorCode.LEADER_NOT_AVAILABLE);
    const second = h.call("Metadata", metadataBody(["auto"], true));
    expect(second.topics[0]?.errorCode).toBe(0);
    expect(second.topics[0]?.partitions).toHaveLength(1);
  });

  it("does not auto-create without the flag, when disabled, or for illegal names", () => {
    const h = new BrokerHarness({ config: { autoCreateTopicsEnable: false } }).start();
    expect(h.call("Metadata", metadataBody(["a"], false)).topics[0]?.errorCode).toBe(
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
    expect(h.call("Metadata", metadataBody(["a"], true)).topics[0]?.errorCode).toBe(
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
    expect(h.call("Metadata", metadataBody(["a b"], true)).topics[0]?.errorCode).toBe(
      ErrorCode.INVALID_TOPIC_EXCEPTION,
    );
    expect(h.view.topics).toEqual([]);
  });

  it("auto-creates on produce to an unknown topic", () => {
    const h = new BrokerHarness().start();
    const first = h.call("Produce", produceBody("p", 0, batchOf(["v"]), 1));
    expect(first.responses[0]?.partitionResponses[0]?.errorCode).toBe(
      ErrorCode.LEADER_NOT_AVAILABLE,
    );
    expect(produce(h, "p", 0, ["v"], 1).errorCode).toBe(0);
  });

  it("marks internal topics", () => {
    const h = new BrokerHarness({
      config: { offsetsTopicReplicationFactor: 1, offsetsTopicNumPartitions: 2 },
    }).start();
    h.call("Metadata", metadataBody(["__consumer_offsets"], true));
    const md = h.call("Metadata", metadataBody(null));
    expect(md.topics[0]).toMatchObject({ name: "__consumer_offsets", isInternal: true });
    expect(md.topics[0]?.partitions).toHaveLength(2);
  });
});

describe("DescribeConfigs and AlterConfigs", () => {
  const describe_ = (h: BrokerHarness, name: string, keys: string[] | null = null, type = 2) =>
    h.call("DescribeConfigs", {
      resources: [{ resourceType: type, resourceName: name, configurationKeys: keys }],
      includeSynonyms: true,
      includeDocumentation: true,
    }).results[0];

  it("describes every topic config with its value and source", () => {
    const h = new BrokerHarness({
      config: { logRetentionMs: 1000, explicitProperties: ["log.retention.ms"] },
    }).start();
    createTopic(h, "c", 1, { "cleanup.policy": "compact" });
    const result = describe_(h, "c");
    expect(result?.errorCode).toBe(0);
    const byName = new Map(result?.configs.map((c) => [c.name, c]));
    expect(byName.size).toBeGreaterThanOrEqual(13);
    expect(byName.get("cleanup.policy")).toMatchObject({
      value: "compact",
      configSource: 1,
      readOnly: false,
    });
    expect(byName.get("retention.ms")).toMatchObject({ value: "1000", configSource: 4 });
    expect(byName.get("retention.ms")?.synonyms).toEqual([
      { name: "log.retention.ms", value: "1000", source: 4 },
    ]);
    expect(byName.get("segment.bytes")).toMatchObject({ value: "1073741824", configSource: 5 });
    expect(byName.get("flush.messages")?.value).toBe("9223372036854775807");
    expect(byName.get("min.insync.replicas")?.configType).toBe(3);
    expect(describe_(h, "c", ["retention.ms", "nope"])?.configs.map((c) => c.name)).toEqual([
      "retention.ms",
    ]);
  });

  it("answers unknown topics, bad names, other brokers and resource types", () => {
    const h = new BrokerHarness().start();
    expect(describe_(h, "missing")?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(describe_(h, "bad name")?.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect(describe_(h, "7", null, 4)?.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect(describe_(h, "x", null, 8)?.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    const broker = describe_(h, "1", null, 4);
    expect(broker?.errorCode).toBe(0);
    expect(broker?.configs.find((c) => c.name === "num.partitions")).toMatchObject({
      value: "1",
      configSource: 5,
      readOnly: true,
    });
  });

  it("replaces a topic's overrides with AlterConfigs", () => {
    const h = new BrokerHarness().start();
    createTopic(h, "a", 1, { "retention.ms": "100", "segment.bytes": "2000" });
    const alter = (configs: { name: string; value: string | null }[], validateOnly = false) =>
      h.call("AlterConfigs", {
        resources: [{ resourceType: 2, resourceName: "a", configs }],
        validateOnly,
      }).responses[0];
    expect(alter([{ name: "retention.ms", value: "200" }])?.errorCode).toBe(0);
    const configs = new Map(describe_(h, "a")?.configs.map((c) => [c.name, c]));
    expect(configs.get("retention.ms")).toMatchObject({ value: "200", configSource: 1 });
    expect(configs.get("segment.bytes")?.configSource).toBe(5);
    expect(alter([{ name: "retention.ms", value: "x" }])?.errorCode).toBe(ErrorCode.INVALID_CONFIG);
    expect(alter([{ name: "retention.ms", value: "5" }], true)?.errorCode).toBe(0);
    expect(
      new Map(describe_(h, "a")?.configs.map((c) => [c.name, c.value])).get("retention.ms"),
    ).toBe("200");
    const other = h.call("AlterConfigs", {
      resources: [
        { resourceType: 2, resourceName: "missing", configs: [] },
        { resourceType: 4, resourceName: "1", configs: [] },
      ],
      validateOnly: false,
    });
    expect(other.responses.map((r) => r.errorCode)).toEqual([
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ErrorCode.INVALID_REQUEST,
    ]);
  });
});

describe("APIs of components not here yet", () => {
  const NC = ErrorCode.NOT_COORDINATOR;
  const cases: [string, Record<string, unknown>, (body: never) => unknown, unknown][] = [
    [
      "AddPartitionsToTxn",
      {
        v3AndBelowTransactionalId: "x",
        v3AndBelowProducerId: 1,
        v3AndBelowProducerEpoch: 0,
        v3AndBelowTopics: [{ name: "t", partitions: [0] }],
      },
      (b: {
        resultsByTopicV3AndBelow: { resultsByPartition: { partitionErrorCode: number }[] }[];
      }) => b.resultsByTopicV3AndBelow[0]?.resultsByPartition[0]?.partitionErrorCode,
      NC,
    ],
    [
      "AddOffsetsToTxn",
      { transactionalId: "x", producerId: 1, producerEpoch: 0, groupId: "g" },
      (b: { errorCode: number }) => b.errorCode,
      NC,
    ],
    [
      "EndTxn",
      { transactionalId: "x", producerId: 1, producerEpoch: 0, committed: true },
      (b: { errorCode: number }) => b.errorCode,
      NC,
    ],
    [
      "TxnOffsetCommit",
      {
        transactionalId: "x",
        groupId: "g",
        producerId: 1,
        producerEpoch: 0,
        topics: [
          {
            name: "t",
            partitions: [
              {
                partitionIndex: 0,
                committedOffset: 1,
                committedLeaderEpoch: -1,
                committedMetadata: null,
              },
            ],
          },
        ],
      },
      (b: { topics: { partitions: { errorCode: number }[] }[] }) =>
        b.topics[0]?.partitions[0]?.errorCode,
      NC,
    ],
    [
      "SaslHandshake",
      { mechanism: "PLAIN" },
      (b: { errorCode: number }) => b.errorCode,
      ErrorCode.ILLEGAL_SASL_STATE,
    ],
    [
      "SaslAuthenticate",
      { authBytes: new Uint8Array(0) },
      (b: { errorCode: number }) => b.errorCode,
      ErrorCode.ILLEGAL_SASL_STATE,
    ],
    [
      "ApiVersions",
      { clientSoftwareName: "", clientSoftwareVersion: "" },
      (b: { errorCode: number }) => b.errorCode,
      0,
    ],
  ];

  it.each(cases)("%s answers as Kafka does without the component", (api, body, pick, expected) => {
    const h = new BrokerHarness().start();
    const id = h.send(api as "Heartbeat", body as never);
    const answer = h.answers.find((a) => a.correlationId === id);
    expect(answer?.response.api).toBe(api);
    expect(pick(answer?.response.body as never)).toEqual(expected);
  });
});
