// The round-robin assignor (Kafka's RoundRobinAssignor): every subscribed partition, by topic then
// partition, goes to the next member in a circle of members in Kafka's member order, skipping
// members not subscribed to its topic. Balanced within one when subscriptions are identical.

import { assert } from "../../assert.ts";
import {
  AssignmentBuilder,
  type Assignor,
  type AssignorInput,
  compareStrings,
  type GroupAssignment,
  knownTopics,
  sortedMembers,
} from "./assignor.ts";

export const roundRobinAssignor: Assignor = {
  name: "roundrobin",
  rebalanceProtocol: "eager",
  assign: assignRoundRobin,
};

export function assignRoundRobin(input: AssignorInput): GroupAssignment {
  const members = sortedMembers(input);
  const builder = new AssignmentBuilder(input.members);
  const subscribed = members.map((member) => new Set(knownTopics(member, input)));
  const topics = [...new Set(subscribed.flatMap((set) => [...set]))].sort(compareStrings);
  let next = 0; // the circle's cursor: the member `peek()` would return
  for (const topic of topics) {
    const partitionCount = input.partitionsPerTopic.get(topic) ?? 0;
    for (let partition = 0; partition < partitionCount; partition++) {
      let skipped = 0;
      while (!subscribed[next]!.has(topic)) {
        next = (next + 1) % members.length;
        skipped++;
        assert(skipped <= members.length, `no member subscribes to ${topic}`);
      }
      builder.add(members[next]!.memberId, topic, partition);
      next = (next + 1) % members.length;
    }
  }
  return builder.build();
}
