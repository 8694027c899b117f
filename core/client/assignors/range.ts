// The range assignor (Kafka's RangeAssignor, without racks): per topic, the subscribed members in
// Kafka's member order each take a contiguous range of partitions; the first (n % m) take one more.

import type { AssignorInput, AssignorMember, GroupAssignment } from "./assignor.ts";
import { AssignmentBuilder, type Assignor, knownTopics, sortedMembers } from "./assignor.ts";

export const rangeAssignor: Assignor = {
  name: "range",
  rebalanceProtocol: "eager",
  assign: assignRange,
};

export function assignRange(input: AssignorInput): GroupAssignment {
  const members = sortedMembers(input);
  const builder = new AssignmentBuilder(input.members);
  const subscribers = new Map<string, AssignorMember[]>();
  for (const member of members) {
    for (const topic of knownTopics(member, input)) {
      const list = subscribers.get(topic);
      if (list === undefined) subscribers.set(topic, [member]);
      else list.push(member);
    }
  }
  for (const [topic, consumers] of subscribers) {
    const partitionCount = input.partitionsPerTopic.get(topic) ?? 0;
    const perConsumer = Math.floor(partitionCount / consumers.length);
    const withExtra = partitionCount % consumers.length;
    consumers.forEach((consumer, i) => {
      const start = perConsumer * i + Math.min(i, withExtra);
      const length = perConsumer + (i < withExtra ? 1 : 0);
      for (let p = start; p < start + length; p++) builder.add(consumer.memberId, topic, p);
    });
  }
  return builder.build();
}
