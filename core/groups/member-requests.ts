// SyncGroup, Heartbeat and LeaveGroup of a classic group: the leader's assignment is stored before
// anyone gets it; heartbeats keep sessions and tell members to rejoin; LeaveGroup removes members
// by member id or (KIP-345) by group instance id. Kafka's rules and fencing errors, in its order.

import { assert } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import type {
  HeartbeatRequest,
  LeaveGroupRequest,
  LeaveGroupResponse,
  MemberResponse,
  SyncGroupRequest,
} from "../protocol/index.ts";
import { type ClassicGroup, GroupState } from "./classic-group.ts";
import { type GroupContext, timerKey } from "./group-context.ts";
import { EMPTY_ASSIGNMENT } from "./group-member.ts";
import { groupAppendError, groupMetadataRecord } from "./group-persistence.ts";
import { syncResponse } from "./group-responses.ts";
import {
  maybeCompleteJoinPhase,
  maybePrepareRebalanceOrCompleteJoin,
  propagateAssignment,
  removeMember,
  resetAndPropagateAssignmentWithError,
  scheduleHeartbeat,
} from "./rebalance.ts";

export function handleSyncGroup<T>(
  ctx: GroupContext<T>,
  group: ClassicGroup<T> | undefined,
  body: SyncGroupRequest,
  replyTo: T,
): void {
  const reply = (errorCode: ErrorCode, assignment = EMPTY_ASSIGNMENT) =>
    ctx.respond(replyTo, { api: "SyncGroup", body: syncResponse(errorCode, assignment) });
  if (group === undefined || group.is(GroupState.Empty)) {
    reply(ErrorCode.UNKNOWN_MEMBER_ID);
    return;
  }
  if (group.is(GroupState.Dead)) {
    reply(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    return;
  }
  const error = group.validateMember(body.memberId, body.groupInstanceId);
  if (error !== ErrorCode.NONE) {
    reply(error);
    return;
  }
  if (body.generationId !== group.generationId) {
    ctx.mark("group-sync-illegal-generation");
    reply(ErrorCode.ILLEGAL_GENERATION);
    return;
  }
  const member = group.members.get(body.memberId);
  assert(member !== undefined, "a validated member exists");
  switch (group.state) {
    case GroupState.PreparingRebalance: {
      reply(ErrorCode.REBALANCE_IN_PROGRESS);
      return;
    }
    case GroupState.Stable:
      removePendingSyncMember(ctx, group, body.memberId);
      {
        reply(ErrorCode.NONE, member.assignment);
        return;
      }
    case GroupState.CompletingRebalance:
      if (member.awaitingSync !== undefined) {
        ctx.mark("group-sync-superseded");
        const stale = syncResponse(ErrorCode.REBALANCE_IN_PROGRESS);
        ctx.respond(member.awaitingSync, { api: "SyncGroup", body: stale });
      }
      member.awaitingSync = replyTo;
      removePendingSyncMember(ctx, group, body.memberId);
      if (group.leaderId === body.memberId) storeLeaderAssignment(ctx, group, body);
      return;
  }
}

/**
 * The leader's assignment (members it left out get an empty one) is appended; only once it is
 * committed do members get it and the group become Stable — unless the group moved on meanwhile.
 */
function storeLeaderAssignment<T>(
  ctx: GroupContext<T>,
  group: ClassicGroup<T>,
  body: SyncGroupRequest,
): void {
  const assignments = new Map<string, Uint8Array>();
  for (const entry of body.assignments) {
    if (group.members.has(entry.memberId)) assignments.set(entry.memberId, entry.assignment);
  }
  for (const memberId of group.members.keys()) {
    if (!assignments.has(memberId)) assignments.set(memberId, EMPTY_ASSIGNMENT);
  }
  const generation = group.generationId;
  const done = (error: ErrorCode) => {
    if (!group.is(GroupState.CompletingRebalance) || group.generationId !== generation) {
      ctx.mark("group-sync-append-overtaken");
      return;
    }
    if (error !== ErrorCode.NONE) {
      ctx.mark("group-sync-append-failed");
      resetAndPropagateAssignmentWithError(ctx, group, groupAppendError(error));
      maybePrepareRebalanceOrCompleteJoin(ctx, group);
      return;
    }
    for (const member of group.members.values()) {
      member.assignment = assignments.get(member.memberId) ?? EMPTY_ASSIGNMENT;
      member.assignedGeneration = generation;
    }
    group.persisted = true;
    propagateAssignment(ctx, group, ErrorCode.NONE);
    group.transitionTo(GroupState.Stable, ctx.now);
    ctx.touch(group);
  };
  if (!ctx.append(group.groupId, [groupMetadataRecord(group, assignments)], done)) {
    done(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  }
}

function removePendingSyncMember<T>(
  ctx: GroupContext<T>,
  group: ClassicGroup<T>,
  memberId: string,
) {
  group.pendingSyncMembers.delete(memberId);
  if (group.pendingSyncMembers.size === 0) ctx.timers.cancel(timerKey(group.groupId, "sync"));
}

export function handleHeartbeat<T>(
  ctx: GroupContext<T>,
  group: ClassicGroup<T> | undefined,
  body: HeartbeatRequest,
): ErrorCode {
  if (group === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
  if (group.is(GroupState.Dead)) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  const error = group.validateMember(body.memberId, body.groupInstanceId);
  if (error !== ErrorCode.NONE) {
    if (error === ErrorCode.FENCED_INSTANCE_ID) ctx.mark("group-heartbeat-fenced-instance");
    return error;
  }
  if (body.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
  const member = group.members.get(body.memberId);
  assert(member !== undefined, "a validated member exists");
  switch (group.state) {
    case GroupState.Empty:
      return ErrorCode.UNKNOWN_MEMBER_ID;
    case GroupState.Dead:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case GroupState.PreparingRebalance:
      scheduleHeartbeat(ctx, group, member);
      return ErrorCode.REBALANCE_IN_PROGRESS;
    case GroupState.CompletingRebalance:
    case GroupState.Stable:
      scheduleHeartbeat(ctx, group, member);
      return ErrorCode.NONE;
  }
}

export function handleLeaveGroup<T>(
  ctx: GroupContext<T>,
  group: ClassicGroup<T> | undefined,
  body: LeaveGroupRequest,
): LeaveGroupResponse {
  if (group === undefined)
    return { throttleTimeMs: 0, errorCode: ErrorCode.UNKNOWN_MEMBER_ID, members: [] };
  if (group.is(GroupState.Dead)) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
  }
  const members: MemberResponse[] = [];
  let left = 0;
  for (const identity of body.members) {
    const errorCode = leaveOne(ctx, group, identity.memberId, identity.groupInstanceId);
    if (errorCode === ErrorCode.NONE) left++;
    members.push({ ...identity, errorCode });
  }
  if (left > 0) {
    if (group.is(GroupState.Stable) || group.is(GroupState.CompletingRebalance)) {
      maybePrepareRebalanceOrCompleteJoin(ctx, group);
    } else if (group.is(GroupState.PreparingRebalance)) {
      maybeCompleteJoinPhase(ctx, group);
    }
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, members };
}

function leaveOne<T>(
  ctx: GroupContext<T>,
  group: ClassicGroup<T>,
  memberId: string,
  groupInstanceId: string | null,
): ErrorCode {
  if (memberId === "") {
    // Administrative removal by instance id (KIP-345): the member id is not known to the caller.
    const current = groupInstanceId === null ? undefined : group.staticMemberId(groupInstanceId);
    const member = current === undefined ? undefined : group.members.get(current);
    if (member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    ctx.mark("group-leave-by-instance-id");
    removeMember(ctx, group, member, "leave-group");
    return ErrorCode.NONE;
  }
  if (group.pendingJoinMembers.delete(memberId)) {
    ctx.timers.cancel(timerKey(group.groupId, "pending", memberId));
    return ErrorCode.NONE;
  }
  const error = group.validateMember(memberId, groupInstanceId);
  if (error !== ErrorCode.NONE) return error;
  const member = group.members.get(memberId);
  assert(member !== undefined, "a validated member exists");
  removeMember(ctx, group, member, "leave-group");
  return ErrorCode.NONE;
}
