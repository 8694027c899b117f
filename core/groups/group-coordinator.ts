// The group coordinator of one broker: the classic groups whose __consumer_offsets partitions this
// broker leads. The broker calls it with requests, append outcomes, partition loads and time; each
// call returns what the broker must do (GroupOutput). Keeps: requests for a partition not loaded
// here are refused (NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS); offsets only via committed appends.

import { assert, assertNever } from "../assert.ts";
import { coordinatorPartitionFor } from "../client/java-string-hash.ts";
import { ErrorCode } from "../error-codes.ts";
import type { Millis } from "../ids.ts";
import { limits } from "../limits.ts";
import type { ClientRequestOf } from "../protocol/index.ts";
import type { Rng } from "../rng.ts";
import { ClassicGroup, GroupState } from "./classic-group.ts";
import { encodeCoordinatorBatch } from "./coordinator-batch.ts";
import { CoordinatorLoads } from "./coordinator-loads.ts";
import type { CoordinatorRecord } from "./coordinator-records.ts";
import { DeadlineTimers } from "./deadline-timers.ts";
import { describeGroup, listedGroup } from "./group-admin.ts";
import type { GroupCoordinatorConfig } from "./group-config.ts";
import type {
  GroupApi,
  GroupContext,
  GroupOutput,
  GroupResponse,
  GroupTimer,
} from "./group-context.ts";
import { deleteGroups } from "./group-deletion.ts";
import { runMaintenance } from "./group-maintenance.ts";
import {
  commitError,
  deleteOffsetsError,
  fetchError,
  joinError,
  syncResponse,
} from "./group-responses.ts";
import { dispatchTimer } from "./group-timers.ts";
import {
  checkGroupInvariants,
  type GroupView,
  groupStateEvent,
  groupSummary,
  groupView,
} from "./group-view.ts";
import { handleJoinGroup } from "./join-group.ts";
import { handleHeartbeat, handleLeaveGroup, handleSyncGroup } from "./member-requests.ts";
import {
  handleOffsetCommit,
  handleOffsetDelete,
  handleOffsetFetch,
  type OffsetDeps,
} from "./offset-requests.ts";
import { OffsetStore } from "./offset-store.ts";

export type GroupRequest = { [N in GroupApi]: ClientRequestOf<N> }[GroupApi];

