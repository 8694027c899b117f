// Plain-text descriptions of a partition and a node at the cursor, for the inspector.

import type { ClusterState } from "./cluster-state.ts";
import { formatTime } from "./format.ts";

export function partitionLines(state: ClusterState | null, key: string): string[] {
  const p = state?.partitions[key];
  if (p === undefined) return ["This partition does not exist at the cursor."];
  const lines = [`leader ${p.leader}, leader epoch ${p.leaderEpoch}, ISR [${p.isr.join(", ")}]`];
  for (const r of Object.values(p.replicas)) {
    lines.push(
      `replica ${r.node}: LEO ${r.logEndOffset}, HW ${r.highWatermark}, durable ${r.durableOffset}, log start ${r.logStartOffset}, sees leader ${r.leader} in epoch ${r.leaderEpoch}${r.offline ? " (broker down: last report)" : ""}`,
    );
  }
  for (const c of [...p.isrChanges].reverse()) {
    lines.push(
      `ISR change at ${formatTime(c.t)}: [${c.before.join(",")}] → [${c.after.join(",")}]: ${c.reason}${c.inferred ? " (inferred)" : ""}`,
    );
  }
  for (const c of p.truncations)
    lines.push(
      `replica ${c.node} truncated to ${c.logEndOffset} at ${formatTime(c.t)}: ${c.reason}`,
    );
  return lines;
}

export function nodeLines(state: ClusterState | null, id: number): string[] {
  const n = state?.nodes[id];
  if (n === undefined) return ["Unknown node."];
  return [
    `${n.role} ${id}: ${n.status} since ${formatTime(n.since)}, incarnation ${n.incarnation}${n.ready ? ", ready" : ""}`,
    `metadata quorum: ${n.raftRole ?? "—"}${n.raftRole === null ? "" : ` in epoch ${n.raftEpoch}, leader ${n.raftLeader ?? "unknown"}`}`,
    ...(n.fenced === null ? [] : [n.fenced ? "fenced by the controller" : "unfenced"]),
    ...(n.halted === null ? [] : [`halted: ${n.halted}`]),
    ...(n.wiped ? ["its disk was wiped"] : []),
  ];
}
