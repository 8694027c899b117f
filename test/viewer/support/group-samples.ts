// Consumer groups as the simulator itself holds them, for comparing with the viewer: runs a groups
// workload (a replicated cluster or the single broker) writing its trace, and at seeded sample
// times records every running broker's groups (core/groups' GroupView) as comparable text rows.

import type { BrokerView } from "../../../core/broker/broker-view.ts";
import { decodeAssignment } from "../../../core/client/consumer-protocol.ts";
import { buildClusterRun } from "../../../sim/cluster-run.ts";
import { type ClusterScenario, clusterScenario } from "../../../sim/cluster-scenario.ts";
import { buildRun } from "../../../sim/runs/build.ts";
import { brokerId } from "../../../sim/runs/layout.ts";
import { type SimScenario, scenario } from "../../../sim/scenario.ts";
import { MemorySink, TraceWriter } from "../../../sim/trace-writer.ts";
import type { ShownGroup } from "../../../viewer/test-hook.ts";
import { type SampledRun, sampleTimes, sampleViews } from "./sim-samples.ts";

export interface GroupSample {
  readonly t: number;
  /** One row per group and coordinator, per member, and per committed offset. */
  readonly rows: readonly string[];
  /** Lag rows for partitions with a running leader: `broker group partition lag n`. */
  readonly lags: readonly string[];
}

const groupRow = (
  node: number,
  g: string,
  state: string,
  gen: number,
  protocol: string,
  leader: string,
) => `${node} ${g} ${state} generation ${gen} protocol ${protocol || "-"} leader ${leader || "-"}`;
const memberRow = (node: number, g: string, member: string, assignment: string) =>
  `${node} ${g} member ${member} [${assignment}]`;
const offsetRow = (node: number, g: string, key: string, committed: number) =>
  `${node} ${g} ${key} committed ${committed}`;
const lagRow = (node: number, g: string, key: string, lag: number | string) =>
  `${node} ${g} ${key} lag ${lag}`;

function assignmentOf(bytes: Uint8Array): string {
  if (bytes.length === 0) return "";
  const decoded = decodeAssignment(bytes);
  if (!decoded.ok) return "?";
  return decoded.value.assignedPartitions
    .flatMap((tp) => tp.partitions.map((p) => `${tp.topic}-${p}`))
    .sort()
    .join(",");
}

/**
 * A group with nothing in it yet: a JoinGroup answered MEMBER_ID_REQUIRED creates it on the
 * coordinator, and core/groups traces no group-state until a member joins. Left out on both sides.
 */
const blank = (state: string, generation: number, members: number, offsets: number) =>
  state === "Empty" && generation === 0 && members === 0 && offsets === 0;

/** The running brokers' groups at this moment, and the lag their partition leaders imply. */
function sample(t: number, views: readonly BrokerView[]): GroupSample {
  const hw = new Map<string, { epoch: number; hw: number }>();
  for (const v of views) {
    for (const p of v.partitions) {
      if (p.leader !== v.nodeId || p.status === "loading") continue;
      const key = `${p.topic}-${p.partition}`;
      const known = hw.get(key);
      if (known === undefined || p.leaderEpoch > known.epoch)
        hw.set(key, { epoch: p.leaderEpoch, hw: p.highWatermark });
    }
  }
  const rows: string[] = [];
  const lags: string[] = [];
  for (const v of views) {
    for (const g of v.groups) {
      if (blank(g.state, g.generation, g.members.length, g.offsets.length)) continue;
      rows.push(
        groupRow(v.nodeId, g.groupId, g.state, g.generation, g.protocol ?? "", g.leader ?? ""),
      );
      for (const m of g.members)
        rows.push(memberRow(v.nodeId, g.groupId, m.memberId, assignmentOf(m.assignment)));
      for (const o of g.offsets) {
        const key = `${o.topic}-${o.partition}`;
        rows.push(offsetRow(v.nodeId, g.groupId, key, o.offset));
        const leader = hw.get(key);
        if (leader !== undefined)
          lags.push(lagRow(v.nodeId, g.groupId, key, Math.max(0, leader.hw - o.offset)));
      }
    }
  }
  return { t, rows: rows.sort(), lags: lags.sort() };
}

/** The same rows from what the groups panel shows. */
function shownRows(shown: readonly ShownGroup[]): { rows: string[]; lags: Map<string, string> } {
  const rows: string[] = [];
  const lags = new Map<string, string>();
  for (const g of shown) {
    if (blank(g.state, g.generation, g.members.length, g.offsets.length)) continue;
    const n = g.coordinator;
    rows.push(groupRow(n, g.group, g.state, g.generation, g.protocol, g.leader));
    for (const m of g.members) rows.push(memberRow(n, g.group, m.memberId, m.assignment));
    for (const o of g.offsets) {
      rows.push(offsetRow(n, g.group, o.partition, o.committed));
      const lag = lagRow(n, g.group, o.partition, o.lag === "" ? "?" : Number(o.lag));
      lags.set(lag.slice(0, lag.lastIndexOf(" lag ")), lag);
    }
  }
  return { rows: rows.sort(), lags };
}

/**
 * What differs between the panel and the simulator at one sample, or null. Lag is compared where
 * a running broker leads the partition (a crashed leader's last HW is all the trace knows).
 */
export function compareSample(sample: GroupSample, shown: readonly ShownGroup[]): string | null {
  const { rows, lags } = shownRows(shown);
  const lagsShown = sample.lags.map((l) => lags.get(l.slice(0, l.lastIndexOf(" lag "))) ?? "-");
  if (JSON.stringify(rows) === JSON.stringify(sample.rows)) {
    if (JSON.stringify(lagsShown) === JSON.stringify(sample.lags)) return null;
    return `t=${sample.t} lag\n  shown ${lagsShown.join("\n        ")}\n  sim   ${sample.lags.join("\n        ")}`;
  }
  return `t=${sample.t}\n  shown ${rows.join("\n        ")}\n  sim   ${sample.rows.join("\n        ")}`;
}

export interface GroupRun {
  readonly text: string;
  readonly samples: readonly GroupSample[];
}

function record(run: SampledRun, sink: MemorySink, times: readonly number[]): GroupRun {
  const samples = sampleViews(run, times, sample);
  return { text: `${sink.lines.join("\n")}\n`, samples };
}

/** A replicated cluster running the groups workload, sampled at `count` seeded times. */
export function simulateClusterGroups(
  seed: bigint,
  overrides: Partial<Omit<ClusterScenario, "seed">>,
  count: number,
): GroupRun {
  const sink = new MemorySink();
  const s = clusterScenario(seed, { workload: "groups", ...overrides });
  const run = buildClusterRun(s, { trace: new TraceWriter({ sink }) });
  const times = sampleTimes(Number(seed % 1000n) + 1, s.durationMs, count);
  return record({ world: run.world, brokers: run.layout.brokers }, sink, times);
}

/** The single broker running the groups workload, sampled at `count` seeded times. */
export function simulateBrokerGroups(
  seed: bigint,
  overrides: Partial<Omit<SimScenario, "seed">>,
  count: number,
): GroupRun {
  const sink = new MemorySink();
  const s = scenario(seed, { workload: "groups", ...overrides });
  const parts = buildRun(s, { trace: new TraceWriter({ sink }) });
  const times = sampleTimes(Number(seed % 1000n) + 1, s.durationMs, count);
  return record({ world: parts.world, brokers: [brokerId] }, sink, times);
}
