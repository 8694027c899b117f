// The cluster as the trace describes it at one moment: nodes (up, paused, down, fenced), the
// controller, every partition's replicas (LEO, HW, durable offset, leader epoch, ISR) with why the
// ISR changed, consumer groups, active faults and the first failure. Invariant: the state after event
// i depends only on events 0..i, applied in order by applyRecord (keyframes rely on this).

import { type ActiveFault, applyFaultEffect, faultEffect, undoSkipped } from "./fault-state.ts";
import {
  applyGroupEvent,
  dropGroupsOf,
  type GroupState,
  type MembershipNote,
  type RebalanceRecord,
} from "./group-state.ts";
import { asElection, asFencing, asIsrChange, asTruncation } from "./kafka-events.ts";
import { applyPartitionState, ensurePartition, type PartitionState } from "./partition-state.ts";
import {
  type AnyRecord,
  asFault,
  asPartitionState,
  asRaftRole,
  num,
  numbers,
  str,
} from "./records.ts";

export const notableKinds = [
  "election",
  "leader",
  "epoch",
  "isr",
  "hw",
  "crash",
  "restart",
  "pause",
  "rebalance",
  "anomaly",
  "fault",
  "truncation",
  "fence",
] as const;
export type NotableKind = (typeof notableKinds)[number];

export type { GroupState } from "./group-state.ts";
export { currentGroups, groupLag, totalLag } from "./group-state.ts";

export type NodeStatus = "not-started" | "up" | "paused" | "down";

export interface NodeState {
  readonly id: number;
  readonly role: string;
  status: NodeStatus;
  incarnation: number;
  ready: boolean;
  halted: string | null;
  fenced: boolean | null;
  raftRole: string | null;
  raftEpoch: number;
  raftLeader: number | null;
  /** Time of the last status change. */
  since: number;
  wiped: boolean;
}

export interface FailureState {
  readonly idx: number;
  readonly t: number;
  readonly kind: string;
  readonly message: string;
  readonly node: number | null;
}

export interface ClusterState {
  t: number;
  /** Index of the last event applied (-1: none). */
  idx: number;
  nodes: Record<string, NodeState>;
  /** The metadata quorum leader, -1 when unknown. */
  controller: number;
  controllerEpoch: number;
  partitions: Record<string, PartitionState>;
  /** Consumer groups per coordinating broker, keyed "group@broker" (group-state.ts). */
  groups: Record<string, GroupState>;
  /** Membership changes (why) a broker traced since its group's last state event, by that key. */
  groupNotes: Record<string, MembershipNote[]>;
  /** Each group's last rebalances, whichever broker traced them (a new coordinator shows them). */
  groupHistory: Record<string, RebalanceRecord[]>;
  /** Each group's offsets as last committed on any broker: what a new coordinator loads. */
  groupOffsets: Record<string, Record<string, number>>;
  faults: ActiveFault[];
  failure: FailureState | null;
  topics: string[];
}

export interface NodeInfo {
  readonly id: number;
  readonly role: string;
}

export function emptyState(nodes: readonly NodeInfo[]): ClusterState {
  const byId: Record<string, NodeState> = {};
  for (const n of nodes) byId[n.id] = newNode(n.id, n.role);
  return {
    t: 0,
    idx: -1,
    nodes: byId,
    controller: -1,
    controllerEpoch: -1,
    partitions: {},
    groups: {},
    groupNotes: {},
    groupHistory: {},
    groupOffsets: {},
    faults: [],
    failure: null,
    topics: [],
  };
}

function newNode(id: number, role: string): NodeState {
  return {
    id,
    role,
    status: "not-started",
    incarnation: 0,
    ready: false,
    halted: null,
    fenced: null,
    raftRole: null,
    raftEpoch: -1,
    raftLeader: null,
    since: 0,
    wiped: false,
  };
}

export function cloneState(state: ClusterState): ClusterState {
  return structuredClone(state);
}

/** Types that never change the state: skipped when replaying from a keyframe. */
const inert = new Set([
  "net-send",
  "net-deliver",
  "net-drop",
  "conn-open",
  "conn-break",
  "timer",
  "clock",
  "disk-op",
  "mark",
  "history",
  "fetch-served",
  "metadata-applied",
  "raft-vote",
  "raft-commit-advanced",
  "produce-acknowledged",
  "produce-rejected",
]);

export function changesState(type: string): boolean {
  return !inert.has(type);
}

/** Applies one record; returns the notable kinds it represents (for ±notable stepping). */
export function applyRecord(
  state: ClusterState,
  r: AnyRecord,
  idx: number,
  clients: ReadonlySet<number>,
): NotableKind[] {
  state.t = r.t;
  state.idx = idx;
  if (inert.has(r.type)) return [];
  const node = r.node === undefined ? undefined : nodeOf(state, r.node);
  switch (r.type) {
    case "proc-start":
    case "proc-crash":
    case "proc-pause":
    case "proc-resume":
    case "proc-wipe":
    case "node-ready":
    case "broker-halted":
      return node === undefined ? [] : applyProcess(state, node, r);
    case "raft-role-changed":
      return node === undefined ? [] : applyRaft(state, node, r);
    case "partition-state": {
      const e = asPartitionState(r);
      if (e === undefined || r.node === undefined) return [];
      return applyPartitionState(state, r.node, e, r.t, idx);
    }
    case "log-truncated":
    case "follower-truncated":
    case "partition-created":
    case "topic-created":
    case "topic-deleted":
      return applyTopicEvent(state, r, idx);
    case "fault":
    case "fault-skipped":
      return applyFaultRecord(state, r, clients);
    case "failure":
      if (state.failure === null) {
        state.failure = {
          idx,
          t: r.t,
          kind: str(r, "kind") ?? "failure",
          message: str(r, "message") ?? "",
          node: r.node ?? null,
        };
      }
      return ["anomaly"];
    default:
      return applyKafkaEvent(state, r, idx);
  }
}

