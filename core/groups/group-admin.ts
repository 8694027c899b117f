// DescribeGroups, ListGroups, what DeleteGroups writes, and offset retention (KIP-211): which
// offsets of a group expire now and whether the group itself goes. Pure functions over one group.

import { ErrorCode } from "../error-codes.ts";
import type { Millis } from "../ids.ts";
import type { DescribedGroup, ListedGroup } from "../protocol/index.ts";
import { type ClassicGroup, CONSUMER_PROTOCOL_TYPE, GroupState } from "./classic-group.ts";
import type { CoordinatorRecord } from "./coordinator-records.ts";
import { EMPTY_ASSIGNMENT, metadataFor } from "./group-member.ts";
import { groupTombstone } from "./group-persistence.ts";
import type { OffsetStore, StoredOffset } from "./offset-store.ts";

/** No authorizer: the ACL operations field is Kafka's "not asked for" value. */
const NO_AUTHORIZED_OPERATIONS = -2147483648;

/**
 * Kafka's describeGroups: a Stable group shows each member's metadata for the chosen protocol and
 * its assignment; other states show assignments only; an unknown group is "Dead" with no error.
 */
export function describeGroup<T>(
  groupId: string,
  group: ClassicGroup<T> | undefined,
): DescribedGroup {
  if (group === undefined) {
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      groupState: GroupState.Dead,
      protocolType: "",
      protocolData: "",
      members: [],
      authorizedOperations: NO_AUTHORIZED_OPERATIONS,
    };
  }
  const stable = group.is(GroupState.Stable);
  return {
    errorCode: ErrorCode.NONE,
    groupId,
    groupState: group.state,
    protocolType: group.protocolType ?? "",
    protocolData: stable ? (group.protocolName ?? "") : "",
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: stable ? metadataFor(m, group.protocolName) : EMPTY_ASSIGNMENT,
      memberAssignment: m.assignment,
    })),
    authorizedOperations: NO_AUTHORIZED_OPERATIONS,
  };
}

/** ListGroups entry; `statesFilter` (ListGroups v4+) matches states case-insensitively. */
export function listedGroup<T>(
  group: ClassicGroup<T>,
  statesFilter: readonly string[] | undefined,
): ListedGroup | undefined {
  if (statesFilter !== undefined && statesFilter.length > 0) {
    const wanted = new Set(statesFilter.map((s) => s.trim().toLowerCase()));
    if (!wanted.has(group.state.toLowerCase())) return undefined;
  }
  return { groupId: group.groupId, protocolType: group.protocolType ?? "" };
}

/** DeleteGroups for one group: its error, or the tombstones (every offset, then the group). */
export function planGroupDeletion<T>(
  group: ClassicGroup<T> | undefined,
  store: OffsetStore,
): { readonly error: ErrorCode; readonly records: readonly CoordinatorRecord[] } {
  if (group === undefined || group.is(GroupState.Dead)) {
    return { error: ErrorCode.GROUP_ID_NOT_FOUND, records: [] };
  }
  if (!group.is(GroupState.Empty)) return { error: ErrorCode.NON_EMPTY_GROUP, records: [] };
  const records: CoordinatorRecord[] = store.offsetsOf(group.groupId).map((o) => ({
    type: "offset-commit",
    group: group.groupId,
    topic: o.topic,
    partition: o.partition,
    value: null,
  }));
  records.push(groupTombstone(group.groupId));
  return { error: ErrorCode.NONE, records };
}

/**
 * KIP-211's rule (Kafka's offsetExpirationCondition): an Empty group's offsets expire
 * offsets.retention after it became Empty; a Stable consumer group's offsets of topics it no longer
 * subscribes to expire that long after their commit; a simple group's (no protocol type) likewise;
 * an explicit expireTimestamp (OffsetCommit v2-v4 retention) wins. Other groups keep everything.
 */
export function expiredOffsets<T>(
  group: ClassicGroup<T>,
  store: OffsetStore,
  now: Millis,
  retentionMs: Millis,
): { readonly expired: readonly StoredOffset[]; readonly allExpired: boolean } {
  const base = baseTimestamp(group);
  const offsets = store.offsetsOf(group.groupId);
  if (base === undefined) return { expired: [], allExpired: offsets.length === 0 };
  const expired: StoredOffset[] = [];
  for (const o of offsets) {
    if (
      group.isSubscribedToTopic(o.topic) ||
      store.hasPending(group.groupId, o.topic, o.partition)
    ) {
      continue;
    }
    const explicit = o.value.expireTimestamp;
    const isExpired = explicit !== -1 ? now >= explicit : now - base(o) >= retentionMs;
    if (isExpired) expired.push(o);
  }
  return { expired, allExpired: expired.length === offsets.length };
}

function baseTimestamp<T>(group: ClassicGroup<T>): ((o: StoredOffset) => Millis) | undefined {
  if (group.protocolType === null) return (o) => o.value.commitTimestamp;
  if (group.is(GroupState.Empty)) {
    return (o) => (group.stateTimestamp >= 0 ? group.stateTimestamp : o.value.commitTimestamp);
  }
  const knowsTopics = group.subscribedTopics !== null;
  if (group.protocolType === CONSUMER_PROTOCOL_TYPE && knowsTopics && group.is(GroupState.Stable)) {
    return (o) => o.value.commitTimestamp;
  }
  return undefined;
}
