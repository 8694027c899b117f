// BeginQuorumEpoch (a new leader announces itself) and EndQuorumEpoch (a leader resigns and names
// its preferred successors, who then elect at once instead of waiting out a fetch timeout).

import { ErrorCode } from "../../error-codes.ts";
import type { NodeId } from "../../ids.ts";
import type {
  BeginQuorumEpochRequest,
  BeginQuorumEpochResponse,
  EndQuorumEpochRequest,
} from "../messages.ts";
import type { RaftContext } from "./context.ts";
import { advertisedLeaderOf, epochOf } from "./roles.ts";
import { becomeUnattached, observeEpoch } from "./transitions.ts";

function reply(ctx: RaftContext, errorCode: ErrorCode) {
  const leaderId = advertisedLeaderOf(ctx.role, ctx.nodeId);
  return {
    errorCode,
    epoch: epochOf(ctx.role),
    ...(leaderId === undefined ? {} : { leaderId }),
  };
}

export function handleBeginQuorumEpoch(
  ctx: RaftContext,
  from: NodeId,
  request: BeginQuorumEpochRequest,
): void {
  const stale = request.epoch < epochOf(ctx.role);
  if (!stale) observeEpoch(ctx, request.epoch, request.leaderId, "begin quorum epoch");
  ctx.send(from, {
    type: "raft-begin-quorum-epoch-response",
    correlationId: request.correlationId,
    ...reply(ctx, stale ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.NONE),
  });
}

export function handleBeginQuorumEpochResponse(
  ctx: RaftContext,
  from: NodeId,
  response: BeginQuorumEpochResponse,
): void {
  if (observeEpoch(ctx, response.epoch, response.leaderId, "begin quorum epoch response")) return;
  const role = ctx.role;
  if (role.type !== "leader" || response.epoch !== role.epoch) return;
  const voter = role.voters.get(from);
  if (voter !== undefined && response.errorCode === ErrorCode.NONE) voter.acknowledged = true;
}

export function handleEndQuorumEpoch(
  ctx: RaftContext,
  from: NodeId,
  request: EndQuorumEpochRequest,
): void {
  const respond = (errorCode: ErrorCode) =>
    ctx.send(from, {
      type: "raft-end-quorum-epoch-response",
      correlationId: request.correlationId,
      ...reply(ctx, errorCode),
    });
  if (request.epoch < epochOf(ctx.role)) {
    respond(ErrorCode.FENCED_LEADER_EPOCH);
    return;
  }
  observeEpoch(ctx, request.epoch, undefined, "end quorum epoch");
  const role = ctx.role;
  const following =
    (role.type === "follower" && role.leaderId === request.leaderId) ||
    role.type === "unattached" ||
    role.type === "prospective";
  if (ctx.isVoter && following && role.epoch === request.epoch) {
    ctx.outbox.mark("raft-end-quorum-epoch-received");
    becomeUnattached(ctx, request.epoch, "leader resigned", {
      electionDeadline: ctx.now + successorDelay(ctx, request.preferredSuccessors),
    });
  }
  respond(ErrorCode.NONE);
}

/** The first preferred successor elects at once; later ones wait longer, the rest a full timeout. */
function successorDelay(ctx: RaftContext, successors: readonly NodeId[]): number {
  const position = successors.indexOf(ctx.nodeId);
  if (position === 0) return 0;
  if (position < 0) return ctx.randomElectionTimeout();
  const step = Math.max(1, Math.floor(ctx.config.electionBackoffMaxMs / successors.length));
  return position * step + ctx.rng.int("election-backoff", step);
}
