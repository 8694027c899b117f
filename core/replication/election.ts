// The controller's partition changes (KRaft's PartitionChangeBuilder): ISR-first election in
// assignment order, preferred and unclean election, fencing, shutdown and return of brokers.
// Keeps: leader in the ISR, ISR never empty, leader epoch +1 per leader change, partition epoch
// +1 per change.

import { assert } from "../assert.ts";
import type { NodeId } from "../ids.ts";
import type { MetadataRecord } from "../metadata/records.ts";
import type { Outbox } from "../outbox.ts";
import type { PartitionAssignment } from "./config.ts";
import type { ElectionReason } from "./trace-events.ts";

/** Kafka's Election: keep or pick a leader from the ISR; UNCLEAN may go outside it. */
export type ElectionKind = "preferred" | "online" | "unclean";

export const NO_LEADER = -1;

export interface ElectionResult {
  readonly leader: number;
  /** Chosen outside the ISR: records acknowledged by the ISR may be missing on it. */
  readonly unclean: boolean;
}

export interface PartitionChangeRequest {
  /** The ISR wanted. Empty keeps the ISR as it is: without ELR (KIP-966) an ISR is never empty. */
  readonly targetIsr: readonly NodeId[];
  readonly election: ElectionKind;
  /** Registered, unfenced, not shutting down (and not the broker being removed). */
  readonly isAcceptableLeader: (id: NodeId) => boolean;
}

export interface PartitionChange {
  readonly before: PartitionAssignment;
  readonly after: PartitionAssignment;
  readonly leaderChanged: boolean;
  readonly isrChanged: boolean;
  readonly unclean: boolean;
}

/**
 * Kafka's electLeader. Preferred: the first replica if it is a valid leader, else the current
 * one if still valid, else the first valid replica. Online: the current leader if valid, else the
 * first valid replica in assignment order. Unclean: as online, then any acceptable replica.
 * Valid = in the target ISR and acceptable.
 */
export function electLeader(
  state: PartitionAssignment,
  targetIsr: readonly NodeId[],
  election: ElectionKind,
  isAcceptableLeader: (id: NodeId) => boolean,
): ElectionResult {
  const valid = (id: number) =>
    id !== NO_LEADER && targetIsr.includes(id as NodeId) && isAcceptableLeader(id as NodeId);
  const preferred = state.replicas[0];
  if (election === "preferred" && preferred !== undefined && valid(preferred)) {
    return { leader: preferred, unclean: false };
  }
  if (valid(state.leader)) return { leader: state.leader, unclean: false };
  const online = state.replicas.find(valid);
  if (online !== undefined) return { leader: online, unclean: false };
  if (election === "unclean") {
    const unclean = state.replicas.find((id) => isAcceptableLeader(id));
    if (unclean !== undefined) return { leader: unclean, unclean: true };
  }
  return { leader: NO_LEADER, unclean: false };
}

/** Kafka's PartitionChangeBuilder.build without reassignment or ELR; null when nothing changes. */
export function buildPartitionChange(
  state: PartitionAssignment,
  request: PartitionChangeRequest,
): PartitionChange | null {
  assert(state.isr.length > 0, "a partition with an empty ISR");
  assert(
    request.targetIsr.every((id) => state.replicas.includes(id)),
    `target ISR [${request.targetIsr}] outside replicas [${state.replicas}]`,
  );
  const targetIsr = request.targetIsr.length > 0 ? request.targetIsr : state.isr;
  const elected = electLeader(state, targetIsr, request.election, request.isAcceptableLeader);
  // Unclean: the new leader's log is the truth now, and it alone is in sync with it.
  const isr = elected.unclean ? [elected.leader as NodeId] : [...targetIsr];
  const leaderChanged = elected.leader !== state.leader;
  const isrChanged = !sameMembers(isr, state.isr);
  if (!leaderChanged && !isrChanged) return null;
  const after: PartitionAssignment = {
    replicas: state.replicas,
    isr,
    leader: elected.leader,
    leaderEpoch: leaderChanged ? state.leaderEpoch + 1 : state.leaderEpoch,
    partitionEpoch: state.partitionEpoch + 1,
  };
  assert(
    after.leader === NO_LEADER || after.isr.includes(after.leader as NodeId),
    "leader not in ISR",
  );
  return { before: state, after, leaderChanged, isrChanged, unclean: elected.unclean };
}

/**
 * A broker was fenced (missed heartbeats) or began a controlled shutdown: it leaves every ISR
 * unless it is the last member, and any partition it led gets a new leader from the ISR (none if
 * no other member is acceptable, unless the topic allows unclean election).
 */
export function changeForBrokerRemoval(
  state: PartitionAssignment,
  brokerId: NodeId,
  isActive: (id: NodeId) => boolean,
  uncleanAllowed: boolean,
): PartitionChange | null {
  return buildPartitionChange(state, {
    targetIsr: state.isr.filter((id) => id !== brokerId),
    election: uncleanAllowed ? "unclean" : "online",
    isAcceptableLeader: (id) => id !== brokerId && isActive(id),
  });
}

/** A broker was unfenced: a leaderless partition may be led by it (or anyone now acceptable). */
export function changeForBrokerUnfenced(
  state: PartitionAssignment,
  brokerId: NodeId,
  isActive: (id: NodeId) => boolean,
  uncleanAllowed: boolean,
): PartitionChange | null {
  if (state.leader !== NO_LEADER) return null;
  return buildPartitionChange(state, {
    targetIsr: state.isr,
    election: uncleanAllowed ? "unclean" : "online",
    isAcceptableLeader: (id) => id === brokerId || isActive(id),
  });
}

/** auto.leader.rebalance / kafka-leader-election --election-type PREFERRED. */
export function changeForPreferredLeader(
  state: PartitionAssignment,
  isActive: (id: NodeId) => boolean,
): PartitionChange | null {
  return buildPartitionChange(state, {
    targetIsr: state.isr,
    election: "preferred",
    isAcceptableLeader: isActive,
  });
}

/** The metadata record that applies `change` (MetadataImage asserts the epochs it carries). */
export function partitionChangeRecord(
  topicId: string,
  partition: number,
  change: PartitionChange,
): MetadataRecord {
  const after = change.after;
  return {
    type: "partition-change",
    topicId,
    partition,
    ...(change.isrChanged ? { isr: after.isr } : {}),
    ...(change.leaderChanged ? { leader: after.leader } : {}),
    leaderEpoch: after.leaderEpoch,
    partitionEpoch: after.partitionEpoch,
  };
}

/** Emits `leader-elected` when the leader changed; unclean elections also leave a mark. */
export function traceElection(
  outbox: Outbox,
  topic: string,
  partition: number,
  change: PartitionChange,
  reason: ElectionReason,
): void {
  if (!change.leaderChanged) return;
  if (change.unclean) outbox.mark("unclean-leader-election");
  if (change.after.leader === NO_LEADER) outbox.mark("partition-left-without-leader");
  outbox.trace({
    type: "leader-elected",
    topic,
    partition,
    leader: change.after.leader,
    previousLeader: change.before.leader,
    leaderEpoch: change.after.leaderEpoch,
    partitionEpoch: change.after.partitionEpoch,
    isr: [...change.after.isr],
    unclean: change.unclean,
    reason,
  });
}

function sameMembers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}
