// Builders of the group API requests tests send, with consumer-protocol metadata by default.

import {
  encodeAssignment,
  encodeSubscription,
  type TopicPartitions,
} from "../../../../core/client/consumer-protocol.ts";
import type { GroupRequest } from "../../../../core/groups/group-coordinator.ts";
import type { MemberIdentity } from "../../../../core/protocol/index.ts";

export interface JoinOptions {
  readonly memberId?: string;
  readonly instanceId?: string | null;
  readonly clientId?: string;
  /** Protocol names in preference order, each subscribing to `topics`. */
  readonly protocols?: readonly string[];
  readonly topics?: readonly string[];
  readonly protocolType?: string;
  readonly sessionTimeoutMs?: number;
  readonly rebalanceTimeoutMs?: number;
  /** JoinGroup v4+ (KIP-394); true by default. */
  readonly requireKnownMemberId?: boolean;
}

export function subscription(topics: readonly string[]): Uint8Array {
  return encodeSubscription({
    version: 0,
    topics,
    userData: null,
    ownedPartitions: [],
    generationId: -1,
    rackId: null,
  });
}

export function assignment(partitions: readonly TopicPartitions[]): Uint8Array {
  return encodeAssignment({ version: 0, assignedPartitions: partitions, userData: null });
}

export function join(groupId: string, o: JoinOptions = {}): GroupRequest {
  const topics = o.topics ?? ["t"];
  return {
    api: "JoinGroup",
    clientId: o.clientId ?? "client",
    body: {
      groupId,
      sessionTimeoutMs: o.sessionTimeoutMs ?? 10_000,
      rebalanceTimeoutMs: o.rebalanceTimeoutMs ?? 30_000,
      memberId: o.memberId ?? "",
      groupInstanceId: o.instanceId ?? null,
      protocolType: o.protocolType ?? "consumer",
      protocols: (o.protocols ?? ["range"]).map((name) => ({
        name,
        metadata: subscription(topics),
      })),
      requireKnownMemberId: o.requireKnownMemberId ?? true,
    },
  };
}

export function sync(
  groupId: string,
  memberId: string,
  generationId: number,
  assignments: readonly { memberId: string; assignment: Uint8Array }[] = [],
  instanceId: string | null = null,
): GroupRequest {
  return {
    api: "SyncGroup",
    clientId: "client",
    body: { groupId, generationId, memberId, groupInstanceId: instanceId, assignments },
  };
}

export function heartbeat(
  groupId: string,
  memberId: string,
  generationId: number,
  instanceId: string | null = null,
): GroupRequest {
  return {
    api: "Heartbeat",
    clientId: "client",
    body: { groupId, generationId, memberId, groupInstanceId: instanceId },
  };
}

export function leave(groupId: string, members: readonly MemberIdentity[]): GroupRequest {
  return { api: "LeaveGroup", clientId: "client", body: { groupId, members } };
}

export interface CommitOptions {
  readonly generationId?: number;
  readonly memberId?: string;
  readonly instanceId?: string | null;
  readonly metadata?: string | null;
  readonly retentionTimeMs?: number;
}

export function commit(
  groupId: string,
  offsets: readonly [topic: string, partition: number, offset: number][],
  o: CommitOptions = {},
): GroupRequest {
  const byTopic = new Map<string, [number, number][]>();
  for (const [topic, partition, offset] of offsets) {
    byTopic.set(topic, [...(byTopic.get(topic) ?? []), [partition, offset]]);
  }
  return {
    api: "OffsetCommit",
    clientId: "client",
    body: {
      groupId,
      generationId: o.generationId ?? -1,
      memberId: o.memberId ?? "",
      groupInstanceId: o.instanceId ?? null,
      retentionTimeMs: o.retentionTimeMs ?? -1,
      topics: [...byTopic].map(([name, partitions]) => ({
        name,
        partitions: partitions.map(([partitionIndex, committedOffset]) => ({
          partitionIndex,
          committedOffset,
          committedLeaderEpoch: -1,
          commitTimestamp: -1,
          committedMetadata: o.metadata === undefined ? "" : o.metadata,
        })),
      })),
    },
  };
}

export function fetchOffsets(
  groupId: string,
  topics: readonly { name: string; partitionIndexes: number[] }[] | null,
): GroupRequest {
  return { api: "OffsetFetch", clientId: "client", body: { groupId, topics } };
}

export function deleteOffsets(groupId: string, topic: string, partitions: number[]): GroupRequest {
  return {
    api: "OffsetDelete",
    clientId: "client",
    body: {
      groupId,
      topics: [
        { name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex })) },
      ],
    },
  };
}

export function describe(groups: readonly string[]): GroupRequest {
  return {
    api: "DescribeGroups",
    clientId: "client",
    body: { groups, includeAuthorizedOperations: false },
  };
}

export function listGroups(): GroupRequest {
  return { api: "ListGroups", clientId: "client", body: {} };
}

export function deleteGroups(groupsNames: readonly string[]): GroupRequest {
  return { api: "DeleteGroups", clientId: "client", body: { groupsNames } };
}
