// RaftCore: the metadata quorum member as a component a broker/controller node embeds. The owner
// routes time, peer messages and disk completions in; effects leave through the shared Outbox
// (sends, disk work, traces). Pure and deterministic: randomness comes from the injected Rng.

import { assert, assertNever } from "../../assert.ts";
import type { Epoch, Millis, NodeId, Offset } from "../../ids.ts";
import { limits } from "../../limits.ts";
import type { RaftMessage } from "../messages.ts";
import type { RaftRecord } from "../records.ts";
import type { RaftRoleName } from "../trace-events.ts";
import type { RaftConfig } from "./config.ts";
import { type MetadataStateMachine, RaftContext, type RaftIo } from "./context.ts";
import { handleVoteRequest, handleVoteResponse, onElectionTimer } from "./election.ts";
import { encodeEntries } from "./entry-codec.ts";
import {
  handleBeginQuorumEpoch,
  handleBeginQuorumEpochResponse,
  handleEndQuorumEpoch,
} from "./epoch-notices.ts";
import {
  followerWakeup,
  handleFetchResponse,
  onFollowerTimer,
  onPeerUnreachable,
  pumpFetch,
} from "./follower.ts";
import {
  handleFetchRequest,
  leaderWakeup,
  maybeAdvanceHighWatermark,
  onLeaderTimer,
  preferredSuccessors,
  wakeParked,
} from "./leader.ts";
import { Recovery, type RecoveryResult } from "./recovery.ts";
import { epochOf, leaderOf, votedForOf } from "./roles.ts";
import { handleFetchSnapshotRequest, handleFetchSnapshotResponse } from "./snapshot-fetch.ts";
import { becomeFollower, becomeResigned, becomeUnattached, halt } from "./transitions.ts";

export type ProposeResult =
  | {
      readonly type: "appended";
      readonly epoch: Epoch;
      readonly baseOffset: Offset;
      readonly lastOffset: Offset;
    }
  | { readonly type: "not-leader"; readonly epoch: Epoch; readonly leaderId: NodeId | null }
  /** Too many bytes above the high watermark: retry once commits catch up. */
  | { readonly type: "backpressure" }
  | { readonly type: "record-too-large"; readonly bytes: number };

export interface VoterFetchState {
  readonly nodeId: NodeId;
  readonly fetchOffset: Offset;
  readonly lastFetchAt: Millis | null;
}

export interface RaftView {
  readonly nodeId: NodeId;
  readonly isVoter: boolean;
  readonly role: RaftRoleName;
  readonly epoch: Epoch;
  readonly leaderId: NodeId | null;
  readonly votedFor: NodeId | null;
  readonly logStartOffset: Offset;
  readonly logEndOffset: Offset;
  readonly syncedEndOffset: Offset;
  readonly highWatermark: Offset;
  /** The next offset the state machine will be given. */
  readonly appliedOffset: Offset;
  readonly lastEpoch: Epoch;
  readonly snapshotId: { readonly endOffset: Offset; readonly epoch: Epoch } | null;
  /** Leader only: what each other voter's fetches said. */
  readonly voterStates: readonly VoterFetchState[];
  readonly haltedReason: string | null;
}

export class RaftCore {
  readonly #ctx: RaftContext;

  constructor(config: RaftConfig, io: RaftIo, stateMachine: MetadataStateMachine) {
    const ctx = new RaftContext(config, io, stateMachine);
    ctx.onFailure = (reason) => halt(ctx, reason);
    ctx.onSynced = () => {
      maybeAdvanceHighWatermark(ctx);
      pumpFetch(ctx);
    };
    this.#ctx = ctx;
  }

  /** Begins recovery (list, read, validate); the member takes part once it completes. */
  start(now: Millis): void {
    const ctx = this.#ctx;
    ctx.now = now;
    assert(ctx.role.type === "recovering", "start called twice");
    new Recovery(
      ctx.config,
      ctx.diskIo,
      ctx.outbox,
      (result) => this.#recovered(result),
      (reason) => halt(ctx, reason),
    ).start();
  }

