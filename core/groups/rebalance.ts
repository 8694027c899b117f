// The rebalance machinery shared by every handler: entering PreparingRebalance (with the initial
// rebalance delay for an empty group), completing the join phase into a new generation, the
// session, join and sync deadlines, and removing members. Mirrors Kafka's GroupMetadataManager.

import { assert } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import { type ClassicGroup, GroupState } from "./classic-group.ts";
import { type GroupContext, timerKey } from "./group-context.ts";
import { EMPTY_ASSIGNMENT, type GroupMember, hasSatisfiedHeartbeat } from "./group-member.ts";
import { groupMetadataRecord } from "./group-persistence.ts";
import { joinError, joinSuccess, syncResponse } from "./group-responses.ts";
import type { MemberLeftReason } from "./trace-events.ts";

export function scheduleHeartbeat<T>(
  ctx: GroupContext<T>,
  group: ClassicGroup<T>,
  member: GroupMember<T>,
  timeoutMs = member.sessionTimeoutMs,
): void {
  const key = timerKey(group.groupId, "heartbeat", member.memberId);
  ctx.timers.schedule(key, ctx.now + timeoutMs, {
    type: "heartbeat",
    groupId: group.groupId,
    memberId: member.memberId,
  });
}

export function cancelHeartbeat<T>(ctx: GroupContext<T>, groupId: string, memberId: string): void {
  ctx.timers.cancel(timerKey(groupId, "heartbeat", memberId));
}

export function maybePrepareRebalanceOrCompleteJoin<T>(
  ctx: GroupContext<T>,
  group: ClassicGroup<T>,
): void {
  if (group.canRebalance()) prepareRebalance(ctx, group);
  else maybeCompleteJoinPhase(ctx, group);
}

export function prepareRebalance<T>(ctx: GroupContext<T>, group: ClassicGroup<T>): void {
  if (group.is(GroupState.CompletingRebalance)) {
    resetAndPropagateAssignmentWithError(ctx, group, ErrorCode.REBALANCE_IN_PROGRESS);
  }
  removeSyncExpiration(ctx, group);
  const initial = group.is(GroupState.Empty);
  if (initial) {
    // A new group waits for more members; each newcomer may extend the wait up to the group's
    // rebalance timeout (Kafka's group.initial.rebalance.delay.ms rule).
    const delayMs = ctx.config.groupInitialRebalanceDelayMs;
    const remainingMs = Math.max(group.rebalanceTimeoutMs() - delayMs, 0);
    ctx.timers.schedule(timerKey(group.groupId, "join"), ctx.now + delayMs, {
      type: "initial-join",
      groupId: group.groupId,
      delayMs,
      remainingMs,
    });
  }
  group.transitionTo(GroupState.PreparingRebalance, ctx.now);
  ctx.touch(group);
  if (!initial) maybeCompleteJoinElseSchedule(ctx, group);
}

function maybeCompleteJoinElseSchedule<T>(ctx: GroupContext<T>, group: ClassicGroup<T>): void {
  if (group.hasAllMembersJoined()) {
    completeJoin(ctx, group);
    return;
  }
  ctx.timers.schedule(timerKey(group.groupId, "join"), ctx.now + group.rebalanceTimeoutMs(), {
    type: "join",
    groupId: group.groupId,
  });
}

/** The initial delay elapsed: extend it if someone joined meanwhile and time remains, else complete. */
export function tryCompleteInitialRebalance<T>(
  ctx: GroupContext<T>,
  group: ClassicGroup<T>,
  delayMs: number,
  remainingMs: number,
): void {
  if (group.newMemberAdded && remainingMs !== 0) {
    group.newMemberAdded = false;
    const nextDelayMs = Math.min(ctx.config.groupInitialRebalanceDelayMs, remainingMs);
    const nextRemainingMs = Math.max(remainingMs - delayMs, 0);
    ctx.mark("group-initial-rebalance-extended");
    ctx.timers.schedule(timerKey(group.groupId, "join"), ctx.now + nextDelayMs, {
      type: "initial-join",
      groupId: group.groupId,
      delayMs: nextDelayMs,
      remainingMs: nextRemainingMs,
    });
    return;
  }
  completeJoin(ctx, group);
}

