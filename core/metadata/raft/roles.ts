// The roles a quorum member moves through (KIP-595 with KIP-996's prospective), as one tagged
// union: each role carries exactly the state and deadlines it needs, so a stale field of a past
// role cannot leak into the next one.

import type { Epoch, Millis, NodeId, Offset } from "../../ids.ts";
import type { FetchRequest } from "../messages.ts";
import type { RaftRoleName } from "../trace-events.ts";
import type { SnapshotId } from "./snapshot-codec.ts";

/** A request in flight: its id, and when to give up on its answer. */
export interface InFlight {
  readonly correlationId: number;
  readonly deadline: Millis;
}

export interface FetchLoop {
  inflight: (InFlight & { readonly fetchOffset: Offset; readonly to: NodeId }) | undefined;
  /** When to send the next fetch; undefined while waiting for a sync or a response. */
  nextFetchAt: Millis | undefined;
}

export interface SnapshotFetch {
  readonly id: SnapshotId;
  position: number;
  size: number | undefined;
  readonly chunks: Uint8Array[];
  inflight: InFlight | undefined;
  nextAt: Millis | undefined;
  /** The file is whole and being made durable; no more requests. */
  completing: boolean;
}

export interface ReplicaState {
  /** The replica's synced log end offset as its last valid fetch said; -1 before any. */
  fetchOffset: Offset;
  lastFetchAt: Millis | undefined;
  /** It answered BeginQuorumEpoch or fetched in this epoch: no need to tell it again. */
  acknowledged: boolean;
}

export interface ParkedFetch {
  readonly from: NodeId;
  readonly request: FetchRequest;
  readonly deadline: Millis;
}

export type Role =
  | { readonly type: "recovering" }
  | { readonly type: "halted"; readonly epoch: Epoch; readonly reason: string }
  | {
      readonly type: "unattached";
      readonly epoch: Epoch;
      readonly votedFor: NodeId | undefined;
      /** Voters only: when to start a pre-vote. */
      readonly electionDeadline: Millis | undefined;
      /** Observers only: fetches to random voters until one names the leader. */
      readonly discovery: FetchLoop | undefined;
    }
  | {
      readonly type: "follower";
      readonly epoch: Epoch;
      readonly leaderId: NodeId;
      readonly votedFor: NodeId | undefined;
      /** No successful fetch by then: the leader is presumed gone. */
      fetchDeadline: Millis;
      hasFetched: boolean;
      readonly fetch: FetchLoop;
      snapshot: SnapshotFetch | undefined;
    }
  | {
      readonly type: "prospective";
      readonly epoch: Epoch;
      readonly leaderId: NodeId | undefined;
      readonly votedFor: NodeId | undefined;
      readonly granted: Set<NodeId>;
      readonly rejected: Set<NodeId>;
      readonly correlationIds: Set<number>;
      readonly electionDeadline: Millis;
    }
  | {
      readonly type: "candidate";
      readonly epoch: Epoch;
      readonly granted: Set<NodeId>;
      readonly rejected: Set<NodeId>;
      readonly correlationIds: Set<number>;
      electionDeadline: Millis;
      requested: boolean;
    }
  | {
      readonly type: "leader";
      readonly epoch: Epoch;
      /** Offset of this epoch's leader-change record: the high watermark waits for it. */
      readonly epochStartOffset: Offset;
      readonly voters: Map<NodeId, ReplicaState>;
      readonly observers: Map<NodeId, ReplicaState>;
      parked: ParkedFetch[];
      beginQuorumAt: Millis;
      checkQuorumAt: Millis;
    }
  | {
      readonly type: "resigned";
      readonly epoch: Epoch;
      readonly electionDeadline: Millis;
      readonly preferredSuccessors: readonly NodeId[];
    };

export type RoleType = Role["type"];

export function epochOf(role: Role): Epoch {
  return role.type === "recovering" ? 0 : role.epoch;
}

/** The leader this role knows for its epoch (persisted, and shown in the view). */
export function leaderOf(role: Role, self: NodeId): NodeId | undefined {
  switch (role.type) {
    case "follower":
      return role.leaderId;
    case "leader":
    case "resigned":
      return self;
    default:
      return undefined;
  }
}

/**
 * The leader named in answers to peers: only one this node knows to be alive (it leads, or it
 * fetched from it in this role). Naming a leader that may be gone would pull a peer back to it.
 */
export function advertisedLeaderOf(role: Role, self: NodeId): NodeId | undefined {
  if (role.type === "leader") return self;
  if (role.type === "follower" && role.hasFetched) return role.leaderId;
  return undefined;
}

/** The vote this role holds in its epoch. */
export function votedForOf(role: Role, self: NodeId): NodeId | undefined {
  switch (role.type) {
    case "unattached":
    case "follower":
    case "prospective":
      return role.votedFor;
    case "candidate":
    case "leader":
    case "resigned":
      return self;
    default:
      return undefined;
  }
}

export function roleName(role: Role): RaftRoleName {
  return role.type;
}
