// What every assignor shares: its input (the members' subscriptions as the group leader decodes
// them, and the topics' partition counts), its output (partitions per member), and Kafka's member
// order (static members by group instance id first, then dynamic members by member id).

import { assert } from "../../assert.ts";
import type { PartitionIndex, TopicName } from "../../ids.ts";
import { limits } from "../../limits.ts";
import type { TopicPartitions } from "../consumer-protocol.ts";

export interface AssignorMember {
  readonly memberId: string;
  /** KIP-345 static membership, or null for a dynamic member. */
  readonly groupInstanceId: string | null;
  /** Subscribed topics (duplicates and topics without metadata are ignored). */
  readonly topics: readonly TopicName[];
  /** Subscription v1+: partitions the member owns now (used by cooperative-sticky only). */
  readonly ownedPartitions: readonly TopicPartitions[];
  /** Subscription v2+: the generation of those owned partitions; -1 if unknown. */
  readonly generation: number;
}

export interface AssignorInput {
  readonly members: readonly AssignorMember[];
  /** Partition count per topic known to the leader's metadata. */
  readonly partitionsPerTopic: ReadonlyMap<TopicName, number>;
}

/** Member id -> its partitions, grouped by topic (topics and partitions ascending). */
export type GroupAssignment = ReadonlyMap<string, readonly TopicPartitions[]>;

export type RebalanceProtocol = "eager" | "cooperative";

export interface Assignor {
  /** The protocol name members advertise in JoinGroup ("range", "roundrobin", ...). */
  readonly name: string;
  readonly rebalanceProtocol: RebalanceProtocol;
  assign(input: AssignorInput): GroupAssignment;
}

export interface PartitionRef {
  readonly topic: TopicName;
  readonly partition: PartitionIndex;
}

/**
 * Kafka's MemberInfo order (AbstractPartitionAssignor): members with a group instance id first,
 * ordered by it; then the rest by member id. Java's String.compareTo is UTF-16 code-unit order,
 * which is what `<` does on JS strings. Member id breaks the remaining ties so the order is total.
 */
export function compareMembers(a: AssignorMember, b: AssignorMember): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null) {
    const byInstance = compareStrings(a.groupInstanceId, b.groupInstanceId);
    if (byInstance !== 0) return byInstance;
  } else if (a.groupInstanceId !== null) {
    return -1;
  } else if (b.groupInstanceId !== null) {
    return 1;
  }
  return compareStrings(a.memberId, b.memberId);
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Members in Kafka's order, after checking the input is well formed. */
export function sortedMembers(input: AssignorInput): AssignorMember[] {
  assert(input.members.length <= limits.groupMembersMax, "too many members to assign");
  const ids = new Set(input.members.map((m) => m.memberId));
  assert(ids.size === input.members.length, "duplicate member id in assignor input");
  for (const [topic, count] of input.partitionsPerTopic) {
    assert(Number.isSafeInteger(count) && count >= 0, `partition count of ${topic}: ${count}`);
    assert(count <= limits.partitionsPerTopicMax, `too many partitions in ${topic}`);
  }
  return [...input.members].sort(compareMembers);
}

/** The member's subscribed topics that have metadata, deduplicated and ascending. */
export function knownTopics(member: AssignorMember, input: AssignorInput): TopicName[] {
  const topics = new Set(member.topics.filter((t) => input.partitionsPerTopic.has(t)));
  return [...topics].sort(compareStrings);
}

/** Collects partitions per member and returns them grouped by topic, everything ascending. */
export class AssignmentBuilder {
  readonly #byMember = new Map<string, Map<TopicName, PartitionIndex[]>>();

  constructor(members: readonly AssignorMember[]) {
    for (const member of members) this.#byMember.set(member.memberId, new Map());
  }

  add(memberId: string, topic: TopicName, partition: PartitionIndex): void {
    const topics = this.#byMember.get(memberId);
    assert(topics !== undefined, `assignment to unknown member ${memberId}`);
    const partitions = topics.get(topic);
    if (partitions === undefined) topics.set(topic, [partition]);
    else partitions.push(partition);
  }

  build(): GroupAssignment {
    const result = new Map<string, readonly TopicPartitions[]>();
    for (const [memberId, topics] of this.#byMember) {
      const list = [...topics.keys()].sort(compareStrings).map((topic) => ({
        topic,
        partitions: [...topics.get(topic)!].sort((a, b) => a - b),
      }));
      result.set(memberId, list);
    }
    return result;
  }
}

/** Flattens grouped partitions into (topic, partition) pairs in order. */
export function flattenPartitions(list: readonly TopicPartitions[]): PartitionRef[] {
  return list.flatMap(({ topic, partitions }) =>
    partitions.map((partition) => ({ topic, partition })),
  );
}
