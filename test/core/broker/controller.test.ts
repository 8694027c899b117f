// The controller's validation of admin requests: one row per Kafka error it answers, and the records
// it produces for valid requests (which, applied, give the topic asked for).

import { describe, expect, it } from "vitest";
import { brokerConfig } from "../../../core/broker/config.ts";
import { Controller } from "../../../core/broker/controller.ts";
import { MetadataImage } from "../../../core/broker/metadata-image.ts";
import { ErrorCode } from "../../../core/error-codes.ts";
import { nodeId } from "../../../core/ids.ts";
import type { MetadataRecord } from "../../../core/metadata/records.ts";
import type { CreatableTopic } from "../../../core/protocol/index.ts";
import { testRng } from "../../support/test-rng.ts";

function setup(overrides = {}) {
  const image = new MetadataImage();
  let offset = 0;
  const apply = (records: readonly MetadataRecord[]) => {
    for (const r of records) image.apply(r, offset++, 1);
  };
  apply([
    {
      type: "register-broker",
      brokerId: nodeId(1),
      incarnationId: "i",
      brokerEpoch: 0,
      listeners: [],
    },
    { type: "unfence-broker", brokerId: nodeId(1), brokerEpoch: 0 },
  ]);
  const controller = new Controller(brokerConfig(overrides), image, testRng(7));
  return { image, controller, apply };
}

const topic = (name: string, more: Partial<CreatableTopic> = {}): CreatableTopic => ({
  name,
  numPartitions: -1,
  replicationFactor: -1,
  assignments: [],
  configs: [],
  ...more,
});

