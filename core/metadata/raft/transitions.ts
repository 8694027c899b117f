// Role transitions. Each one persists the election state (epoch, leader, vote) and traces the
// change; a vote or a candidacy acts only once its quorum-state write is durable.

import { assert } from "../../assert.ts";
import { ErrorCode } from "../../error-codes.ts";
import type { Epoch, Millis, NodeId } from "../../ids.ts";
import type { RaftContext } from "./context.ts";
import { sendVoteRequests } from "./election.ts";
import { answerParked, sendBeginQuorumEpoch } from "./leader.ts";
import { epochOf, leaderOf, type ReplicaState, type Role, votedForOf } from "./roles.ts";

/** Installs `role`, persists what it implies and traces it; returns the persist generation. */
export function setRole(ctx: RaftContext, role: Role, reason: string): number {
  const before = ctx.role;
  if (before.type === "leader" && role.type !== "leader") {
    answerParked(ctx, before, ErrorCode.NOT_LEADER_OR_FOLLOWER);
  }
  assert(epochOf(role) >= epochOf(before), `epoch going back from ${epochOf(before)}`);
  ctx.role = role;
  const epoch = epochOf(role);
  const leaderId = leaderOf(role, ctx.nodeId);
  const votedFor = votedForOf(role, ctx.nodeId);
  if (votedFor !== undefined) {
    const last = ctx.lastVote;
    assert(
      last === undefined || last.epoch !== epoch || last.votedFor === votedFor,
      `two votes in epoch ${epoch}: ${last?.votedFor} and ${votedFor}`,
    );
    ctx.lastVote = { epoch, votedFor };
  }
  ctx.outbox.trace({
    type: "raft-role-changed",
    role: role.type,
    epoch,
    leaderId: leaderId ?? null,
    reason,
  });
  if (role.type === "halted" || role.type === "recovering") return ctx.quorum.durableGeneration;
  return ctx.quorum.persist({
    epoch,
    ...(leaderId === undefined ? {} : { leaderId }),
    ...(votedFor === undefined ? {} : { votedFor }),
  });
}

/** Same epoch keeps the vote; a new epoch starts without one. */
function voteCarried(ctx: RaftContext, epoch: Epoch): NodeId | undefined {
  return epochOf(ctx.role) === epoch ? votedForOf(ctx.role, ctx.nodeId) : undefined;
}

export function becomeUnattached(
  ctx: RaftContext,
  epoch: Epoch,
  reason: string,
  options: { votedFor?: NodeId; electionDeadline?: Millis } = {},
): number {
  const votedFor = options.votedFor ?? voteCarried(ctx, epoch);
  return setRole(
    ctx,
    {
      type: "unattached",
      epoch,
      votedFor,
      electionDeadline: ctx.isVoter
        ? (options.electionDeadline ?? ctx.now + ctx.randomElectionTimeout())
        : undefined,
      discovery: ctx.isVoter ? undefined : { inflight: undefined, nextFetchAt: ctx.now },
    },
    reason,
  );
}

export function becomeFollower(
  ctx: RaftContext,
  epoch: Epoch,
  leaderId: NodeId,
  reason: string,
  recoveredVote?: NodeId,
): void {
  assert(leaderId !== ctx.nodeId, "a node never follows itself");
  setRole(
    ctx,
    {
      type: "follower",
      epoch,
      leaderId,
      votedFor: recoveredVote ?? voteCarried(ctx, epoch),
      fetchDeadline: ctx.now + ctx.config.fetchTimeoutMs,
      hasFetched: false,
      fetch: { inflight: undefined, nextFetchAt: ctx.now },
      snapshot: undefined,
    },
    reason,
  );
}

/** KIP-996: ask for pre-votes in the current epoch before disturbing anyone. */
export function becomeProspective(ctx: RaftContext, reason: string): void {
  assert(ctx.isVoter, "observers never stand for election");
  const epoch = epochOf(ctx.role);
  const leaderId = ctx.role.type === "follower" ? ctx.role.leaderId : undefined;
  setRole(
    ctx,
    {
      type: "prospective",
      epoch,
      leaderId,
      votedFor: voteCarried(ctx, epoch),
      granted: new Set([ctx.nodeId]),
      rejected: new Set(),
      correlationIds: new Set(),
      electionDeadline: ctx.now + ctx.randomElectionTimeout(),
    },
    reason,
  );
  if (ctx.majority() <= 1) {
    becomeCandidate(ctx, "single voter");
    return;
  }
  sendVoteRequests(ctx, true);
}

