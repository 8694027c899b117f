// Read-only snapshots of the coordinator's groups and offsets (for checkers, tests and the viewer),
// the group-state trace event, and the per-group invariants the simulator checks after each step.

import { assert } from "../assert.ts";
import { decodeAssignment } from "../client/consumer-protocol.ts";
import type { Millis } from "../ids.ts";
import { type ClassicGroup, CONSUMER_PROTOCOL_TYPE, GroupState } from "./classic-group.ts";
import type { OffsetStore } from "./offset-store.ts";
import type { GroupTraceEvent, TracedTopicPartitions } from "./trace-events.ts";

export interface MemberView {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly sessionTimeoutMs: Millis;
  readonly rebalanceTimeoutMs: Millis;
  readonly protocols: readonly string[];
  readonly assignment: Uint8Array;
  /** The generation the assignment belongs to; -1 before the first one. */
  readonly assignedGeneration: number;
  readonly awaitingJoin: boolean;
  readonly awaitingSync: boolean;
}

export interface OffsetView {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly commitTimestamp: Millis;
}

export interface GroupView {
  readonly groupId: string;
  readonly state: GroupState;
  readonly generation: number;
  readonly protocolType: string | null;
  readonly protocol: string | null;
  readonly leader: string | null;
  readonly members: readonly MemberView[];
  readonly pendingMembers: readonly string[];
  readonly offsets: readonly OffsetView[];
}

export function groupView<T>(group: ClassicGroup<T>, store: OffsetStore): GroupView {
  return {
    groupId: group.groupId,
    state: group.state,
    generation: group.generationId,
    protocolType: group.protocolType,
    protocol: group.protocolName,
    leader: group.leaderId,
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      sessionTimeoutMs: m.sessionTimeoutMs,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      protocols: m.protocols.map((p) => p.name),
      assignment: m.assignment,
      assignedGeneration: m.assignedGeneration,
      awaitingJoin: m.awaitingJoin !== undefined,
      awaitingSync: m.awaitingSync !== undefined,
    })),
    pendingMembers: [...group.pendingJoinMembers],
    offsets: store.offsetsOf(group.groupId).map((o) => ({
      topic: o.topic,
      partition: o.partition,
      offset: o.value.offset,
      leaderEpoch: o.value.leaderEpoch,
      metadata: o.value.metadata,
      commitTimestamp: o.value.commitTimestamp,
    })),
  };
}

/** What a group-state event shows; equal summaries mean no event is worth emitting. */
export function groupSummary<T>(group: ClassicGroup<T>): string {
  const members = [...group.members.values()].map(
    (m) => `${m.memberId}/${m.assignedGeneration}/${m.assignment.length}`,
  );
  const head = [group.state, group.generationId, group.protocolType, group.protocolName];
  return [...head, group.leaderId, ...members].join("|");
}

export function groupStateEvent<T>(group: ClassicGroup<T>): GroupTraceEvent {
  const consumer = group.protocolType === CONSUMER_PROTOCOL_TYPE;
  return {
    type: "group-state",
    group: group.groupId,
    state: group.state,
    generation: group.generationId,
    protocolType: group.protocolType,
    protocol: group.protocolName,
    leader: group.leaderId,
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      assignment: consumer ? tracedAssignment(m.assignment) : [],
    })),
  };
}

function tracedAssignment(bytes: Uint8Array): TracedTopicPartitions[] {
  if (bytes.length === 0) return [];
  const decoded = decodeAssignment(bytes);
  if (!decoded.ok) return [];
  return decoded.value.assignedPartitions.map((tp) => ({
    topic: tp.topic,
    partitions: [...tp.partitions],
  }));
}

/** One state, consistent membership maps, and in Stable every member assigned this generation. */
export function checkGroupInvariants<T>(group: ClassicGroup<T>): void {
  const id = group.groupId;
  if (group.is(GroupState.Empty) || group.is(GroupState.Dead)) {
    assert(group.members.size === 0, `${id}: ${group.state} group has members`);
  }
  if (group.members.size === 0) assert(group.leaderId === null, `${id}: leader without members`);
  else assert(group.leaderId !== null && group.members.has(group.leaderId), `${id}: bad leader`);
  for (const [memberId, member] of group.members) {
    assert(member.memberId === memberId, `${id}: member keyed by a stale id`);
    if (member.groupInstanceId !== null) {
      assert(group.staticMembers.get(member.groupInstanceId) === memberId, `${id}: static map`);
    }
    if (member.awaitingSync !== undefined) {
      assert(
        group.is(GroupState.CompletingRebalance),
        `${id}: parked SyncGroup outside sync phase`,
      );
    }
    if (group.is(GroupState.Stable)) {
      assert(member.assignedGeneration === group.generationId, `${id}: Stable member unassigned`);
    }
    assert(!group.pendingJoinMembers.has(memberId), `${id}: member also pending`);
  }
  for (const [instanceId, memberId] of group.staticMembers) {
    assert(group.members.get(memberId)?.groupInstanceId === instanceId, `${id}: stale static map`);
  }
  for (const memberId of group.pendingSyncMembers) {
    assert(group.members.has(memberId), `${id}: pending sync of a non-member`);
  }
  if (group.pendingSyncMembers.size > 0) {
    const syncing = group.is(GroupState.CompletingRebalance) || group.is(GroupState.Stable);
    assert(syncing, `${id}: pending sync members in ${group.state}`);
  }
}
