// The bytes of a group member's rebalance: its subscription (embedded consumer protocol v2, with
// the partitions it owns and their generation for cooperative-sticky), the leader's run of the
// chosen assignor over every member's subscription, and the decoding of the member's assignment.
// Keeps: undecodable bytes from other members become an empty subscription, never a throw.

import type { JoinGroupResponse } from "../protocol/index.ts";
import type { AssignorMember } from "./assignors/assignor.ts";
import { assignorByName } from "./assignors/index.ts";
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  type TopicPartitions,
} from "./consumer-protocol.ts";
import { comparePartitions, type OwnedPartition } from "./group-requests.ts";
import type { KeyMap } from "./workload-keys.ts";

export function subscriptionBytes(
  topics: readonly string[],
  owned: readonly OwnedPartition[],
  ownedGeneration: number,
): Uint8Array {
  return encodeSubscription({
    version: 2,
    topics,
    userData: null,
    ownedPartitions: grouped(owned),
    generationId: ownedGeneration,
    rackId: null,
  });
}

/**
 * The leader's part: decode every member's subscription and run the chosen assignor. undefined
 * when the group chose a protocol this client does not implement.
 */
export function leaderAssignments(
  body: JoinGroupResponse,
  partitionCount: (topic: string) => number | undefined,
  mark: (name: string) => void,
): { memberId: string; assignment: Uint8Array }[] | undefined {
  const assignor = assignorByName(body.protocolName);
  if (assignor === undefined) return undefined;
  mark("consumer-leader-assigns");
  const members: AssignorMember[] = body.members.map((m) => {
    const decoded = decodeSubscription(m.metadata);
    if (!decoded.ok) mark("consumer-bad-member-subscription");
    const s = decoded.ok ? decoded.value : undefined;
    return {
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      topics: s?.topics ?? [],
      ownedPartitions: s?.ownedPartitions ?? [],
      generation: s?.generationId ?? -1,
    };
  });
  const partitionsPerTopic = new Map<string, number>();
  for (const topic of new Set(members.flatMap((m) => m.topics))) {
    const count = partitionCount(topic);
    if (count !== undefined) partitionsPerTopic.set(topic, count);
  }
  const plan = assignor.assign({ members, partitionsPerTopic });
  return members.map((m) => ({
    memberId: m.memberId,
    assignment: encodeAssignment({
      version: 0,
      assignedPartitions: plan.get(m.memberId) ?? [],
      userData: null,
    }),
  }));
}

/** The member's assignment as owned partitions (topic, partition order); undefined if garbled. */
export function decodeOwned(
  bytes: Uint8Array,
  keyMap: KeyMap,
  mark: (name: string) => void,
): OwnedPartition[] | undefined {
  const decoded = decodeAssignment(bytes);
  if (!decoded.ok) return undefined;
  const assigned: OwnedPartition[] = [];
  for (const tp of decoded.value.assignedPartitions) {
    for (const partition of tp.partitions) {
      const key = keyMap.keyOf(tp.topic, partition);
      if (key === undefined) mark("consumer-assigned-unknown-partition");
      else assigned.push({ topic: tp.topic, partition, key });
    }
  }
  return assigned.sort(comparePartitions);
}

function grouped(partitions: readonly OwnedPartition[]): TopicPartitions[] {
  const byTopic = new Map<string, number[]>();
  for (const p of [...partitions].sort(comparePartitions)) {
    const list = byTopic.get(p.topic) ?? [];
    list.push(p.partition);
    byTopic.set(p.topic, list);
  }
  return [...byTopic].map(([topic, list]) => ({ topic, partitions: list }));
}
