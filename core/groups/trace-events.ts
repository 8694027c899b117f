// Trace events of core/groups/: each group's state after every change (with the members'
// assignments as topic-partition lists, for the viewer's groups and lag panels), membership
// changes with their reason, committed and removed offsets, and coordinator loading/unloading.

export interface TracedTopicPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}

export interface TracedGroupMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  /** Decoded from the consumer protocol's assignment; [] for other protocol types. */
  readonly assignment: readonly TracedTopicPartitions[];
}

/** Why a member stopped being one. */
export type MemberLeftReason =
  | "leave-group"
  | "not-rejoined"
  | "not-synced"
  | "join-timeout"
  | "pending-expired"
  | "group-max-size"
  | "unloaded";

export type GroupTraceEvent =
  | {
      readonly type: "group-state";
      readonly group: string;
      readonly state: string;
      readonly generation: number;
      readonly protocolType: string | null;
      readonly protocol: string | null;
      readonly leader: string | null;
      readonly members: readonly TracedGroupMember[];
    }
  | {
      readonly type: "group-member-joined";
      readonly group: string;
      readonly memberId: string;
      readonly groupInstanceId: string | null;
      readonly clientId: string;
      /** "new", or "static-replaced" when a static member came back with a new member id. */
      readonly reason: "new" | "static-replaced";
      /** The fenced member id a static member replaced. */
      readonly replacedMemberId: string | null;
    }
  | {
      readonly type: "group-member-left";
      readonly group: string;
      readonly memberId: string;
      readonly groupInstanceId: string | null;
      readonly reason: MemberLeftReason;
    }
  | {
      readonly type: "group-member-expired";
      readonly group: string;
      readonly memberId: string;
      readonly groupInstanceId: string | null;
      readonly sessionTimeoutMs: number;
    }
  | {
      readonly type: "offset-committed";
      readonly group: string;
      readonly topic: string;
      readonly partition: number;
      readonly offset: number;
    }
  | {
      readonly type: "offset-removed";
      readonly group: string;
      readonly topic: string;
      readonly partition: number;
      readonly reason: "offset-delete" | "group-deleted" | "retention";
    }
  | {
      readonly type: "coordinator-loaded";
      /** The __consumer_offsets partition. */
      readonly partition: number;
      readonly groups: number;
      readonly offsets: number;
      readonly records: number;
      readonly skippedRecords: number;
    }
  | {
      readonly type: "coordinator-unloaded";
      readonly partition: number;
      readonly groups: number;
    };