  #recovered(result: RecoveryResult): void {
    const ctx = this.#ctx;
    if (ctx.role.type !== "recovering") return;
    if (result.election !== undefined) ctx.quorum.loaded(result.election);
    if (result.snapshot !== undefined) {
      ctx.snapshots.loaded(result.snapshot.file);
      ctx.stateMachine.restore(result.snapshot.state);
      ctx.outbox.trace({
        type: "raft-snapshot-loaded",
        ...result.snapshot.file.id,
        source: "disk",
      });
    }
    ctx.log.load(result.log);
    ctx.applied = ctx.log.logStartOffset;
    ctx.highWatermark = ctx.log.logStartOffset;
    ctx.highWatermarkSeen = ctx.highWatermark;
    const election = result.election;
    const epoch = Math.max(election?.epoch ?? 0, ctx.log.lastEpoch);
    const same = election !== undefined && election.epoch === epoch;
    ctx.outbox.trace({
      type: "raft-recovered",
      epoch,
      logStartOffset: ctx.log.logStartOffset,
      logEndOffset: ctx.log.logEndOffset,
      truncatedBytes: result.truncatedBytes,
    });
    const leaderId = same ? election.leaderId : undefined;
    const votedFor = same ? election.votedFor : undefined;
    if (leaderId !== undefined && leaderId !== ctx.nodeId) {
      becomeFollower(ctx, epoch, leaderId, "recovered", votedFor);
    } else {
      becomeUnattached(ctx, epoch, "recovered", votedFor === undefined ? {} : { votedFor });
    }
  }

  /** Fires every due deadline. Call it first in every step of the owner, with that step's time. */
  tick(now: Millis): void {
    const ctx = this.#ctx;
    ctx.now = now;
    for (let round = 0; round < 8; round++) {
      const before = ctx.role;
      switch (before.type) {
        case "recovering":
        case "halted":
          return;
        case "unattached":
          if (ctx.isVoter) onElectionTimer(ctx);
          else onFollowerTimer(ctx);
          break;
        case "follower":
          onFollowerTimer(ctx);
          break;
        case "prospective":
        case "candidate":
        case "resigned":
          onElectionTimer(ctx);
          break;
        case "leader":
          onLeaderTimer(ctx);
          break;
        default:
          assertNever(before, "raft role");
      }
      if (ctx.role === before) return;
    }
  }

  receive(now: Millis, from: NodeId, message: RaftMessage): void {
    this.tick(now);
    const ctx = this.#ctx;
    if (ctx.role.type === "recovering" || ctx.role.type === "halted") return;
    switch (message.type) {
      case "raft-vote-request":
        handleVoteRequest(ctx, from, message);
        return;
      case "raft-vote-response":
        handleVoteResponse(ctx, from, message);
        return;
      case "raft-begin-quorum-epoch-request":
        handleBeginQuorumEpoch(ctx, from, message);
        return;
      case "raft-begin-quorum-epoch-response":
        handleBeginQuorumEpochResponse(ctx, from, message);
        return;
      case "raft-end-quorum-epoch-request":
        handleEndQuorumEpoch(ctx, from, message);
        return;
      case "raft-end-quorum-epoch-response":
        return;
      case "raft-fetch-request":
        handleFetchRequest(ctx, from, message);
        return;
      case "raft-fetch-response":
        handleFetchResponse(ctx, from, message);
        return;
      case "raft-fetch-snapshot-request":
        handleFetchSnapshotRequest(ctx, from, message);
        return;
      case "raft-fetch-snapshot-response":
        handleFetchSnapshotResponse(ctx, message);
        return;
      default:
        assertNever(message, "metadata message");
    }
  }

  /** The link to `peer` broke: requests in flight to it are lost. */
  peerUnreachable(now: Millis, peer: NodeId): void {
    this.tick(now);
    onPeerUnreachable(this.#ctx, peer);
  }

  /**
   * Leader only: appends records in the current epoch. They commit once a majority of voters
   * (the leader counting only what it has synced) holds them; the state machine's apply() is the
   * commit notification.
   */
  propose(now: Millis, records: readonly RaftRecord[]): ProposeResult {
    this.tick(now);
    const ctx = this.#ctx;
    const role = ctx.role;
    if (role.type !== "leader") {
      return {
        type: "not-leader",
        epoch: epochOf(role),
        leaderId: leaderOf(role, ctx.nodeId) ?? null,
      };
    }
    assert(records.length > 0, "propose needs at least one record");
    const first = ctx.log.logEndOffset;
    const encoded = encodeEntries(role.epoch, first, records, ctx.config.crc);
    for (const f of encoded.frames) {
      const size = f.end - f.start;
      if (size > limits.metadataEntryBytesMax) return { type: "record-too-large", bytes: size };
    }
    const uncommitted = ctx.log.bytesFrom(ctx.highWatermark) + encoded.bytes.length;
    if (uncommitted > limits.metadataUncommittedBytesMax) return { type: "backpressure" };
    ctx.log.appendEncoded(encoded.bytes, encoded.frames);
    wakeParked(ctx);
    return {
      type: "appended",
      epoch: role.epoch,
      baseOffset: first,
      lastOffset: first + records.length - 1,
    };
  }

  /** Graceful shutdown: a leader resigns and tells voters to elect (EndQuorumEpoch). */
  resign(now: Millis): boolean {
    this.tick(now);
    const role = this.#ctx.role;
    if (role.type !== "leader") return false;
    becomeResigned(this.#ctx, preferredSuccessors(role), "graceful shutdown");
    return true;
  }

  nextWakeup(): Millis | undefined {
    const ctx = this.#ctx;
    const role = ctx.role;
    switch (role.type) {
      case "recovering":
      case "halted":
        return undefined;
      case "unattached":
        return ctx.isVoter ? role.electionDeadline : followerWakeup(ctx);
      case "follower":
        return followerWakeup(ctx);
      case "prospective":
      case "candidate":
      case "resigned":
        return role.electionDeadline;
      case "leader": {
        const at = leaderWakeup(role);
        return Number.isFinite(at) ? at : undefined;
      }
      default:
        return assertNever(role, "raft role");
    }
  }

  view(): RaftView {
    const ctx = this.#ctx;
    const role = ctx.role;
    const log = ctx.log;
    const voterStates =
      role.type === "leader"
        ? [...role.voters.entries()].map(([nodeId, s]) => ({
            nodeId,
            fetchOffset: s.fetchOffset,
            lastFetchAt: s.lastFetchAt ?? null,
          }))
        : [];
    return {
      nodeId: ctx.nodeId,
      isVoter: ctx.isVoter,
      role: role.type,
      epoch: epochOf(role),
      leaderId: leaderOf(role, ctx.nodeId) ?? null,
      votedFor: votedForOf(role, ctx.nodeId) ?? null,
      logStartOffset: log.logStartOffset,
      logEndOffset: log.logEndOffset,
      syncedEndOffset: log.syncedEndOffset,
      highWatermark: ctx.highWatermark,
      appliedOffset: ctx.applied,
      lastEpoch: log.lastEpoch,
      snapshotId: log.snapshot ?? null,
      voterStates,
      haltedReason: role.type === "halted" ? role.reason : null,
    };
  }

  /** The member's own invariants; the simulator calls this after every step. */
  checkInvariants(): void {
    const ctx = this.#ctx;
    const role = ctx.role;
    if (role.type === "recovering") return;
    ctx.log.checkInvariants();
    assert(ctx.highWatermark <= ctx.log.logEndOffset, "high watermark above log end offset");
    assert(ctx.highWatermark >= ctx.highWatermarkSeen, "high watermark went back");
    assert(ctx.applied <= ctx.highWatermark, "applied an uncommitted entry");
    assert(ctx.applied >= ctx.log.logStartOffset, "log start above what was applied");
    assert(epochOf(role) >= ctx.log.lastEpoch, "log holds an epoch from the future");
    if (role.type === "leader") {
      assert(
        ctx.log.logEndOffset > role.epochStartOffset,
        "leader without its epoch's first entry",
      );
      assert(ctx.log.lastEpoch === role.epoch, "leader's last entry not of its epoch");
    }
  }
}
