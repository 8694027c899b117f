// How a group becomes records (GroupMetadataValue with each member's metadata for the chosen
// protocol and its assignment) and how a failed append of them is told to clients, with Kafka's
// mappings of append errors to coordinator errors.

import { ErrorCode } from "../error-codes.ts";
import type { ClassicGroup } from "./classic-group.ts";
import type { CoordinatorRecord } from "./coordinator-records.ts";
import { metadataFor } from "./group-member.ts";

/** The group's GroupMetadata record; `assignments` overrides the members' stored assignments. */
export function groupMetadataRecord<T>(
  group: ClassicGroup<T>,
  assignments?: ReadonlyMap<string, Uint8Array>,
): CoordinatorRecord {
  return {
    type: "group-metadata",
    group: group.groupId,
    value: {
      protocolType: group.protocolType ?? "",
      generation: group.generationId,
      protocol: group.protocolName,
      leader: group.leaderId,
      currentStateTimestamp: group.stateTimestamp,
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        sessionTimeoutMs: m.sessionTimeoutMs,
        subscription: metadataFor(m, group.protocolName),
        assignment: assignments?.get(m.memberId) ?? m.assignment,
      })),
    },
  };
}

export function groupTombstone(groupId: string): CoordinatorRecord {
  return { type: "group-metadata", group: groupId, value: null };
}

/** Kafka's appendGroupMetadataErrorToResponseError (JoinGroup, SyncGroup, DeleteGroups). */
export function groupAppendError(error: ErrorCode): ErrorCode {
  switch (error) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case ErrorCode.REQUEST_TIMED_OUT:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR;
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return ErrorCode.UNKNOWN_SERVER_ERROR;
    default:
      return error;
  }
}

/** The same for OffsetCommit, where a too-large batch is INVALID_COMMIT_OFFSET_SIZE. */
export function commitAppendError(error: ErrorCode): ErrorCode {
  switch (error) {
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return ErrorCode.INVALID_COMMIT_OFFSET_SIZE;
    default:
      return groupAppendError(error);
  }
}
