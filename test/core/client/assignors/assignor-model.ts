// Shared by the assignor tests: random small groups, and the checks every assignment must pass.

import { fc } from "@fast-check/vitest";
import type {
  AssignorInput,
  AssignorMember,
  GroupAssignment,
} from "../../../../core/client/assignors/assignor.ts";

export interface GroupCase {
  readonly input: AssignorInput;
  readonly identical: boolean;
}

const TOPICS = ["t0", "t1", "t2"];

/** Up to 4 members, 3 topics of 0..maxPartitions partitions, prior owners drawn at random. */
export function groupCase(options: { maxPartitions: number; identical?: boolean }) {
  return fc
    .record({
      counts: fc.array(fc.integer({ min: 0, max: options.maxPartitions }), {
        minLength: 3,
        maxLength: 3,
      }),
      memberCount: fc.integer({ min: 1, max: 4 }),
      identical: options.identical === undefined ? fc.boolean() : fc.constant(options.identical),
      seed: fc.array(fc.nat({ max: 1_000 }), { minLength: 64, maxLength: 64 }),
    })
    .map(({ counts, memberCount, identical, seed }): GroupCase => {
      let cursor = 0;
      const draw = (max: number) => seed[cursor++ % seed.length]! % max;
      const partitionsPerTopic = new Map(TOPICS.map((t, i) => [t, counts[i]!]));
      const shared = TOPICS.filter(() => draw(3) > 0);
      const members: AssignorMember[] = Array.from({ length: memberCount }, (_, i) => {
        const topics = identical ? shared : TOPICS.filter(() => draw(2) === 1);
        return {
          memberId: `m-${(i * 7 + draw(5)) % 10}${i}`,
          groupInstanceId: draw(3) === 0 ? `i-${draw(9)}${i}` : null,
          topics: draw(4) === 0 ? [...topics, "missing-topic"] : topics,
          ownedPartitions: [],
          generation: 3,
        };
      });
      // A prior assignment: each partition owned by at most one member, subscribed or not.
      const owned = members.map(() => new Map<string, number[]>());
      for (const [topic, count] of partitionsPerTopic) {
        for (let p = 0; p < count; p++) {
          const owner = draw(memberCount + 1);
          if (owner < memberCount) {
            const list = owned[owner]!.get(topic) ?? [];
            list.push(p);
            owned[owner]!.set(topic, list);
          }
        }
      }
      const withOwned = members.map((member, i) => ({
        ...member,
        ownedPartitions: [...owned[i]!].map(([topic, partitions]) => ({ topic, partitions })),
      }));
      return { input: { members: withOwned, partitionsPerTopic }, identical };
    });
}

export const partitionKey = (topic: string, partition: number) => `${topic}/${partition}`;

/** Every assigned partition -> the members it went to. */
export function owners(assignment: GroupAssignment): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const [memberId, list] of assignment) {
    for (const { topic, partitions } of list) {
      for (const p of partitions) {
        const key = partitionKey(topic, p);
        result.set(key, [...(result.get(key) ?? []), memberId]);
      }
    }
  }
  return result;
}

/** Partitions of topics that at least one member subscribes to (and that have metadata). */
export function subscribedPartitions(input: AssignorInput): string[] {
  const topics = new Set(input.members.flatMap((m) => m.topics));
  const keys: string[] = [];
  for (const [topic, count] of input.partitionsPerTopic) {
    if (!topics.has(topic)) continue;
    for (let p = 0; p < count; p++) keys.push(partitionKey(topic, p));
  }
  return keys;
}

/** Nobody got a partition of a topic it did not subscribe to; every member is in the output. */
export function onlySubscribedTopics(input: AssignorInput, assignment: GroupAssignment): boolean {
  return input.members.every((m) =>
    (assignment.get(m.memberId) ?? []).every(({ topic }) => m.topics.includes(topic)),
  );
}

export function loads(assignment: GroupAssignment): number[] {
  return [...assignment.values()].map((list) =>
    list.reduce((n, { partitions }) => n + partitions.length, 0),
  );
}

export function memberOrder(a: AssignorMember, b: AssignorMember): number {
  const key = (m: AssignorMember) =>
    m.groupInstanceId !== null ? `0${m.groupInstanceId}` : `1${m.memberId}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}