/** Completes the join phase once every member rejoined, except during the initial delay. */
export function maybeCompleteJoinPhase<T>(ctx: GroupContext<T>, group: ClassicGroup<T>): void {
  if (!group.is(GroupState.PreparingRebalance)) return;
  if (group.previousState === GroupState.Empty) return;
  if (!group.hasAllMembersJoined()) return;
  completeJoin(ctx, group);
}

/**
 * Dynamic members that did not rejoin are removed; the group moves to the next generation
 * (CompletingRebalance, or Empty when nobody is left) and every joined member gets its answer.
 */
export function completeJoin<T>(ctx: GroupContext<T>, group: ClassicGroup<T>): void {
  ctx.timers.cancel(timerKey(group.groupId, "join"));
  for (const member of [...group.members.values()]) {
    if (member.awaitingJoin !== undefined || member.groupInstanceId !== null) continue;
    removeMember(ctx, group, member, "not-rejoined");
  }
  if (group.is(GroupState.Dead)) return;
  if (!group.maybeElectNewJoinedLeader() && group.members.size > 0) {
    // Only static members that did not rejoin are left: wait another rebalance timeout.
    ctx.mark("group-join-no-member-rejoined");
    ctx.timers.schedule(timerKey(group.groupId, "join"), ctx.now + group.rebalanceTimeoutMs(), {
      type: "join",
      groupId: group.groupId,
    });
    return;
  }
  group.initNextGeneration(ctx.now);
  ctx.touch(group);
  if (group.is(GroupState.Empty)) {
    persistEmptyGroup(ctx, group);
    return;
  }
  for (const member of group.members.values()) {
    if (member.awaitingJoin !== undefined) {
      const isLeader = member.memberId === group.leaderId;
      const response = joinSuccess(group, member.memberId, { withMembers: isLeader });
      ctx.respond(member.awaitingJoin, { api: "JoinGroup", body: response });
      member.awaitingJoin = undefined;
    }
    scheduleHeartbeat(ctx, group, member);
    member.isNew = false;
    group.pendingSyncMembers.add(member.memberId);
  }
  ctx.timers.schedule(timerKey(group.groupId, "sync"), ctx.now + group.rebalanceTimeoutMs(), {
    type: "sync",
    groupId: group.groupId,
    generationId: group.generationId,
  });
}

/** An empty generation is written so a reload sees the group empty (failures only lose that). */
function persistEmptyGroup<T>(ctx: GroupContext<T>, group: ClassicGroup<T>): void {
  const generation = group.generationId;
  const asked = ctx.append(group.groupId, [groupMetadataRecord(group)], (error) => {
    if (error !== ErrorCode.NONE) ctx.mark("group-empty-metadata-append-failed");
    else if (group.generationId === generation) group.persisted = true;
  });
  if (!asked) ctx.mark("group-empty-metadata-not-appended");
}

export function resetAndPropagateAssignmentWithError<T>(
  ctx: GroupContext<T>,
  group: ClassicGroup<T>,
  error: ErrorCode,
): void {
  assert(group.is(GroupState.CompletingRebalance), `reset outside CompletingRebalance`);
  for (const member of group.members.values()) {
    member.assignment = EMPTY_ASSIGNMENT;
    member.assignedGeneration = -1;
  }
  propagateAssignment(ctx, group, error);
}

/** Answers every parked SyncGroup with its assignment (or the error) and restarts its session. */
export function propagateAssignment<T>(
  ctx: GroupContext<T>,
  group: ClassicGroup<T>,
  error: ErrorCode,
): void {
  for (const member of group.members.values()) {
    if (member.awaitingSync === undefined) continue;
    const assignment = error === ErrorCode.NONE ? member.assignment : EMPTY_ASSIGNMENT;
    ctx.respond(member.awaitingSync, { api: "SyncGroup", body: syncResponse(error, assignment) });
    member.awaitingSync = undefined;
    scheduleHeartbeat(ctx, group, member);
  }
}

