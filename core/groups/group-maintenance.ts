// The periodic offset retention check (Kafka's cleanupGroupMetadata): tombstones for offsets that
// expired under KIP-211's rule and, when a group is Empty with no offsets left, for the group
// itself. One append per partition; the store changes only once the tombstones are committed.

import { ErrorCode } from "../error-codes.ts";
import { type ClassicGroup, GroupState } from "./classic-group.ts";
import type { CoordinatorRecord } from "./coordinator-records.ts";
import { expiredOffsets } from "./group-admin.ts";
import type { GroupContext } from "./group-context.ts";
import { groupTombstone } from "./group-persistence.ts";
import { removeOffsets } from "./offset-requests.ts";
import type { OffsetStore } from "./offset-store.ts";

export interface MaintenanceDeps<T> {
  /** The groups of loaded partitions. */
  readonly groups: readonly ClassicGroup<T>[];
  readonly store: OffsetStore;
  isDisposable(group: ClassicGroup<T>): boolean;
  partitionFor(groupId: string): number;
  /** The group object now registered under `groupId` (it may have been replaced meanwhile). */
  current(groupId: string): ClassicGroup<T> | undefined;
}

interface Expiry<T> {
  readonly group: ClassicGroup<T>;
  readonly offsets: readonly CoordinatorRecord[];
  readonly deleteGroup: boolean;
}

export function runMaintenance<T>(ctx: GroupContext<T>, deps: MaintenanceDeps<T>): void {
  const byPartition = new Map<number, Expiry<T>[]>();
  for (const group of deps.groups) {
    if (group.is(GroupState.Dead)) continue;
    const { expired, allExpired } = expiredOffsets(
      group,
      deps.store,
      ctx.now,
      ctx.config.offsetsRetentionMs,
    );
    const offsets: CoordinatorRecord[] = expired.map((o) => ({
      type: "offset-commit",
      group: group.groupId,
      topic: o.topic,
      partition: o.partition,
      value: null,
    }));
    const deleteGroup = allExpired && isEmptyGroup(group);
    if (offsets.length === 0 && deleteGroup && !group.persisted) {
      // Nothing of it is in the log: it simply goes.
      if (deps.isDisposable(group)) ctx.dropGroup(group.groupId);
      continue;
    }
    if (offsets.length === 0 && !deleteGroup) continue;
    const partition = deps.partitionFor(group.groupId);
    byPartition.set(partition, [
      ...(byPartition.get(partition) ?? []),
      { group, offsets, deleteGroup },
    ]);
  }
  for (const expiries of byPartition.values()) appendExpiries(ctx, deps, expiries);
}

function appendExpiries<T>(ctx: GroupContext<T>, deps: MaintenanceDeps<T>, expiries: Expiry<T>[]) {
  const records = expiries.flatMap((e) => {
    const group = e.deleteGroup && e.group.persisted ? [groupTombstone(e.group.groupId)] : [];
    return [...e.offsets, ...group];
  });
  const first = expiries[0];
  if (first === undefined || records.length === 0) return;
  const done = (error: ErrorCode) => {
    if (error !== ErrorCode.NONE) {
      ctx.mark("group-expiry-append-failed");
      return;
    }
    for (const expiry of expiries) {
      removeOffsets(ctx, deps.store, expiry.offsets, "retention");
      if (!expiry.deleteGroup) continue;
      const { group } = expiry;
      const same = deps.current(group.groupId) === group;
      if (same && isEmptyGroup(group) && deps.store.countOf(group.groupId) === 0) {
        ctx.mark("group-expired");
        ctx.dropGroup(group.groupId);
      } else {
        ctx.mark("group-expiry-overtaken");
      }
    }
  };
  if (!ctx.append(first.group.groupId, records, done)) ctx.mark("group-expiry-not-appended");
}

function isEmptyGroup<T>(group: ClassicGroup<T>): boolean {
  return (
    group.is(GroupState.Empty) && group.members.size === 0 && group.pendingJoinMembers.size === 0
  );
}
