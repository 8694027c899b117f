// The leader's side of replication: answering fetches (records, a diverging epoch, or a snapshot
// id), parking caught-up fetches (long poll), counting voters' fetch offsets into the high
// watermark, telling voters of its epoch, and resigning when a majority stops fetching.

import { assert } from "../../assert.ts";
import { ErrorCode } from "../../error-codes.ts";
import type { NodeId } from "../../ids.ts";
import { limits } from "../../limits.ts";
import type { FetchRequest, FetchResponse } from "../messages.ts";
import { setHighWatermark } from "./applier.ts";
import type { RaftContext } from "./context.ts";
import { advertisedLeaderOf, epochOf, type ReplicaState, type Role } from "./roles.ts";
import { becomeResigned, checkQuorumWindowMs } from "./transitions.ts";

type LeaderRole = Extract<Role, { type: "leader" }>;

export type FetchValidation =
  | { readonly type: "ok" }
  | { readonly type: "diverging"; readonly epoch: number; readonly endOffset: number }
  | { readonly type: "snapshot" };

/** KIP-595: does the fetcher's log match ours up to fetchOffset? */
export function validateFetch(
  ctx: RaftContext,
  fetchOffset: number,
  lastFetchedEpoch: number,
): FetchValidation {
  const log = ctx.log;
  if (fetchOffset < log.logStartOffset) return { type: "snapshot" };
  const end = log.epochs.endOffsetForEpoch(lastFetchedEpoch, log.logEndOffset);
  if (end === undefined) return { type: "snapshot" };
  if (end.epoch !== lastFetchedEpoch || end.offset < fetchOffset) {
    return { type: "diverging", epoch: end.epoch, endOffset: end.offset };
  }
  return { type: "ok" };
}

function fetchResponse(
  ctx: RaftContext,
  request: FetchRequest,
  errorCode: ErrorCode,
  extra: Partial<FetchResponse> = {},
): FetchResponse {
  const leaderId = advertisedLeaderOf(ctx.role, ctx.nodeId);
  return {
    type: "raft-fetch-response",
    correlationId: request.correlationId,
    errorCode,
    epoch: epochOf(ctx.role),
    ...(leaderId === undefined ? {} : { leaderId }),
    highWatermark: ctx.highWatermark,
    logStartOffset: ctx.log.logStartOffset,
    records: new Uint8Array(0),
    ...extra,
  };
}

export function handleFetchRequest(ctx: RaftContext, from: NodeId, request: FetchRequest): void {
  const role = ctx.role;
  if (role.type !== "leader" || request.epoch !== role.epoch) {
    const code =
      role.type === "leader" && request.epoch < role.epoch
        ? ErrorCode.FENCED_LEADER_EPOCH
        : request.epoch > epochOf(role)
          ? ErrorCode.UNKNOWN_LEADER_EPOCH
          : ErrorCode.NOT_LEADER_OR_FOLLOWER;
    ctx.send(from, fetchResponse(ctx, request, code));
    return;
  }
  const replica = replicaState(role, from);
  if (replica === undefined) {
    ctx.outbox.mark("raft-observers-over-limit");
    ctx.send(from, fetchResponse(ctx, request, ErrorCode.NOT_LEADER_OR_FOLLOWER));
    return;
  }
  replica.lastFetchAt = ctx.now;
  replica.acknowledged = true;
  const validation = validateFetch(ctx, request.fetchOffset, request.lastFetchedEpoch);
  if (validation.type === "diverging") {
    ctx.outbox.mark("raft-leader-answered-diverging-epoch");
    const divergingEpoch = { epoch: validation.epoch, endOffset: validation.endOffset };
    ctx.send(from, fetchResponse(ctx, request, ErrorCode.NONE, { divergingEpoch }));
    return;
  }
  if (validation.type === "snapshot") {
    ctx.outbox.mark("raft-leader-answered-snapshot-id");
    const snapshot = ctx.log.snapshot;
    assert(snapshot !== undefined, "log start above 0 without a snapshot");
    ctx.send(from, fetchResponse(ctx, request, ErrorCode.NONE, { snapshotId: snapshot }));
    return;
  }
  replica.fetchOffset = request.fetchOffset;
  if (role.voters.has(from)) maybeAdvanceHighWatermark(ctx);
  if (request.fetchOffset < ctx.log.logEndOffset) {
    sendRecords(ctx, from, request);
  } else if (request.maxWaitMs > 0) {
    role.parked = role.parked.filter((p) => p.from !== from);
    assert(role.parked.length < limits.parkedFetchesMax, "parked fetches over limit");
    const wait = Math.min(request.maxWaitMs, ctx.config.fetchMaxWaitMs);
    role.parked.push({ from, request, deadline: ctx.now + wait });
  } else {
    ctx.send(from, fetchResponse(ctx, request, ErrorCode.NONE));
  }
}

function replicaState(role: LeaderRole, from: NodeId): ReplicaState | undefined {
  const voter = role.voters.get(from);
  if (voter !== undefined) return voter;
  const observer = role.observers.get(from);
  if (observer !== undefined) return observer;
  if (role.observers.size >= limits.metadataObserversMax) return undefined;
  const fresh: ReplicaState = { fetchOffset: -1, lastFetchAt: undefined, acknowledged: true };
  role.observers.set(from, fresh);
  return fresh;
}

