// The follower's side of replication (and an observer's): one fetch in flight at a time, sent only
// when every entry below its fetch offset is synced (a fetch offset acknowledges durably held
// entries); records are appended, a diverging epoch truncates (KIP-595), a snapshot id starts a
// snapshot fetch.

import { assert } from "../../assert.ts";
import { ErrorCode } from "../../error-codes.ts";
import type { NodeId } from "../../ids.ts";
import type { FetchResponse } from "../messages.ts";
import { setHighWatermark } from "./applier.ts";
import type { RaftContext } from "./context.ts";
import { scanEntries } from "./entry-codec.ts";
import { epochOf, type FetchLoop, type Role } from "./roles.ts";
import { pumpSnapshotFetch, startSnapshotFetch } from "./snapshot-fetch.ts";
import { becomeProspective, becomeUnattached, observeEpoch } from "./transitions.ts";

type FollowerRole = Extract<Role, { type: "follower" }>;

function fetchLoopOf(role: Role): FetchLoop | undefined {
  if (role.type === "follower") return role.fetch;
  if (role.type === "unattached") return role.discovery;
  return undefined;
}

/** Sends the next fetch if one is due and allowed. */
export function pumpFetch(ctx: RaftContext): void {
  const role = ctx.role;
  if (role.type === "follower" && role.snapshot !== undefined) {
    pumpSnapshotFetch(ctx, role);
    return;
  }
  const loop = fetchLoopOf(role);
  if (loop === undefined || loop.inflight !== undefined || loop.nextFetchAt === undefined) return;
  if (ctx.now < loop.nextFetchAt) return;
  if (ctx.log.syncedEndOffset < ctx.log.logEndOffset) return;
  const to =
    role.type === "follower"
      ? role.leaderId
      : ctx.config.voters[ctx.rng.int("observer-bootstrap", ctx.config.voters.length)]!;
  const correlationId = ctx.correlationId();
  const fetchOffset = ctx.log.logEndOffset;
  loop.inflight = {
    correlationId,
    deadline: ctx.now + ctx.config.requestTimeoutMs,
    fetchOffset,
    to,
  };
  loop.nextFetchAt = undefined;
  ctx.send(to, {
    type: "raft-fetch-request",
    correlationId,
    epoch: epochOf(role),
    replicaId: ctx.nodeId,
    fetchOffset,
    lastFetchedEpoch: ctx.log.lastEpoch,
    maxWaitMs: ctx.config.fetchMaxWaitMs,
    maxBytes: ctx.config.fetchMaxBytes,
  });
}

export function handleFetchResponse(ctx: RaftContext, from: NodeId, response: FetchResponse): void {
  const loop = fetchLoopOf(ctx.role);
  if (loop?.inflight === undefined || loop.inflight.correlationId !== response.correlationId) {
    return;
  }
  const fetchOffset = loop.inflight.fetchOffset;
  loop.inflight = undefined;
  if (response.errorCode !== ErrorCode.NONE) {
    fetchFailed(ctx, from, response, loop);
  } else if (!observeEpoch(ctx, response.epoch, response.leaderId ?? from, "fetch response")) {
    const role = ctx.role;
    if (role.type === "follower" && response.epoch === role.epoch) {
      fetchSucceeded(ctx, role, response, fetchOffset);
    }
  }
  pumpFetch(ctx);
}

function fetchFailed(
  ctx: RaftContext,
  from: NodeId,
  response: FetchResponse,
  loop: FetchLoop,
): void {
  if (observeEpoch(ctx, response.epoch, response.leaderId, "fetch error")) return;
  const role = ctx.role;
  const resigned =
    role.type === "follower" &&
    from === role.leaderId &&
    response.epoch === role.epoch &&
    response.leaderId === undefined;
  if (resigned) {
    ctx.outbox.mark("raft-follower-saw-leader-resigned");
    becomeUnattached(ctx, role.epoch, "leader resigned");
    return;
  }
  loop.nextFetchAt = ctx.now + ctx.config.retryBackoffMs;
}

function fetchSucceeded(
  ctx: RaftContext,
  role: FollowerRole,
  response: FetchResponse,
  fetchOffset: number,
): void {
  role.fetchDeadline = ctx.now + ctx.config.fetchTimeoutMs;
  role.hasFetched = true;
  role.fetch.nextFetchAt = ctx.now;
  if (ctx.log.logEndOffset !== fetchOffset) return;
  if (response.divergingEpoch !== undefined) {
    truncateDiverging(ctx, response.divergingEpoch);
    return;
  }
  if (response.snapshotId !== undefined) {
    startSnapshotFetch(ctx, role, response.snapshotId);
    return;
  }
  if (response.records.length > 0 && !appendFetched(ctx, response)) {
    role.fetch.nextFetchAt = ctx.now + ctx.config.retryBackoffMs;
    return;
  }
  const highWatermark = Math.min(response.highWatermark, ctx.log.logEndOffset);
  if (highWatermark > ctx.highWatermark) setHighWatermark(ctx, highWatermark);
}

