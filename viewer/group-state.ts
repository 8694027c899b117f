// Consumer groups as their coordinators trace them: one entry per group and coordinating broker
// (state, generation, protocol, leader, members with assignments, committed offsets) and why each
// rebalance began. Invariant: an entry exists only while that broker holds the group (not crashed,
// its __consumer_offsets partition not unloaded); lag is never negative.

import type { ClusterState, NotableKind } from "./cluster-state.ts";
import {
  asGroupState,
  asMembershipChange,
  asOffsetCommit,
  asOffsetRemoved,
  type GroupMemberInfo,
  type MembershipKind,
} from "./kafka-events.ts";
import { type AnyRecord, num } from "./records.ts";

export const OFFSETS_TOPIC = "__consumer_offsets";

/** A rebalance: the generation it left and the membership changes that started or joined it. */
export interface RebalanceRecord {
  readonly t: number;
  readonly fromGeneration: number;
  causes: string[];
  /** Members that left or expired in it (a departure, not a join or a rejoin). */
  departures: number;
  /** The group's total lag when it began. */
  readonly lagAtStart: number;
}

/** A membership change a broker traced, waiting for its group's next state event. */
export interface MembershipNote {
  readonly kind: MembershipKind;
  readonly text: string;
}

export interface GroupState {
  readonly group: string;
  /** The broker whose trace this is (-1 for events without a node). */
  readonly coordinator: number;
  state: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  members: GroupMemberInfo[];
  /** Committed offset per partition key: the next record the group will read. */
  committed: Record<string, number>;
  /** Time of the last state or generation change. */
  since: number;
  /** Index of the last event that updated this entry. */
  updated: number;
  /** The last few rebalances, oldest first. */
  rebalances: RebalanceRecord[];
  /** A membership change that started no rebalance (a static member replaced while Stable...). */
  lastChange: { readonly t: number; readonly text: string } | null;
}

const holderKey = (group: string, node: number) => `${group}@${node}`;
const REBALANCES_KEPT = 3;
const CAUSES_KEPT = 8;
const inRebalance = (state: string) =>
  state === "PreparingRebalance" || state === "CompletingRebalance";

/** Java's String.hashCode (UTF-16 units), as Kafka maps a group to its offsets partition. */
export function offsetsPartitionOf(group: string, partitionCount: number): number {
  let h = 0;
  for (let i = 0; i < group.length; i++) h = (Math.imul(h, 31) + group.charCodeAt(i)) | 0;
  const abs = h === -2147483648 ? 0 : Math.abs(h);
  return abs % partitionCount;
}

function offsetsPartitionCount(state: ClusterState): number {
  let n = 0;
  for (const p of Object.values(state.partitions)) if (p.topic === OFFSETS_TOPIC) n++;
  return n;
}

/** Applies a group event; undefined when `r` is not one. */
export function applyGroupEvent(state: ClusterState, r: AnyRecord, idx: number) {
  const node = r.node ?? -1;
  // Leave and expiry events name only the member id: its client id comes from the group.
  const change = asMembershipChange(
    r,
    (group, memberId) =>
      state.groups[holderKey(group, node)]?.members.find((m) => m.memberId === memberId)?.clientId,
  );
  if (change !== undefined) {
    const key = holderKey(change.group, node);
    const notes = state.groupNotes[key] ?? [];
    state.groupNotes[key] = [
      ...notes.slice(-(CAUSES_KEPT - 1)),
      { kind: change.kind, text: change.text },
    ];
    return [];
  }
  const event = asGroupState(r);
  if (event !== undefined) return applyGroupState(state, r, idx, event);
  const commit = asOffsetCommit(r);
  if (commit !== undefined) {
    const known = state.groupOffsets[commit.group] ?? {};
    state.groupOffsets[commit.group] = known;
    const g = state.groups[holderKey(commit.group, node)];
    for (const o of commit.offsets) {
      known[o.key] = o.offset;
      if (g !== undefined) g.committed[o.key] = o.offset;
    }
    if (g !== undefined) g.updated = idx;
    return [];
  }
  const removed = asOffsetRemoved(r);
  if (removed !== undefined) {
    const g = state.groups[holderKey(removed.group, node)];
    if (g !== undefined) delete g.committed[removed.key];
    delete state.groupOffsets[removed.group]?.[removed.key];
    return [];
  }
  if (r.type === "coordinator-unloaded") {
    const partition = num(r, "partition");
    const count = offsetsPartitionCount(state);
    dropGroups(
      state,
      (g) =>
        g.coordinator === node &&
        (partition === undefined ||
          count === 0 ||
          offsetsPartitionOf(g.group, count) === partition),
    );
    return [];
  }
  return r.type === "coordinator-loaded" ? [] : undefined;
}

type GroupStateEventFields = NonNullable<ReturnType<typeof asGroupState>>;

