// Which __consumer_offsets partitions this coordinator serves: loading (records replayed from the
// log start; their groups answer COORDINATOR_LOAD_IN_PROGRESS), loaded, or not here (NOT_COORDINATOR).
// Unloading fails the partition's in-flight appends and answers its parked requests.

import { assert } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import { limits } from "../limits.ts";
import { type ClassicGroup, GroupState } from "./classic-group.ts";
import { decodeCoordinatorBatch } from "./coordinator-batch.ts";
import type { CoordinatorRecord } from "./coordinator-records.ts";
import type { GroupCoordinatorConfig } from "./group-config.ts";
import type { GroupContext } from "./group-context.ts";
import { dropEmptyImplicitGroups, type ReplayTarget, replayRecord } from "./group-replay.ts";
import { joinError, syncResponse } from "./group-responses.ts";
import type { OffsetStore } from "./offset-store.ts";
import { scheduleHeartbeat } from "./rebalance.ts";

interface PartitionLoad {
  loaded: boolean;
  readonly implicitGroups: Set<string>;
  records: number;
  skipped: number;
}

export interface LoadDeps<T> {
  readonly config: GroupCoordinatorConfig;
  readonly groups: Map<string, ClassicGroup<T>>;
  readonly store: OffsetStore;
  readonly ctx: GroupContext<T>;
  partitionFor(groupId: string): number;
  membersFit(count: number): boolean;
  failPendingAppends(partition: number): void;
  forgetGroup(groupId: string): void;
}

/** Group timer keys all contain a NUL after the group id; this one cannot collide with them. */
const RETENTION_KEY = "retention-check";

export class CoordinatorLoads<T> {
  readonly #deps: LoadDeps<T>;
  readonly #partitions = new Map<number, PartitionLoad>();

  constructor(deps: LoadDeps<T>) {
    this.#deps = deps;
  }

  routeError(partition: number): ErrorCode {
    const load = this.#partitions.get(partition);
    if (load === undefined) return ErrorCode.NOT_COORDINATOR;
    return load.loaded ? ErrorCode.NONE : ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
  }

  isLoaded(partition: number): boolean {
    return this.#partitions.get(partition)?.loaded === true;
  }

  hasPartition(partition: number): boolean {
    return this.#partitions.has(partition);
  }

  anyLoading(): boolean {
    for (const load of this.#partitions.values()) if (!load.loaded) return true;
    return false;
  }

  view(): { readonly partition: number; readonly loaded: boolean }[] {
    return [...this.#partitions]
      .map(([partition, load]) => ({ partition, loaded: load.loaded }))
      .sort((a, b) => a.partition - b.partition);
  }

  begin(partition: number): void {
    const count = this.#deps.config.offsetsTopicNumPartitions;
    assert(
      Number.isInteger(partition) && partition >= 0 && partition < count,
      `partition ${partition}`,
    );
    if (this.#partitions.has(partition)) {
      this.#deps.ctx.mark("coordinator-reloaded");
      this.unload(partition);
    }
    this.#partitions.set(partition, {
      loaded: false,
      implicitGroups: new Set(),
      records: 0,
      skipped: 0,
    });
  }

  batch(partition: number, bytes: Uint8Array): void {
    const load = this.#loading(partition);
    const decoded = decodeCoordinatorBatch(bytes);
    if (!decoded.ok) {
      this.#deps.ctx.mark("coordinator-batch-undecodable");
      load.skipped++;
      return;
    }
    if (decoded.value.transactional) this.#deps.ctx.mark("coordinator-transactional-batch-skipped");
    if (decoded.value.skipped.length > 0) this.#deps.ctx.mark("coordinator-record-skipped");
    load.skipped += decoded.value.skipped.length;
    this.records(partition, decoded.value.records);
  }

