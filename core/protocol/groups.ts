// The classic consumer group API as domain types: FindCoordinator v0–2, JoinGroup v0–5,
// Heartbeat v0–3, LeaveGroup v0–3, SyncGroup v0–3, DescribeGroups v0–4, ListGroups v0–2,
// DeleteGroups v0–1. Member metadata and assignments stay opaque bytes, as for Kafka's coordinator.

import type { Millis } from "../ids.ts";

export interface FindCoordinatorRequest {
  /** The group id (keyType 0) or transactional id (keyType 1). */
  readonly key: string;
  /** v1+: 0 group, 1 transaction. */
  readonly keyType: number;
}

export interface FindCoordinatorResponse {
  /** v1+. */
  readonly throttleTimeMs: Millis;
  readonly errorCode: number;
  /** v1+. */
  readonly errorMessage: string | null;
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

export interface JoinGroupRequest {
  readonly groupId: string;
  readonly sessionTimeoutMs: Millis;
  /** v1+; for v0 the codec sets it to sessionTimeoutMs, as Kafka's coordinator does. */
  readonly rebalanceTimeoutMs: Millis;
  /** "" on a member's first join. */
  readonly memberId: string;
  /** v5+: the static member's instance id (KIP-345), or null. */
  readonly groupInstanceId: string | null;
  readonly protocolType: string;
  readonly protocols: readonly JoinGroupRequestProtocol[];
  /**
   * Set by the codec, not on the wire: true for JoinGroup v4+, whose clients handle
   * MEMBER_ID_REQUIRED (KIP-394): an unknown member joining with "" gets an id and rejoins.
   */
  readonly requireKnownMemberId: boolean;
}

export interface JoinGroupRequestProtocol {
  /** The assignor name, e.g. "range", "roundrobin", "RoundRobinAssigner". */
  readonly name: string;
  readonly metadata: Uint8Array;
}

export interface JoinGroupResponse {
  /** v2+. */
  readonly throttleTimeMs: Millis;
  readonly errorCode: number;
  readonly generationId: number;
  /** The protocol chosen for the group; "" on error. */
  readonly protocolName: string;
  readonly leader: string;
  readonly memberId: string;
  /** Every member's metadata for the leader; empty for the other members. */
  readonly members: readonly JoinGroupResponseMember[];
}

export interface JoinGroupResponseMember {
  readonly memberId: string;
  /** v5+. */
  readonly groupInstanceId: string | null;
  readonly metadata: Uint8Array;
}

export interface HeartbeatRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  /** v3+. */
  readonly groupInstanceId: string | null;
}

export interface HeartbeatResponse {
  /** v1+. */
  readonly throttleTimeMs: Millis;
  readonly errorCode: number;
}

/** v0–v2 carry one member id; the codec turns it into a one-member list, as v3+ sends. */
export interface LeaveGroupRequest {
  readonly groupId: string;
  readonly members: readonly MemberIdentity[];
}

export interface MemberIdentity {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

export interface LeaveGroupResponse {
  /** v1+. */
  readonly throttleTimeMs: Millis;
  /** For v0–v2 the codec answers the first member's error here when this one is NONE. */
  readonly errorCode: number;
  /** v3+: one answer per member that asked to leave. */
  readonly members: readonly MemberResponse[];
}

export interface MemberResponse {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly errorCode: number;
}

export interface SyncGroupRequest {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  /** v3+. */
  readonly groupInstanceId: string | null;
  /** The leader's assignment for every member; empty from the other members. */
  readonly assignments: readonly SyncGroupRequestAssignment[];
}

export interface SyncGroupRequestAssignment {
  readonly memberId: string;
  readonly assignment: Uint8Array;
}

export interface SyncGroupResponse {
  /** v1+. */
  readonly throttleTimeMs: Millis;
  readonly errorCode: number;
  readonly assignment: Uint8Array;
}

export interface DescribeGroupsRequest {
  readonly groups: readonly string[];
  /** v3+. */
  readonly includeAuthorizedOperations: boolean;
}

export interface DescribeGroupsResponse {
  /** v1+. */
  readonly throttleTimeMs: Millis;
  readonly groups: readonly DescribedGroup[];
}

export interface DescribedGroup {
  readonly errorCode: number;
  readonly groupId: string;
  /** "Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead". */
  readonly groupState: string;
  readonly protocolType: string;
  /** The chosen protocol (assignor) name. */
  readonly protocolData: string;
  readonly members: readonly DescribedGroupMember[];
  /** v3+: a bit set of ACL operations, -2147483648 when not asked for. */
  readonly authorizedOperations: number;
}

export interface DescribedGroupMember {
  readonly memberId: string;
  /** v4+. */
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly memberMetadata: Uint8Array;
  readonly memberAssignment: Uint8Array;
}

/** ListGroups v0–v2 has no request fields (the states filter is v4+). */
export type ListGroupsRequest = Readonly<Record<never, never>>;

export interface ListGroupsResponse {
  /** v1+. */
  readonly throttleTimeMs: Millis;
  readonly errorCode: number;
  readonly groups: readonly ListedGroup[];
}

export interface ListedGroup {
  readonly groupId: string;
  readonly protocolType: string;
}

export interface DeleteGroupsRequest {
  /** Kafka's name, sic. */
  readonly groupsNames: readonly string[];
}

export interface DeleteGroupsResponse {
  readonly throttleTimeMs: Millis;
  readonly results: readonly DeletableGroupResult[];
}

export interface DeletableGroupResult {
  readonly groupId: string;
  readonly errorCode: number;
}
