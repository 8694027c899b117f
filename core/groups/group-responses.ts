// Response bodies the coordinator answers with, built in one place so every error path returns
// the same shape (Kafka's: generation -1, empty protocol and leader, no members on error).

import { ErrorCode } from "../error-codes.ts";
import type {
  JoinGroupResponse,
  JoinGroupResponseMember,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetDeleteRequest,
  OffsetDeleteResponse,
  OffsetFetchResponse,
  SyncGroupResponse,
} from "../protocol/index.ts";
import type { ClassicGroup } from "./classic-group.ts";
import { EMPTY_ASSIGNMENT, type GroupMember, metadataFor } from "./group-member.ts";

export function joinError(memberId: string, errorCode: ErrorCode): JoinGroupResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    generationId: -1,
    protocolName: "",
    leader: "",
    memberId,
    members: [],
  };
}

/** The current generation's answer; the leader (or `forceMembers`) gets every member's metadata. */
export function joinSuccess<T>(
  group: ClassicGroup<T>,
  memberId: string,
  options: { readonly withMembers: boolean; readonly leader?: string | null },
): JoinGroupResponse {
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    generationId: group.generationId,
    protocolName: group.protocolName ?? "",
    leader: (options.leader === undefined ? group.leaderId : options.leader) ?? "",
    memberId,
    members: options.withMembers ? joinMembers(group) : [],
  };
}

function joinMembers<T>(group: ClassicGroup<T>): JoinGroupResponseMember[] {
  return [...group.members.values()].map((m: GroupMember<T>) => ({
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    metadata: metadataFor(m, group.protocolName),
  }));
}

export function syncResponse(
  errorCode: ErrorCode,
  assignment = EMPTY_ASSIGNMENT,
): SyncGroupResponse {
  return { throttleTimeMs: 0, errorCode, assignment };
}

/** One error for every partition of the request. */
export function commitError(
  request: OffsetCommitRequest,
  errorCode: ErrorCode,
): OffsetCommitResponse {
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
    })),
  };
}

export function fetchError(errorCode: ErrorCode): OffsetFetchResponse {
  return { throttleTimeMs: 0, topics: [], errorCode };
}

export function deleteOffsetsError(
  _request: OffsetDeleteRequest,
  errorCode: ErrorCode,
): OffsetDeleteResponse {
  return { errorCode, throttleTimeMs: 0, topics: [] };
}
