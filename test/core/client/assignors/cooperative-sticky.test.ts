// cooperative-sticky against brute force: the target is the most balanced assignment (least sum of
// squared loads) and moves the fewest owned partitions among those; the two-phase rule never hands
// a partition to a new owner while another member owns it; the follow-up rebalance completes it.

import { test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import type {
  AssignorInput,
  AssignorMember,
  GroupAssignment,
} from "../../../../core/client/assignors/assignor.ts";
import { planCooperativeSticky } from "../../../../core/client/assignors/cooperative-sticky.ts";
import { balancedStickyTarget } from "../../../../core/client/assignors/sticky-balance.ts";
import {
  groupCase,
  loads,
  onlySubscribedTopics,
  owners,
  partitionKey,
  subscribedPartitions,
} from "./assignor-model.ts";

const member = (
  memberId: string,
  topics: string[],
  owned: Record<string, number[]> = {},
  generation = 1,
): AssignorMember => ({
  memberId,
  groupInstanceId: null,
  topics,
  ownedPartitions: Object.entries(owned).map(([topic, partitions]) => ({ topic, partitions })),
  generation,
});
const group = (members: AssignorMember[], counts: Record<string, number>): AssignorInput => ({
  members,
  partitionsPerTopic: new Map(Object.entries(counts)),
});
const keysOf = (a: GroupAssignment, id: string) =>
  (a.get(id) ?? []).flatMap(({ topic, partitions }) => partitions.map((p) => `${topic}p${p}`));

/** The next rebalance: every member now owns exactly what it was assigned. */
function followUp(input: AssignorInput, assignment: GroupAssignment): AssignorInput {
  return {
    ...input,
    members: input.members.map((m) => ({
      ...m,
      ownedPartitions: assignment.get(m.memberId) ?? [],
      generation: m.generation + 1,
    })),
  };
}

describe("cooperative-sticky scenarios", () => {
  it("a new member gets partitions only after their owner revoked them", () => {
    const before = group([member("a", ["t"], { t: [0, 1, 2, 3] }), member("b", ["t"])], { t: 4 });
    const first = planCooperativeSticky(before);
    expect(keysOf(first.assignment, "a")).toHaveLength(2);
    expect(keysOf(first.assignment, "b")).toEqual([]);
    expect(keysOf(first.revoked, "a")).toHaveLength(2);
    expect(first.withheld.map((w) => [w.to, w.ownedBy])).toEqual([
      ["b", ["a"]],
      ["b", ["a"]],
    ]);
    const second = planCooperativeSticky(followUp(before, first.assignment));
    expect(keysOf(second.assignment, "a")).toEqual(keysOf(first.assignment, "a"));
    expect(keysOf(second.assignment, "b")).toEqual(keysOf(first.revoked, "a"));
    expect(second.withheld).toEqual([]);
  });

  it("keeps everything in place when the group is already balanced", () => {
    const input = group(
      [member("a", ["t", "u"], { t: [1], u: [0] }), member("b", ["t", "u"], { t: [0, 2] })],
      { t: 3, u: 1 },
    );
    const plan = planCooperativeSticky(input);
    expect(keysOf(plan.assignment, "a")).toEqual(["tp1", "up0"]);
    expect(keysOf(plan.assignment, "b")).toEqual(["tp0", "tp2"]);
    expect(plan.withheld).toEqual([]);
  });

  it("gives a departed member's partitions out at once (nobody owns them any more)", () => {
    const plan = planCooperativeSticky(group([member("a", ["t"], { t: [0] })], { t: 3 }));
    expect(keysOf(plan.assignment, "a")).toEqual(["tp0", "tp1", "tp2"]);
  });

  it("withholds a partition a member still owns after unsubscribing from its topic", () => {
    const plan = planCooperativeSticky(
      group([member("a", ["u"], { t: [0] }), member("b", ["t"])], { t: 1, u: 1 }),
    );
    expect(keysOf(plan.assignment, "a")).toEqual(["up0"]);
    expect(keysOf(plan.assignment, "b")).toEqual([]);
    expect(keysOf(plan.revoked, "a")).toEqual(["tp0"]);
    expect(keysOf(plan.target, "b")).toEqual(["tp0"]);
  });

  it("lets the freshest generation win a claim made by two members", () => {
    const plan = planCooperativeSticky(
      group([member("a", ["t"], { t: [0] }, 4), member("b", ["t"], { t: [0] }, 5)], { t: 2 }),
    );
    expect(keysOf(plan.target, "b")).toEqual(["tp0"]);
    expect(keysOf(plan.assignment, "b")).toEqual([]); // a still claims it: withheld this round
    expect(keysOf(plan.revoked, "a")).toEqual(["tp0"]);
  });
});

/** Brute force: every assignment of each partition to a subscribed member. */
function bruteForceOptimum(input: AssignorInput) {
  const members = input.members;
  const keys = subscribedPartitions(input);
  const eligible = keys.map((key) => {
    const topic = key.split("/")[0]!;
    return members.flatMap((m, i) => (m.topics.includes(topic) ? [i] : []));
  });
  const owner = keys.map((key, k) => {
    const i = members.findIndex((m) =>
      m.ownedPartitions.some((tp) => tp.partitions.some((p) => partitionKey(tp.topic, p) === key)),
    );
    return i !== -1 && eligible[k]!.includes(i) ? i : -1;
  });
  let best = { squares: Number.POSITIVE_INFINITY, moves: Number.POSITIVE_INFINITY };
  const choice = new Array<number>(keys.length).fill(0);
  const visit = (k: number) => {
    if (k === keys.length) {
      const load = members.map(() => 0);
      let moves = 0;
      choice.forEach((c, i) => {
        if (c === -1) return;
        load[c]!++;
        if (owner[i] !== -1 && owner[i] !== c) moves++;
      });
      const squares = load.reduce((s, l) => s + l * l, 0);
      if (squares < best.squares || (squares === best.squares && moves < best.moves)) {
        best = { squares, moves };
      }
      return;
    }
    const options = eligible[k]!.length === 0 ? [-1] : eligible[k]!;
    for (const c of options) {
      choice[k] = c;
      visit(k + 1);
    }
  };
  visit(0);
  return { ...best, keys, owner, members };
}

describe("cooperative-sticky properties", () => {
  test.prop([groupCase({ maxPartitions: 3 })], { numRuns: 300 })(
    "the target is the most balanced assignment with the fewest moves (brute force)",
    ({ input }) => {
      const plan = planCooperativeSticky(input);
      const best = bruteForceOptimum(input);
      const squares = loads(plan.target).reduce((s, l) => s + l * l, 0);
      const targetOwners = owners(plan.target);
      const moves = best.keys.filter((key, k) => {
        const o = best.owner[k]!;
        return o !== -1 && targetOwners.get(key)?.[0] !== best.members[o]!.memberId;
      }).length;
      expect({ squares, moves }).toEqual({ squares: best.squares, moves: best.moves });
    },
  );

  test.prop([groupCase({ maxPartitions: 5 })])(
    "never hands a partition to a member while another member owns it",
    ({ input }) => {
      const plan = planCooperativeSticky(input);
      for (const [memberId, list] of plan.assignment) {
        for (const { topic, partitions } of list) {
          for (const p of partitions) {
            const ownedElsewhere = input.members.some(
              (m) =>
                m.memberId !== memberId &&
                m.ownedPartitions.some((tp) => tp.topic === topic && tp.partitions.includes(p)),
            );
            expect(ownedElsewhere).toBe(false);
          }
        }
      }
      expect(onlySubscribedTopics(input, plan.assignment)).toBe(true);
      for (const holders of owners(plan.assignment).values()) expect(holders).toHaveLength(1);
    },
  );

  test.prop([groupCase({ maxPartitions: 5 })])(
    "the follow-up rebalance assigns every partition once and revokes nothing",
    ({ input }) => {
      const first = planCooperativeSticky(input);
      const second = planCooperativeSticky(followUp(input, first.assignment));
      const byPartition = owners(second.assignment);
      for (const key of subscribedPartitions(input)) expect(byPartition.get(key)).toHaveLength(1);
      expect(second.withheld).toEqual([]);
      for (const list of second.revoked.values()) expect(list).toEqual([]);
      for (const m of input.members) {
        for (const key of keysOf(first.assignment, m.memberId)) {
          expect(keysOf(second.assignment, m.memberId)).toContain(key);
        }
      }
    },
  );

  test.prop([groupCase({ maxPartitions: 8, identical: true })])(
    "is balanced within one when subscriptions are identical",
    ({ input }) => {
      const counts = loads(planCooperativeSticky(input).target);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    },
  );
});

describe("balancedStickyTarget at scale", () => {
  it("solves 30 members with mixed subscriptions over 300 partitions, locally balanced", () => {
    const memberCount = 30;
    const eligible = Array.from({ length: 300 }, (_, p) =>
      Array.from({ length: memberCount }, (_, m) => m).filter((m) => (m + p) % 3 !== 0 || m < 5),
    );
    const owner = eligible.map((e, p) => (p % 4 === 0 ? -1 : e[p % e.length]!));
    const target = balancedStickyTarget({ memberCount, eligible, owner });
    const load = new Array<number>(memberCount).fill(0);
    for (const m of target) load[m]!++;
    // No single partition can move to a member with two fewer partitions.
    target.forEach((m, p) => {
      for (const other of eligible[p]!) expect(load[m]! - load[other]!).toBeLessThanOrEqual(1);
    });
  });
});
