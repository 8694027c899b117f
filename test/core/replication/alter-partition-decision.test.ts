// The controller's AlterPartition answers as a table: stale epochs, wrong leaders, bad ISRs and
// ineligible members are refused with Kafka's codes; a valid proposal commits with a new epoch.

import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import { type NodeId, nodeId } from "../../../core/ids.ts";
import {
  checkRequestBroker,
  decideAlterPartition,
} from "../../../core/replication/alter-partition-decision.ts";
import type { PartitionAssignment } from "../../../core/replication/config.ts";
import type { AlterPartitionItem } from "../../../core/replication/messages.ts";
import type { BrokerRegistry, BrokerState } from "../../../core/replication/replica-log.ts";

const state: PartitionAssignment = {
  replicas: [1, 2, 3].map(nodeId),
  isr: [1, 2].map(nodeId),
  leader: 1,
  leaderEpoch: 5,
  partitionEpoch: 7,
};

function registry(overrides: Record<number, Partial<BrokerState>> = {}): BrokerRegistry {
  return {
    broker: (id: NodeId) => {
      if (id > 3) return undefined;
      return {
        brokerEpoch: id * 100,
        fenced: false,
        inControlledShutdown: false,
        ...overrides[id],
      };
    },
  };
}

function item(isr: number[], fields: Partial<AlterPartitionItem> = {}): AlterPartitionItem {
  return {
    topic: "t",
    topicId: "t-id",
    partition: 0,
    leaderEpoch: 5,
    partitionEpoch: 7,
    newIsr: isr.map((id) => ({ brokerId: nodeId(id), brokerEpoch: id * 100 })),
    ...fields,
  };
}

describe("decideAlterPartition", () => {
  it.each<{
    why: string;
    from: number;
    request: AlterPartitionItem;
    brokers?: BrokerRegistry;
    code: number;
  }>([
    {
      why: "a newer leader epoch: this controller is behind",
      from: 1,
      request: item([1, 2, 3], { leaderEpoch: 6 }),
      code: ErrorCode.NOT_CONTROLLER,
    },
    {
      why: "an older leader epoch",
      from: 1,
      request: item([1, 2, 3], { leaderEpoch: 4 }),
      code: ErrorCode.FENCED_LEADER_EPOCH,
    },
    {
      why: "not from the leader",
      from: 2,
      request: item([1, 2, 3]),
      code: ErrorCode.INVALID_REQUEST,
    },
    {
      why: "an older partition epoch (applied already, or overtaken)",
      from: 1,
      request: item([1, 2, 3], { partitionEpoch: 6 }),
      code: ErrorCode.INVALID_UPDATE_VERSION,
    },
    {
      why: "an ISR without the leader",
      from: 1,
      request: item([2, 3]),
      code: ErrorCode.INVALID_REQUEST,
    },
    {
      why: "an ISR outside the replicas",
      from: 1,
      request: item([1, 4]),
      code: ErrorCode.INVALID_REQUEST,
    },
    {
      why: "a fenced member (KIP-841)",
      from: 1,
      request: item([1, 2, 3]),
      brokers: registry({ 3: { fenced: true } }),
      code: ErrorCode.INELIGIBLE_REPLICA,
    },
    {
      why: "a member shutting down",
      from: 1,
      request: item([1, 2, 3]),
      brokers: registry({ 3: { inControlledShutdown: true } }),
      code: ErrorCode.INELIGIBLE_REPLICA,
    },
    {
      why: "a member on another broker epoch (KIP-903)",
      from: 1,
      request: item([1, 2, 3]),
      brokers: registry({ 3: { brokerEpoch: 999 } }),
      code: ErrorCode.INELIGIBLE_REPLICA,
    },
  ])("refuses $why", ({ from, request, brokers, code }) => {
    const decision = decideAlterPartition(nodeId(from), state, request, brokers ?? registry());
    expect(decision.result.errorCode).toBe(code);
    expect(decision.change).toBeNull();
  });

  it("commits an expansion with the next partition epoch, the same leader epoch", () => {
    const decision = decideAlterPartition(nodeId(1), state, item([1, 2, 3]), registry());
    expect(decision.result).toMatchObject({
      errorCode: ErrorCode.NONE,
      leaderId: 1,
      leaderEpoch: 5,
      isr: [1, 2, 3],
      partitionEpoch: 8,
    });
    expect(decision.change?.after.partitionEpoch).toBe(8);
  });

  it("answers an unchanged ISR with the current state and no record", () => {
    const decision = decideAlterPartition(nodeId(1), state, item([1, 2]), registry());
    expect(decision.result).toMatchObject({
      errorCode: ErrorCode.NONE,
      isr: [1, 2],
      partitionEpoch: 7,
    });
    expect(decision.change).toBeNull();
  });

  it("answers an unknown partition", () => {
    const decision = decideAlterPartition(nodeId(1), undefined, item([1]), registry());
    expect(decision.result.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it("a broker epoch of -1 skips the epoch check", () => {
    const request = item([1, 2], {
      newIsr: [nodeId(1), nodeId(2)].map((brokerId) => ({ brokerId, brokerEpoch: -1 })),
    });
    expect(decideAlterPartition(nodeId(1), state, request, registry()).result.errorCode).toBe(
      ErrorCode.NONE,
    );
  });
});

describe("checkRequestBroker", () => {
  it.each([
    { id: 1, epoch: 100, code: ErrorCode.NONE },
    { id: 1, epoch: 99, code: ErrorCode.STALE_BROKER_EPOCH },
    { id: 9, epoch: 900, code: ErrorCode.STALE_BROKER_EPOCH },
  ])("broker $id at epoch $epoch -> $code", ({ id, epoch, code }) => {
    expect(checkRequestBroker(registry(), nodeId(id), epoch)).toBe(code);
  });
});
