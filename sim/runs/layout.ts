// Who is who in a single-broker run, and when each phase begins. Invariant: the timeline is a pure
// function of the scenario — workload [0, duration), faults in its first 60%, final reads once every
// send has settled (delivery.timeout.ms later), and the liveness bound after that.

import { type WorkloadParams, workloadProfiles } from "../../core/client/workload.ts";
import { withWorkloadKind } from "../../core/client/workload-kinds.ts";
import { type NodeId, nodeId } from "../../core/ids.ts";
import type { SimScenario } from "../scenario.ts";

export const brokerId: NodeId = nodeId(1);
export const adminId: NodeId = nodeId(100);
/** Client slot s is node 1001 + s (the final reader is the last slot). */
export const clientId = (slot: number): NodeId => nodeId(1001 + slot);

export interface RunLayout {
  readonly workload: WorkloadParams;
  /** Slots 0..slots-1 run the workload; slot `slots` is the final reader. */
  readonly slots: number;
  readonly faultPhaseMs: number;
  readonly finalStartMs: number;
  /** The world's time bound: final reads must be done by then. */
  readonly endMs: number;
}

export function layoutOf(s: SimScenario): RunLayout {
  const profile = withWorkloadKind(workloadProfiles[s.profile](s.durationMs), s.workload);
  const workload: WorkloadParams = {
    ...profile,
    keys: { ...profile.keys, keyCount: s.partitions, partitionsPerTopic: s.partitions },
  };
  const settleMs = (workload.producerConfig.deliveryTimeoutMs ?? 120_000) + 1_000;
  const finalStartMs = s.durationMs + settleMs;
  return {
    workload,
    slots: workload.producers + workload.consumers,
    faultPhaseMs: Math.round(s.durationMs * 0.6),
    finalStartMs,
    endMs: finalStartMs + s.livenessBoundMs,
  };
}

export function clientNodes(layout: RunLayout): NodeId[] {
  return Array.from({ length: layout.slots + 1 }, (_, slot) => clientId(slot));
}
