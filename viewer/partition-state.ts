// One partition as the viewer tracks it: every replica's last reported state (LEO, HW, durable
// offset, its leader epoch and ISR), the partition's leader, leader epoch and ISR, and the history of
// ISR changes with their reasons. Invariant: the partition-level leader and epoch only move forward
// (a report with an older leader epoch updates its replica, never the partition), and the ISR is
// taken from the leader's own report unless the leader is down.

import type { PartitionStateEvent } from "../core/broker/trace-events.ts";
import type { ClusterState, NotableKind } from "./cluster-state.ts";
import { partitionKey } from "./records.ts";

export interface ReplicaState {
  readonly node: number;
  leader: number;
  leaderEpoch: number;
  isr: number[];
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
  durableOffset: number;
  /** When this replica last reported. */
  t: number;
  idx: number;
  /** Its broker is down: these are the last values it reported. */
  offline: boolean;
}

export interface IsrChange {
  readonly t: number;
  readonly idx: number;
  readonly before: readonly number[];
  readonly after: readonly number[];
  readonly reason: string;
  /** The reason was deduced by the viewer, not traced by the broker. */
  readonly inferred: boolean;
}

export interface Truncation {
  readonly node: number;
  readonly t: number;
  readonly idx: number;
  readonly logEndOffset: number;
  readonly reason: string;
}

export interface PendingIsrReason {
  readonly isr: readonly number[] | undefined;
  readonly removed: readonly number[];
  readonly added: readonly number[];
  readonly reason: string;
  readonly t: number;
}

export interface PartitionState {
  readonly key: string;
  readonly topic: string;
  readonly partition: number;
  leader: number;
  leaderEpoch: number;
  isr: number[];
  replicas: Record<string, ReplicaState>;
  /** The most recent ISR changes, oldest first (bounded). */
  isrChanges: IsrChange[];
  truncations: Truncation[];
  pendingReason: PendingIsrReason | null;
  /** The assigned replicas (from partition-created), in preference order; [] when unknown. */
  assignment: number[];
  /** The last leader election the controller traced for this partition. */
  lastElection: LastElection | null;
}

export interface LastElection {
  readonly t: number;
  readonly leader: number;
  readonly previousLeader: number;
  readonly leaderEpoch: number;
  readonly unclean: boolean;
  readonly reason: string;
}

const isrHistoryMax = 8;

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}

export function ensurePartition(
  state: ClusterState,
  e: { readonly topic: string; readonly partition: number },
): PartitionState {
  const key = partitionKey(e.topic, e.partition);
  let p = state.partitions[key];
  if (p === undefined) {
    p = {
      key,
      topic: e.topic,
      partition: e.partition,
      leader: -1,
      leaderEpoch: -1,
      isr: [],
      replicas: {},
      isrChanges: [],
      truncations: [],
      pendingReason: null,
      lastElection: null,
      assignment: [],
    };
    state.partitions[key] = p;
  }
  return p;
}

/** Applies one replica's `partition-state` report to the replica and to the partition. */
export function applyPartitionState(
  state: ClusterState,
  node: number,
  e: PartitionStateEvent,
  t: number,
  idx: number,
): NotableKind[] {
  const p = ensurePartition(state, e);
  const previous = p.replicas[node];
  p.replicas[node] = {
    node,
    leader: e.leader,
    leaderEpoch: e.leaderEpoch,
    isr: [...e.isr],
    logStartOffset: e.logStartOffset,
    logEndOffset: e.logEndOffset,
    highWatermark: e.highWatermark,
    durableOffset: e.durableOffset,
    t,
    idx,
    offline: false,
  };
  const notables: NotableKind[] = [];
  if (e.leaderEpoch > p.leaderEpoch) {
    notables.push(e.leader !== p.leader ? "leader" : "epoch");
    const firstLeader = p.leaderEpoch < 0;
    p.leader = e.leader;
    p.leaderEpoch = e.leaderEpoch;
    if (!sameSet(p.isr, e.isr)) {
      if (!firstLeader) notables.push("isr");
      recordIsrChange(
        state,
        p,
        e.isr,
        t,
        idx,
        firstLeader ? "partition created" : "leader election",
      );
    }
    return notables;
  }
  if (e.leaderEpoch < p.leaderEpoch || e.leader !== p.leader) return notables;
  const leaderDown = p.leader < 0 || state.nodes[p.leader]?.status === "down";
  if ((node === p.leader || leaderDown) && !sameSet(p.isr, e.isr)) {
    notables.push("isr");
    recordIsrChange(state, p, e.isr, t, idx, undefined);
  }
  if (node === p.leader && previous !== undefined && previous.highWatermark !== e.highWatermark) {
    notables.push("hw");
  }
  return notables;
}

function recordIsrChange(
  state: ClusterState,
  p: PartitionState,
  after: readonly number[],
  t: number,
  idx: number,
  given: string | undefined,
): void {
  const before = p.isr;
  const pending = p.pendingReason;
  let reason = given;
  let inferred = given === undefined;
  // The broker's own reason (a proposal or an election it traced) beats the generic one.
  if (pending !== null && matchesPending(pending, before, after)) {
    reason = pending.reason;
    inferred = false;
    p.pendingReason = null;
  }
  reason ??= inferReason(state, before, after);
  p.isr = [...after];
  p.isrChanges = [
    ...p.isrChanges.slice(-(isrHistoryMax - 1)),
    { t, idx, before, after: [...after], reason, inferred },
  ];
}

function matchesPending(
  pending: PendingIsrReason,
  before: readonly number[],
  after: readonly number[],
) {
  if (pending.isr !== undefined) return sameSet(pending.isr, after);
  const removed = before.filter((r) => !after.includes(r));
  const added = after.filter((r) => !before.includes(r));
  return (
    pending.removed.every((r) => removed.includes(r)) &&
    pending.added.every((r) => added.includes(r))
  );
}

/** Why a replica probably left or joined the ISR, from what else the trace shows at that moment. */
function inferReason(
  state: ClusterState,
  before: readonly number[],
  after: readonly number[],
): string {
  const removed = before.filter((r) => !after.includes(r));
  const added = after.filter((r) => !before.includes(r));
  const parts: string[] = [];
  for (const r of removed) {
    const n = state.nodes[r];
    const cut = state.faults.find((f) => f.category === "network" && f.nodes.includes(r));
    if (n?.fenced === true)
      parts.push(`${r} left: the controller fenced its broker (session expired)`);
    else if (n?.status === "down") parts.push(`${r} left: its broker is down`);
    else if (n?.status === "paused") parts.push(`${r} left: its broker is paused`);
    else if (cut !== undefined) parts.push(`${r} left: cut off by ${cut.label}`);
    else parts.push(`${r} left: fell behind for replica.lag.time.max.ms`);
  }
  for (const r of added) parts.push(`${r} joined: caught up to the leader's log end offset`);
  return parts.length === 0 ? "ISR reordered" : parts.join("; ");
}
