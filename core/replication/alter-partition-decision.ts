// The controller's answer to a leader's AlterPartition (KRaft's validateAlterPartitionData and
// alterPartition): stale epochs are refused (so one proposal applies at most once), new ISR
// members must be unfenced, not shutting down and on the broker epoch the leader saw (KIP-903).

import { ErrorCode } from "../error-codes.ts";
import type { NodeId } from "../ids.ts";
import type { PartitionAssignment } from "./config.ts";
import { buildPartitionChange, type PartitionChange } from "./election.ts";
import type { AlterPartitionItem, AlterPartitionResult, BrokerEpoch } from "./messages.ts";
import type { BrokerRegistry } from "./replica-log.ts";

export interface AlterPartitionDecision {
  readonly result: AlterPartitionResult;
  /** The change to write to the metadata log; null when refused or nothing changes. */
  readonly change: PartitionChange | null;
}

/** STALE_BROKER_EPOCH for a request from a broker incarnation the controller does not know. */
export function checkRequestBroker(
  brokers: BrokerRegistry,
  brokerId: NodeId,
  brokerEpoch: BrokerEpoch,
): ErrorCode {
  const registered = brokers.broker(brokerId);
  return registered === undefined || registered.brokerEpoch !== brokerEpoch
    ? ErrorCode.STALE_BROKER_EPOCH
    : ErrorCode.NONE;
}

/** Decides one partition of an AlterPartition from `brokerId` (`state` undefined: unknown). */
export function decideAlterPartition(
  brokerId: NodeId,
  state: PartitionAssignment | undefined,
  item: AlterPartitionItem,
  brokers: BrokerRegistry,
): AlterPartitionDecision {
  const refused = (errorCode: ErrorCode): AlterPartitionDecision => ({
    result: {
      ...identify(item),
      errorCode,
      leaderId: -1,
      leaderEpoch: -1,
      isr: [],
      partitionEpoch: -1,
    },
    change: null,
  });
  if (state === undefined) return refused(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const validation = validate(brokerId, state, item, brokers);
  if (validation !== ErrorCode.NONE) return refused(validation);
  const change = buildPartitionChange(state, {
    targetIsr: item.newIsr.map((m) => m.brokerId),
    election: "online",
    isAcceptableLeader: (id) => isActive(brokers, id),
  });
  const after = change?.after ?? state;
  if (after.leader !== brokerId) {
    // The change moved leadership (the leader itself is no longer acceptable): it is applied, but
    // the requester must learn the new leader from metadata.
    return { ...refused(ErrorCode.NEW_LEADER_ELECTED), change };
  }
  return {
    result: {
      ...identify(item),
      errorCode: ErrorCode.NONE,
      leaderId: after.leader,
      leaderEpoch: after.leaderEpoch,
      isr: [...after.isr],
      partitionEpoch: after.partitionEpoch,
    },
    change,
  };
}

function validate(
  brokerId: NodeId,
  state: PartitionAssignment,
  item: AlterPartitionItem,
  brokers: BrokerRegistry,
): ErrorCode {
  // Epochs from the future: this controller is behind (a newer one decided); let the leader retry.
  if (item.leaderEpoch > state.leaderEpoch || item.partitionEpoch > state.partitionEpoch) {
    return ErrorCode.NOT_CONTROLLER;
  }
  if (item.leaderEpoch < state.leaderEpoch) return ErrorCode.FENCED_LEADER_EPOCH;
  if (brokerId !== state.leader) return ErrorCode.INVALID_REQUEST;
  if (item.partitionEpoch < state.partitionEpoch) return ErrorCode.INVALID_UPDATE_VERSION;
  const ids = item.newIsr.map((m) => m.brokerId);
  const distinct = new Set(ids).size === ids.length;
  if (!distinct || !ids.every((id) => state.replicas.includes(id)))
    return ErrorCode.INVALID_REQUEST;
  if (!ids.includes(state.leader as NodeId)) return ErrorCode.INVALID_REQUEST;
  for (const member of item.newIsr) {
    const broker = brokers.broker(member.brokerId);
    const ineligible =
      broker === undefined ||
      broker.fenced ||
      broker.inControlledShutdown ||
      (member.brokerEpoch !== -1 && member.brokerEpoch !== broker.brokerEpoch);
    if (ineligible) return ErrorCode.INELIGIBLE_REPLICA;
  }
  return ErrorCode.NONE;
}

function isActive(brokers: BrokerRegistry, id: NodeId): boolean {
  const broker = brokers.broker(id);
  return broker !== undefined && !broker.fenced && !broker.inControlledShutdown;
}

function identify(item: AlterPartitionItem) {
  return { topic: item.topic, topicId: item.topicId, partition: item.partition };
}
