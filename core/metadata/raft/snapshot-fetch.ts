// KIP-630 on both sides: a leader serves chunks of its latest snapshot file; a follower whose fetch
// offset fell below the leader's log start fetches it chunk by chunk into a part file, makes it
// durable under its final name, restores the state machine from it and fetches on from its end.

import { ErrorCode } from "../../error-codes.ts";
import type { NodeId } from "../../ids.ts";
import { limits } from "../../limits.ts";
import type { FetchSnapshotRequest, FetchSnapshotResponse, RaftSnapshotId } from "../messages.ts";
import { setHighWatermark } from "./applier.ts";
import type { RaftContext } from "./context.ts";
import { pumpFetch } from "./follower.ts";
import { advertisedLeaderOf, epochOf, type Role } from "./roles.ts";
import { decodeSnapshot, type SnapshotId } from "./snapshot-codec.ts";
import { sameId } from "./snapshot-store.ts";

type FollowerRole = Extract<Role, { type: "follower" }>;

export function startSnapshotFetch(ctx: RaftContext, role: FollowerRole, id: RaftSnapshotId): void {
  if (ctx.snapshots.writing) {
    role.fetch.nextFetchAt = ctx.now + ctx.config.retryBackoffMs;
    return;
  }
  ctx.outbox.mark("raft-follower-fetching-snapshot");
  role.fetch.nextFetchAt = undefined;
  role.snapshot = {
    id,
    position: 0,
    size: undefined,
    chunks: [],
    inflight: undefined,
    nextAt: ctx.now,
    completing: false,
  };
}

export function pumpSnapshotFetch(ctx: RaftContext, role: FollowerRole): void {
  const s = role.snapshot;
  if (s === undefined || s.inflight !== undefined || s.completing) return;
  if (s.nextAt === undefined || ctx.now < s.nextAt) return;
  const correlationId = ctx.correlationId();
  s.inflight = { correlationId, deadline: ctx.now + ctx.config.requestTimeoutMs };
  s.nextAt = undefined;
  ctx.send(role.leaderId, {
    type: "raft-fetch-snapshot-request",
    correlationId,
    epoch: role.epoch,
    replicaId: ctx.nodeId,
    snapshotId: s.id,
    position: s.position,
    maxBytes: ctx.config.fetchSnapshotMaxBytes,
  });
}

export function handleFetchSnapshotRequest(
  ctx: RaftContext,
  from: NodeId,
  request: FetchSnapshotRequest,
): void {
  const role = ctx.role;
  const answer = (errorCode: ErrorCode, size = 0, bytes: Uint8Array = new Uint8Array(0)) => {
    const leaderId = advertisedLeaderOf(ctx.role, ctx.nodeId);
    const response: FetchSnapshotResponse = {
      type: "raft-fetch-snapshot-response",
      correlationId: request.correlationId,
      errorCode,
      epoch: epochOf(ctx.role),
      ...(leaderId === undefined ? {} : { leaderId }),
      snapshotId: request.snapshotId,
      size,
      position: request.position,
      bytes,
    };
    ctx.send(from, response);
  };
  if (role.type !== "leader" || request.epoch !== role.epoch) {
    const fenced = role.type === "leader" && request.epoch < role.epoch;
    answer(fenced ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.NOT_LEADER_OR_FOLLOWER);
    return;
  }
  const latest = ctx.snapshots.latest;
  if (latest === undefined || !sameId(latest.id, request.snapshotId)) {
    ctx.outbox.mark("raft-snapshot-not-found");
    answer(ErrorCode.SNAPSHOT_NOT_FOUND);
    return;
  }
  if (request.position < 0 || request.position > latest.size) {
    answer(ErrorCode.POSITION_OUT_OF_RANGE);
    return;
  }
  const replica = role.voters.get(from) ?? role.observers.get(from);
  if (replica !== undefined) replica.lastFetchAt = ctx.now;
  const maxBytes = Math.max(1, Math.min(request.maxBytes, ctx.config.fetchSnapshotMaxBytes));
  const epoch = role.epoch;
  ctx.snapshots.readChunk(latest.id, request.position, maxBytes, (result) => {
    if (ctx.role.type !== "leader" || ctx.role.epoch !== epoch) return;
    if (result.ok) answer(ErrorCode.NONE, latest.size, result.value);
    else answer(ErrorCode.KAFKA_STORAGE_ERROR);
  });
}

