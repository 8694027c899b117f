// Readers for Kafka-level events the panels explain: core/replication's ISR proposals, leader
// elections and truncations, core/groups' group state and offsets, the controller's fencing.
// Invariant: each reader returns undefined for anything it does not recognise, so an unexpected
// shape is only listed in the event list, never drawn.

import type { LaggingReplica, ReplicationTraceEvent } from "../core/replication/trace-events.ts";
import { type AnyRecord, num, numbers, partitionKey, str } from "./records.ts";

export interface IsrChangeEvent {
  readonly key: string;
  /** The ISR after the change (when the event says it). */
  readonly isr: readonly number[] | undefined;
  readonly removed: readonly number[];
  readonly added: readonly number[];
  readonly reason: string;
}

function lagReason(l: LaggingReplica, maxMs: number): string {
  const lag =
    l.lagMs < 0 ? "never caught up in this leader epoch" : `not caught up for ${l.lagMs} ms`;
  const leo = l.logEndOffset < 0 ? "" : `, its log end offset ${l.logEndOffset}`;
  return `${l.replicaId} left: ${lag} > replica.lag.time.max.ms (${maxMs} ms)${leo}`;
}

/**
 * Why the ISR is about to change, from core/replication's events: a shrink or expand proposal (the
 * leader's AlterPartition), a leader election (the controller), or the commit itself.
 */
export function asIsrChange(r: AnyRecord): IsrChangeEvent | undefined {
  const topic = str(r, "topic");
  const partition = num(r, "partition");
  if (topic === undefined || partition === undefined) return undefined;
  const key = partitionKey(topic, partition);
  switch (r.type) {
    case "isr-shrink-proposed": {
      const e = r as unknown as Extract<ReplicationTraceEvent, { type: "isr-shrink-proposed" }>;
      if (!Array.isArray(e.lagging)) return undefined;
      const removed = e.lagging.map((l) => l.replicaId);
      const reason = e.lagging.map((l) => lagReason(l, e.replicaLagTimeMaxMs)).join("; ");
      return { key, isr: numbers(e.proposedIsr), removed, added: [], reason };
    }
    case "isr-expand-proposed": {
      const e = r as unknown as Extract<ReplicationTraceEvent, { type: "isr-expand-proposed" }>;
      const reason = `${e.replicaId} joined: caught up to offset ${e.caughtUpOffset} (high watermark ${e.highWatermark})`;
      return { key, isr: numbers(e.proposedIsr), removed: [], added: [e.replicaId], reason };
    }
    case "leader-elected": {
      const e = r as unknown as Extract<ReplicationTraceEvent, { type: "leader-elected" }>;
      const who =
        e.leader < 0
          ? "no leader left"
          : `leader ${e.previousLeader < 0 ? "" : `${e.previousLeader} → `}${e.leader}`;
      const reason = `${who} (${e.reason}${e.unclean ? ", UNCLEAN: acknowledged records may be lost" : ""})`;
      return { key, isr: numbers(e.isr), removed: [], added: [], reason };
    }
    default:
      return undefined;
  }
}

/** A partition leader election as the controller traced it. */
export interface ElectionEvent {
  readonly key: string;
  readonly leader: number;
  readonly previousLeader: number;
  readonly leaderEpoch: number;
  readonly unclean: boolean;
  readonly reason: string;
}

export function asElection(r: AnyRecord): ElectionEvent | undefined {
  if (r.type !== "leader-elected") return undefined;
  const topic = str(r, "topic");
  const partition = num(r, "partition");
  const leader = num(r, "leader");
  if (topic === undefined || partition === undefined || leader === undefined) return undefined;
  return {
    key: partitionKey(topic, partition),
    leader,
    previousLeader: num(r, "previousLeader") ?? -1,
    leaderEpoch: num(r, "leaderEpoch") ?? -1,
    unclean: r.unclean === true,
    reason: str(r, "reason") ?? "",
  };
}