/** Topics, partitions and truncations: the log-level facts the partitions panel lists. */
function applyTopicEvent(state: ClusterState, r: AnyRecord, idx: number): NotableKind[] {
  switch (r.type) {
    case "log-truncated":
    case "follower-truncated": {
      const cut = asTruncation(r);
      const p = cut === undefined ? undefined : state.partitions[cut.key];
      if (cut !== undefined && p !== undefined && r.node !== undefined) {
        const entry = {
          node: r.node,
          t: r.t,
          idx,
          logEndOffset: cut.logEndOffset,
          reason: cut.reason,
        };
        p.truncations = [...p.truncations.slice(-4), entry];
      }
      return ["truncation"];
    }
    case "partition-created": {
      const replicas = numbers(r.replicas);
      const topic = str(r, "topic");
      const partition = num(r, "partition");
      if (topic === undefined || partition === undefined || replicas === undefined) return [];
      ensurePartition(state, { topic, partition }).assignment = [...replicas];
      return [];
    }
    case "topic-created": {
      const topic = str(r, "topic");
      if (topic !== undefined && !state.topics.includes(topic)) state.topics.push(topic);
      return [];
    }
    case "topic-deleted": {
      const topic = str(r, "topic");
      state.topics = state.topics.filter((t) => t !== topic);
      for (const [key, p] of Object.entries(state.partitions)) {
        if (p.topic === topic) delete state.partitions[key];
      }
      return [];
    }
    default:
      return [];
  }
}

function nodeOf(state: ClusterState, id: number): NodeState {
  let n = state.nodes[id];
  if (n === undefined) {
    n = newNode(id, "unknown");
    state.nodes[id] = n;
  }
  return n;
}

function setOffline(state: ClusterState, node: number, offline: boolean): void {
  for (const p of Object.values(state.partitions)) {
    const replica = p.replicas[node];
    if (replica !== undefined) replica.offline = offline;
  }
}

function applyProcess(state: ClusterState, node: NodeState, r: AnyRecord): NotableKind[] {
  switch (r.type) {
    case "proc-start":
      node.status = "up";
      node.since = r.t;
      node.incarnation = num(r, "incarnation") ?? node.incarnation + 1;
      node.ready = false;
      node.halted = null;
      return node.incarnation > 1 ? ["restart"] : [];
    case "proc-crash":
      node.status = "down";
      node.since = r.t;
      node.ready = false;
      node.raftRole = null;
      if (state.controller === node.id) state.controller = -1;
      setOffline(state, node.id, true);
      dropGroupsOf(state, node.id);
      return ["crash"];
    case "proc-pause":
      node.status = "paused";
      node.since = r.t;
      return ["pause"];
    case "proc-resume":
      node.status = "up";
      node.since = r.t;
      return [];
    case "proc-wipe":
      node.wiped = true;
      return [];
    case "node-ready":
      node.ready = true;
      return [];
    case "broker-halted":
      node.halted = str(r, "reason") ?? "halted";
      return ["crash"];
    default:
      return [];
  }
}

function applyRaft(state: ClusterState, node: NodeState, r: AnyRecord): NotableKind[] {
  const e = asRaftRole(r);
  if (e === undefined) return [];
  node.raftRole = e.role;
  node.raftEpoch = e.epoch;
  node.raftLeader = e.leaderId;
  if (e.role === "leader" && e.epoch >= state.controllerEpoch) {
    state.controller = node.id;
    state.controllerEpoch = e.epoch;
    return ["election"];
  }
  if (e.leaderId !== null && e.epoch >= state.controllerEpoch) {
    state.controller = e.leaderId;
    state.controllerEpoch = e.epoch;
  } else if (state.controller === node.id && e.role !== "leader") state.controller = -1;
  return [];
}

function applyFaultRecord(
  state: ClusterState,
  r: AnyRecord,
  clients: ReadonlySet<number>,
): NotableKind[] {
  const fault = asFault(r);
  if (fault === undefined) return [];
  const effect = faultEffect(fault, r.t);
  if (r.type === "fault-skipped") {
    undoSkipped(state.faults, effect, r.t);
    return [];
  }
  applyFaultEffect(state.faults, effect, clients);
  return effect.kind === "start" || effect.kind === "instant" ? ["fault"] : [];
}

function applyKafkaEvent(state: ClusterState, r: AnyRecord, idx: number): NotableKind[] {
  const isr = asIsrChange(r);
  if (isr !== undefined) {
    const p = state.partitions[isr.key];
    if (p !== undefined) p.pendingReason = { ...isr, t: r.t };
    const election = asElection(r);
    if (p !== undefined && election !== undefined) p.lastElection = { ...election, t: r.t };
    return election?.unclean === true ? ["leader"] : [];
  }
  const groupNotables = applyGroupEvent(state, r, idx);
  if (groupNotables !== undefined) return groupNotables;
  const fencing = asFencing(r);
  if (fencing !== undefined) {
    nodeOf(state, fencing.broker).fenced = fencing.fenced;
    return fencing.fenced === true ? ["fence"] : [];
  }
  if (r.type === "broker-stopped" && r.node !== undefined)
    nodeOf(state, r.node).halted = "stopped (controlled shutdown)";
  return [];
}
