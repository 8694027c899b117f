// The controller's elections and partition changes as tables: ISR-first in assignment order,
// preferred leaders, unclean election only when allowed, fencing that keeps the last ISR member,
// and the epochs each change carries.

import { describe, expect, it } from "vitest";
import { type NodeId, nodeId } from "../../../core/ids.ts";
import { Outbox } from "../../../core/outbox.ts";
import type { PartitionAssignment } from "../../../core/replication/config.ts";
import {
  buildPartitionChange,
  changeForBrokerRemoval,
  changeForBrokerUnfenced,
  changeForPreferredLeader,
  type ElectionKind,
  electLeader,
  partitionChangeRecord,
  traceElection,
} from "../../../core/replication/election.ts";

const ids = (...values: number[]): NodeId[] => values.map(nodeId);

function partition(replicas: number[], isr: number[], leader: number): PartitionAssignment {
  return {
    replicas: ids(...replicas),
    isr: ids(...isr),
    leader,
    leaderEpoch: 4,
    partitionEpoch: 9,
  };
}

const alive =
  (...live: number[]) =>
  (id: NodeId) =>
    live.includes(id);

describe("electLeader", () => {
  it.each<{
    why: string;
    state: PartitionAssignment;
    election: ElectionKind;
    live: number[];
    expected: { leader: number; unclean: boolean };
  }>([
    {
      why: "keeps a valid current leader",
      state: partition([1, 2, 3], [1, 2, 3], 2),
      election: "online",
      live: [1, 2, 3],
      expected: { leader: 2, unclean: false },
    },
    {
      why: "first live ISR member in assignment order, not ISR order",
      state: partition([3, 1, 2], [2, 1], -1),
      election: "online",
      live: [1, 2, 3],
      expected: { leader: 1, unclean: false },
    },
    {
      why: "skips dead ISR members",
      state: partition([1, 2, 3], [1, 2], 1),
      election: "online",
      live: [2, 3],
      expected: { leader: 2, unclean: false },
    },
    {
      why: "never outside the ISR when clean",
      state: partition([1, 2, 3], [1], 1),
      election: "online",
      live: [2, 3],
      expected: { leader: -1, unclean: false },
    },
    {
      why: "unclean: first live replica when no ISR member lives",
      state: partition([1, 2, 3], [1], 1),
      election: "unclean",
      live: [3, 2],
      expected: { leader: 2, unclean: true },
    },
    {
      why: "unclean still prefers the ISR",
      state: partition([1, 2, 3], [3], -1),
      election: "unclean",
      live: [1, 2, 3],
      expected: { leader: 3, unclean: false },
    },
    {
      why: "preferred: the first replica when it is in the ISR",
      state: partition([1, 2, 3], [1, 2, 3], 2),
      election: "preferred",
      live: [1, 2, 3],
      expected: { leader: 1, unclean: false },
    },
    {
      why: "preferred: keeps the current leader when the first replica is out of the ISR",
      state: partition([1, 2, 3], [2, 3], 3),
      election: "preferred",
      live: [1, 2, 3],
      expected: { leader: 3, unclean: false },
    },
  ])("$why", ({ state, election, live, expected }) => {
    expect(electLeader(state, state.isr, election, alive(...live))).toEqual(expected);
  });
});

describe("buildPartitionChange", () => {
  it("bumps the leader epoch only when the leader changes, the partition epoch always", () => {
    const state = partition([1, 2, 3], [1, 2, 3], 1);
    const shrink = buildPartitionChange(state, {
      targetIsr: ids(1, 2),
      election: "online",
      isAcceptableLeader: alive(1, 2, 3),
    });
    expect(shrink?.after).toMatchObject({
      isr: [1, 2],
      leader: 1,
      leaderEpoch: 4,
      partitionEpoch: 10,
    });
    const move = buildPartitionChange(state, {
      targetIsr: ids(2, 3),
      election: "online",
      isAcceptableLeader: alive(2, 3),
    });
    expect(move?.after).toMatchObject({
      isr: [2, 3],
      leader: 2,
      leaderEpoch: 5,
      partitionEpoch: 10,
    });
  });

  it("is null when nothing changes (same members in another order included)", () => {
    const state = partition([1, 2, 3], [1, 2, 3], 1);
    const same = {
      targetIsr: ids(3, 2, 1),
      election: "online" as const,
      isAcceptableLeader: alive(1),
    };
    expect(buildPartitionChange(state, same)).toBeNull();
  });

  it("an unclean election resets the ISR to the new leader alone", () => {
    const state = partition([1, 2, 3], [1], 1);
    const change = buildPartitionChange(state, {
      targetIsr: [],
      election: "unclean",
      isAcceptableLeader: alive(3),
    });
    expect(change).toMatchObject({ unclean: true, after: { leader: 3, isr: [3], leaderEpoch: 5 } });
  });
});