function sendRecords(ctx: RaftContext, to: NodeId, request: FetchRequest): void {
  const epoch = epochOf(ctx.role);
  const maxBytes = Math.max(1, Math.min(request.maxBytes, ctx.config.fetchMaxBytes));
  ctx.log.read(request.fetchOffset, maxBytes, (result) => {
    if (ctx.role.type !== "leader" || ctx.role.epoch !== epoch) return;
    if (!result.ok) {
      ctx.outbox.mark("raft-leader-read-failed");
      ctx.send(to, fetchResponse(ctx, request, ErrorCode.KAFKA_STORAGE_ERROR));
      return;
    }
    ctx.send(to, fetchResponse(ctx, request, ErrorCode.NONE, { records: result.value }));
  });
}

/** New entries or a new high watermark: every parked fetch is answered now. */
export function wakeParked(ctx: RaftContext): void {
  const role = ctx.role;
  if (role.type !== "leader" || role.parked.length === 0) return;
  const parked = role.parked;
  role.parked = [];
  for (const p of parked) answerOne(ctx, p.from, p.request);
}

function answerOne(ctx: RaftContext, from: NodeId, request: FetchRequest): void {
  if (request.fetchOffset < ctx.log.logEndOffset) sendRecords(ctx, from, request);
  else ctx.send(from, fetchResponse(ctx, request, ErrorCode.NONE));
}

/** Leadership ends: parked fetchers learn it at once instead of waiting for their timeout. */
export function answerParked(ctx: RaftContext, role: LeaderRole, errorCode: ErrorCode): void {
  const parked = role.parked;
  role.parked = [];
  for (const p of parked) {
    // No leader named: the fetcher learns at once that this epoch's leader is gone.
    const { leaderId: _self, ...response } = fetchResponse(ctx, p.request, errorCode);
    ctx.send(p.from, { ...response, epoch: role.epoch });
  }
}

/** HW = the largest offset a majority of voters holds durably, once this epoch's first entry is in. */
export function maybeAdvanceHighWatermark(ctx: RaftContext): void {
  const role = ctx.role;
  if (role.type !== "leader") return;
  const offsets = ctx.config.voters
    .map((v) => (v === ctx.nodeId ? ctx.log.syncedEndOffset : role.voters.get(v)!.fetchOffset))
    .sort((a, b) => b - a);
  const committed = offsets[ctx.majority() - 1]!;
  if (committed > role.epochStartOffset && committed > ctx.highWatermark) {
    setHighWatermark(ctx, committed);
  }
}

export function sendBeginQuorumEpoch(ctx: RaftContext): void {
  const role = ctx.role;
  if (role.type !== "leader") return;
  for (const [voter, state] of role.voters) {
    if (state.acknowledged) continue;
    ctx.send(voter, {
      type: "raft-begin-quorum-epoch-request",
      correlationId: ctx.correlationId(),
      epoch: role.epoch,
      leaderId: ctx.nodeId,
    });
  }
  role.beginQuorumAt = ctx.now + Math.max(1, Math.floor(ctx.config.electionTimeoutMs / 2));
}

export function leaderWakeup(role: LeaderRole): number {
  let at = Math.min(role.checkQuorumAt, role.beginQuorumAt);
  for (const p of role.parked) at = Math.min(at, p.deadline);
  return at;
}

export function onLeaderTimer(ctx: RaftContext): void {
  const role = ctx.role;
  if (role.type !== "leader") return;
  const due = role.parked.filter((p) => p.deadline <= ctx.now);
  if (due.length > 0) {
    role.parked = role.parked.filter((p) => p.deadline > ctx.now);
    for (const p of due) ctx.send(p.from, fetchResponse(ctx, p.request, ErrorCode.NONE));
  }
  if (ctx.now >= role.beginQuorumAt) {
    const pending = [...role.voters.values()].some((s) => !s.acknowledged);
    if (pending) sendBeginQuorumEpoch(ctx);
    else role.beginQuorumAt = Number.POSITIVE_INFINITY;
  }
  if (ctx.now >= role.checkQuorumAt) checkQuorum(ctx, role);
}

function checkQuorum(ctx: RaftContext, role: LeaderRole): void {
  const window = checkQuorumWindowMs(ctx);
  let fetched = 1;
  for (const s of role.voters.values()) {
    if (s.lastFetchAt !== undefined && s.lastFetchAt >= ctx.now - window) fetched++;
  }
  if (fetched >= ctx.majority()) {
    role.checkQuorumAt = ctx.now + window;
    return;
  }
  ctx.outbox.mark("raft-leader-lost-quorum");
  becomeResigned(ctx, [], "a majority stopped fetching");
}

/** Voters by how far they have fetched, best first: whom a resigning leader recommends. */
export function preferredSuccessors(role: LeaderRole): NodeId[] {
  return [...role.voters.entries()]
    .sort(([a, sa], [b, sb]) => sb.fetchOffset - sa.fetchOffset || a - b)
    .map(([id]) => id);
}
