// Multi-step helpers over the harness: a member's full join (MEMBER_ID_REQUIRED, then the parked
// JoinGroup), a whole group reaching Stable, and looking at the coordinator's view of a group.

import { expect } from "vitest";
import type { TopicPartitions } from "../../../../core/client/consumer-protocol.ts";
import { ErrorCode } from "../../../../core/error-codes.ts";
import type { GroupView } from "../../../../core/groups/group-view.ts";
import type { JoinGroupResponse } from "../../../../core/protocol/index.ts";
import type { CoordinatorHarness } from "./coordinator-harness.ts";
import { assignment, type JoinOptions, join, sync } from "./requests.ts";

/**
 * Sends JoinGroup; for a dynamic v4+ member answers MEMBER_ID_REQUIRED by rejoining with the id.
 * Returns the id of the (possibly parked) JoinGroup request and the member id to use.
 */
export function startJoin(
  h: CoordinatorHarness,
  groupId: string,
  o: JoinOptions = {},
): { readonly request: number; readonly memberId: string } {
  const first = h.send(join(groupId, o));
  const answer = h.answer(first, "JoinGroup");
  if (answer?.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
    const again = h.send(join(groupId, { ...o, memberId: answer.memberId }));
    return { request: again, memberId: answer.memberId };
  }
  return { request: first, memberId: answer?.memberId ?? o.memberId ?? "" };
}

/** Advances time (each newcomer may extend the initial delay) until every join is answered. */
export function settle(h: CoordinatorHarness, requests: readonly number[]): JoinGroupResponse[] {
  const step = Math.max(h.config.groupInitialRebalanceDelayMs, 1);
  for (let i = 0; i < 1_000; i++) {
    if (requests.every((id) => h.answer(id, "JoinGroup") !== undefined)) break;
    h.advance(step);
  }
  return requests.map((id) => joined(h, id));
}

export function joined(h: CoordinatorHarness, request: number): JoinGroupResponse {
  const answer = h.answer(request, "JoinGroup");
  expect(answer, `JoinGroup ${request} is still parked`).toBeDefined();
  return answer as JoinGroupResponse;
}

export function groupOf(h: CoordinatorHarness, groupId: string): GroupView | undefined {
  return h.coordinator.view().groups.find((g) => g.groupId === groupId);
}

export interface StableMember {
  readonly memberId: string;
  readonly instanceId: string | null;
}

/**
 * `count` members join one group together and sync: the leader assigns partition i of topic "t"
 * to member i. Returns the members (in join order) and the generation.
 */
export function stableGroup(
  h: CoordinatorHarness,
  groupId: string,
  count: number,
  o: JoinOptions & { readonly instanceIds?: readonly string[] } = {},
): { readonly members: StableMember[]; readonly generation: number } {
  const joins = [...Array(count).keys()].map((i) => {
    const instanceId = o.instanceIds?.[i] ?? null;
    return { ...startJoin(h, groupId, { ...o, instanceId, clientId: `c${i}` }), instanceId };
  });
  const answers = settle(
    h,
    joins.map((j) => j.request),
  );
  for (const a of answers) expect(a.errorCode).toBe(ErrorCode.NONE);
  const generation = answers[0]?.generationId ?? -1;
  const leader = answers.find((a) => a.leader === a.memberId);
  expect(leader).toBeDefined();
  const plan = answers.map((a, i) => ({
    memberId: a.memberId,
    assignment: assignment([{ topic: "t", partitions: [i] } satisfies TopicPartitions]),
  }));
  const syncs = answers.map((a, i) =>
    h.send(
      sync(groupId, a.memberId, generation, a === leader ? plan : [], joins[i]?.instanceId ?? null),
    ),
  );
  for (const id of syncs) expect(h.answer(id, "SyncGroup")?.errorCode).toBe(ErrorCode.NONE);
  return {
    members: answers.map((a, i) => ({
      memberId: a.memberId,
      instanceId: joins[i]?.instanceId ?? null,
    })),
    generation,
  };
}