function applyGroupState(
  state: ClusterState,
  r: AnyRecord,
  idx: number,
  e: GroupStateEventFields,
): NotableKind[] {
  const node = r.node ?? -1;
  const key = holderKey(e.group, node);
  // A group new to this broker (created, or loaded from its offsets partition) starts with the
  // offsets the group last committed anywhere: what the coordinator replayed from the log.
  const g = state.groups[key] ?? {
    group: e.group,
    coordinator: node,
    state: "Empty",
    generation: 0,
    protocol: null,
    leader: null,
    members: [],
    committed: { ...(state.groupOffsets[e.group] ?? {}) },
    since: r.t,
    updated: idx,
    rebalances: (state.groupHistory[e.group] ?? []).map((x) => ({ ...x, causes: [...x.causes] })),
    lastChange:
      state.groupHistory[e.group] === undefined
        ? null
        : {
            t: r.t,
            text: `broker ${node} took over as coordinator and loaded the group from ${OFFSETS_TOPIC}`,
          },
  };
  state.groups[key] = g;
  const before = { state: g.state, generation: g.generation, members: g.members.length };
  g.state = e.state ?? g.state;
  g.generation = e.generation ?? g.generation;
  g.protocol = e.protocol === undefined ? g.protocol : e.protocol;
  g.leader = e.leader === undefined ? g.leader : e.leader;
  if (e.members !== undefined) g.members = [...e.members];
  g.updated = idx;
  const notes = state.groupNotes[key] ?? [];
  delete state.groupNotes[key];
  const last = g.rebalances[g.rebalances.length - 1];
  const texts = notes.map((n) => n.text);
  const departures = notes.filter((n) => n.kind === "leave" || n.kind === "expiry").length;
  if (g.state === "PreparingRebalance" && before.state !== "PreparingRebalance") {
    const causes = notes.length > 0 ? texts : [inferredCause(before.members, g.members.length)];
    g.rebalances = [
      ...g.rebalances.slice(-(REBALANCES_KEPT - 1)),
      {
        t: r.t,
        fromGeneration: before.generation,
        causes,
        departures,
        lagAtStart: totalLag(state, g),
      },
    ];
    state.groupHistory[g.group] = g.rebalances;
  } else if (notes.length > 0 && inRebalance(before.state) && last !== undefined) {
    last.causes = [...last.causes, ...texts].slice(-CAUSES_KEPT);
    last.departures += departures;
  } else if (notes.length > 0) {
    g.lastChange = { t: r.t, text: texts.join("; ") };
  }
  if (g.state === before.state && g.generation === before.generation) return [];
  g.since = r.t;
  return ["rebalance"];
}

/** A rebalance with no membership event before it: a known member sent JoinGroup again. */
function inferredCause(membersBefore: number, membersAfter: number): string {
  if (membersBefore === 0 && membersAfter === 0) return "the group came back from its log";
  return "a member rejoined (JoinGroup from a known member: a cooperative follow-up, new metadata, or a lost generation)";
}

/** A broker crashed: the groups it coordinated are gone from its memory. */
export function dropGroupsOf(state: ClusterState, node: number): void {
  dropGroups(state, (g) => g.coordinator === node);
}

function dropGroups(state: ClusterState, gone: (g: GroupState) => boolean): void {
  for (const [key, g] of Object.entries(state.groups)) {
    if (!gone(g)) continue;
    delete state.groups[key];
    delete state.groupNotes[key];
  }
}

/**
 * One entry per group: the copy held by the leader of its offsets partition, else the one updated
 * last. Other brokers may briefly hold a stale copy while leadership moves.
 */
export function currentGroups(state: ClusterState): GroupState[] {
  const best = new Map<string, GroupState>();
  const count = offsetsPartitionCount(state);
  const rank = (g: GroupState) => {
    const p =
      count === 0
        ? undefined
        : state.partitions[`${OFFSETS_TOPIC}-${offsetsPartitionOf(g.group, count)}`];
    return [p !== undefined && p.leader === g.coordinator ? 1 : 0, g.updated] as const;
  };
  for (const g of Object.values(state.groups)) {
    const other = best.get(g.group);
    if (other === undefined) {
      best.set(g.group, g);
      continue;
    }
    const [a, b] = [rank(g), rank(other)];
    if (a[0] > b[0] || (a[0] === b[0] && a[1] > b[1])) best.set(g.group, g);
  }
  return [...best.values()].sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
}

/** The group's lag summed over its committed partitions. */
export function totalLag(state: ClusterState, group: GroupState): number {
  return Object.values(groupLag(state, group)).reduce((a, b) => a + b, 0);
}

/** Consumer lag per partition: the leader's high watermark minus the committed offset. */
export function groupLag(state: ClusterState, group: GroupState): Record<string, number> {
  const lag: Record<string, number> = {};
  for (const [key, committed] of Object.entries(group.committed)) {
    const p = state.partitions[key];
    const hw = p === undefined ? undefined : p.replicas[p.leader]?.highWatermark;
    if (hw !== undefined) lag[key] = Math.max(0, hw - committed);
  }
  return lag;
}
