// Elections: pre-votes (KIP-996) and votes (KIP-595). A voter grants one vote per epoch, to a
// candidate whose log is at least as up to date (last epoch, then end offset), and answers only
// after that vote is durable. Pre-votes change nothing and persist nothing.

import { ErrorCode } from "../../error-codes.ts";
import type { NodeId } from "../../ids.ts";
import type { VoteRequest, VoteResponse } from "../messages.ts";
import type { RaftContext } from "./context.ts";
import { advertisedLeaderOf, epochOf } from "./roles.ts";
import {
  becomeCandidate,
  becomeFollower,
  becomeLeader,
  becomeProspective,
  becomeUnattached,
  observeEpoch,
} from "./transitions.ts";

export function sendVoteRequests(ctx: RaftContext, preVote: boolean): void {
  const role = ctx.role;
  if (role.type !== "prospective" && role.type !== "candidate") return;
  for (const voter of ctx.otherVoters()) {
    const correlationId = ctx.correlationId();
    role.correlationIds.add(correlationId);
    ctx.send(voter, {
      type: "raft-vote-request",
      correlationId,
      epoch: role.epoch,
      candidateId: ctx.nodeId,
      lastEpoch: ctx.log.lastEpoch,
      lastEndOffset: ctx.log.logEndOffset,
      preVote,
    });
  }
}

/** The candidate's log is at least as up to date as ours: last epoch first, then end offset. */
export function isLogUpToDate(ctx: RaftContext, lastEpoch: number, lastEndOffset: number): boolean {
  const ours = ctx.log.lastEpoch;
  if (lastEpoch !== ours) return lastEpoch > ours;
  return lastEndOffset >= ctx.log.logEndOffset;
}

type Decision = { readonly granted: boolean; readonly reason: string };

function preVoteDecision(ctx: RaftContext, request: VoteRequest): Decision {
  const role = ctx.role;
  if (role.type === "leader") return { granted: false, reason: "is-leader" };
  if (role.type === "follower" && role.hasFetched)
    return { granted: false, reason: "leader-alive" };
  if (!isLogUpToDate(ctx, request.lastEpoch, request.lastEndOffset)) {
    return { granted: false, reason: "stale-log" };
  }
  return { granted: true, reason: "granted" };
}

function voteDecision(ctx: RaftContext, request: VoteRequest): Decision {
  const role = ctx.role;
  switch (role.type) {
    case "leader":
    case "resigned":
      return { granted: false, reason: "is-leader" };
    case "candidate":
      return { granted: false, reason: "voted-for-self" };
    case "follower":
      return { granted: false, reason: "has-leader" };
    case "unattached":
    case "prospective": {
      if (role.votedFor === request.candidateId) return { granted: true, reason: "granted-again" };
      if (role.votedFor !== undefined) return { granted: false, reason: "already-voted" };
      if (!isLogUpToDate(ctx, request.lastEpoch, request.lastEndOffset)) {
        return { granted: false, reason: "stale-log" };
      }
      return { granted: true, reason: "granted" };
    }
    default:
      return { granted: false, reason: role.type };
  }
}

export function handleVoteRequest(ctx: RaftContext, from: NodeId, request: VoteRequest): void {
  if (!ctx.isVoter || !ctx.config.voters.includes(request.candidateId)) {
    respondVote(ctx, from, request, false, "not-a-voter", ErrorCode.INCONSISTENT_VOTER_SET);
    return;
  }
  if (request.epoch < epochOf(ctx.role)) {
    respondVote(ctx, from, request, false, "stale-epoch", ErrorCode.FENCED_LEADER_EPOCH);
    return;
  }
  // A pre-vote carries the sender's current epoch, so a higher one is real: some voter moved on
  // (it won pre-votes, then lost its election). Following it, as KRaft does, keeps that voter from
  // being stranded above a leader it can never rejoin.
  if (request.epoch > epochOf(ctx.role)) {
    if (request.preVote) ctx.outbox.mark("raft-pre-vote-from-higher-epoch");
    becomeUnattached(ctx, request.epoch, request.preVote ? "pre-vote request" : "vote request");
  }
  if (request.preVote) {
    const decision = preVoteDecision(ctx, request);
    respondVote(ctx, from, request, decision.granted, decision.reason, ErrorCode.NONE);
    return;
  }
  const decision = voteDecision(ctx, request);
  if (!decision.granted) {
    respondVote(ctx, from, request, false, decision.reason, ErrorCode.NONE);
    return;
  }
  // The grant is recorded (and persisted) before it is sent: one vote per epoch survives crashes.
  const generation = becomeUnattached(ctx, request.epoch, "voted", {
    votedFor: request.candidateId,
  });
  const queued = ctx.quorum.afterDurable(generation, () => {
    // Durable now; but if this node moved to a later epoch meanwhile, the grant is moot: say so.
    const current = epochOf(ctx.role) === request.epoch;
    if (!current) ctx.outbox.mark("raft-vote-grant-overtaken");
    respondVote(
      ctx,
      from,
      request,
      current,
      current ? decision.reason : "epoch-moved-on",
      ErrorCode.NONE,
    );
  });
  if (!queued) ctx.outbox.mark("raft-vote-answer-dropped-over-limit");
}