export interface GroupRequestOptions {
  /** The client's address as DescribeGroups reports it. */
  readonly clientHost?: string;
  /** ListGroups v4+ states filter (the request types here carry none). */
  readonly statesFilter?: readonly string[];
}

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
  readonly #offsetDeps: OffsetDeps<T>;
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
    this.#offsetDeps = {
      store: this.#store,
      group: (groupId) => this.#groups.get(groupId),
      simpleGroup: (groupId) => this.#groups.get(groupId) ?? this.#createGroup(groupId),
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
    return this.#run(now, () => this.#dispatch(request, replyTo, options));
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
    assert(Number.isFinite(now) && now >= this.#now, `time went back: ${now} < ${this.#now}`);
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

  #respond(replyTo: T, response: GroupResponse): void {
    this.#outputs.push({ type: "respond", replyTo, response });
  }

  #dispatch(request: GroupRequest, replyTo: T, options: GroupRequestOptions): void {
    switch (request.api) {
      case "JoinGroup": {
        this.#join(request, replyTo, options.clientHost ?? "");
        return;
      }
      case "SyncGroup": {
        const error = this.#routeError(request.body.groupId);
        if (error !== ErrorCode.NONE) {
          this.#respond(replyTo, { api: "SyncGroup", body: syncResponse(error) });
          return;
        }
        handleSyncGroup(this.#ctx, this.#groups.get(request.body.groupId), request.body, replyTo);
        return;
      }
      case "Heartbeat": {
        const routed = this.#routeError(request.body.groupId);
        const group = this.#groups.get(request.body.groupId);
        const errorCode =
          routed !== ErrorCode.NONE ? routed : handleHeartbeat(this.#ctx, group, request.body);
        this.#respond(replyTo, { api: "Heartbeat", body: { throttleTimeMs: 0, errorCode } });
        return;
      }
      case "LeaveGroup": {
        const routed = this.#routeError(request.body.groupId);
        const group = this.#groups.get(request.body.groupId);
        const body =
          routed !== ErrorCode.NONE
            ? { throttleTimeMs: 0, errorCode: routed, members: [] }
            : handleLeaveGroup(this.#ctx, group, request.body);
        this.#respond(replyTo, { api: "LeaveGroup", body });
        return;
      }
      case "OffsetCommit":
      case "OffsetFetch":
      case "OffsetDelete": {
        this.#offsets(request, replyTo);
        return;
      }
      case "DescribeGroups": {
        const groups = request.body.groups.map((groupId) => {
          const routed = this.#routeError(groupId);
          if (routed === ErrorCode.NONE) return describeGroup(groupId, this.#groups.get(groupId));
          return { ...describeGroup(groupId, undefined), errorCode: routed, groupState: "" };
        });
        this.#respond(replyTo, {
          api: "DescribeGroups",
          body: { throttleTimeMs: 0, groups },
        });
        return;
      }
      case "ListGroups": {
        this.#respond(replyTo, {
          api: "ListGroups",
          body: this.#list(options.statesFilter),
        });
        return;
      }
      case "DeleteGroups": {
        deleteGroups(this.#ctx, request.body.groupsNames, {
          group: (groupId) => this.#groups.get(groupId),
          store: this.#store,
          routeError: (groupId) => this.#routeError(groupId),
          partitionFor: (groupId) => this.partitionFor(groupId),
          reply: (body) => this.#respond(replyTo, { api: "DeleteGroups", body }),
        });
        return;
      }
      default: {
        assertNever(request, "group request");
        return;
      }
    }
  }

  #join(request: ClientRequestOf<"JoinGroup">, replyTo: T, clientHost: string): void {
    const body = request.body;
    const reply = (errorCode: ErrorCode) =>
      this.#respond(replyTo, { api: "JoinGroup", body: joinError(body.memberId, errorCode) });
    if (body.groupId === "") {
      reply(ErrorCode.INVALID_GROUP_ID);
      return;
    }
    const { groupMinSessionTimeoutMs: min, groupMaxSessionTimeoutMs: max } = this.#config;
    if (body.sessionTimeoutMs < min || body.sessionTimeoutMs > max) {
      reply(ErrorCode.INVALID_SESSION_TIMEOUT);
      return;
    }
    const routed = this.#routeError(body.groupId);
    if (routed !== ErrorCode.NONE) {
      reply(routed);
      return;
    }
    const existing = this.#groups.get(body.groupId);
    if (existing === undefined && body.memberId !== "") {
      reply(ErrorCode.UNKNOWN_MEMBER_ID);
      return;
    }
    if (body.memberId === "" && this.#memberCount() >= limits.groupMembersPerNodeMax) {
      this.#ctx.mark("group-node-members-limit");
      reply(ErrorCode.COORDINATOR_NOT_AVAILABLE);
      return;
    }
    const group = existing ?? this.#createGroup(body.groupId);
    if (group === undefined) {
      reply(ErrorCode.COORDINATOR_NOT_AVAILABLE);
      return;
    }
    handleJoinGroup(this.#ctx, group, { request, clientHost, replyTo });
    if (existing === undefined && this.#isDisposable(group)) this.#dropGroup(group.groupId);
  }

  #offsets(
    request: Extract<GroupRequest, { api: "OffsetCommit" | "OffsetFetch" | "OffsetDelete" }>,
    replyTo: T,
  ): void {
    const groupId = request.body.groupId;
    const routed = groupId === "" ? ErrorCode.INVALID_GROUP_ID : this.#routeError(groupId);
    switch (request.api) {
      case "OffsetCommit": {
        const reply = (body: GroupResponse["body"]) =>
          this.#respond(replyTo, { api: "OffsetCommit", body } as GroupResponse);
        if (routed !== ErrorCode.NONE) {
          reply(commitError(request.body, routed));
          return;
        }
        handleOffsetCommit(this.#ctx, this.#offsetDeps, request.body, reply);
        return;
      }
      case "OffsetFetch": {
        const body =
          routed !== ErrorCode.NONE
            ? fetchError(routed)
            : handleOffsetFetch(this.#offsetDeps, request.body);
        this.#respond(replyTo, { api: "OffsetFetch", body });
        return;
      }
      case "OffsetDelete": {
        const reply = (body: GroupResponse["body"]) =>
          this.#respond(replyTo, { api: "OffsetDelete", body } as GroupResponse);
        if (routed !== ErrorCode.NONE) {
          reply(deleteOffsetsError(request.body, routed));
          return;
        }
        handleOffsetDelete(this.#ctx, this.#offsetDeps, request.body, reply);
        return;
      }
    }
  }

  #list(statesFilter: readonly string[] | undefined) {
    const errorCode = this.#loads.anyLoading()
      ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
      : ErrorCode.NONE;
    const groups = [...this.#groups.values()]
      .filter((g) => this.#loads.isLoaded(this.partitionFor(g.groupId)))
      .flatMap((g) => listedGroup(g, statesFilter) ?? [])
      .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
    return { throttleTimeMs: 0, errorCode, groups };
  }

  /** NONE when this coordinator serves the group's partition now. */
  #routeError(groupId: string): ErrorCode {
    return this.#loads.routeError(this.partitionFor(groupId));
  }

  #append(groupId: string, records: readonly CoordinatorRecord[], onDone: (e: ErrorCode) => void) {
    if (this.#pending.size >= limits.groupPendingAppendsMax) {
      this.#ctx.mark("group-pending-appends-limit");
      return false;
    }
    const partition = this.partitionFor(groupId);
    assert(this.#loads.isLoaded(partition), `append for ${groupId} on a partition not loaded`);
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
