// A consumer group as the trace describes it: state, generation, protocol, leader, members with
// their assignments (from core/groups' group-state), committed offsets, and the lag they imply.
// Invariant: lag is never negative and exists only for partitions whose leader reported an HW.

import type { ClusterState, NotableKind } from "./cluster-state.ts";
import {
  asGroupState,
  asOffsetCommit,
  asOffsetRemoved,
  type GroupMemberInfo,
} from "./kafka-events.ts";
import type { AnyRecord } from "./records.ts";

export interface GroupState {
  readonly group: string;
  state: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  members: GroupMemberInfo[];
  /** Committed offset per partition key: the next record the group will read. */
  committed: Record<string, number>;
  since: number;
}

/** Applies a group event; undefined when `r` is not one. */
export function applyGroupEvent(
  groups: Record<string, GroupState>,
  r: AnyRecord,
): NotableKind[] | undefined {
  const group = asGroupState(r);
  if (group !== undefined) {
    const g = groups[group.group] ?? {
      group: group.group,
      state: "Empty",
      generation: 0,
      protocol: null,
      leader: null,
      members: [],
      committed: {},
      since: r.t,
    };
    groups[group.group] = g;
    const before = `${g.state}/${g.generation}`;
    g.state = group.state ?? g.state;
    g.generation = group.generation ?? g.generation;
    g.protocol = group.protocol ?? g.protocol;
    g.leader = group.leader ?? g.leader;
    if (group.members !== undefined) g.members = [...group.members];
    if (`${g.state}/${g.generation}` === before) return [];
    g.since = r.t;
    return ["rebalance"];
  }
  const commit = asOffsetCommit(r);
  if (commit !== undefined) {
    const g = groups[commit.group];
    if (g !== undefined) for (const o of commit.offsets) g.committed[o.key] = o.offset;
    return [];
  }
  const removed = asOffsetRemoved(r);
  if (removed !== undefined) {
    const g = groups[removed.group];
    if (g !== undefined) delete g.committed[removed.key];
    return [];
  }
  return undefined;
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
