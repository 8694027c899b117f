// Liveness of a cluster run, in TigerBeetle's style: once the fault phase ends a random majority
// core is healed; within the bound every partition must have a serving leader and the final reader
// must reach the end of every partition. Excused only what the contract allows: a partition whose
// whole ISR is outside the healthy core (down, cut off, halted, or with a failed log directory).

import type { BrokerView, PartitionView } from "../../core/broker/broker-view.ts";
import type { KeyMap } from "../../core/client/workload-keys.ts";
import type { NodeId } from "../../core/ids.ts";

export interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

/** Each partition as the most recent view of it says (highest partition epoch). */
export function latestPartitions(views: readonly BrokerView[]): Map<string, PartitionState> {
  const best = new Map<string, PartitionView>();
  for (const v of views) {
    for (const p of v.partitions) {
      const key = `${p.topic}-${p.partition}`;
      const known = best.get(key);
      if (known === undefined || known.partitionEpoch < p.partitionEpoch) best.set(key, p);
    }
  }
  return new Map([...best].map(([k, p]) => [k, p]));
}

/** Brokers of the core that can serve: up, ready, their metadata quorum member not halted. */
export function healthyCore(views: readonly BrokerView[], core: readonly NodeId[]): Set<number> {
  const healthy = new Set<number>();
  for (const v of views) {
    if (!core.includes(v.nodeId)) continue;
    if (v.phase !== "ready" || v.raft.role === "halted" || v.logDirFailed) continue;
    healthy.add(v.nodeId);
  }
  return healthy;
}

/**
 * Keys the contract lets stay unread: no ISR member is a healthy core broker (Kafka without
 * unclean election keeps such a partition offline); fewer healthy core brokers among its replicas
 * than min.insync.replicas (its ISR can never grow back to the minimum, and the high watermark
 * does not move below it, KAFKA-15583: acknowledged records past a new leader's stale high
 * watermark stay unread); or the leader is outside the core — alive and in touch with the
 * controller, so it keeps its leadership, but cut off from the clients.
 */
export function excusedKeys(
  views: readonly BrokerView[],
  core: readonly NodeId[],
  keyMap: KeyMap,
  minInsyncReplicas: number,
): Set<number> {
  const healthy = healthyCore(views, core);
  const out = new Set<number>();
  for (const p of latestPartitions(views).values()) {
    const offline = !p.isr.some((id) => healthy.has(id));
    const belowMinIsr = p.replicas.filter((id) => healthy.has(id)).length < minInsyncReplicas;
    const outside = p.leader >= 0 && !core.includes(p.leader as NodeId);
    if (!offline && !belowMinIsr && !outside) continue;
    const key = keyMap.keyOf(p.topic, p.partition);
    if (key !== undefined) out.add(key);
  }
  return out;
}

/** Partitions without a leader although a healthy core broker is in their ISR. */
export function leaderlessPartitions(
  views: readonly BrokerView[],
  core: readonly NodeId[],
): string[] {
  const healthy = healthyCore(views, core);
  const out: string[] = [];
  for (const [key, p] of latestPartitions(views)) {
    if (p.leader >= 0 || !p.isr.some((id) => healthy.has(id))) continue;
    out.push(`${key} (ISR [${p.isr}])`);
  }
  return out;
}
