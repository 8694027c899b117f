// The workload kinds beside the default Jepsen one: "groups" (consumer slots are members of a few
// consumer groups that subscribe, commit, pause past their session, close and crash) and
// "idempotent" (producers with enable.idempotence). Keeps: a slot's group, group.instance.id and
// protocol are a pure function of the slot, so a restarted process rejoins as the same member.

import { assert } from "../assert.ts";
import type { Millis } from "../ids.ts";
import type { ConsumerConfig, ProducerConfig } from "./client-config.ts";
import type { WorkloadParams } from "./workload.ts";

export type WorkloadKind = "default" | "groups" | "idempotent";
export const workloadKinds: readonly WorkloadKind[] = ["default", "groups", "idempotent"];

export interface GroupWorkloadParams {
  /** Consumer slots are dealt round-robin into this many groups. */
  readonly groupCount: number;
  /** Pauses (GC, VM freeze) per simulated second over all consumers. */
  readonly pausesPerSecond: number;
  /** A long pause outlives the session timeout; short ones (an eighth) do not. */
  readonly longPauseMs: Millis;
  /** Clean closes (LeaveGroup unless static) per simulated second; the slot restarts later. */
  readonly closesPerSecond: number;
}

/** Group timing that suits simulated runs of a minute: the broker's minimum session is 6 s. */
const groupConsumer = {
  sessionTimeoutMs: 6_000,
  heartbeatIntervalMs: 1_000,
  // Also the JoinGroup rebalance timeout; longer than the quiet before the final reads.
  maxPollIntervalMs: 60_000,
  autoCommitIntervalMs: 1_000,
  autoOffsetReset: "earliest",
} as const satisfies Partial<ConsumerConfig>;

const idempotentProducer = {
  enableIdempotence: true,
  acks: -1,
  maxInFlightRequestsPerConnection: 5,
} as const satisfies Partial<ProducerConfig>;

/** The profile's parameters turned into `kind`'s. */
export function withWorkloadKind(params: WorkloadParams, kind: WorkloadKind): WorkloadParams {
  switch (kind) {
    case "default":
      return params;
    case "idempotent":
      return {
        ...params,
        kind,
        producerConfig: { ...params.producerConfig, ...idempotentProducer },
      };
    case "groups":
      return {
        ...params,
        kind,
        consumers: Math.max(params.consumers, 6),
        assignsPerSecond: 0,
        groups: { groupCount: 2, pausesPerSecond: 0.05, longPauseMs: 8_000, closesPerSecond: 0.05 },
        consumerConfig: { ...params.consumerConfig, ...groupConsumer },
      };
  }
}

/** Assignors per group: eager range, cooperative-sticky, eager roundrobin, in turn. */
const strategies: readonly (readonly string[])[] = [
  ["range"],
  ["cooperative-sticky"],
  ["roundrobin"],
];

export interface SlotGroup {
  readonly group: number;
  readonly groupId: string;
  readonly groupInstanceId: string | null;
  /** Auto-commit members never commit explicitly; the others commit after each poll. */
  readonly autoCommit: boolean;
}

/** The group of a consumer slot in a groups workload, or undefined (not a member). */
export function slotGroup(params: WorkloadParams, slot: number): SlotGroup | undefined {
  const groups = params.groups;
  const index = slot - params.producers;
  if (params.kind !== "groups" || groups === undefined) return undefined;
  if (index < 0 || index >= params.consumers) return undefined; // producers, the final reader
  assert(groups.groupCount >= 1, "a groups workload needs a group");
  const group = index % groups.groupCount;
  const member = Math.floor(index / groups.groupCount);
  return {
    group,
    groupId: `jepsen-group-${group}`,
    // The last member of each group is static (KIP-345): its restarts keep its assignment.
    groupInstanceId:
      member === Math.ceil(params.consumers / groups.groupCount) - 1 ? `static-${slot}` : null,
    autoCommit: group % 2 === 1,
  };
}

/** A slot's consumer settings: the profile's, plus its group's in a groups workload. */
export function slotConsumerConfig(params: WorkloadParams, slot: number): Partial<ConsumerConfig> {
  const g = slotGroup(params, slot);
  if (g === undefined) return params.consumerConfig;
  return {
    ...params.consumerConfig,
    groupId: g.groupId,
    groupInstanceId: g.groupInstanceId,
    partitionAssignmentStrategy: strategies[g.group % strategies.length]!,
    enableAutoCommit: g.autoCommit,
  };
}