export function handleFetchSnapshotResponse(
  ctx: RaftContext,
  response: FetchSnapshotResponse,
): void {
  const role = ctx.role;
  if (role.type !== "follower" || role.snapshot === undefined) return;
  const s = role.snapshot;
  if (s.inflight?.correlationId !== response.correlationId) return;
  s.inflight = undefined;
  if (response.errorCode !== ErrorCode.NONE) {
    snapshotFetchFailed(ctx, role, response);
    return;
  }
  role.fetchDeadline = ctx.now + ctx.config.fetchTimeoutMs;
  const valid =
    sameId(response.snapshotId, s.id) &&
    response.position === s.position &&
    response.size <= limits.metadataSnapshotBytesMax &&
    (s.size === undefined || s.size === response.size) &&
    response.position + response.bytes.length <= response.size &&
    (response.bytes.length > 0 || response.position === response.size);
  if (!valid) {
    ctx.outbox.mark("raft-snapshot-chunk-rejected");
    s.nextAt = ctx.now + ctx.config.retryBackoffMs;
    return;
  }
  s.size = response.size;
  if (response.bytes.length > 0) {
    ctx.snapshots.writeChunk(s.id, s.position, response.bytes);
    s.chunks.push(response.bytes);
    s.position += response.bytes.length;
  }
  if (s.position < s.size) {
    s.nextAt = ctx.now;
    pumpSnapshotFetch(ctx, role);
    return;
  }
  completeSnapshotFetch(ctx, role);
}

function snapshotFetchFailed(
  ctx: RaftContext,
  role: FollowerRole,
  response: FetchSnapshotResponse,
): void {
  if (response.epoch > role.epoch || response.errorCode === ErrorCode.SNAPSHOT_NOT_FOUND) {
    // A newer snapshot replaced it, or the leader moved on: start over with a plain fetch.
    role.snapshot = undefined;
    role.fetch.nextFetchAt = ctx.now + ctx.config.retryBackoffMs;
    return;
  }
  role.snapshot!.nextAt = ctx.now + ctx.config.retryBackoffMs;
}

function completeSnapshotFetch(ctx: RaftContext, role: FollowerRole): void {
  const s = role.snapshot!;
  const bytes = new Uint8Array(s.position);
  let at = 0;
  for (const c of s.chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  const decoded = decodeSnapshot(bytes, ctx.config.crc);
  if (!decoded.ok || !sameId(decoded.value.id, s.id)) {
    ctx.outbox.mark("raft-fetched-snapshot-corrupt");
    role.snapshot = undefined;
    role.fetch.nextFetchAt = ctx.now + ctx.config.retryBackoffMs;
    return;
  }
  s.completing = true;
  s.chunks.length = 0;
  const state = decoded.value.state;
  ctx.snapshots.completeFetched(s.id, bytes.length, () => installSnapshot(ctx, s.id, state));
}

/** The fetched snapshot is durable: it replaces the state machine and whatever log lies below. */
function installSnapshot(ctx: RaftContext, id: SnapshotId, state: Uint8Array): void {
  if (ctx.role.type === "halted") return;
  const contained = ctx.log.contains(id.endOffset - 1, id.epoch);
  if (!contained && ctx.highWatermark > id.endOffset) {
    // The log moved past this snapshot while it was being made durable: keep the log.
    ctx.outbox.mark("raft-snapshot-install-skipped");
    return;
  }
  if (ctx.applied < id.endOffset) {
    ctx.stateMachine.restore(state);
    ctx.applied = id.endOffset;
    ctx.applyGeneration++;
  }
  if (contained) {
    ctx.log.advanceLogStart(id);
  } else {
    ctx.outbox.mark("raft-follower-log-replaced-by-snapshot");
    ctx.log.resetTo(id);
  }
  ctx.outbox.trace({ type: "raft-snapshot-loaded", ...id, source: "leader" });
  if (id.endOffset > ctx.highWatermark) setHighWatermark(ctx, id.endOffset);
  const role = ctx.role;
  if (role.type === "follower" && role.snapshot !== undefined && sameId(role.snapshot.id, id)) {
    role.snapshot = undefined;
    role.fetch.nextFetchAt = ctx.now;
  }
  pumpFetch(ctx);
}
