// Routing of the group APIs: the checks Kafka's GroupCoordinatorService makes before a request
// reaches a group (empty group id, session timeout bounds, whether this coordinator serves the
// group's partition now), then the handler of each API. Every request gets exactly one answer.

import { assertNever } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import { limits } from "../limits.ts";
import type { ClientRequestOf, ListGroupsResponse } from "../protocol/index.ts";
import type { ClassicGroup } from "./classic-group.ts";
import { describeGroup } from "./group-admin.ts";
import type { GroupApi, GroupContext, GroupResponse } from "./group-context.ts";
import { deleteGroups } from "./group-deletion.ts";
import {
  commitError,
  deleteOffsetsError,
  fetchError,
  joinError,
  syncResponse,
} from "./group-responses.ts";
import { handleJoinGroup } from "./join-group.ts";
import { handleHeartbeat, handleLeaveGroup, handleSyncGroup } from "./member-requests.ts";
import {
  handleOffsetCommit,
  handleOffsetDelete,
  handleOffsetFetch,
  type OffsetDeps,
} from "./offset-requests.ts";

export type GroupRequest = { [N in GroupApi]: ClientRequestOf<N> }[GroupApi];

export interface GroupRequestOptions {
  /** The client's address as DescribeGroups reports it. */
  readonly clientHost?: string;
  /** ListGroups v4+ states filter (the request types here carry none). */
  readonly statesFilter?: readonly string[];
}

export interface RequestDeps<T> {
  readonly ctx: GroupContext<T>;
  readonly offsets: OffsetDeps<T>;
  group(groupId: string): ClassicGroup<T> | undefined;
  /** NONE when this coordinator serves the group's partition now. */
  routeError(groupId: string): ErrorCode;
  partitionFor(groupId: string): number;
  createGroup(groupId: string): ClassicGroup<T> | undefined;
  /** An Empty group nothing refers to, which need not be kept. */
  isDisposable(group: ClassicGroup<T>): boolean;
  memberCount(): number;
  listGroups(statesFilter: readonly string[] | undefined): ListGroupsResponse;
}

export function handleGroupRequest<T>(
  deps: RequestDeps<T>,
  request: GroupRequest,
  replyTo: T,
  options: GroupRequestOptions,
): void {
  const respond = (response: GroupResponse) => deps.ctx.respond(replyTo, response);
  switch (request.api) {
    case "JoinGroup":
      joinGroup(deps, request, replyTo, options.clientHost ?? "");
      return;
    case "SyncGroup":
    case "Heartbeat":
    case "LeaveGroup":
      memberRequest(deps, request, replyTo);
      return;
    case "OffsetCommit":
    case "OffsetFetch":
    case "OffsetDelete":
      offsetRequest(deps, request, replyTo);
      return;
    case "DescribeGroups": {
      const groups = request.body.groups.map((groupId) => {
        const routed = deps.routeError(groupId);
        if (routed === ErrorCode.NONE) return describeGroup(groupId, deps.group(groupId));
        return { ...describeGroup(groupId, undefined), errorCode: routed, groupState: "" };
      });
      respond({ api: "DescribeGroups", body: { throttleTimeMs: 0, groups } });
      return;
    }
    case "ListGroups":
      respond({ api: "ListGroups", body: deps.listGroups(options.statesFilter) });
      return;
    case "DeleteGroups":
      deleteGroups(deps.ctx, request.body.groupsNames, {
        store: deps.offsets.store,
        group: (groupId) => deps.group(groupId),
        routeError: (groupId) => deps.routeError(groupId),
        partitionFor: (groupId) => deps.partitionFor(groupId),
        reply: (body) => respond({ api: "DeleteGroups", body }),
      });
      return;
    default:
      assertNever(request, "group request");
  }
}

