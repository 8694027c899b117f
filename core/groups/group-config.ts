// The group coordinator's settings under Kafka's property names (the broker maps its config onto
// them) and their Kafka defaults. group.max.size is capped by limits.groupMembersMax.

import { assert } from "../assert.ts";
import type { Millis } from "../ids.ts";
import { limits } from "../limits.ts";

export interface GroupCoordinatorConfig {
  /** offsets.topic.num.partitions: how group ids spread over coordinators. */
  readonly offsetsTopicNumPartitions: number;
  /** group.min.session.timeout.ms */
  readonly groupMinSessionTimeoutMs: Millis;
  /** group.max.session.timeout.ms */
  readonly groupMaxSessionTimeoutMs: Millis;
  /** group.initial.rebalance.delay.ms: how long an empty group waits for more joiners. */
  readonly groupInitialRebalanceDelayMs: Millis;
  /** group.max.size (Kafka's default is unbounded; ours is limits.groupMembersMax). */
  readonly groupMaxSize: number;
  /** offsets.retention.minutes in milliseconds (KIP-211 semantics). */
  readonly offsetsRetentionMs: Millis;
  /** offsets.retention.check.interval.ms: how often expired offsets are tombstoned. */
  readonly offsetsRetentionCheckIntervalMs: Millis;
  /** offset.metadata.max.bytes: longer commit metadata gets OFFSET_METADATA_TOO_LARGE. */
  readonly offsetMetadataMaxBytes: number;
  /** group.classic.new.member.join.timeout: a new member's parked JoinGroup gives up after it. */
  readonly newMemberJoinTimeoutMs: Millis;
}

export const defaultGroupCoordinatorConfig: GroupCoordinatorConfig = {
  offsetsTopicNumPartitions: 50,
  groupMinSessionTimeoutMs: 6_000,
  groupMaxSessionTimeoutMs: 1_800_000,
  groupInitialRebalanceDelayMs: 3_000,
  groupMaxSize: limits.groupMembersMax,
  offsetsRetentionMs: 10_080 * 60_000,
  offsetsRetentionCheckIntervalMs: 600_000,
  offsetMetadataMaxBytes: 4_096,
  newMemberJoinTimeoutMs: 300_000,
};

/** The defaults with `overrides`, checked for coherence. */
export function groupCoordinatorConfig(
  overrides: Partial<GroupCoordinatorConfig> = {},
): GroupCoordinatorConfig {
  const c = { ...defaultGroupCoordinatorConfig, ...overrides };
  assert(c.offsetsTopicNumPartitions >= 1, "offsets.topic.num.partitions must be >= 1");
  assert(c.groupMinSessionTimeoutMs <= c.groupMaxSessionTimeoutMs, "min session above max");
  assert(c.groupInitialRebalanceDelayMs >= 0, "initial rebalance delay must be >= 0");
  assert(c.groupMaxSize >= 1 && c.groupMaxSize <= limits.groupMembersMax, "group.max.size");
  assert(c.offsetsRetentionMs >= 1 && c.offsetsRetentionCheckIntervalMs >= 1, "retention");
  assert(c.offsetMetadataMaxBytes >= 0 && c.newMemberJoinTimeoutMs >= 1, "metadata/join bounds");
  return c;
}
