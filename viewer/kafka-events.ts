// Readers for group, ISR and fencing events: core/groups' shapes (group-state with members and their
// assignments, offset-committed, offset-removed), and shapes anticipated for events not emitted yet
// (ISR changes with a reason, broker fencing). Invariant: each reader returns undefined for anything
// it does not recognise, so an unexpected shape is only listed in the event list, never drawn.

import { type AnyRecord, num, numbers, partitionKey, str } from "./records.ts";

export interface IsrChangeEvent {
  readonly key: string;
  /** The ISR after the change (when the event says it). */
  readonly isr: readonly number[] | undefined;
  readonly removed: readonly number[];
  readonly added: readonly number[];
  readonly reason: string;
}

const isrTypes = new Set([
  "isr-changed",
  "isr-shrink",
  "isr-shrunk",
  "isr-expand",
  "isr-expanded",
  "alter-partition",
  "alter-partition-applied",
]);

/** `isr-changed` / `isr-shrink` / `isr-expand` / AlterPartition events naming a partition. */
export function asIsrChange(r: AnyRecord): IsrChangeEvent | undefined {
  if (!isrTypes.has(r.type)) return undefined;
  const topic = str(r, "topic");
  const partition = num(r, "partition");
  if (topic === undefined || partition === undefined) return undefined;
  const isr = numbers(r.isr) ?? numbers(r.newIsr);
  const removed =
    numbers(r.removed) ??
    (typeof r.replica === "number" && r.type.includes("shrink") ? [r.replica] : []);
  const added =
    numbers(r.added) ??
    (typeof r.replica === "number" && r.type.includes("expand") ? [r.replica] : []);
  return {
    key: partitionKey(topic, partition),
    isr,
    removed,
    added,
    reason: str(r, "reason") ?? r.type,
  };
}

export interface GroupMemberInfo {
  readonly memberId: string;
  readonly clientId: string | undefined;
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
      out.push({ memberId: item, clientId: undefined, assignment: [] });
      continue;
    }
    if (typeof item !== "object" || item === null) continue;
    const m = item as Record<string, unknown>;
    const memberId = typeof m.memberId === "string" ? m.memberId : undefined;
    if (memberId === undefined) continue;
    const clientId = typeof m.clientId === "string" ? m.clientId : undefined;
    out.push({ memberId, clientId, assignment: assignmentKeys(m.assignment ?? m.partitions) });
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

/** `broker-fenced` / `broker-unfenced` (the controller's view of a broker's registration). */
export function asFencing(r: AnyRecord): { broker: number; fenced: boolean } | undefined {
  if (r.type !== "broker-fenced" && r.type !== "broker-unfenced") return undefined;
  const broker = num(r, "broker") ?? num(r, "brokerId") ?? r.node;
  return broker === undefined ? undefined : { broker, fenced: r.type === "broker-fenced" };
}