function respondVote(
  ctx: RaftContext,
  to: NodeId,
  request: VoteRequest,
  granted: boolean,
  reason: string,
  errorCode: ErrorCode,
): void {
  ctx.outbox.trace({
    type: "raft-vote",
    candidateId: request.candidateId,
    epoch: request.epoch,
    preVote: request.preVote,
    granted,
    reason,
  });
  if (!granted && reason === "stale-log") ctx.outbox.mark("raft-vote-rejected-stale-log");
  const leaderId = advertisedLeaderOf(ctx.role, ctx.nodeId);
  const response: VoteResponse = {
    type: "raft-vote-response",
    correlationId: request.correlationId,
    errorCode,
    epoch: epochOf(ctx.role),
    ...(leaderId === undefined ? {} : { leaderId }),
    voteGranted: granted,
    preVote: request.preVote,
  };
  ctx.send(to, response);
}

export function handleVoteResponse(ctx: RaftContext, from: NodeId, response: VoteResponse): void {
  if (observeEpoch(ctx, response.epoch, response.leaderId, "vote response")) return;
  const role = ctx.role;
  if (role.type !== "prospective" && role.type !== "candidate") return;
  if (!role.correlationIds.has(response.correlationId)) return;
  if (response.preVote !== (role.type === "prospective")) return;
  role.correlationIds.delete(response.correlationId);
  if (response.voteGranted) role.granted.add(from);
  else role.rejected.add(from);
  if (role.granted.size >= ctx.majority()) {
    if (role.type === "prospective") becomeCandidate(ctx, "pre-vote won");
    else if (role.requested) becomeLeader(ctx, "won election");
    return;
  }
  if (role.rejected.size >= ctx.majority()) lostElection(ctx);
}

function lostElection(ctx: RaftContext): void {
  const role = ctx.role;
  if (role.type === "candidate") {
    ctx.outbox.mark("raft-candidate-lost-election");
    const backoff = ctx.rng.int("election-backoff", Math.max(1, ctx.config.electionBackoffMaxMs));
    role.electionDeadline = Math.min(role.electionDeadline, ctx.now + backoff);
    return;
  }
  if (role.type !== "prospective") return;
  ctx.outbox.mark("raft-pre-vote-rejected");
  if (role.leaderId !== undefined) becomeFollower(ctx, role.epoch, role.leaderId, "pre-vote lost");
  else becomeUnattached(ctx, role.epoch, "pre-vote lost");
}

/** Election deadlines of the non-leader voter roles. */
export function onElectionTimer(ctx: RaftContext): void {
  const role = ctx.role;
  switch (role.type) {
    case "unattached":
      if (role.electionDeadline !== undefined && ctx.now >= role.electionDeadline) {
        becomeProspective(ctx, "election timeout");
      }
      return;
    case "prospective":
      if (ctx.now >= role.electionDeadline) {
        if (role.leaderId !== undefined) {
          becomeFollower(ctx, role.epoch, role.leaderId, "pre-vote timed out");
        } else becomeUnattached(ctx, role.epoch, "pre-vote timed out");
      }
      return;
    case "candidate":
      if (ctx.now >= role.electionDeadline) becomeProspective(ctx, "election timed out");
      return;
    case "resigned":
      if (ctx.now >= role.electionDeadline) becomeProspective(ctx, "resigned timeout");
      return;
    default:
      return;
  }
}
