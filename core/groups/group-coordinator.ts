// The group coordinator of one broker: the classic groups whose __consumer_offsets partitions this
// broker leads. The broker calls it with requests, append outcomes, partition loads and time; each
// call returns what the broker must do (GroupOutput). Keeps: requests for a partition not loaded
// here are refused (NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS); offsets only via committed appends.

import { assert } from "../assert.ts";
import { coordinatorPartitionFor } from "../client/java-string-hash.ts";
import { ErrorCode } from "../error-codes.ts";
import type { Millis } from "../ids.ts";
import { limits } from "../limits.ts";
import type { ListGroupsResponse } from "../protocol/index.ts";
import type { Rng } from "../rng.ts";
import { ClassicGroup, GroupState } from "./classic-group.ts";
import { encodeCoordinatorBatch } from "./coordinator-batch.ts";
import { CoordinatorLoads } from "./coordinator-loads.ts";
import type { CoordinatorRecord } from "./coordinator-records.ts";
import {
  type GroupRequest,
  type GroupRequestOptions,
  handleGroupRequest,
  type RequestDeps,
} from "./coordinator-requests.ts";
import { DeadlineTimers } from "./deadline-timers.ts";
import { listedGroup } from "./group-admin.ts";
import type { GroupCoordinatorConfig } from "./group-config.ts";
import type { GroupContext, GroupOutput, GroupTimer } from "./group-context.ts";
import { runMaintenance } from "./group-maintenance.ts";
import { dispatchTimer } from "./group-timers.ts";
import {
  checkGroupInvariants,
  type GroupView,
  groupStateEvent,
  groupSummary,
  groupView,
} from "./group-view.ts";
import { OffsetStore } from "./offset-store.ts";

export type { GroupRequest, GroupRequestOptions } from "./coordinator-requests.ts";

export interface GroupCoordinatorView {
  readonly partitions: readonly { readonly partition: number; readonly loaded: boolean }[];
  readonly groups: readonly GroupView[];
  readonly pendingAppends: number;
}

interface PendingAppend {
  readonly partition: number;
  readonly onDone: (error: ErrorCode) => void;
}

