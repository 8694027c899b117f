// DeleteGroups: each group on this coordinator that is Empty gets tombstones for its offsets and
// its metadata, one append per __consumer_offsets partition; the group is Dead meanwhile and goes
// once its tombstones are committed (back to Empty if the append fails). One answer for all.

import { ErrorCode } from "../error-codes.ts";
import type { DeletableGroupResult, DeleteGroupsResponse } from "../protocol/index.ts";
import { type ClassicGroup, GroupState } from "./classic-group.ts";
import type { CoordinatorRecord } from "./coordinator-records.ts";
import { planGroupDeletion } from "./group-admin.ts";
import type { GroupContext } from "./group-context.ts";
import { groupAppendError } from "./group-persistence.ts";
import { removeOffsets } from "./offset-requests.ts";
import type { OffsetStore } from "./offset-store.ts";

export interface DeletionDeps<T> {
  readonly store: OffsetStore;
  group(groupId: string): ClassicGroup<T> | undefined;
  routeError(groupId: string): ErrorCode;
  partitionFor(groupId: string): number;
  reply(body: DeleteGroupsResponse): void;
}

interface Deleting<T> {
  readonly group: ClassicGroup<T>;
  readonly stateTimestamp: number;
  readonly records: readonly CoordinatorRecord[];
}

export function deleteGroups<T>(
  ctx: GroupContext<T>,
  groupIds: readonly string[],
  deps: DeletionDeps<T>,
): void {
  const results = new Map<string, ErrorCode>();
  /** One append per __consumer_offsets partition, named by the first group deleted from it. */
  const byPartition = new Map<number, { anchor: string; deleting: Deleting<T>[] }>();
  for (const groupId of groupIds) {
    if (results.has(groupId)) continue;
    const routed = groupId === "" ? ErrorCode.INVALID_GROUP_ID : deps.routeError(groupId);
    if (routed !== ErrorCode.NONE) {
      results.set(groupId, routed);
      continue;
    }
    const group = deps.group(groupId);
    const plan = planGroupDeletion(group, deps.store);
    results.set(groupId, plan.error);
    if (plan.error !== ErrorCode.NONE || group === undefined) continue;
    const deleting = { group, stateTimestamp: group.stateTimestamp, records: plan.records };
    group.transitionTo(GroupState.Dead, ctx.now);
    ctx.touch(group);
    const partition = deps.partitionFor(groupId);
    const batch = byPartition.get(partition) ?? { anchor: groupId, deleting: [] };
    batch.deleting.push(deleting);
    byPartition.set(partition, batch);
  }
  let outstanding = byPartition.size;
  const answer = () => {
    const list: DeletableGroupResult[] = [...results].map(([groupId, errorCode]) => ({
      groupId,
      errorCode,
    }));
    deps.reply({ throttleTimeMs: 0, results: list });
  };
  if (outstanding === 0) {
    answer();
    return;
  }
  for (const { anchor, deleting } of byPartition.values()) {
    const done = (error: ErrorCode) => {
      for (const d of deleting) finishDeletion(ctx, deps, d, error, results);
      outstanding--;
      if (outstanding === 0) answer();
    };
    if (
      !ctx.append(
        anchor,
        deleting.flatMap((d) => d.records),
        done,
      )
    ) {
      done(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }
  }
}

function finishDeletion<T>(
  ctx: GroupContext<T>,
  deps: DeletionDeps<T>,
  deleting: Deleting<T>,
  error: ErrorCode,
  results: Map<string, ErrorCode>,
): void {
  const { group } = deleting;
  const groupId = group.groupId;
  if (deps.group(groupId) !== group || !group.is(GroupState.Dead)) {
    ctx.mark("group-delete-overtaken");
    return;
  }
  if (error !== ErrorCode.NONE) {
    ctx.mark("group-delete-append-failed");
    group.reviveFromDead(deleting.stateTimestamp);
    ctx.touch(group);
    results.set(groupId, groupAppendError(error));
    return;
  }
  removeOffsets(ctx, deps.store, deleting.records, "group-deleted");
  ctx.dropGroup(groupId);
}
