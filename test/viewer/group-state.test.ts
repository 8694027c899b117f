// The viewer's consumer-group state against the simulator's own groups, without a browser: a real
// groups-workload trace (a cluster whose broker crashes move coordinators, and the single broker)
// is replayed through applyRecord, and at seeded times every group each running broker holds
// (state, generation, protocol, leader, members and assignments, committed offsets, lag) must
// equal that broker's GroupView. Plus why rebalances began, on hand-written events.

import { describe, expect, it } from "vitest";
import {
  applyRecord,
  type ClusterState,
  currentGroups,
  emptyState,
  groupLag,
  totalLag,
} from "../../viewer/cluster-state.ts";
import { offsetsPartitionOf } from "../../viewer/group-state.ts";
import { checkHeader } from "../../viewer/header.ts";
import type { AnyRecord } from "../../viewer/records.ts";
import type { ShownGroup } from "../../viewer/test-hook.ts";
import { lastAtOrBelow } from "../../viewer/vec.ts";
import { coordinatorCrashes } from "./support/coordinator-crashes.ts";
import {
  compareSample,
  type GroupRun,
  simulateBrokerGroups,
  simulateClusterGroups,
} from "./support/group-samples.ts";
import { loadText } from "./support/load.ts";

/** What the groups panel shows for `state`: every group of every broker. */
function shown(state: ClusterState): ShownGroup[] {
  return Object.values(state.groups).map((g) => {
    const lag = groupLag(state, g);
    return {
      group: g.group,
      coordinator: g.coordinator,
      state: g.state,
      generation: g.generation,
      protocol: g.protocol ?? "",
      leader: g.leader ?? "",
      members: g.members.map((m) => ({
        memberId: m.memberId,
        assignment: [...m.assignment].sort().join(","),
      })),
      offsets: Object.entries(g.committed).map(([partition, committed]) => ({
        partition,
        committed,
        lag: String(lag[partition] ?? ""),
      })),
    };
  });
}

/** Replays the trace up to each sample time and compares; returns mismatches and busy samples. */
function replay(run: GroupRun): { mismatches: string[]; held: number } {
  const lines = run.text.trim().split("\n");
  const header = checkHeader(lines[0]);
  if (!header.ok) throw new Error(header.message);
  const nodes = header.info.nodes;
  const clients = new Set(nodes.filter((n) => n.role === "client").map((n) => n.id));
  const state = emptyState(nodes);
  const mismatches: string[] = [];
  let next = 1;
  let held = 0;
  for (const sample of run.samples) {
    for (; next < lines.length; next++) {
      const r = JSON.parse(lines[next]!) as AnyRecord;
      if (r.t > sample.t) break;
      applyRecord(state, r, next - 1, clients);
    }
    if (sample.rows.length > 0) held++;
    const diff = compareSample(sample, shown(state));
    if (diff !== null) mismatches.push(diff);
  }
  return { mismatches, held };
}