describe("Controller.createTopics", () => {
  it("creates a topic with the broker defaults", () => {
    const { image, controller, apply } = setup({ numPartitions: 3 });
    const plan = controller.createTopics([
      topic("orders", { configs: [{ name: "retention.ms", value: "100" }] }),
    ]);
    expect(plan.results).toEqual([{ name: "orders", errorCode: 0, errorMessage: null }]);
    apply(plan.records);
    const created = image.topic("orders");
    expect(created?.partitions.map((p) => [p.leader, p.isr, p.leaderEpoch])).toEqual([
      [1, [1], 0],
      [1, [1], 0],
      [1, [1], 0],
    ]);
    expect(image.configs(2, "orders").get("retention.ms")).toBe("100");
    expect(created?.topicId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it.each([
    ["bad name", [topic("a b")], ErrorCode.INVALID_TOPIC_EXCEPTION],
    ["dot", [topic(".")], ErrorCode.INVALID_TOPIC_EXCEPTION],
    ["too long", [topic("x".repeat(250))], ErrorCode.INVALID_TOPIC_EXCEPTION],
    ["collision", [topic("a_b")], ErrorCode.INVALID_TOPIC_EXCEPTION],
    ["exists", [topic("a.b")], ErrorCode.TOPIC_ALREADY_EXISTS],
    ["zero partitions", [topic("n", { numPartitions: 0 })], ErrorCode.INVALID_PARTITIONS],
    ["too many partitions", [topic("n", { numPartitions: 10_001 })], ErrorCode.INVALID_PARTITIONS],
    ["rf zero", [topic("n", { replicationFactor: 0 })], ErrorCode.INVALID_REPLICATION_FACTOR],
    [
      "rf above brokers",
      [topic("n", { replicationFactor: 3 })],
      ErrorCode.INVALID_REPLICATION_FACTOR,
    ],
    [
      "bad config",
      [topic("n", { configs: [{ name: "retention.ms", value: "x" }] })],
      ErrorCode.INVALID_CONFIG,
    ],
    [
      "unknown config",
      [topic("n", { configs: [{ name: "nope", value: "1" }] })],
      ErrorCode.INVALID_CONFIG,
    ],
    ["metadata topic", [topic("__cluster_metadata")], ErrorCode.INVALID_REQUEST],
    [
      "assignment with counts",
      [topic("n", { numPartitions: 1, assignments: [{ partitionIndex: 0, brokerIds: [1] }] })],
      ErrorCode.INVALID_REQUEST,
    ],
    [
      "assignment gap",
      [topic("n", { assignments: [{ partitionIndex: 1, brokerIds: [1] }] })],
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
    ],
    [
      "assignment unknown broker",
      [topic("n", { assignments: [{ partitionIndex: 0, brokerIds: [9] }] })],
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
    ],
    [
      "assignment duplicate broker",
      [topic("n", { assignments: [{ partitionIndex: 0, brokerIds: [1, 1] }] })],
      ErrorCode.INVALID_REPLICA_ASSIGNMENT,
    ],
  ])("%s", (_label, topics, errorCode) => {
    const { controller, apply } = setup();
    apply(controller.createTopics([topic("a.b")]).records);
    const plan = controller.createTopics(topics);
    expect(plan.results.map((r) => r.errorCode)).toEqual([errorCode]);
    expect(plan.results[0]?.errorMessage).toBeTruthy();
    expect(plan.records).toEqual([]);
  });

  it("answers duplicates in one request with INVALID_REQUEST and creates the rest", () => {
    const { controller } = setup();
    const plan = controller.createTopics([topic("d"), topic("ok"), topic("d")]);
    expect(plan.results.map((r) => r.errorCode)).toEqual([
      ErrorCode.INVALID_REQUEST,
      ErrorCode.NONE,
      ErrorCode.INVALID_REQUEST,
    ]);
    expect(plan.records.filter((r) => r.type === "topic")).toHaveLength(1);
  });

  it("sees topics accepted earlier in the same request", () => {
    const { controller } = setup();
    const plan = controller.createTopics([topic("x.y"), topic("x_y")]);
    expect(plan.results.map((r) => r.errorCode)).toEqual([
      ErrorCode.NONE,
      ErrorCode.INVALID_TOPIC_EXCEPTION,
    ]);
  });
});

describe("Controller.deleteTopics and createPartitions", () => {
  it("deletes known topics and answers the rest", () => {
    const { controller, apply } = setup();
    apply(controller.createTopics([topic("t")]).records);
    const plan = controller.deleteTopics(["t", "missing", "d", "d"]);
    expect(plan.results.map((r) => r.errorCode)).toEqual([
      ErrorCode.NONE,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ErrorCode.INVALID_REQUEST,
      ErrorCode.INVALID_REQUEST,
    ]);
    expect(plan.records.map((r) => r.type)).toEqual(["remove-topic"]);
  });

  it("refuses deletion when delete.topic.enable is false", () => {
    const { controller, apply } = setup({ deleteTopicEnable: false });
    apply(controller.createTopics([topic("t")]).records);
    expect(controller.deleteTopics(["t"]).results[0]?.errorCode).toBe(
      ErrorCode.TOPIC_DELETION_DISABLED,
    );
  });

  it("adds partitions at the end and checks the count and assignments", () => {
    const { image, controller, apply } = setup();
    apply(controller.createTopics([topic("t", { numPartitions: 2 })]).records);
    const plan = controller.createPartitions([
      { name: "t", count: 4, assignments: null },
      { name: "missing", count: 2, assignments: null },
    ]);
    expect(plan.results.map((r) => r.errorCode)).toEqual([0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    apply(plan.records);
    expect(image.topic("t")?.partitions.map((p) => p.partition)).toEqual([0, 1, 2, 3]);
    const bad = controller.createPartitions([
      { name: "t", count: 3, assignments: null },
      { name: "t2", count: 1, assignments: null },
    ]);
    expect(bad.results[0]?.errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
    const mismatch = controller.createPartitions([
      { name: "t", count: 6, assignments: [{ brokerIds: [1] }] },
    ]);
    expect(mismatch.results[0]?.errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  });
});
