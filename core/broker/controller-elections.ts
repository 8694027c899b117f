// The active controller's partition changes over the whole image (KRaft's ReplicationControlManager
// around PartitionChangeBuilder): a broker fenced, shutting down or re-registering leaves every ISR
// but a last one and loses its leaderships; an unfenced broker may lead leaderless partitions;
// preferred leaders come back; topics that allow it elect uncleanly. Each change bumps its epochs.

import type { NodeId } from "../ids.ts";
import type { MetadataRecord } from "../metadata/records.ts";
import type { Outbox } from "../outbox.ts";
import {
  buildPartitionChange,
  changeForBrokerRemoval,
  changeForBrokerUnfenced,
  changeForPreferredLeader,
  NO_LEADER,
  type PartitionChange,
  partitionChangeRecord,
  traceElection,
} from "../replication/election.ts";
import type { ElectionReason } from "../replication/trace-events.ts";
import type { MetadataImage, PartitionRegistration } from "./metadata-image.ts";

export interface ElectionEnv {
  /** The controller's image (proposed records already applied). */
  readonly image: MetadataImage;
  /** Registered, unfenced and not shutting down: may lead and join ISRs. */
  readonly isActive: (id: NodeId) => boolean;
  /** unclean.leader.election.enable of a topic. */
  readonly uncleanAllowed: (topic: string) => boolean;
  readonly outbox: Outbox;
}

function partitionsOf(image: MetadataImage): PartitionRegistration[] {
  return image.topics().flatMap((t) => t.partitions);
}

function collect(
  env: ElectionEnv,
  reason: ElectionReason,
  decide: (p: PartitionRegistration) => PartitionChange | null,
): MetadataRecord[] {
  const records: MetadataRecord[] = [];
  for (const p of partitionsOf(env.image)) {
    const change = decide(p);
    if (change === null) continue;
    traceElection(env.outbox, p.topic, p.partition, change, reason);
    records.push(partitionChangeRecord(p.topicId, p.partition, change));
  }
  return records;
}

/** `brokerId` leaves every ISR (unless it is the last member) and every leadership. */
export function removalRecords(
  env: ElectionEnv,
  brokerId: NodeId,
  reason: ElectionReason,
): MetadataRecord[] {
  return collect(env, reason, (p) =>
    p.replicas.includes(brokerId)
      ? changeForBrokerRemoval(p, brokerId, env.isActive, env.uncleanAllowed(p.topic))
      : null,
  );
}

/** A broker about to be unfenced may lead the leaderless partitions it is in the ISR of. */
export function unfencedRecords(env: ElectionEnv, brokerId: NodeId): MetadataRecord[] {
  return collect(env, "broker-unfenced", (p) =>
    p.leader === NO_LEADER
      ? changeForBrokerUnfenced(p, brokerId, env.isActive, env.uncleanAllowed(p.topic))
      : null,
  );
}

/** auto.leader.rebalance.enable: leadership back to the first replica where it is in the ISR. */
export function preferredLeaderRecords(env: ElectionEnv): MetadataRecord[] {
  return collect(env, "preferred", (p) => {
    const preferred = p.replicas[0];
    if (preferred === undefined || p.leader === preferred) return null;
    if (!p.isr.includes(preferred) || !env.isActive(preferred)) return null;
    return changeForPreferredLeader(p, env.isActive);
  });
}

/** Leaderless partitions of topics that allow unclean election: any live replica leads. */
export function uncleanRecords(env: ElectionEnv): MetadataRecord[] {
  return collect(env, "broker-unfenced", (p) => {
    if (p.leader !== NO_LEADER || !env.uncleanAllowed(p.topic)) return null;
    return buildPartitionChange(p, {
      targetIsr: p.isr,
      election: "unclean",
      isAcceptableLeader: env.isActive,
    });
  });
}

/** Partitions led by a fenced (or unregistered) broker: none, at every prefix of the log. */
export function fencedLeaders(image: MetadataImage): string[] {
  return partitionsOf(image)
    .filter((p) => p.leader !== NO_LEADER && image.broker(p.leader)?.fenced !== false)
    .map((p) => `${p.topic}-${p.partition}@${p.leader}`);
}
