// The broker property parser against Kafka's property names: defaults, every kind of value,
// synonyms (the most precise wins), and every error reported with its line and key.

import { describe, expect, it } from "vitest";
import { brokerConfig, defaultBrokerConfig, FsyncBeforeAck } from "../../../core/broker/config.ts";
import { parseBrokerProperties } from "../../../core/broker/config-parser.ts";
import { brokerProperties, formatProperty } from "../../../core/broker/config-properties.ts";

function parse(text: string) {
  const result = parseBrokerProperties(text);
  if (!result.ok) throw new Error(result.error.join("; "));
  return result.value;
}

describe("parseBrokerProperties", () => {
  it("keeps Kafka's defaults when nothing is set", () => {
    const config = parse("# nothing\n\n");
    expect(config.numPartitions).toBe(1);
    expect(config.autoCreateTopicsEnable).toBe(true);
    expect(config.logRetentionMs).toBe(604_800_000);
    expect(config.logFlushIntervalMessages).toBe(Number.POSITIVE_INFINITY);
    expect(config.explicitProperties).toEqual([]);
  });

  it.each([
    ["node.id=3", "nodeId", 3],
    ["num.partitions = 6", "numPartitions", 6],
    ["default.replication.factor: 3", "defaultReplicationFactor", 3],
    ["min.insync.replicas=2", "minInsyncReplicas", 2],
    ["auto.create.topics.enable=FALSE", "autoCreateTopicsEnable", false],
    ["log.retention.ms=-1", "logRetentionMs", -1],
    ["log.retention.hours=1", "logRetentionMs", 3_600_000],
    ["log.retention.minutes=2", "logRetentionMs", 120_000],
    ["log.segment.bytes=1048576", "logSegmentBytes", 1_048_576],
    ["log.flush.interval.messages=9223372036854775807", "logFlushIntervalMessages", Infinity],
    ["log.flush.interval.ms=1000", "logFlushIntervalMs", 1000],
    ["log.cleaner.min.cleanable.ratio=0.25", "logCleanerMinCleanableRatio", 0.25],
    ["log.cleanup.policy=compact,delete", "logCleanupPolicy", ["compact", "delete"]],
    ["log.message.timestamp.type=LogAppendTime", "logMessageTimestampType", "LogAppendTime"],
    ["runnel.fsync.before.ack=none", "fsyncBeforeAck", FsyncBeforeAck.none],
    ["offsets.topic.num.partitions=3", "offsetsTopicNumPartitions", 3],
  ] as const)("%s", (line, field, value) => {
    const config = parse(line);
    expect(config[field]).toEqual(value);
    expect(config.explicitProperties).toEqual([line.split(/[=:]/)[0]?.trim()]);
  });

  it("parses listeners and makes them the advertised ones unless those are set", () => {
    const config = parse("listeners=PLAINTEXT://:9093,internal://127.0.0.1:9094");
    expect(config.listeners).toEqual([
      { name: "PLAINTEXT", host: "", port: 9093 },
      { name: "INTERNAL", host: "127.0.0.1", port: 9094 },
    ]);
    expect(config.advertisedListeners).toEqual(config.listeners);
    const both = parse(
      "listeners=PLAINTEXT://0.0.0.0:9092\nadvertised.listeners=PLAINTEXT://kafka.example:19092",
    );
    expect(both.advertisedListeners).toEqual([
      { name: "PLAINTEXT", host: "kafka.example", port: 19092 },
    ]);
  });

  it("parses the quorum voters", () => {
    const config = parse("node.id=2\ncontroller.quorum.voters=2@b:9093");
    expect(config.controllerQuorumVoters).toEqual([{ id: 2, host: "b", port: 9093 }]);
  });

  it("prefers log.retention.ms over minutes over hours whatever the order", () => {
    const config = parse("log.retention.ms=5\nlog.retention.hours=1\nlog.retention.minutes=1");
    expect(config.logRetentionMs).toBe(5);
  });

  it.each([
    ["no.such.property=1", "line 1: no.such.property: unknown property"],
    ["num.partitions=zero", 'line 1: num.partitions: "zero" is not an integer'],
    ["num.partitions=0", "line 1: num.partitions: 0 is outside [1, 2147483647]"],
    ["num.partitions=3000000000", "does not fit in an int"],
    ["log.retention.ms=-2", "below the minimum -1"],
    ["auto.create.topics.enable=yes", "is not a boolean"],
    ["log.cleanup.policy=keep", '"keep" is not one of delete, compact'],
    ["log.cleaner.min.cleanable.ratio=1.5", "outside [0, 1]"],
    ["listeners=localhost:9092", "is not NAME://host:port"],
    ["listeners=PLAINTEXT://h:99999", "above 65535"],
    ["runnel.fsync.before.ack=always", "is not one of none, acks-all, acks-all-and-1"],
    ["num.partitions=1\nnum.partitions=2", "line 2: num.partitions: set more than once"],
    ["just a line", 'line 1: "just a line" is not key=value'],
    ["node.id=1\ncontroller.quorum.voters=2@h:1", "node.id 1 is a controller but not a voter"],
    ["process.roles=broker", "a broker-only node needs the voters"],
    [
      "process.roles=broker\ncontroller.quorum.voters=1@a:1,2@b:1",
      "node.id 1 is a voter without the controller role",
    ],
    ["broker.session.timeout.ms=1000\nbroker.heartbeat.interval.ms=2000", "must be above"],
  ])("rejects %j", (text, message) => {
    const result = parseBrokerProperties(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.join("; ")).toContain(message);
  });

  it.each([
    ["controller.quorum.voters=1@a:1,2@b:1,3@c:1", [1, 2, 3]],
    ["node.id=4\nprocess.roles=broker\ncontroller.quorum.voters=1@a:1,2@b:1,3@c:1", [1, 2, 3]],
    ["node.id=2\nprocess.roles=controller\ncontroller.quorum.voters=1@a:1,2@b:1", [1, 2]],
  ])("accepts the cluster roles and voters of %j", (text, voters) => {
    const result = parseBrokerProperties(text);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.controllerQuorumVoters.map((v) => v.id)).toEqual(voters);
  });

  it("reports every bad line, not just the first", () => {
    const result = parseBrokerProperties("a=1\nnum.partitions=x\nb=2");
    expect(result.ok ? [] : result.error).toHaveLength(3);
  });

  it("prints every property back into text that parses to the same value", () => {
    const config = brokerConfig({ logFlushIntervalMs: 10, logCleanupPolicy: ["compact"] });
    const text = brokerProperties
      .filter((p) => !/\.(hours|minutes)$/.test(p.name))
      .map((p) => `${p.name}=${formatProperty(p, config)}`)
      .join("\n");
    const reparsed = parse(text);
    const { explicitProperties: _a, ...expected } = config;
    const { explicitProperties: _b, ...actual } = reparsed;
    expect(actual).toEqual(expected);
    expect(defaultBrokerConfig.explicitProperties).toEqual([]);
  });
});
