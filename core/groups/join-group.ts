// JoinGroup: new members (MEMBER_ID_REQUIRED for v4+, KIP-394), static members (KIP-345: a known
// group.instance.id replaces its member id, fencing the old one, without a rebalance when Stable),
// existing members rejoining, and group.max.size. Kafka's classicGroupJoin* rules, in order.

import { assert } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import type { ClientRequestOf, JoinGroupRequest } from "../protocol/index.ts";
import { type ClassicGroup, GroupState } from "./classic-group.ts";
import { type GroupContext, timerKey } from "./group-context.ts";
import { EMPTY_ASSIGNMENT, type GroupMember, protocolsMatch } from "./group-member.ts";
import { groupAppendError, groupMetadataRecord } from "./group-persistence.ts";
import { joinError, joinSuccess, syncResponse } from "./group-responses.ts";
import { generateMemberId } from "./member-id.ts";
import {
  cancelHeartbeat,
  maybeCompleteJoinPhase,
  maybePrepareRebalanceOrCompleteJoin,
  prepareRebalance,
  removeMember,
  scheduleHeartbeat,
} from "./rebalance.ts";

export interface JoinArgs<T> {
  readonly request: ClientRequestOf<"JoinGroup">;
  readonly clientHost: string;
  readonly replyTo: T;
}

/** `group` is the existing group or a fresh Empty one the caller just created for a new member. */
export function handleJoinGroup<T>(
  ctx: GroupContext<T>,
  group: ClassicGroup<T>,
  args: JoinArgs<T>,
) {
  const { request, replyTo } = args;
  const memberId = request.body.memberId;
  if (!acceptJoiningMember(ctx, group, memberId)) {
    // Kafka removes a member it turns away, so the group can complete without it.
    const member = group.members.get(memberId);
    if (member !== undefined) removeMember(ctx, group, member, "group-max-size");
    if (group.pendingJoinMembers.delete(memberId)) {
      ctx.timers.cancel(timerKey(group.groupId, "pending", memberId));
    }
    ctx.mark("group-max-size-reached");
    ctx.respond(replyTo, {
      api: "JoinGroup",
      body: joinError("", ErrorCode.GROUP_MAX_SIZE_REACHED),
    });
    return;
  }
  if (memberId === "") joinNewMember(ctx, group, args);
  else joinExistingMember(ctx, group, args);
}

/** Kafka's acceptJoiningMember: existing members always; new ones up to group.max.size. */
function acceptJoiningMember<T>(ctx: GroupContext<T>, group: ClassicGroup<T>, memberId: string) {
  const max = ctx.config.groupMaxSize;
  switch (group.state) {
    case GroupState.Empty:
    case GroupState.Dead:
      return true;
    case GroupState.PreparingRebalance:
      return (
        group.members.get(memberId)?.awaitingJoin !== undefined || group.awaitingJoinCount() < max
      );
    case GroupState.CompletingRebalance:
    case GroupState.Stable:
      return group.members.has(memberId) || group.members.size < max;
  }
}