/** A follower (or log) truncation with a sentence saying why. */
export function asTruncation(
  r: AnyRecord,
): { key: string; logEndOffset: number; reason: string } | undefined {
  const topic = str(r, "topic");
  const partition = num(r, "partition");
  if (topic === undefined || partition === undefined) return undefined;
  const key = partitionKey(topic, partition);
  if (r.type === "log-truncated") {
    return { key, logEndOffset: num(r, "logEndOffset") ?? -1, reason: str(r, "reason") ?? "" };
  }
  if (r.type !== "follower-truncated") return undefined;
  const e = r as unknown as Extract<ReplicationTraceEvent, { type: "follower-truncated" }>;
  const d = e.divergingEpoch;
  const why =
    e.reason === "diverging-epoch" && d !== null
      ? `diverging epoch: the leader's epoch ${d.epoch} ends at offset ${d.endOffset}`
      : e.reason;
  return { key, logEndOffset: e.to, reason: `from ${e.from} to ${e.to}: ${why}` };
}

export interface GroupMemberInfo {
  readonly memberId: string;
  readonly clientId: string | undefined;
  /** group.instance.id of a static member (KIP-345). */
  readonly groupInstanceId: string | undefined;
  /** Partition keys ("topic-partition") assigned to the member. */
  readonly assignment: readonly string[];
}

export interface GroupStateEvent {
  readonly group: string;
  readonly state: string | undefined;
  readonly generation: number | undefined;
  readonly protocol: string | undefined;
  readonly leader: string | undefined;
  readonly members: readonly GroupMemberInfo[] | undefined;
}

const groupTypes = new Set([
  "group-state",
  "group-state-changed",
  "group-rebalance",
  "group-rebalanced",
  "group-generation",
  "group-stable",
  "group-joined",
  "group-synced",
]);

/** Partition keys from `[{topic, partition}]`, `[{topic, partitions: []}]` or `{topic: [p...]}`. */
function assignmentKeys(value: unknown): string[] {
  const keys: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item === "string") keys.push(item);
      else if (typeof item === "object" && item !== null) {
        const o = item as Record<string, unknown>;
        if (typeof o.topic !== "string") continue;
        if (typeof o.partition === "number") keys.push(partitionKey(o.topic, o.partition));
        for (const p of numbers(o.partitions) ?? []) keys.push(partitionKey(o.topic, p));
      }
    }
  } else if (typeof value === "object" && value !== null) {
    for (const [topic, parts] of Object.entries(value)) {
      for (const p of numbers(parts) ?? []) keys.push(partitionKey(topic, p));
    }
  }
  return keys;
}

function members(value: unknown): GroupMemberInfo[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: GroupMemberInfo[] = [];
  for (const item of value) {
    if (typeof item === "string") {
      out.push({ memberId: item, clientId: undefined, groupInstanceId: undefined, assignment: [] });
      continue;
    }
    if (typeof item !== "object" || item === null) continue;
    const m = item as Record<string, unknown>;
    const memberId = typeof m.memberId === "string" ? m.memberId : undefined;
    if (memberId === undefined) continue;
    const clientId = typeof m.clientId === "string" ? m.clientId : undefined;
    const groupInstanceId = typeof m.groupInstanceId === "string" ? m.groupInstanceId : undefined;
    const assignment = assignmentKeys(m.assignment ?? m.partitions);
    out.push({ memberId, clientId, groupInstanceId, assignment });
  }
  return out;
}

/** Any `group-*` event with a group id; the fields it carries update the group. */
export function asGroupState(r: AnyRecord): GroupStateEvent | undefined {
  if (!groupTypes.has(r.type)) return undefined;
  const group = str(r, "group") ?? str(r, "groupId");
  if (group === undefined) return undefined;
  return {
    group,
    state: str(r, "state") ?? str(r, "to"),
    generation: num(r, "generation") ?? num(r, "generationId"),
    protocol: str(r, "protocol") ?? str(r, "protocolName"),
    leader: str(r, "leader") ?? str(r, "leaderId"),
    members: members(r.members),
  };
}

/** Words for core/groups' MemberLeftReason values. */
const leftReasons: Readonly<Record<string, string>> = {
  "leave-group": "left the group (LeaveGroup)",
  "not-rejoined": "did not rejoin within the rebalance timeout",
  "not-synced": "did not send SyncGroup in time",
  "join-timeout": "a new member whose JoinGroup timed out",
  "pending-expired": "a pending member id that was never used",
  "group-max-size": "over group.max.size",
  unloaded: "its coordinator unloaded the group",
};

