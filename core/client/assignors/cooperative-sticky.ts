// The cooperative-sticky assignor (KIP-429): balanced, sticky, and two-phase. A partition moving
// from A to B is withheld this rebalance (A revokes it, B does not get it yet) and assigned in the
// follow-up rebalance, once no member owns it: no partition ever has two consumers at once.

import type { TopicName } from "../../ids.ts";
import {
  AssignmentBuilder,
  type Assignor,
  type AssignorInput,
  compareStrings,
  type GroupAssignment,
  knownTopics,
  type PartitionRef,
  sortedMembers,
} from "./assignor.ts";
import { balancedStickyTarget } from "./sticky-balance.ts";

export const cooperativeStickyAssignor: Assignor = {
  name: "cooperative-sticky",
  rebalanceProtocol: "cooperative",
  assign: (input) => planCooperativeSticky(input).assignment,
};

export interface WithheldPartition extends PartitionRef {
  /** The member the partition goes to in the follow-up rebalance. */
  readonly to: string;
  /** The members that still own it and must revoke it first. */
  readonly ownedBy: readonly string[];
}

export interface CooperativePlan {
  /** What each member gets now. */
  readonly assignment: GroupAssignment;
  /** The balanced, sticky goal; reached after the follow-up rebalance. */
  readonly target: GroupAssignment;
  /** Per member: partitions it owns now but is no longer assigned (to revoke). */
  readonly revoked: GroupAssignment;
  /** Partitions held back because another member still owns them. */
  readonly withheld: readonly WithheldPartition[];
}

interface Claim {
  readonly member: number;
  readonly generation: number;
}

export function planCooperativeSticky(input: AssignorInput): CooperativePlan {
  const members = sortedMembers(input);
  const subscribed = members.map((member) => new Set(knownTopics(member, input)));
  const topics = [...new Set(subscribed.flatMap((set) => [...set]))].sort(compareStrings);
  const partitions: PartitionRef[] = [];
  const indexOf = new Map<TopicName, number>(); // topic -> index of its partition 0
  for (const topic of topics) {
    indexOf.set(topic, partitions.length);
    const count = input.partitionsPerTopic.get(topic) ?? 0;
    for (let partition = 0; partition < count; partition++) partitions.push({ topic, partition });
  }
  const claims = partitions.map((): Claim[] => []);
  members.forEach((member, m) => {
    const seen = new Set<number>();
    for (const { topic, partitions: owned } of member.ownedPartitions) {
      const base = indexOf.get(topic);
      const count = input.partitionsPerTopic.get(topic) ?? 0;
      if (base === undefined) continue; // nobody subscribes to it any more: simply revoked
      for (const partition of owned) {
        if (partition < 0 || partition >= count || seen.has(base + partition)) continue;
        seen.add(base + partition);
        claims[base + partition]!.push({ member: m, generation: member.generation });
      }
    }
  });
  const eligible = partitions.map(({ topic }) =>
    members.flatMap((_, m) => (subscribed[m]!.has(topic) ? [m] : [])),
  );
  const owner = claims.map((list, p) => {
    // The freshest claim wins (a member from an older generation lost it since); it only sticks
    // if that member is still subscribed to the topic.
    const best = list.reduce<Claim | undefined>(
      (a, c) => (a === undefined || c.generation > a.generation ? c : a),
      undefined,
    );
    return best !== undefined && eligible[p]!.includes(best.member) ? best.member : -1;
  });
  const target = balancedStickyTarget({ memberCount: members.length, eligible, owner });

  const now = new AssignmentBuilder(input.members);
  const goal = new AssignmentBuilder(input.members);
  const withheld: WithheldPartition[] = [];
  target.forEach((m, p) => {
    if (m === -1) return;
    const { topic, partition } = partitions[p]!;
    const memberId = members[m]!.memberId;
    goal.add(memberId, topic, partition);
    const others = claims[p]!.filter((c) => c.member !== m).map((c) => members[c.member]!.memberId);
    if (others.length === 0) now.add(memberId, topic, partition);
    else withheld.push({ topic, partition, to: memberId, ownedBy: others });
  });
  const assignment = now.build();
  return {
    assignment,
    target: goal.build(),
    revoked: revokedPartitions(input, assignment),
    withheld,
  };
}

/** Per member: owned partitions missing from its new assignment. */
function revokedPartitions(input: AssignorInput, assignment: GroupAssignment): GroupAssignment {
  const revoked = new AssignmentBuilder(input.members);
  for (const member of input.members) {
    const kept = new Set(
      (assignment.get(member.memberId) ?? []).flatMap(({ topic, partitions }) =>
        partitions.map((p) => `${p}:${topic}`),
      ),
    );
    const seen = new Set<string>();
    for (const { topic, partitions } of member.ownedPartitions) {
      for (const partition of partitions) {
        const key = `${partition}:${topic}`;
        if (kept.has(key) || seen.has(key)) continue;
        seen.add(key);
        revoked.add(member.memberId, topic, partition);
      }
    }
  }
  return revoked.build();
}