export class GroupCoordinator<T> {
  readonly #config: GroupCoordinatorConfig;
  readonly #groups = new Map<string, ClassicGroup<T>>();
  readonly #store = new OffsetStore(limits.groupOffsetsPerNodeMax);
  readonly #timers = new DeadlineTimers<GroupTimer>(
    limits.groupMembersPerNodeMax + 2 * limits.groupsPerNodeMax + 1,
  );
  readonly #pending = new Map<number, PendingAppend>();
  readonly #loads: CoordinatorLoads<T>;
  readonly #lastSummary = new Map<string, string>();
  readonly #ctx: GroupContext<T>;
  readonly #requestDeps: RequestDeps<T>;
  #outputs: GroupOutput<T>[] = [];
  #touched = new Set<string>();
  #now: Millis = 0;
  #nextAppendId = 1;

  constructor(config: GroupCoordinatorConfig, rng: Rng) {
    this.#config = config;
    const self = this;
    this.#ctx = {
      config,
      rng,
      timers: this.#timers,
      get now() {
        return self.#now;
      },
      respond: (replyTo, response) => this.#outputs.push({ type: "respond", replyTo, response }),
      append: (groupId, records, onDone) => this.#append(groupId, records, onDone),
      trace: (event) => this.#outputs.push({ type: "trace", event }),
      mark: (name) => this.#outputs.push({ type: "trace", event: { type: "mark", name } }),
      touch: (group) => this.#touched.add(group.groupId),
      dropGroup: (groupId) => this.#dropGroup(groupId),
    };
    this.#requestDeps = {
      ctx: this.#ctx,
      offsets: {
        store: this.#store,
        group: (groupId) => this.#groups.get(groupId),
        simpleGroup: (groupId) => this.#groups.get(groupId) ?? this.#createGroup(groupId),
      },
      group: (groupId) => this.#groups.get(groupId),
      routeError: (groupId) => this.#loads.routeError(this.partitionFor(groupId)),
      partitionFor: (groupId) => this.partitionFor(groupId),
      createGroup: (groupId) => this.#createGroup(groupId),
      isDisposable: (group) => this.#isDisposable(group),
      memberCount: () => this.#memberCount(),
      listGroups: (statesFilter) => this.#list(statesFilter),
    };
    this.#loads = new CoordinatorLoads<T>({
      config,
      groups: this.#groups,
      store: this.#store,
      ctx: this.#ctx,
      partitionFor: (groupId) => this.partitionFor(groupId),
      membersFit: (count) => this.#memberCount() + count <= limits.groupMembersPerNodeMax,
      failPendingAppends: (partition) => this.#failPendingAppends(partition),
      forgetGroup: (groupId) => this.#forget(groupId),
    });
  }

  /** The __consumer_offsets partition whose leader coordinates `groupId`. */
  partitionFor(groupId: string): number {
    return coordinatorPartitionFor(groupId, this.#config.offsetsTopicNumPartitions);
  }

  /** Becoming leader of `partition`: its groups answer COORDINATOR_LOAD_IN_PROGRESS until loaded. */
  beginLoading(now: Millis, partition: number): GroupOutput<T>[] {
    return this.#run(now, () => this.#loads.begin(partition));
  }

  /** One record batch of the partition, in log order from its log start offset. */
  loadBatch(now: Millis, partition: number, batch: Uint8Array): GroupOutput<T>[] {
    return this.#run(now, () => this.#loads.batch(partition, batch));
  }

  /** Already-decoded records (tests and tools); the same replay as loadBatch. */
  loadRecords(
    now: Millis,
    partition: number,
    records: readonly CoordinatorRecord[],
  ): GroupOutput<T>[] {
    return this.#run(now, () => this.#loads.records(partition, records));
  }

  completeLoading(now: Millis, partition: number): GroupOutput<T>[] {
    return this.#run(now, () => this.#loads.complete(partition));
  }

  /** Leadership of `partition` moved away: its groups go, their waiting clients get NOT_COORDINATOR. */
  unload(now: Millis, partition: number): GroupOutput<T>[] {
    return this.#run(now, () => this.#loads.unload(partition));
  }

  handle(now: Millis, request: GroupRequest, replyTo: T, options: GroupRequestOptions = {}) {
    return this.#run(now, () => handleGroupRequest(this.#requestDeps, request, replyTo, options));
  }

  /** The broker's answer to an `append` output: NONE once committed, else the error. */
  onAppendDone(now: Millis, appendId: number, error: ErrorCode): GroupOutput<T>[] {
    return this.#run(now, () => {
      const pending = this.#pending.get(appendId);
      if (pending === undefined) {
        this.#ctx.mark("group-append-done-unknown");
        return;
      }
      this.#pending.delete(appendId);
      pending.onDone(error);
    });
  }

  /** Fires every deadline due at `now` (sessions, rebalances, syncs, the retention check). */
  tick(now: Millis): GroupOutput<T>[] {
    return this.#run(now, () => {
      const bound = this.#timers.size + 1_000;
      for (let fired = 0; ; fired++) {
        assert(fired <= bound, "timers keep firing at one instant");
        const due = this.#timers.popDue(now);
        if (due === undefined) break;
        dispatchTimer(this.#ctx, due.value, {
          group: (groupId) => this.#groups.get(groupId),
          maintain: () => this.#maintain(),
          scheduleRetention: () => this.#loads.scheduleRetentionCheck(),
        });
      }
    });
  }

  /** Offset retention (KIP-211): tombstones for expired offsets and expired empty groups. */
  maintain(now: Millis): GroupOutput<T>[] {
    return this.#run(now, () => this.#maintain());
  }

  nextDeadline(): Millis | undefined {
    return this.#timers.nextDeadline();
  }

  view(): GroupCoordinatorView {
    const groups = [...this.#groups.values()]
      .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0))
      .map((g) => groupView(g, this.#store));
    return { partitions: this.#loads.view(), groups, pendingAppends: this.#pending.size };
  }

  checkInvariants(): void {
    for (const group of this.#groups.values()) {
      checkGroupInvariants(group);
      assert(this.#loads.hasPartition(this.partitionFor(group.groupId)), "a group of no partition");
    }
    for (const groupId of this.#store.groups()) {
      assert(this.#groups.has(groupId), `offsets of ${groupId} without its group`);
    }
    this.#store.checkInvariants();
    assert(this.#pending.size <= limits.groupPendingAppendsMax, "pending appends bounded");
    assert(this.#memberCount() <= limits.groupMembersPerNodeMax, "members bounded");
  }

  #run(now: Millis, body: () => void): GroupOutput<T>[] {
    assert(Number.isFinite(now), `now ${now}`);
    // A node's clock may jump back (the simulator does that); deadlines then simply come later.
    if (now < this.#now) this.#ctx.mark("group-clock-went-back");
    this.#now = now;
    body();
    for (const groupId of this.#touched) this.#emitState(groupId);
    this.#touched = new Set();
    const outputs = this.#outputs;
    this.#outputs = [];
    return outputs;
  }

  #emitState(groupId: string): void {
    const group = this.#groups.get(groupId);
    if (group === undefined) return;
    const summary = groupSummary(group);
    if (this.#lastSummary.get(groupId) === summary) return;
    this.#lastSummary.set(groupId, summary);
    this.#outputs.push({ type: "trace", event: groupStateEvent(group) });
  }

  #list(statesFilter: readonly string[] | undefined): ListGroupsResponse {
    const errorCode = this.#loads.anyLoading()
      ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
      : ErrorCode.NONE;
    const groups = [...this.#groups.values()]
      .filter((g) => this.#loads.isLoaded(this.partitionFor(g.groupId)))
      .flatMap((g) => listedGroup(g, statesFilter) ?? [])
      .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
    return { throttleTimeMs: 0, errorCode, groups };
  }

  #append(groupId: string, records: readonly CoordinatorRecord[], onDone: (e: ErrorCode) => void) {
    if (this.#pending.size >= limits.groupPendingAppendsMax) {
      this.#ctx.mark("group-pending-appends-limit");
      return false;
    }
    const partition = this.partitionFor(groupId);
    if (!this.#loads.isLoaded(partition)) {
      // Only while the partition is being unloaded: its callers answer a retriable error.
      this.#ctx.mark("group-append-while-unloading");
      return false;
    }
    const appendId = this.#nextAppendId++;
    this.#pending.set(appendId, { partition, onDone });
    const batch = encodeCoordinatorBatch(records, Math.max(0, this.#now));
    this.#outputs.push({ type: "append", appendId, partition, records, batch });
    return true;
  }

  #failPendingAppends(partition: number): void {
    for (const [appendId, pending] of [...this.#pending]) {
      if (pending.partition !== partition) continue;
      this.#pending.delete(appendId);
      pending.onDone(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    }
  }

  #createGroup(groupId: string): ClassicGroup<T> | undefined {
    if (this.#groups.size >= limits.groupsPerNodeMax) {
      this.#ctx.mark("group-node-groups-limit");
      return undefined;
    }
    const group = new ClassicGroup<T>(groupId, GroupState.Empty, this.#now);
    this.#groups.set(groupId, group);
    return group;
  }

  /** A group nothing refers to: no members, no pending ones, no offsets, nothing in the log. */
  #isDisposable(group: ClassicGroup<T>): boolean {
    if (!group.is(GroupState.Empty) || group.persisted) return false;
    return group.pendingJoinMembers.size === 0 && this.#store.countOf(group.groupId) === 0;
  }

  #dropGroup(groupId: string): void {
    this.#forget(groupId);
    this.#store.deleteGroup(groupId);
  }

  #forget(groupId: string): void {
    this.#groups.delete(groupId);
    this.#lastSummary.delete(groupId);
    this.#timers.cancelPrefix(`${groupId}\u0000`);
  }

  #maintain(): void {
    runMaintenance(this.#ctx, {
      groups: [...this.#groups.values()].filter((g) =>
        this.#loads.isLoaded(this.partitionFor(g.groupId)),
      ),
      store: this.#store,
      isDisposable: (group) => this.#isDisposable(group),
      partitionFor: (groupId) => this.partitionFor(groupId),
      current: (groupId) => this.#groups.get(groupId),
    });
  }

  #memberCount(): number {
    let count = 0;
    for (const group of this.#groups.values())
      count += group.members.size + group.pendingJoinMembers.size;
    return count;
  }
}
