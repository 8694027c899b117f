// range and roundrobin: Kafka's own javadoc examples as tables, then properties against naive
// reference implementations written from the javadoc, over random small groups.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import type { AssignorInput, AssignorMember } from "../../../../core/client/assignors/assignor.ts";
import {
  assignorByName,
  assignRange,
  assignRoundRobin,
} from "../../../../core/client/assignors/index.ts";
import {
  groupCase,
  loads,
  memberOrder,
  onlySubscribedTopics,
  owners,
  partitionKey,
  subscribedPartitions,
} from "./assignor-model.ts";

const member = (
  memberId: string,
  topics: string[],
  groupInstanceId: string | null = null,
): AssignorMember => ({
  memberId,
  groupInstanceId,
  topics,
  ownedPartitions: [],
  generation: -1,
});
const input = (members: AssignorMember[], counts: Record<string, number>): AssignorInput => ({
  members,
  partitionsPerTopic: new Map(Object.entries(counts)),
});
/** "t0p0 t0p1" style, for readable expectations. */
const flat = (assignment: ReturnType<typeof assignRange>, memberId: string) =>
  (assignment.get(memberId) ?? [])
    .flatMap(({ topic, partitions }) => partitions.map((p) => `${topic}p${p}`))
    .join(" ");

describe("range (RangeAssignor javadoc)", () => {
  it("two members, two topics of three partitions", () => {
    const a = assignRange(
      input([member("C1", ["t0", "t1"]), member("C0", ["t0", "t1"])], { t0: 3, t1: 3 }),
    );
    expect(flat(a, "C0")).toBe("t0p0 t0p1 t1p0 t1p1");
    expect(flat(a, "C1")).toBe("t0p2 t1p2");
  });

  it("orders static members by group instance id before dynamic members", () => {
    const a = assignRange(
      input([member("a", ["t"]), member("z", ["t"], "inst-2"), member("y", ["t"], "inst-1")], {
        t: 5,
      }),
    );
    expect(flat(a, "y")).toBe("tp0 tp1");
    expect(flat(a, "z")).toBe("tp2 tp3");
    expect(flat(a, "a")).toBe("tp4");
  });

  it("skips topics without metadata and leaves members with nothing empty", () => {
    const a = assignRange(input([member("a", ["t", "gone"]), member("b", ["u"])], { t: 1 }));
    expect(flat(a, "a")).toBe("tp0");
    expect(a.get("b")).toEqual([]);
  });
});

describe("roundrobin (RoundRobinAssignor javadoc)", () => {
  it("identical subscriptions deal partitions alternately", () => {
    const a = assignRoundRobin(
      input([member("C0", ["t0", "t1"]), member("C1", ["t0", "t1"])], { t0: 3, t1: 3 }),
    );
    expect(flat(a, "C0")).toBe("t0p0 t0p2 t1p1");
    expect(flat(a, "C1")).toBe("t0p1 t1p0 t1p2");
  });

  it("different subscriptions skip members not subscribed to a topic", () => {
    const a = assignRoundRobin(
      input([member("C0", ["t0"]), member("C1", ["t0", "t1"]), member("C2", ["t0", "t1", "t2"])], {
        t0: 1,
        t1: 2,
        t2: 3,
      }),
    );
    expect(flat(a, "C0")).toBe("t0p0");
    expect(flat(a, "C1")).toBe("t1p0");
    expect(flat(a, "C2")).toBe("t1p1 t2p0 t2p1 t2p2");
  });
});

it("assignors are found by their protocol names", () => {
  expect(assignorByName("range")?.rebalanceProtocol).toBe("eager");
  expect(assignorByName("roundrobin")?.rebalanceProtocol).toBe("eager");
  expect(assignorByName("cooperative-sticky")?.rebalanceProtocol).toBe("cooperative");
  expect(assignorByName("sticky")).toBeUndefined();
});

/** Range from the javadoc: per topic, members in order, the first n % m get one extra. */
function naiveRange(group: AssignorInput): Map<string, string[]> {
  const result = new Map(group.members.map((m) => [m.memberId, [] as string[]]));
  for (const [topic, count] of group.partitionsPerTopic) {
    const consumers = group.members.filter((m) => m.topics.includes(topic)).sort(memberOrder);
    let p = 0;
    consumers.forEach((c, i) => {
      const share = Math.floor(count / consumers.length) + (i < count % consumers.length ? 1 : 0);
      for (let k = 0; k < share; k++) result.get(c.memberId)!.push(partitionKey(topic, p++));
    });
  }
  return result;
}

/** Round-robin from the javadoc: a circular walk over sorted members, skipping non-subscribers. */
function naiveRoundRobin(group: AssignorInput): Map<string, string[]> {
  const result = new Map(group.members.map((m) => [m.memberId, [] as string[]]));
  const circle = [...group.members].sort(memberOrder);
  const topics = [...group.partitionsPerTopic.keys()]
    .filter((t) => circle.some((m) => m.topics.includes(t)))
    .sort();
  let i = 0;
  for (const topic of topics) {
    for (let p = 0; p < group.partitionsPerTopic.get(topic)!; p++) {
      while (!circle[i % circle.length]!.topics.includes(topic)) i++;
      result.get(circle[i % circle.length]!.memberId)!.push(partitionKey(topic, p));
      i++;
    }
  }
  return result;
}

const asKeys = (a: ReturnType<typeof assignRange>) =>
  new Map(
    [...a].map(([id, list]) => [
      id,
      list.flatMap(({ topic, partitions }) => partitions.map((p) => partitionKey(topic, p))),
    ]),
  );
const sortedValues = (m: Map<string, string[]>) =>
  new Map([...m].map(([k, v]) => [k, [...v].sort()]));

describe.each([
  ["range", assignRange, naiveRange],
  ["roundrobin", assignRoundRobin, naiveRoundRobin],
] as const)("%s properties", (_name, assign, naive) => {
  test.prop([groupCase({ maxPartitions: 6 })])("equals the naive reference", ({ input: group }) => {
    expect(sortedValues(asKeys(assign(group)))).toEqual(sortedValues(naive(group)));
  });

  test.prop([groupCase({ maxPartitions: 6 })])(
    "every subscribed partition goes to exactly one subscribed member",
    ({ input: group }) => {
      const assignment = assign(group);
      const byPartition = owners(assignment);
      for (const key of subscribedPartitions(group)) expect(byPartition.get(key)?.length).toBe(1);
      expect(byPartition.size).toBe(subscribedPartitions(group).length);
      expect(onlySubscribedTopics(group, assignment)).toBe(true);
    },
  );
});

test.prop([groupCase({ maxPartitions: 8, identical: true })])(
  "roundrobin is balanced within one when subscriptions are identical",
  ({ input: group }) => {
    const counts = loads(assignRoundRobin(group));
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  },
);

test.prop([groupCase({ maxPartitions: 8, identical: true }), fc.constantFrom("t0", "t1", "t2")])(
  "range is balanced within one per topic when subscriptions are identical",
  ({ input: group }, topic) => {
    const a = assignRange(group);
    const perTopic = [...a.values()].map(
      (list) => list.find((tp) => tp.topic === topic)?.partitions.length ?? 0,
    );
    if (!group.members[0]!.topics.includes(topic)) return;
    expect(Math.max(...perTopic) - Math.min(...perTopic)).toBeLessThanOrEqual(1);
  },
);