/** Bad bytes from the leader are a value: the fetch is dropped and retried. */
function appendFetched(ctx: RaftContext, response: FetchResponse): boolean {
  const records = response.records;
  const scan = scanEntries(records, ctx.config.crc, 0, records.length, ctx.log.logEndOffset);
  const epochsOk = scan.frames.every(
    (f, i) =>
      f.epoch <= response.epoch &&
      f.epoch >= (i === 0 ? ctx.log.lastEpoch : scan.frames[i - 1]!.epoch),
  );
  if (scan.stop.type !== "end" || scan.frames.length === 0 || !epochsOk) {
    ctx.outbox.mark("raft-follower-rejected-bad-records");
    return false;
  }
  ctx.log.appendEncoded(records, scan.frames);
  return true;
}

/** KIP-595: cut the log to where it last agrees with the leader's. */
function truncateDiverging(
  ctx: RaftContext,
  diverging: { readonly epoch: number; readonly endOffset: number },
): void {
  const log = ctx.log;
  const ours = log.epochs.endOffsetForEpoch(diverging.epoch, log.logEndOffset);
  let target = ours === undefined ? log.logStartOffset : Math.min(ours.offset, diverging.endOffset);
  target = Math.max(log.logStartOffset, Math.min(target, log.logEndOffset));
  assert(target >= ctx.highWatermark, `divergence below the high watermark ${ctx.highWatermark}`);
  if (target === log.logEndOffset) return;
  log.truncateTo(target);
  ctx.outbox.mark("follower-truncated-divergent-tail");
  ctx.outbox.trace({
    type: "raft-truncated",
    epoch: epochOf(ctx.role),
    logEndOffset: target,
    reason: `diverging epoch ${diverging.epoch} ending at ${diverging.endOffset}`,
  });
}

export function followerWakeup(ctx: RaftContext): number | undefined {
  const role = ctx.role;
  const loop = fetchLoopOf(role);
  if (loop === undefined) return undefined;
  let at = role.type === "follower" ? role.fetchDeadline : Number.POSITIVE_INFINITY;
  if (loop.inflight !== undefined) at = Math.min(at, loop.inflight.deadline);
  const synced = ctx.log.syncedEndOffset >= ctx.log.logEndOffset;
  if (role.type === "follower" && role.snapshot !== undefined) {
    const s = role.snapshot;
    if (s.inflight !== undefined) at = Math.min(at, s.inflight.deadline);
    else if (s.nextAt !== undefined && !s.completing) at = Math.min(at, s.nextAt);
  } else if (loop.inflight === undefined && loop.nextFetchAt !== undefined && synced) {
    at = Math.min(at, loop.nextFetchAt);
  }
  return Number.isFinite(at) ? at : undefined;
}

export function onFollowerTimer(ctx: RaftContext): void {
  const role = ctx.role;
  const loop = fetchLoopOf(role);
  if (loop === undefined) return;
  if (role.type === "follower" && ctx.now >= role.fetchDeadline) {
    ctx.outbox.mark("raft-follower-fetch-timeout");
    if (ctx.isVoter) becomeProspective(ctx, "fetch timeout");
    else becomeUnattached(ctx, role.epoch, "fetch timeout");
    return;
  }
  if (loop.inflight !== undefined && ctx.now >= loop.inflight.deadline) {
    loop.inflight = undefined;
    loop.nextFetchAt = ctx.now;
  }
  if (role.type === "follower" && role.snapshot?.inflight !== undefined) {
    if (ctx.now >= role.snapshot.inflight.deadline) {
      role.snapshot.inflight = undefined;
      role.snapshot.nextAt = ctx.now;
    }
  }
  pumpFetch(ctx);
}

/** The link to `peer` broke: what was in flight to it is lost; retry after a short backoff. */
export function onPeerUnreachable(ctx: RaftContext, peer: NodeId): void {
  const role = ctx.role;
  const loop = fetchLoopOf(role);
  if (loop?.inflight !== undefined && loop.inflight.to === peer) {
    loop.inflight = undefined;
    loop.nextFetchAt = ctx.now + ctx.config.retryBackoffMs;
  }
  if (role.type === "follower" && role.leaderId === peer && role.snapshot?.inflight !== undefined) {
    role.snapshot.inflight = undefined;
    role.snapshot.nextAt = ctx.now + ctx.config.retryBackoffMs;
  }
}