export function removeSyncExpiration<T>(ctx: GroupContext<T>, group: ClassicGroup<T>): void {
  group.pendingSyncMembers.clear();
  ctx.timers.cancel(timerKey(group.groupId, "sync"));
}

/** Members of `generationId` that never sent SyncGroup are removed and the group rebalances. */
export function expirePendingSync<T>(
  ctx: GroupContext<T>,
  group: ClassicGroup<T>,
  generationId: number,
): void {
  if (generationId !== group.generationId) return;
  if (!group.is(GroupState.CompletingRebalance) && !group.is(GroupState.Stable)) return;
  if (group.pendingSyncMembers.size === 0) return;
  ctx.mark("group-sync-expired");
  for (const memberId of [...group.pendingSyncMembers]) {
    const member = group.members.get(memberId);
    if (member !== undefined) removeMember(ctx, group, member, "not-synced");
  }
  prepareRebalance(ctx, group);
}

/** The session (or new-member join) deadline of `memberId` passed. */
export function expireHeartbeat<T>(ctx: GroupContext<T>, group: ClassicGroup<T>, memberId: string) {
  if (group.is(GroupState.Dead)) return;
  const member = group.members.get(memberId);
  if (member === undefined || hasSatisfiedHeartbeat(member)) return;
  if (member.isNew && member.awaitingJoin !== undefined) {
    ctx.mark("group-new-member-join-timeout");
    removeMemberAndUpdateGroup(ctx, group, member, "join-timeout");
    return;
  }
  ctx.trace({
    type: "group-member-expired",
    group: group.groupId,
    memberId,
    groupInstanceId: member.groupInstanceId,
    sessionTimeoutMs: member.sessionTimeoutMs,
  });
  removeMemberAndUpdateGroup(ctx, group, member, null);
}

/** A member id handed out with MEMBER_ID_REQUIRED was never used within its session timeout. */
export function expirePendingMember<T>(
  ctx: GroupContext<T>,
  group: ClassicGroup<T>,
  memberId: string,
): void {
  if (!group.pendingJoinMembers.delete(memberId)) return;
  ctx.mark("group-pending-member-expired");
  if (group.is(GroupState.PreparingRebalance) && group.hasAllMembersJoined()) {
    completeJoin(ctx, group);
  }
}

/** Removes a member, then rebalances or completes the join phase as its departure requires. */
export function removeMemberAndUpdateGroup<T>(
  ctx: GroupContext<T>,
  group: ClassicGroup<T>,
  member: GroupMember<T>,
  reason: MemberLeftReason | null,
): void {
  removeMember(ctx, group, member, reason);
  if (group.is(GroupState.Stable) || group.is(GroupState.CompletingRebalance)) {
    maybePrepareRebalanceOrCompleteJoin(ctx, group);
  } else if (group.is(GroupState.PreparingRebalance) && group.hasAllMembersJoined()) {
    completeJoin(ctx, group);
  }
}

/**
 * Takes the member out: its parked requests get UNKNOWN_MEMBER_ID (so a live client rejoins), its
 * timer goes. `reason` null means the caller already traced why (session expiry).
 */
export function removeMember<T>(
  ctx: GroupContext<T>,
  group: ClassicGroup<T>,
  member: GroupMember<T>,
  reason: MemberLeftReason | null,
): void {
  if (member.awaitingJoin !== undefined) {
    ctx.respond(member.awaitingJoin, {
      api: "JoinGroup",
      body: joinError("", ErrorCode.UNKNOWN_MEMBER_ID),
    });
    member.awaitingJoin = undefined;
  }
  if (member.awaitingSync !== undefined) {
    const body = syncResponse(ErrorCode.UNKNOWN_MEMBER_ID);
    ctx.respond(member.awaitingSync, { api: "SyncGroup", body });
    member.awaitingSync = undefined;
  }
  cancelHeartbeat(ctx, group.groupId, member.memberId);
  group.remove(member.memberId);
  if (reason !== null) {
    ctx.trace({
      type: "group-member-left",
      group: group.groupId,
      memberId: member.memberId,
      groupInstanceId: member.groupInstanceId,
      reason,
    });
  }
  ctx.touch(group);
}