describe("broker fencing, controlled shutdown and unfencing", () => {
  it.each<{
    why: string;
    state: PartitionAssignment;
    broker: number;
    live: number[];
    unclean: boolean;
    expected: Partial<PartitionAssignment> | null;
  }>([
    {
      why: "a follower leaves the ISR; the leader stays (no leader epoch bump)",
      state: partition([1, 2, 3], [1, 2, 3], 1),
      broker: 3,
      live: [1, 2],
      unclean: false,
      expected: { isr: ids(1, 2), leader: 1, leaderEpoch: 4, partitionEpoch: 10 },
    },
    {
      why: "the leader leaves: the next ISR member in assignment order leads",
      state: partition([1, 2, 3], [1, 2, 3], 1),
      broker: 1,
      live: [2, 3],
      unclean: false,
      expected: { isr: ids(2, 3), leader: 2, leaderEpoch: 5, partitionEpoch: 10 },
    },
    {
      why: "the last ISR member stays in the ISR; the partition has no leader",
      state: partition([1, 2, 3], [1], 1),
      broker: 1,
      live: [2, 3],
      unclean: false,
      expected: { isr: ids(1), leader: -1, leaderEpoch: 5, partitionEpoch: 10 },
    },
    {
      why: "a fenced broker outside every ISR changes nothing",
      state: partition([1, 2, 3], [1, 2], 1),
      broker: 3,
      live: [1, 2],
      unclean: false,
      expected: null,
    },
    {
      why: "unclean allowed: an out-of-sync replica leads, ISR reset to it",
      state: partition([1, 2, 3], [1], 1),
      broker: 1,
      live: [2, 3],
      unclean: true,
      expected: { isr: ids(2), leader: 2, leaderEpoch: 5, partitionEpoch: 10 },
    },
  ])("removal: $why", ({ state, broker, live, unclean, expected }) => {
    const change = changeForBrokerRemoval(state, nodeId(broker), alive(...live), unclean);
    if (expected === null) expect(change).toBeNull();
    else expect(change?.after).toMatchObject(expected);
  });

  it("unfencing the last ISR member brings a leaderless partition back under it", () => {
    const state = partition([1, 2, 3], [1], -1);
    // Broker 1 is still fenced in the registry while the unfence is being written.
    const change = changeForBrokerUnfenced(state, nodeId(1), alive(2, 3), false);
    expect(change?.after).toMatchObject({
      leader: 1,
      isr: [1],
      leaderEpoch: 5,
      partitionEpoch: 10,
    });
    expect(
      changeForBrokerUnfenced(partition([1, 2], [1, 2], 2), nodeId(1), alive(1, 2), false),
    ).toBeNull();
  });

  it("preferred election moves leadership back to the first replica", () => {
    const change = changeForPreferredLeader(partition([1, 2, 3], [1, 2, 3], 2), alive(1, 2, 3));
    expect(change?.after).toMatchObject({ leader: 1, leaderEpoch: 5 });
    expect(changeForPreferredLeader(partition([1, 2, 3], [2, 3], 2), alive(1, 2, 3))).toBeNull();
  });
});

describe("records and traces", () => {
  it("writes only the fields that changed, with both epochs", () => {
    const shrink = changeForBrokerRemoval(
      partition([1, 2, 3], [1, 2, 3], 1),
      nodeId(3),
      alive(1, 2),
      false,
    );
    expect(shrink).not.toBeNull();
    if (shrink === null) return;
    expect(partitionChangeRecord("t-id", 0, shrink)).toEqual({
      type: "partition-change",
      topicId: "t-id",
      partition: 0,
      isr: [1, 2],
      leaderEpoch: 4,
      partitionEpoch: 10,
    });
  });

  it("traces an unclean election with its flag and mark", () => {
    const outbox = new Outbox();
    const change = changeForBrokerRemoval(partition([1, 2], [1], 1), nodeId(1), alive(2), true);
    expect(change).not.toBeNull();
    if (change === null) return;
    traceElection(outbox, "t", 0, change, "broker-fenced");
    const events = outbox.take().map((e) => (e.type === "trace" ? e.event : null));
    expect(events).toContainEqual({ type: "mark", name: "unclean-leader-election" });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: "leader-elected",
        leader: 2,
        unclean: true,
        previousLeader: 1,
      }),
    );
  });
});
