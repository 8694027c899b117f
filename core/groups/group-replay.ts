// Loading a __consumer_offsets partition: each record replayed in log order, last record per key
// winning (so the compacted log loads to the same state). A GroupMetadata record replaces the group
// wholesale (Stable with members, else Empty); an offset for an unknown group makes a simple group.

import { assert } from "../assert.ts";
import { ClassicGroup, GroupState } from "./classic-group.ts";
import type { CoordinatorRecord, GroupMetadataValue } from "./coordinator-records.ts";
import type { GroupMember } from "./group-member.ts";
import type { OffsetStore } from "./offset-store.ts";

export interface ReplayTarget<T> {
  readonly groups: Map<string, ClassicGroup<T>>;
  readonly store: OffsetStore;
  /** Groups made only because an offset named them; dropped at the end if they hold no offsets. */
  readonly implicitGroups: Set<string>;
  /** Whether one more group fits (the coordinator's bound); replay skips what does not. */
  canAddGroup(): boolean;
  /** Whether `count` more members fit; a group whose members do not is loaded Empty. */
  canAddMembers(count: number): boolean;
}

export type ReplayOutcome = "applied" | "skipped" | "members-dropped";

/** Applies one record; "skipped" when a bound made it skip the record. */
export function replayRecord<T>(target: ReplayTarget<T>, record: CoordinatorRecord): ReplayOutcome {
  if (record.type === "group-metadata") {
    target.implicitGroups.delete(record.group);
    const previous = target.groups.get(record.group);
    if (record.value === null) {
      target.groups.delete(record.group);
      return "applied";
    }
    if (previous === undefined && !target.canAddGroup()) return "skipped";
    const extra = record.value.members.length - (previous?.members.size ?? 0);
    if (extra > 0 && !target.canAddMembers(extra)) {
      // Its members will find themselves unknown and rejoin; the group's offsets stay.
      const value = { ...record.value, members: [] };
      target.groups.set(record.group, loadedGroup<T>(record.group, value));
      return "members-dropped";
    }
    target.groups.set(record.group, loadedGroup<T>(record.group, record.value));
    return "applied";
  }
  if (record.value === null) {
    target.store.delete(record.group, record.topic, record.partition);
    return "applied";
  }
  if (!target.groups.has(record.group)) {
    if (!target.canAddGroup()) return "skipped";
    target.groups.set(record.group, new ClassicGroup<T>(record.group, GroupState.Empty, -1));
    target.implicitGroups.add(record.group);
  }
  const fits = target.store.canAdd(
    target.store.has(record.group, record.topic, record.partition) ? 0 : 1,
  );
  if (!fits) return "skipped";
  target.store.put(record.group, record.topic, record.partition, record.value);
  return "applied";
}

/** Groups only offsets created, whose offsets were all deleted since, are not groups at all. */
export function dropEmptyImplicitGroups<T>(target: ReplayTarget<T>): void {
  for (const groupId of target.implicitGroups) {
    if (target.store.countOf(groupId) === 0) target.groups.delete(groupId);
  }
  target.implicitGroups.clear();
}

function loadedGroup<T>(groupId: string, value: GroupMetadataValue): ClassicGroup<T> {
  const state = value.members.length > 0 ? GroupState.Stable : GroupState.Empty;
  const group = new ClassicGroup<T>(groupId, state, value.currentStateTimestamp, value.generation);
  group.protocolType = value.protocolType === "" ? null : value.protocolType;
  group.protocolName = value.protocol;
  group.persisted = true;
  for (const m of value.members) {
    const member: GroupMember<T> = {
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      sessionTimeoutMs: m.sessionTimeoutMs,
      protocolType: value.protocolType,
      protocols: [{ name: value.protocol ?? "", metadata: m.subscription }],
      assignment: m.assignment,
      assignedGeneration: value.generation,
      awaitingJoin: undefined,
      awaitingSync: undefined,
      isNew: false,
    };
    group.add(member);
  }
  // add() made the first member leader; the record names the real one.
  if (value.leader !== null && group.members.has(value.leader)) group.leaderId = value.leader;
  group.subscribedTopics = group.computeSubscribedTopics();
  assert(group.generationId === value.generation, "a loaded group keeps its generation");
  return group;
}
