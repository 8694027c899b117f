// Trace events of core/metadata/: the quorum's role changes, votes, commits, truncations and
// snapshots, each with the epoch it happened in, for checkers and the viewer.

import type { Epoch, NodeId, Offset } from "../ids.ts";

export type RaftRoleName =
  | "recovering"
  | "unattached"
  | "follower"
  | "prospective"
  | "candidate"
  | "leader"
  | "resigned"
  | "halted";

export type MetadataTraceEvent =
  | {
      readonly type: "raft-role-changed";
      readonly role: RaftRoleName;
      readonly epoch: Epoch;
      readonly leaderId: NodeId | null;
      readonly reason: string;
    }
  | {
      readonly type: "raft-vote";
      readonly candidateId: NodeId;
      readonly epoch: Epoch;
      readonly preVote: boolean;
      readonly granted: boolean;
      /** Why: "granted", "stale-log", "already-voted", "has-leader", "stale-epoch", ... */
      readonly reason: string;
    }
  | {
      readonly type: "raft-commit-advanced";
      readonly epoch: Epoch;
      readonly highWatermark: Offset;
    }
  | {
      readonly type: "raft-truncated";
      readonly epoch: Epoch;
      readonly logEndOffset: Offset;
      readonly reason: string;
    }
  | {
      readonly type: "raft-snapshot-taken";
      readonly endOffset: Offset;
      readonly epoch: Epoch;
      readonly bytes: number;
    }
  | {
      readonly type: "raft-snapshot-loaded";
      readonly endOffset: Offset;
      readonly epoch: Epoch;
      readonly source: "disk" | "leader";
    }
  | {
      readonly type: "raft-recovered";
      readonly epoch: Epoch;
      readonly logStartOffset: Offset;
      readonly logEndOffset: Offset;
      readonly truncatedBytes: number;
    }
  | { readonly type: "raft-halted"; readonly reason: string };
