// Peer messages of the metadata quorum (KIP-595 Raft RPCs: Vote with KIP-996's pre-vote flag,
// BeginQuorumEpoch, EndQuorumEpoch, Fetch, and KIP-630's FetchSnapshot), joined with the broker
// lifecycle messages (registration, heartbeats, envelopes). Kafka outcomes travel as ErrorCode values.

import type { ErrorCode } from "../error-codes.ts";
import type { Epoch, NodeId, Offset } from "../ids.ts";
import type { BrokerLifecycleMessage } from "./broker-lifecycle-messages.ts";

export interface RaftSnapshotId {
  readonly endOffset: Offset;
  readonly epoch: Epoch;
}

/** Sent by a prospective (preVote, its current epoch) or a candidate (its new epoch). */
export interface VoteRequest {
  readonly type: "raft-vote-request";
  readonly correlationId: number;
  readonly epoch: Epoch;
  readonly candidateId: NodeId;
  /** The epoch of the candidate's last entry (or snapshot) and its log end offset. */
  readonly lastEpoch: Epoch;
  readonly lastEndOffset: Offset;
  readonly preVote: boolean;
}

export interface VoteResponse {
  readonly type: "raft-vote-response";
  readonly correlationId: number;
  readonly errorCode: ErrorCode;
  /** The responder's epoch after handling the request. */
  readonly epoch: Epoch;
  readonly leaderId?: NodeId;
  readonly voteGranted: boolean;
  readonly preVote: boolean;
}

export interface BeginQuorumEpochRequest {
  readonly type: "raft-begin-quorum-epoch-request";
  readonly correlationId: number;
  readonly epoch: Epoch;
  readonly leaderId: NodeId;
}

export interface BeginQuorumEpochResponse {
  readonly type: "raft-begin-quorum-epoch-response";
  readonly correlationId: number;
  readonly errorCode: ErrorCode;
  readonly epoch: Epoch;
  readonly leaderId?: NodeId;
}

/** A leader resigning (graceful shutdown) names the voters best placed to succeed it. */
export interface EndQuorumEpochRequest {
  readonly type: "raft-end-quorum-epoch-request";
  readonly correlationId: number;
  readonly epoch: Epoch;
  readonly leaderId: NodeId;
  readonly preferredSuccessors: readonly NodeId[];
}

export interface EndQuorumEpochResponse {
  readonly type: "raft-end-quorum-epoch-response";
  readonly correlationId: number;
  readonly errorCode: ErrorCode;
  readonly epoch: Epoch;
  readonly leaderId?: NodeId;
}

/** Pull-based replication: a fetch at fetchOffset acknowledges every entry below it. */
export interface FetchRequest {
  readonly type: "raft-fetch-request";
  readonly correlationId: number;
  readonly epoch: Epoch;
  readonly replicaId: NodeId;
  readonly fetchOffset: Offset;
  /** The epoch of the entry at fetchOffset - 1 (or of the snapshot ending there). */
  readonly lastFetchedEpoch: Epoch;
  readonly maxWaitMs: number;
  readonly maxBytes: number;
}

export interface FetchResponse {
  readonly type: "raft-fetch-response";
  readonly correlationId: number;
  readonly errorCode: ErrorCode;
  readonly epoch: Epoch;
  readonly leaderId?: NodeId;
  readonly highWatermark: Offset;
  readonly logStartOffset: Offset;
  /** Whole encoded entries from fetchOffset on (see raft/entry-codec.ts); empty when none. */
  readonly records: Uint8Array;
  /** Set when the follower's log diverges: truncate to at most endOffset (KIP-595). */
  readonly divergingEpoch?: { readonly epoch: Epoch; readonly endOffset: Offset };
  /** Set when fetchOffset is below the log start: fetch this snapshot first (KIP-630). */
  readonly snapshotId?: RaftSnapshotId;
}

export interface FetchSnapshotRequest {
  readonly type: "raft-fetch-snapshot-request";
  readonly correlationId: number;
  readonly epoch: Epoch;
  readonly replicaId: NodeId;
  readonly snapshotId: RaftSnapshotId;
  readonly position: number;
  readonly maxBytes: number;
}

export interface FetchSnapshotResponse {
  readonly type: "raft-fetch-snapshot-response";
  readonly correlationId: number;
  readonly errorCode: ErrorCode;
  readonly epoch: Epoch;
  readonly leaderId?: NodeId;
  readonly snapshotId: RaftSnapshotId;
  /** Bytes of the whole snapshot file. */
  readonly size: number;
  readonly position: number;
  readonly bytes: Uint8Array;
}

export type RaftMessage =
  | VoteRequest
  | VoteResponse
  | BeginQuorumEpochRequest
  | BeginQuorumEpochResponse
  | EndQuorumEpochRequest
  | EndQuorumEpochResponse
  | FetchRequest
  | FetchResponse
  | FetchSnapshotRequest
  | FetchSnapshotResponse;

export type RaftMessageType = RaftMessage["type"];

export type MetadataMessage = RaftMessage | BrokerLifecycleMessage;