/** The start of a member id without its owner's prefix (client id or group.instance.id). */
function shortMemberId(memberId: string, owner: string | undefined): string {
  const rest =
    owner !== undefined && memberId.startsWith(`${owner}-`)
      ? memberId.slice(owner.length + 1)
      : memberId;
  return rest.length > 8 ? `${rest.slice(0, 6)}…` : rest;
}

/** Who a member is, in short: its client id (or static instance id) and the start of its own id. */
export function memberName(memberId: string, clientId?: string, instance?: string | null): string {
  if (instance !== undefined && instance !== null)
    return `${instance} (static) · ${shortMemberId(memberId, instance)}`;
  const id = shortMemberId(memberId, clientId);
  return clientId === undefined ? id : `${clientId} · ${id}`;
}

/**
 * A membership change with why, from core/groups: a member joined (or a static member came back
 * with a new member id, fencing the old one), left, or its session expired.
 */
export type MembershipKind = "join" | "fenced" | "leave" | "expiry";

export function asMembershipChange(
  r: AnyRecord,
  clientIdOf: (group: string, memberId: string) => string | undefined = () => undefined,
): { group: string; kind: MembershipKind; text: string } | undefined {
  const group = str(r, "group");
  const memberId = str(r, "memberId");
  if (group === undefined || memberId === undefined) return undefined;
  const instance = str(r, "groupInstanceId");
  const who = memberName(memberId, str(r, "clientId") ?? clientIdOf(group, memberId), instance);
  switch (r.type) {
    case "group-member-joined": {
      const replaced = str(r, "replacedMemberId");
      if (r.reason === "static-replaced" && replaced !== undefined)
        return {
          group,
          kind: "fenced",
          text: `static member ${instance ?? "?"} rejoined with a new member id; the old one (${shortMemberId(replaced, instance)}) is fenced (FENCED_INSTANCE_ID)`,
        };
      return { group, kind: "join", text: `${who} joined` };
    }
    case "group-member-left": {
      const reason = str(r, "reason") ?? "";
      return { group, kind: "leave", text: `${who} ${leftReasons[reason] ?? `left (${reason})`}` };
    }
    case "group-member-expired":
      return {
        group,
        kind: "expiry",
        text: `${who}: session expired (no heartbeat for session.timeout.ms = ${num(r, "sessionTimeoutMs") ?? "?"} ms)`,
      };
    default:
      return undefined;
  }
}

export interface OffsetCommitEvent {
  readonly group: string;
  readonly offsets: readonly { readonly key: string; readonly offset: number }[];
}

/** `offset-committed` / `offsets-committed` for one partition or a list of them. */
export function asOffsetCommit(r: AnyRecord): OffsetCommitEvent | undefined {
  if (r.type !== "offset-committed" && r.type !== "offsets-committed") return undefined;
  const group = str(r, "group") ?? str(r, "groupId");
  if (group === undefined) return undefined;
  const one = (o: Record<string, unknown>) =>
    typeof o.topic === "string" && typeof o.partition === "number" && typeof o.offset === "number"
      ? [{ key: partitionKey(o.topic, o.partition), offset: o.offset }]
      : [];
  const list = Array.isArray(r.offsets) ? r.offsets : [r];
  const offsets = list.flatMap((o) => (typeof o === "object" && o !== null ? one(o) : []));
  return offsets.length === 0 ? undefined : { group, offsets };
}

/** `offset-removed` (offset delete, group deletion, retention): the group forgets that offset. */
export function asOffsetRemoved(r: AnyRecord): { group: string; key: string } | undefined {
  if (r.type !== "offset-removed") return undefined;
  const group = str(r, "group");
  const topic = str(r, "topic");
  const partition = num(r, "partition");
  if (group === undefined || topic === undefined || partition === undefined) return undefined;
  return { group, key: partitionKey(topic, partition) };
}

/** The controller fenced a silent broker (its session expired), or a broker (re)registered. */
export function asFencing(r: AnyRecord): { broker: number; fenced: boolean | null } | undefined {
  if (r.type === "broker-session-expired") {
    const broker = num(r, "brokerId");
    return broker === undefined ? undefined : { broker, fenced: true };
  }
  // A registered broker stays fenced until it catches up; no event says when that ends.
  if (r.type === "broker-registered" && r.node !== undefined)
    return { broker: r.node, fenced: null };
  return undefined;
}
