// The sticky assignor's target: the most balanced assignment (least sum of squared member loads,
// which for identical subscriptions means loads within one), and among those the one that moves
// the fewest partitions away from their current owner. Exact, not a heuristic.

import { assert } from "../../assert.ts";
import { MinCostFlow } from "./min-cost-flow.ts";

export interface StickyProblem {
  readonly memberCount: number;
  /** Per partition: indices of the members subscribed to its topic, ascending. */
  readonly eligible: readonly (readonly number[])[];
  /** Per partition: the eligible member that owns it now (and may keep it), or -1. */
  readonly owner: readonly number[];
}

/** Per partition: the member it goes to, or -1 when no member is subscribed to its topic. */
export function balancedStickyTarget(problem: StickyProblem): number[] {
  assert(problem.eligible.length === problem.owner.length, "one owner slot per partition");
  problem.owner.forEach((owner, p) => {
    assert(owner === -1 || problem.eligible[p]!.includes(owner), `owner of ${p} not eligible`);
  });
  const everyoneEligible = problem.eligible.every((e) => e.length === problem.memberCount);
  const target = everyoneEligible ? constrainedTarget(problem) : flowTarget(problem);
  target.forEach((member, p) => {
    assert(
      member === -1 ? problem.eligible[p]!.length === 0 : problem.eligible[p]!.includes(member),
      `partition ${p} assigned to a member that is not subscribed`,
    );
  });
  return target;
}

/**
 * Identical subscriptions (KAFKA-9987's constrained case): loads must be floor(P/M) or ceil(P/M),
 * with exactly P % M members at the ceiling. Keeping the most owned partitions means giving the
 * ceiling to the members that own the most; each keeps owned partitions up to its quota, and the
 * partitions left over fill the members below quota, both in order.
 */
function constrainedTarget(problem: StickyProblem): number[] {
  const members = problem.memberCount;
  const partitions = problem.owner.length;
  const target = new Array<number>(partitions).fill(-1);
  if (members === 0) return target;
  const minQuota = Math.floor(partitions / members);
  const owned = new Array<number>(members).fill(0);
  for (const owner of problem.owner) if (owner !== -1) owned[owner]!++;
  const byOwned = Array.from({ length: members }, (_, m) => m).sort(
    (a, b) => owned[b]! - owned[a]! || a - b,
  );
  const quota = new Array<number>(members).fill(minQuota);
  for (let i = 0; i < partitions % members; i++) quota[byOwned[i]!]!++;
  const load = new Array<number>(members).fill(0);
  problem.owner.forEach((owner, p) => {
    if (owner !== -1 && load[owner]! < quota[owner]!) {
      target[p] = owner;
      load[owner]!++;
    }
  });
  let member = 0;
  for (let p = 0; p < partitions; p++) {
    if (target[p] !== -1) continue;
    while (load[member]! >= quota[member]!) member++;
    target[p] = member;
    load[member]!++;
  }
  return target;
}

/**
 * Any subscriptions: min-cost flow where a member's k-th partition costs big * (2k + 1), so the
 * loads' cost is big * sum(load^2), and taking a partition from its owner costs 1 more. With big
 * above the partition count, balance always wins over stickiness, and stickiness decides the rest.
 */
function flowTarget(problem: StickyProblem): number[] {
  const members = problem.memberCount;
  const partitions = problem.owner.length;
  const source = 0;
  const sink = partitions + members + 1;
  const memberNode = (m: number) => partitions + 1 + m;
  const graph = new MinCostFlow(partitions + members + 2);
  const big = partitions + 1;
  const edges: { partition: number; member: number; edge: number }[] = [];
  const eligibleCount = new Array<number>(members).fill(0);
  for (let p = 0; p < partitions; p++) {
    const eligible = problem.eligible[p]!;
    if (eligible.length === 0) continue;
    graph.addEdge(source, 1 + p, 1, 0);
    for (const m of eligible) {
      const edge = graph.addEdge(1 + p, memberNode(m), 1, problem.owner[p] === m ? 0 : 1);
      edges.push({ partition: p, member: m, edge });
      eligibleCount[m]!++;
    }
  }
  for (let m = 0; m < members; m++) {
    for (let k = 0; k < eligibleCount[m]!; k++)
      graph.addEdge(memberNode(m), sink, 1, big * (2 * k + 1));
  }
  const result = graph.run(source, sink);
  const target = new Array<number>(partitions).fill(-1);
  for (const { partition, member, edge } of edges) {
    if (graph.flowOn(edge) === 1) target[partition] = member;
  }
  const assignable = problem.eligible.filter((e) => e.length > 0).length;
  assert(result.flow === assignable, `flow ${result.flow} left partitions unassigned`);
  return target;
}