function joinNewMember<T>(ctx: GroupContext<T>, group: ClassicGroup<T>, args: JoinArgs<T>): void {
  const body = args.request.body;
  const reply = (errorCode: ErrorCode) =>
    ctx.respond(args.replyTo, { api: "JoinGroup", body: joinError("", errorCode) });
  if (group.is(GroupState.Dead)) {
    reply(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    return;
  }
  if (!group.supportsProtocols(body.protocolType, body.protocols)) {
    reply(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    return;
  }
  const clientId = args.request.clientId ?? "";
  const newMemberId = generateMemberId(ctx.rng, clientId, body.groupInstanceId);
  if (body.groupInstanceId !== null) {
    const existing = group.staticMemberId(body.groupInstanceId);
    if (existing !== undefined) {
      replaceStaticMember(ctx, group, args, existing, newMemberId);
      return;
    }
    addMemberThenRebalanceOrCompleteJoin(ctx, group, args, newMemberId);
    return;
  }
  if (body.requireKnownMemberId) {
    // KIP-394: the member id is handed out first, so a client whose JoinGroup times out does not
    // leave a defunct member behind; it must come back with the id within its session timeout.
    if (group.members.size + group.pendingJoinMembers.size >= ctx.config.groupMaxSize) {
      reply(ErrorCode.GROUP_MAX_SIZE_REACHED);
      return;
    }
    group.pendingJoinMembers.add(newMemberId);
    ctx.timers.schedule(
      timerKey(group.groupId, "pending", newMemberId),
      ctx.now + body.sessionTimeoutMs,
      { type: "pending-member", groupId: group.groupId, memberId: newMemberId },
    );
    ctx.respond(args.replyTo, {
      api: "JoinGroup",
      body: joinError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED),
    });
    return;
  }
  addMemberThenRebalanceOrCompleteJoin(ctx, group, args, newMemberId);
}

function joinExistingMember<T>(ctx: GroupContext<T>, group: ClassicGroup<T>, args: JoinArgs<T>) {
  const body = args.request.body;
  const memberId = body.memberId;
  const reply = (errorCode: ErrorCode) =>
    ctx.respond(args.replyTo, { api: "JoinGroup", body: joinError(memberId, errorCode) });
  if (group.is(GroupState.Dead)) return reply(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  if (!group.supportsProtocols(body.protocolType, body.protocols)) {
    return reply(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  }
  if (group.pendingJoinMembers.has(memberId)) {
    // A pending member is never static: a static member skips MEMBER_ID_REQUIRED.
    if (body.groupInstanceId !== null) return reply(ErrorCode.INVALID_REQUEST);
    ctx.timers.cancel(timerKey(group.groupId, "pending", memberId));
    addMemberThenRebalanceOrCompleteJoin(ctx, group, args, memberId);
    return;
  }
  const error = group.validateMember(memberId, body.groupInstanceId);
  if (error !== ErrorCode.NONE) {
    if (error === ErrorCode.FENCED_INSTANCE_ID) ctx.mark("group-join-fenced-instance");
    return reply(error);
  }
  const member = group.members.get(memberId);
  assert(member !== undefined, "a validated member exists");
  const isLeader = group.leaderId === memberId;
  switch (group.state) {
    case GroupState.PreparingRebalance:
      return updateMemberThenRebalance(ctx, group, member, args);
    case GroupState.CompletingRebalance:
      if (!protocolsMatch(member.protocols, body.protocols)) {
        return updateMemberThenRebalance(ctx, group, member, args);
      }
      // The member lost our JoinGroup answer: repeat it for the current generation.
      ctx.mark("group-join-repeated-answer");
      ctx.respond(args.replyTo, {
        api: "JoinGroup",
        body: joinSuccess(group, memberId, { withMembers: isLeader }),
      });
      return;
    case GroupState.Stable:
      if (isLeader || !protocolsMatch(member.protocols, body.protocols)) {
        return updateMemberThenRebalance(ctx, group, member, args);
      }
      ctx.respond(args.replyTo, {
        api: "JoinGroup",
        body: joinSuccess(group, memberId, { withMembers: false }),
      });
      return;
    case GroupState.Empty:
    case GroupState.Dead:
      return reply(ErrorCode.UNKNOWN_MEMBER_ID);
  }
}

function addMemberThenRebalanceOrCompleteJoin<T>(
  ctx: GroupContext<T>,
  group: ClassicGroup<T>,
  args: JoinArgs<T>,
  memberId: string,
): void {
  const body = args.request.body;
  const member: GroupMember<T> = {
    memberId,
    groupInstanceId: body.groupInstanceId,
    clientId: args.request.clientId ?? "",
    clientHost: args.clientHost,
    rebalanceTimeoutMs: body.rebalanceTimeoutMs,
    sessionTimeoutMs: body.sessionTimeoutMs,
    protocolType: body.protocolType,
    protocols: body.protocols,
    assignment: EMPTY_ASSIGNMENT,
    assignedGeneration: -1,
    awaitingJoin: args.replyTo,
    awaitingSync: undefined,
    isNew: true,
  };
  if (group.is(GroupState.PreparingRebalance) && group.previousState === GroupState.Empty) {
    group.newMemberAdded = true;
  }
  group.add(member);
  ctx.trace({
    type: "group-member-joined",
    group: group.groupId,
    memberId,
    groupInstanceId: member.groupInstanceId,
    clientId: member.clientId,
    reason: "new",
    replacedMemberId: null,
  });
  // A parked JoinGroup of a new member gives up after the new-member join timeout: its client may
  // have gone without us noticing (its socket is muted while the request is parked).
  scheduleHeartbeat(ctx, group, member, ctx.config.newMemberJoinTimeoutMs);
  ctx.touch(group);
  maybePrepareRebalanceOrCompleteJoin(ctx, group);
}

function updateMemberThenRebalance<T>(
  ctx: GroupContext<T>,
  group: ClassicGroup<T>,
  member: GroupMember<T>,
  args: JoinArgs<T>,
): void {
  updateMember(ctx, group, member, args.request.body, args.replyTo);
  maybePrepareRebalanceOrCompleteJoin(ctx, group);
}

function updateMember<T>(
  ctx: GroupContext<T>,
  group: ClassicGroup<T>,
  member: GroupMember<T>,
  body: JoinGroupRequest,
  replyTo: T,
): void {
  group.updateProtocols(member, body.protocols);
  member.rebalanceTimeoutMs = body.rebalanceTimeoutMs;
  member.sessionTimeoutMs = body.sessionTimeoutMs;
  if (member.awaitingJoin !== undefined) {
    // A second JoinGroup for one member: the older one is answered so it never dangles.
    ctx.mark("group-join-superseded");
    const stale = joinError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS);
    ctx.respond(member.awaitingJoin, { api: "JoinGroup", body: stale });
  }
  member.awaitingJoin = replyTo;
}

/** KIP-345: a known instance id came back with an unknown member id; fence the old member id. */
function replaceStaticMember<T>(
  ctx: GroupContext<T>,
  group: ClassicGroup<T>,
  args: JoinArgs<T>,
  oldMemberId: string,
  newMemberId: string,
): void {
  const body = args.request.body;
  const instanceId = body.groupInstanceId;
  assert(instanceId !== null, "only static members are replaced");
  const member = group.members.get(oldMemberId);
  assert(member !== undefined, "a mapped static member exists");
  fenceParkedRequests(ctx, member);
  cancelHeartbeat(ctx, group.groupId, oldMemberId);
  const currentLeader = group.leaderId;
  const previous = {
    protocols: member.protocols,
    rebalanceTimeoutMs: member.rebalanceTimeoutMs,
    sessionTimeoutMs: member.sessionTimeoutMs,
  };
  group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
  ctx.trace({
    type: "group-member-joined",
    group: group.groupId,
    memberId: newMemberId,
    groupInstanceId: instanceId,
    clientId: member.clientId,
    reason: "static-replaced",
    replacedMemberId: oldMemberId,
  });
  scheduleHeartbeat(ctx, group, member);
  updateMember(ctx, group, member, body, args.replyTo);
  ctx.touch(group);
  switch (group.state) {
    case GroupState.Stable:
      if (group.protocolName === group.selectProtocol()) {
        persistReplacement(ctx, group, member, { oldMemberId, currentLeader, previous });
      } else {
        maybePrepareRebalanceOrCompleteJoin(ctx, group);
      }
      return;
    case GroupState.CompletingRebalance:
      // The leader may be assigning with the old member id: only a new generation is consistent.
      prepareRebalance(ctx, group);
      return;
    case GroupState.PreparingRebalance:
      maybeCompleteJoinPhase(ctx, group);
      return;
    case GroupState.Empty:
    case GroupState.Dead:
      assert(false, `a static member cannot be known while the group is ${group.state}`);
  }
}

/** The old member id's parked requests are answered FENCED_INSTANCE_ID at once. */
function fenceParkedRequests<T>(ctx: GroupContext<T>, member: GroupMember<T>): void {
  if (member.awaitingJoin !== undefined) {
    const body = joinError(member.memberId, ErrorCode.FENCED_INSTANCE_ID);
    ctx.respond(member.awaitingJoin, { api: "JoinGroup", body });
    member.awaitingJoin = undefined;
  }
  if (member.awaitingSync !== undefined) {
    const body = syncResponse(ErrorCode.FENCED_INSTANCE_ID);
    ctx.respond(member.awaitingSync, { api: "SyncGroup", body });
    member.awaitingSync = undefined;
  }
}

interface Replaced {
  readonly oldMemberId: string;
  readonly currentLeader: string | null;
  readonly previous: Pick<
    GroupMember<unknown>,
    "protocols" | "rebalanceTimeoutMs" | "sessionTimeoutMs"
  >;
}

/**
 * Stable group, same protocol: no rebalance. The new member id is stored, then the member gets
 * the current generation; its next SyncGroup returns its current assignment. The answer names the
 * old leader id so a replaced leader does not run an assignment (Kafka, JoinGroup < v9).
 */
function persistReplacement<T>(
  ctx: GroupContext<T>,
  group: ClassicGroup<T>,
  member: GroupMember<T>,
  replaced: Replaced,
): void {
  const replyTo = member.awaitingJoin;
  const newMemberId = member.memberId;
  const generation = group.generationId;
  const instanceId = member.groupInstanceId;
  assert(replyTo !== undefined && instanceId !== null, "a replacing static member is parked");
  const done = (error: ErrorCode) => {
    const current = group.members.get(newMemberId);
    if (
      current !== member ||
      member.awaitingJoin !== replyTo ||
      group.generationId !== generation
    ) {
      ctx.mark("group-static-replacement-overtaken");
      return;
    }
    member.awaitingJoin = undefined;
    if (error === ErrorCode.NONE) {
      group.persisted = true;
      ctx.mark("group-static-member-replaced-without-rebalance");
      const body = joinSuccess(group, newMemberId, {
        withMembers: false,
        leader: replaced.currentLeader,
      });
      ctx.respond(replyTo, { api: "JoinGroup", body });
      return;
    }
    // The new member id is not durable: go back to the old one, as Kafka does.
    ctx.mark("group-static-replacement-reverted");
    group.updateProtocols(member, replaced.previous.protocols);
    member.rebalanceTimeoutMs = replaced.previous.rebalanceTimeoutMs;
    member.sessionTimeoutMs = replaced.previous.sessionTimeoutMs;
    cancelHeartbeat(ctx, group.groupId, newMemberId);
    group.replaceStaticMember(instanceId, newMemberId, replaced.oldMemberId);
    scheduleHeartbeat(ctx, group, member);
    ctx.respond(replyTo, { api: "JoinGroup", body: joinError("", groupAppendError(error)) });
    ctx.touch(group);
  };
  if (!ctx.append(group.groupId, [groupMetadataRecord(group)], done)) {
    done(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  }
}