/** Kafka's GroupCoordinatorService.joinGroup checks, then the group's own join rules. */
function joinGroup<T>(
  deps: RequestDeps<T>,
  request: ClientRequestOf<"JoinGroup">,
  replyTo: T,
  clientHost: string,
): void {
  const body = request.body;
  const reply = (errorCode: ErrorCode) =>
    deps.ctx.respond(replyTo, { api: "JoinGroup", body: joinError(body.memberId, errorCode) });
  const { groupMinSessionTimeoutMs: min, groupMaxSessionTimeoutMs: max } = deps.ctx.config;
  if (body.groupId === "") {
    reply(ErrorCode.INVALID_GROUP_ID);
    return;
  }
  if (body.sessionTimeoutMs < min || body.sessionTimeoutMs > max) {
    reply(ErrorCode.INVALID_SESSION_TIMEOUT);
    return;
  }
  const routed = deps.routeError(body.groupId);
  if (routed !== ErrorCode.NONE) {
    reply(routed);
    return;
  }
  const existing = deps.group(body.groupId);
  if (existing === undefined && body.memberId !== "") {
    reply(ErrorCode.UNKNOWN_MEMBER_ID);
    return;
  }
  if (body.memberId === "" && deps.memberCount() >= limits.groupMembersPerNodeMax) {
    deps.ctx.mark("group-node-members-limit");
    reply(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    return;
  }
  const group = existing ?? deps.createGroup(body.groupId);
  if (group === undefined) {
    reply(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    return;
  }
  handleJoinGroup(deps.ctx, group, { request, clientHost, replyTo });
  if (existing === undefined && deps.isDisposable(group)) deps.ctx.dropGroup(group.groupId);
}

function memberRequest<T>(
  deps: RequestDeps<T>,
  request: Extract<GroupRequest, { api: "SyncGroup" | "Heartbeat" | "LeaveGroup" }>,
  replyTo: T,
): void {
  const { ctx } = deps;
  const groupId = request.body.groupId;
  const routed = groupId === "" ? ErrorCode.INVALID_GROUP_ID : deps.routeError(groupId);
  const group = deps.group(groupId);
  switch (request.api) {
    case "SyncGroup":
      if (routed !== ErrorCode.NONE) {
        ctx.respond(replyTo, { api: "SyncGroup", body: syncResponse(routed) });
      } else {
        handleSyncGroup(ctx, group, request.body, replyTo);
      }
      return;
    case "Heartbeat": {
      const errorCode =
        routed !== ErrorCode.NONE ? routed : handleHeartbeat(ctx, group, request.body);
      ctx.respond(replyTo, { api: "Heartbeat", body: { throttleTimeMs: 0, errorCode } });
      return;
    }
    case "LeaveGroup": {
      const body =
        routed !== ErrorCode.NONE
          ? { throttleTimeMs: 0, errorCode: routed, members: [] }
          : handleLeaveGroup(ctx, group, request.body);
      ctx.respond(replyTo, { api: "LeaveGroup", body });
      return;
    }
  }
}

function offsetRequest<T>(
  deps: RequestDeps<T>,
  request: Extract<GroupRequest, { api: "OffsetCommit" | "OffsetFetch" | "OffsetDelete" }>,
  replyTo: T,
): void {
  const { ctx } = deps;
  const groupId = request.body.groupId;
  const routed = groupId === "" ? ErrorCode.INVALID_GROUP_ID : deps.routeError(groupId);
  switch (request.api) {
    case "OffsetCommit": {
      const reply = (body: ClientRequestResponse<"OffsetCommit">) =>
        ctx.respond(replyTo, { api: "OffsetCommit", body });
      if (routed !== ErrorCode.NONE) reply(commitError(request.body, routed));
      else handleOffsetCommit(ctx, deps.offsets, request.body, reply);
      return;
    }
    case "OffsetFetch": {
      const body =
        routed !== ErrorCode.NONE
          ? fetchError(routed)
          : handleOffsetFetch(deps.offsets, request.body);
      ctx.respond(replyTo, { api: "OffsetFetch", body });
      return;
    }
    case "OffsetDelete": {
      const reply = (body: ClientRequestResponse<"OffsetDelete">) =>
        ctx.respond(replyTo, { api: "OffsetDelete", body });
      if (routed !== ErrorCode.NONE) reply(deleteOffsetsError(request.body, routed));
      else handleOffsetDelete(ctx, deps.offsets, request.body, reply);
      return;
    }
  }
}

type ClientRequestResponse<N extends GroupApi> = Extract<GroupResponse, { api: N }>["body"];