describe("consumer groups replayed from a real trace", () => {
  let cluster: GroupRun | undefined;
  const clusterRun = () => {
    cluster ??= simulateClusterGroups(0x61n, coordinatorCrashes, 100);
    return cluster;
  };

  it("match every running broker's groups at 100 times of a cluster run with broker crashes", () => {
    const { mismatches, held } = replay(clusterRun());
    expect(mismatches).toEqual([]);
    expect(held).toBeGreaterThan(50);
  }, 60_000);

  it("seek through keyframes to the same groups, and chart each group's lag as its panel sums it", () => {
    const run = clusterRun();
    const indexer = loadText(run.text, [65_536], 64).indexer!;
    const data = indexer.snapshot(false);
    const lines = run.text.trim().split("\n");
    const records = lines.slice(1).map((l) => JSON.parse(l) as AnyRecord);
    const state = emptyState(data.info.nodes);
    const clients = new Set(data.info.nodes.filter((n) => n.role === "client").map((n) => n.id));
    let checked = 0;
    records.forEach((r, i) => {
      applyRecord(state, r, i, clients);
      if (i % 97 !== 0) return;
      expect(indexer.stateAt(i).groups).toEqual(state.groups);
      for (const g of currentGroups(state)) {
        const series = data.lagSeries.find((s) => s.group === g.group)!;
        const row = lastAtOrBelow(series.t, r.t, series.t.length);
        // Rows are written per event; events at the same time as `r` may follow it.
        if (i + 1 < records.length && records[i + 1]!.t === r.t) continue;
        expect(series.lag[row]).toBe(totalLag(state, g));
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(100);
  }, 60_000);

  it("match the single broker's groups at 100 times", () => {
    const run = simulateBrokerGroups(0x62n, { durationMs: 12_000, partitions: 3 }, 100);
    const { mismatches, held } = replay(run);
    expect(mismatches).toEqual([]);
    expect(held).toBeGreaterThan(50);
  }, 60_000);
});

describe("why a rebalance began", () => {
  const nodes = [
    { id: 1, role: "server" },
    { id: 2, role: "server" },
  ];
  const member = (id: string, partitions: number[]) => ({
    memberId: id,
    groupInstanceId: null,
    clientId: id.slice(0, 5),
    assignment: partitions.length === 0 ? [] : [{ topic: "t", partitions }],
  });
  const gs = (node: number, state: string, generation: number, members: object[]) => ({
    type: "group-state",
    node,
    group: "g",
    state,
    generation,
    protocolType: "consumer",
    protocol: "range",
    leader: "sim-1-a",
    members,
  });
  function run(events: readonly object[]): ClusterState {
    const state = emptyState(nodes);
    events.forEach((e, i) => {
      applyRecord(state, { seq: i + 1, t: i * 10, ...e } as AnyRecord, i, new Set());
    });
    return state;
  }

  it("names the join, the session expiry and the fenced static member", () => {
    const state = run([
      {
        type: "group-member-joined",
        node: 1,
        group: "g",
        memberId: "sim-1-a",
        clientId: "sim-1",
        groupInstanceId: null,
        reason: "new",
        replacedMemberId: null,
      },
      gs(1, "PreparingRebalance", 0, [member("sim-1-a", [])]),
      gs(1, "Stable", 1, [member("sim-1-a", [0, 1])]),
      {
        type: "group-member-expired",
        node: 1,
        group: "g",
        memberId: "sim-1-a",
        groupInstanceId: null,
        sessionTimeoutMs: 6000,
      },
      gs(1, "PreparingRebalance", 1, []),
      {
        type: "group-member-joined",
        node: 1,
        group: "g",
        memberId: "static-7-b",
        clientId: "sim-7",
        groupInstanceId: "static-7",
        reason: "static-replaced",
        replacedMemberId: "static-7-a",
      },
      gs(1, "PreparingRebalance", 1, [member("static-7-b", [])]),
    ]);
    const g = state.groups["g@1"]!;
    expect(g.rebalances.map((r) => r.fromGeneration)).toEqual([0, 1]);
    expect(g.rebalances[0]!.causes).toEqual(["sim-1 · a joined"]);
    expect(g.rebalances[1]!.causes[0]).toMatch(/^sim-1 · a: session expired .*timeout\.ms = 6000/);
    expect(g.rebalances.map((r) => r.departures)).toEqual([0, 1]);
    expect(g.rebalances[1]!.causes[1]).toMatch(/static member static-7 .*old one \(a\) is fenced/);
  });

  it("forgets a broker's groups when it crashes or unloads their offsets partition, keeping offsets for the next coordinator", () => {
    const offsets = (p: number) => ({
      type: "partition-created",
      node: 1,
      topic: "__consumer_offsets",
      partition: p,
      replicas: [1, 2],
    });
    const part = offsetsPartitionOf("g", 2);
    const state = run([
      offsets(0),
      offsets(1),
      gs(1, "Stable", 3, [member("sim-1-a", [0])]),
      { type: "offset-committed", node: 1, group: "g", topic: "t", partition: 0, offset: 7 },
      gs(2, "Empty", 3, []),
      { type: "coordinator-unloaded", node: 1, partition: 1 - part, groups: 0 },
    ]);
    expect(Object.keys(state.groups).sort()).toEqual(["g@1", "g@2"]);
    expect(state.groups["g@2"]!.committed).toEqual({ "t-0": 7 });
    applyRecord(
      state,
      {
        seq: 99,
        t: 99,
        type: "coordinator-unloaded",
        node: 1,
        partition: part,
        groups: 1,
      } as AnyRecord,
      98,
      new Set(),
    );
    expect(Object.keys(state.groups)).toEqual(["g@2"]);
    expect(currentGroups(state).map((g) => g.coordinator)).toEqual([2]);
    applyRecord(
      state,
      { seq: 100, t: 100, type: "proc-crash", node: 2 } as AnyRecord,
      99,
      new Set(),
    );
    expect(state.groups).toEqual({});
  });
});
