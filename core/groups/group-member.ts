// One member of a classic group as the coordinator keeps it: identity, timeouts, the protocols it
// supports in preference order, its assignment, and the requests parked for it (JoinGroup until the
// join phase completes, SyncGroup until the leader's assignment is stored).

import type { Millis } from "../ids.ts";

export interface MemberProtocol {
  readonly name: string;
  readonly metadata: Uint8Array;
}

export interface GroupMember<T> {
  memberId: string;
  /** KIP-345 static membership, or null for a dynamic member. */
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  rebalanceTimeoutMs: Millis;
  sessionTimeoutMs: Millis;
  readonly protocolType: string;
  /** In the member's preference order (the order of its JoinGroup). */
  protocols: readonly MemberProtocol[];
  /** The member's assignment (empty until the leader's SyncGroup is stored). */
  assignment: Uint8Array;
  /** The generation `assignment` belongs to; -1 before the first one. */
  assignedGeneration: number;
  /** The broker's handle of the JoinGroup parked until the join phase completes. */
  awaitingJoin: T | undefined;
  /** The broker's handle of the SyncGroup parked until the leader's assignment is stored. */
  awaitingSync: T | undefined;
  /** Joined during the current join phase: its session is not satisfied by waiting (Kafka's isNew). */
  isNew: boolean;
}

export const EMPTY_ASSIGNMENT: Uint8Array = new Uint8Array(0);

/** Kafka's ClassicGroupMember.matches: same protocols, same order, same metadata bytes. */
export function protocolsMatch(
  a: readonly MemberProtocol[],
  b: readonly MemberProtocol[],
): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined || x.name !== y.name) return false;
    if (!bytesEqual(x.metadata, y.metadata)) return false;
  }
  return true;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The member's most preferred protocol among `candidates` (Kafka's vote), or undefined. */
export function vote<T>(
  member: GroupMember<T>,
  candidates: ReadonlySet<string>,
): string | undefined {
  return member.protocols.find((p) => candidates.has(p.name))?.name;
}

/** The member's metadata for `protocol` (empty when it does not support it). */
export function metadataFor<T>(member: GroupMember<T>, protocol: string | null): Uint8Array {
  if (protocol === null) return EMPTY_ASSIGNMENT;
  return member.protocols.find((p) => p.name === protocol)?.metadata ?? EMPTY_ASSIGNMENT;
}

/** Kafka's hasSatisfiedHeartbeat: a known member waiting on a rebalance cannot miss its session. */
export function hasSatisfiedHeartbeat<T>(member: GroupMember<T>): boolean {
  if (member.isNew) return false;
  return member.awaitingJoin !== undefined || member.awaitingSync !== undefined;
}
