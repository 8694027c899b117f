// Topic configs: validation of overrides (INVALID_CONFIG cases), resolution on top of the broker's
// defaults, and topic name rules (INVALID_TOPIC_EXCEPTION cases).

import { describe, expect, it } from "vitest";
import { brokerConfig } from "../../../core/broker/config.ts";
import {
  formatTopicConfig,
  resolveTopicConfig,
  topicConfigSpecs,
  validateTopicConfigs,
} from "../../../core/broker/topic-config.ts";
import { topicNameProblem } from "../../../core/broker/topic-name.ts";

describe("validateTopicConfigs", () => {
  it.each([
    ["retention.ms", "1000", "1000"],
    ["retention.ms", "-1", "-1"],
    ["cleanup.policy", "compact, delete", "compact,delete"],
    ["flush.messages", "9223372036854775807", "9223372036854775807"],
    ["min.cleanable.dirty.ratio", "1", "1.0"],
    ["unclean.leader.election.enable", "TRUE", "true"],
    ["message.timestamp.type", "LogAppendTime", "LogAppendTime"],
  ])("accepts %s=%s as %s", (name, value, normalised) => {
    const result = validateTopicConfigs([{ name, value }]);
    expect(result.ok && result.value.get(name)).toBe(normalised);
  });

  it.each([
    ["no.such.config", "1", "Unknown topic config name"],
    ["retention.ms", "-2", "Invalid value -2 for configuration retention.ms"],
    ["retention.ms", null, "Null value not supported"],
    ["segment.bytes", "10", "outside [14"],
    ["cleanup.policy", "forever", "is not one of"],
    ["min.insync.replicas", "0", "outside [1"],
    ["compression.type", "gzip", "is not one of producer"],
  ])("refuses %s=%s", (name, value, message) => {
    const result = validateTopicConfigs([{ name, value }]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain(message);
  });

  it("refuses a config named twice", () => {
    const result = validateTopicConfigs([
      { name: "retention.ms", value: "1" },
      { name: "retention.ms", value: "2" },
    ]);
    expect(result.ok).toBe(false);
  });
});

describe("resolveTopicConfig", () => {
  it("takes each override, else the broker's synonym", () => {
    const broker = brokerConfig({ logRetentionMs: 5000, minInsyncReplicas: 2 });
    const config = resolveTopicConfig(new Map([["cleanup.policy", "compact"]]), broker);
    expect(config.retentionMs).toBe(5000);
    expect(config.minInsyncReplicas).toBe(2);
    expect(config.cleanupPolicy).toEqual(["compact"]);
    expect(config.flushMs).toBe(Number.POSITIVE_INFINITY);
  });

  it("prints every config so that it validates back to itself", () => {
    const config = resolveTopicConfig(new Map(), brokerConfig());
    const entries = topicConfigSpecs.map((s) => ({
      name: s.name,
      value: formatTopicConfig(s, config),
    }));
    const back = validateTopicConfigs(entries);
    expect(back.ok).toBe(true);
    if (back.ok) expect(resolveTopicConfig(back.value, brokerConfig())).toEqual(config);
  });

  it("lists the configs sorted by name", () => {
    const names = topicConfigSpecs.map((s) => s.name);
    expect(names).toEqual([...names].sort());
  });
});

describe("topicNameProblem", () => {
  it.each([
    "a",
    "orders.v1",
    "A_b-c.9",
    "x".repeat(249),
    "__consumer_offsets",
  ])("accepts %s", (name) => expect(topicNameProblem(name)).toBeNull());
  it.each(["", ".", "..", "x".repeat(250), "a b", "a/b", "ü", "a:b"])("refuses %j", (name) =>
    expect(topicNameProblem(name)).not.toBeNull());
});