/** A real election in epoch + 1: the self-vote is durable before any Vote request leaves. */
export function becomeCandidate(ctx: RaftContext, reason: string): void {
  const epoch = epochOf(ctx.role) + 1;
  const generation = setRole(
    ctx,
    {
      type: "candidate",
      epoch,
      granted: new Set([ctx.nodeId]),
      rejected: new Set(),
      correlationIds: new Set(),
      electionDeadline: ctx.now + ctx.randomElectionTimeout(),
      requested: false,
    },
    reason,
  );
  const queued = ctx.quorum.afterDurable(generation, () => {
    const role = ctx.role;
    if (role.type !== "candidate" || role.epoch !== epoch || role.requested) return;
    role.requested = true;
    if (role.granted.size >= ctx.majority()) becomeLeader(ctx, "won election");
    else sendVoteRequests(ctx, false);
  });
  // Too many writes queued: this candidacy sends nothing and times out into a new pre-vote.
  if (!queued) ctx.outbox.mark("raft-candidacy-dropped-over-limit");
}

export function becomeLeader(ctx: RaftContext, reason: string): void {
  const role = ctx.role;
  assert(role.type === "candidate", `only a candidate becomes leader, not a ${role.type}`);
  const fresh = (): ReplicaState => ({
    fetchOffset: -1,
    lastFetchAt: undefined,
    acknowledged: false,
  });
  const voters = new Map(ctx.otherVoters().map((v) => [v, fresh()] as const));
  const epochStartOffset = ctx.log.logEndOffset;
  setRole(
    ctx,
    {
      type: "leader",
      epoch: role.epoch,
      epochStartOffset,
      voters,
      observers: new Map(),
      parked: [],
      beginQuorumAt: ctx.now,
      checkQuorumAt: ctx.now + checkQuorumWindowMs(ctx),
    },
    reason,
  );
  ctx.log.appendRecords(role.epoch, [
    { type: "leader-change", leaderId: ctx.nodeId, voters: [...ctx.config.voters] },
  ]);
  sendBeginQuorumEpoch(ctx);
}

export function checkQuorumWindowMs(ctx: RaftContext): Millis {
  return Math.floor(ctx.config.fetchTimeoutMs * 1.5);
}

/** Leadership given up (graceful shutdown or lost quorum): successors are told to elect now. */
export function becomeResigned(
  ctx: RaftContext,
  preferredSuccessors: readonly NodeId[],
  reason: string,
): void {
  const role = ctx.role;
  assert(role.type === "leader", "only a leader resigns");
  setRole(
    ctx,
    {
      type: "resigned",
      epoch: role.epoch,
      electionDeadline: ctx.now + ctx.randomElectionTimeout(),
      preferredSuccessors,
    },
    reason,
  );
  for (const voter of ctx.otherVoters()) {
    ctx.send(voter, {
      type: "raft-end-quorum-epoch-request",
      correlationId: ctx.correlationId(),
      epoch: role.epoch,
      leaderId: ctx.nodeId,
      preferredSuccessors,
    });
  }
}

/** A disk failure on the metadata log dir: stop taking part (Kafka halts the process). */
export function halt(ctx: RaftContext, reason: string): void {
  if (ctx.role.type === "halted") return;
  ctx.outbox.mark("raft-halted-on-disk-failure");
  ctx.outbox.trace({ type: "raft-halted", reason });
  setRole(ctx, { type: "halted", epoch: epochOf(ctx.role), reason }, reason);
}

/**
 * A message from `epoch` (naming `leaderId` if known). A higher epoch moves this node to it; a
 * leader for the current epoch that this node did not know is followed. Returns true if the role
 * changed.
 */
export function observeEpoch(
  ctx: RaftContext,
  epoch: Epoch,
  leaderId: NodeId | undefined,
  reason: string,
): boolean {
  const role = ctx.role;
  if (role.type === "recovering" || role.type === "halted") return false;
  const current = epochOf(role);
  if (epoch > current) {
    if (leaderId !== undefined && leaderId !== ctx.nodeId)
      becomeFollower(ctx, epoch, leaderId, reason);
    else becomeUnattached(ctx, epoch, reason);
    return true;
  }
  if (epoch < current || leaderId === undefined || leaderId === ctx.nodeId) return false;
  const known = leaderOf(role, ctx.nodeId);
  if (role.type === "follower" && known === leaderId) return false;
  assert(role.type !== "leader" && role.type !== "resigned", `two leaders in epoch ${epoch}`);
  becomeFollower(ctx, epoch, leaderId, reason);
  return true;
}