  records(partition: number, records: readonly CoordinatorRecord[]): void {
    const load = this.#loading(partition);
    const target: ReplayTarget<T> = {
      groups: this.#deps.groups,
      store: this.#deps.store,
      implicitGroups: load.implicitGroups,
      canAddGroup: () => this.#deps.groups.size < limits.groupsPerNodeMax,
      canAddMembers: (count) => this.#deps.membersFit(count),
    };
    for (const record of records) {
      load.records++;
      if (this.#deps.partitionFor(record.group) !== partition) {
        this.#deps.ctx.mark("coordinator-record-wrong-partition");
        load.skipped++;
        continue;
      }
      const outcome = replayRecord(target, record);
      if (outcome === "skipped") {
        this.#deps.ctx.mark("coordinator-load-limit");
        load.skipped++;
      } else if (outcome === "members-dropped") {
        this.#deps.ctx.mark("coordinator-load-members-limit");
      }
    }
  }

  /** Loading is done: sessions of loaded members start now, and the partition serves requests. */
  complete(partition: number): void {
    const load = this.#loading(partition);
    const { ctx, groups, store } = this.#deps;
    dropEmptyImplicitGroups({
      groups,
      store,
      implicitGroups: load.implicitGroups,
      canAddGroup: () => false,
      canAddMembers: () => false,
    });
    let groupCount = 0;
    let offsets = 0;
    for (const group of this.#groupsOf(partition)) {
      groupCount++;
      offsets += store.countOf(group.groupId);
      if (group.is(GroupState.Stable)) {
        for (const member of group.members.values()) scheduleHeartbeat(ctx, group, member);
      }
      ctx.touch(group);
    }
    load.loaded = true;
    ctx.trace({
      type: "coordinator-loaded",
      partition,
      groups: groupCount,
      offsets,
      records: load.records,
      skippedRecords: load.skipped,
    });
    if (!ctx.timers.has(RETENTION_KEY)) this.scheduleRetentionCheck();
  }

  scheduleRetentionCheck(): void {
    const { ctx } = this.#deps;
    if (this.#partitions.size === 0) return;
    const at = ctx.now + ctx.config.offsetsRetentionCheckIntervalMs;
    ctx.timers.schedule(RETENTION_KEY, at, { type: "retention-check" });
  }

  unload(partition: number): void {
    const { ctx, store } = this.#deps;
    const load = this.#partitions.get(partition);
    if (load === undefined) {
      ctx.mark("coordinator-unload-not-loaded");
      return;
    }
    // No longer served: what the failing appends' callbacks try to write is refused.
    load.loaded = false;
    this.#deps.failPendingAppends(partition);
    let groupCount = 0;
    for (const group of this.#groupsOf(partition)) {
      groupCount++;
      for (const member of group.members.values()) {
        if (member.awaitingJoin !== undefined) {
          const body = joinError(member.memberId, ErrorCode.NOT_COORDINATOR);
          ctx.respond(member.awaitingJoin, { api: "JoinGroup", body });
          member.awaitingJoin = undefined;
        }
        if (member.awaitingSync !== undefined) {
          const body = syncResponse(ErrorCode.NOT_COORDINATOR);
          ctx.respond(member.awaitingSync, { api: "SyncGroup", body });
          member.awaitingSync = undefined;
        }
      }
      this.#deps.forgetGroup(group.groupId);
      store.deleteGroup(group.groupId);
    }
    this.#partitions.delete(partition);
    if (this.#partitions.size === 0) ctx.timers.cancel(RETENTION_KEY);
    ctx.trace({ type: "coordinator-unloaded", partition, groups: groupCount });
  }

  #loading(partition: number): PartitionLoad {
    const load = this.#partitions.get(partition);
    assert(load !== undefined && !load.loaded, `partition ${partition} is not loading`);
    return load;
  }

  #groupsOf(partition: number): ClassicGroup<T>[] {
    return [...this.#deps.groups.values()].filter(
      (g) => this.#deps.partitionFor(g.groupId) === partition,
    );
  }
}
