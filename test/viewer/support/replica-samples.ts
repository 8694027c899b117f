// Partition replicas as the simulator's brokers hold them (BrokerView) and as the partitions panel
// shows them, both as comparable text rows: leader, leader epoch, ISR, log end offset and HW.

import type { BrokerView } from "../../../core/broker/broker-view.ts";
import type { ShownReplica } from "../../../viewer/test-hook.ts";

export interface ReplicaSample {
  readonly t: number;
  /** One row per replica a running broker holds (loading ones left out), sorted. */
  readonly rows: readonly string[];
}

const row = (
  node: number,
  key: string,
  leader: number,
  epoch: number,
  isr: readonly number[],
  leo: number,
  hw: number,
) =>
  `${node} ${key} leader ${leader} epoch ${epoch} isr ${[...isr].sort().join(",")} leo ${leo} hw ${hw}`;

/** The running brokers' replicas at time `t`. */
export function replicaSample(t: number, views: readonly BrokerView[]): ReplicaSample {
  const rows: string[] = [];
  for (const view of views) {
    for (const p of view.partitions) {
      if (p.status === "loading") continue;
      const key = `${p.topic}-${p.partition}`;
      const { leader, leaderEpoch, isr, logEndOffset, highWatermark } = p;
      rows.push(row(view.nodeId, key, leader, leaderEpoch, isr, logEndOffset, highWatermark));
    }
  }
  return { t, rows: rows.sort() };
}

/** One entry per sample where the panel's rows differ from the brokers'. */
export function replicaMismatches(
  samples: readonly ReplicaSample[],
  shown: readonly (readonly ShownReplica[])[],
): string[] {
  return samples.flatMap((sample, i) => {
    const rows = (shown[i] ?? [])
      .map((r) =>
        row(r.node, r.partition, r.leader, r.leaderEpoch, r.isr, r.logEndOffset, r.highWatermark),
      )
      .sort();
    if (JSON.stringify(rows) === JSON.stringify(sample.rows)) return [];
    return [
      `t=${sample.t}:\n  shown    ${rows.join("\n           ")}\n  brokers  ${sample.rows.join("\n           ")}`,
    ];
  });
}
