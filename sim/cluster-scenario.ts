// One simulated run of a replicated cluster (3 or 5 brokers in combined mode, RF 3,
// min.insync.replicas 2, acks=all) as data, with its timeline. Invariant: the scenario plus the
// commit determine the run byte for byte, and `clusterArgs` prints the arguments that recreate it.

import { assert } from "../core/assert.ts";
import { type WorkloadParams, workloadProfiles } from "../core/client/workload.ts";
import {
  type WorkloadKind,
  withWorkloadKind,
  workloadKinds,
} from "../core/client/workload-kinds.ts";
import { type NodeId, nodeId } from "../core/ids.ts";
import { type FaultKind, faultKinds, type ScheduledFault } from "./faults.ts";
import { formatSeed, type Seed } from "./prng.ts";
import type { SwarmParams } from "./swarm.ts";

export type ClusterProfile = "light" | "heavy";

export type ClusterFaults =
  /** Every kind, drawn per seed (swarm testing). */
  | { readonly mode: "swarm" }
  /** Swarm testing over these kinds only. */
  | { readonly mode: "kinds"; readonly kinds: readonly FaultKind[] }
  | { readonly mode: "none" }
  /** Exactly this schedule (a hand-written or shrunk case), on the given weather or a calm one. */
  | {
      readonly mode: "explicit";
      readonly schedule: readonly ScheduledFault[];
      readonly params?: SwarmParams;
    };

export interface ClusterScenario {
  readonly seed: Seed;
  /** Brokers, all combined (broker and controller): 3 or 5. */
  readonly nodes: number;
  /** How long the workload runs (ms); faults strike in its first 60%. */
  readonly durationMs: number;
  readonly profile: ClusterProfile;
  /** default: Jepsen's assign workload; groups: consumer groups; idempotent: idempotent producers. */
  readonly workload: WorkloadKind;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
  readonly faults: ClusterFaults;
  /** Topic unclean.leader.election.enable: loss it causes is excused, exactly where it happened. */
  readonly unclean: boolean;
  /**
   * The producers' acks: -1 (all, the default) or 1. With acks=1 a write the leader acknowledged
   * may be lost when leadership moves before a follower copied it: excused on partitions whose
   * leader changed after their first election, nowhere else.
   */
  readonly acks: -1 | 1;
  /** Simulated time the final reads may take once they start (ms). */
  readonly livenessBoundMs: number;
}

export const defaultClusterScenario: Omit<ClusterScenario, "seed"> = {
  nodes: 3,
  durationMs: 60_000,
  profile: "light",
  workload: "default",
  partitions: 6,
  replicationFactor: 3,
  minInsyncReplicas: 2,
  faults: { mode: "swarm" },
  unclean: false,
  acks: -1,
  livenessBoundMs: 30_000,
};

export function clusterScenario(
  seed: Seed,
  overrides: Partial<Omit<ClusterScenario, "seed">> = {},
): ClusterScenario {
  const s: ClusterScenario = { seed, ...defaultClusterScenario, ...overrides };
  assert(s.nodes >= 3 && s.nodes <= 9, `a cluster run needs 3 to 9 nodes, not ${s.nodes}`);
  assert(s.replicationFactor >= 1 && s.replicationFactor <= s.nodes, "RF within the brokers");
  assert(s.minInsyncReplicas >= 1 && s.minInsyncReplicas <= s.replicationFactor, "min ISR <= RF");
  assert(s.durationMs >= 1_000 && s.partitions >= 1 && s.partitions <= 64, "duration, partitions");
  assert(workloadKinds.includes(s.workload), `unknown workload ${s.workload}`);
  if (s.faults.mode === "kinds") {
    for (const kind of s.faults.kinds) assert(faultKinds.includes(kind), `unknown kind ${kind}`);
  }
  return s;
}

/** Who is who, and when each phase begins. */
export interface ClusterLayout {
  readonly brokers: readonly NodeId[];
  /**
   * A calm start: the quorum elects, brokers register and the topics are created (Jepsen's setup
   * creates them before its nemesis starts); the workload and the fault schedule begin after it.
   */
  readonly setupMs: number;
  readonly admin: NodeId;
  readonly workload: WorkloadParams;
  /** Slots 0..slots-1 run the workload; slot `slots` is the final reader. */
  readonly slots: number;
  readonly faultPhaseMs: number;
  /** Workload clients are torn down, then the final reader starts. */
  readonly finalStartMs: number;
  readonly endMs: number;
}

export const adminNode: NodeId = nodeId(100);
/** How long the calm setup at the start of a cluster run lasts. */
export const CLUSTER_SETUP_MS = 5_000;
/** Client slot s is node 1001 + s. */
export const clusterClient = (slot: number): NodeId => nodeId(1001 + slot);

export function clusterLayout(s: ClusterScenario): ClusterLayout {
  const setupMs = Math.min(CLUSTER_SETUP_MS, Math.floor(s.durationMs / 4));
  const profile = withWorkloadKind(workloadProfiles[s.profile](s.durationMs - setupMs), s.workload);
  const workload: WorkloadParams = {
    ...profile,
    producerConfig: { ...profile.producerConfig, acks: s.acks },
    startMs: setupMs,
    keys: { ...profile.keys, keyCount: s.partitions, partitionsPerTopic: s.partitions },
  };
  const settleMs = (workload.producerConfig.deliveryTimeoutMs ?? 120_000) + 1_000;
  const finalStartMs = s.durationMs + settleMs;
  return {
    brokers: Array.from({ length: s.nodes }, (_, i) => nodeId(i + 1)),
    setupMs,
    admin: adminNode,
    workload,
    slots: workload.producers + workload.consumers,
    faultPhaseMs: Math.round(s.durationMs * 0.6),
    finalStartMs,
    endMs: finalStartMs + s.livenessBoundMs,
  };
}

/** The arguments after `--seed 0x…` that recreate `s` (non-default ones only). */
export function clusterArgs(s: ClusterScenario): string[] {
  const d = defaultClusterScenario;
  const args = ["--nodes", String(s.nodes)];
  if (s.durationMs !== d.durationMs) args.push("--duration", `${s.durationMs}ms`);
  if (s.profile !== d.profile) args.push("--profile", s.profile);
  if (s.workload !== d.workload) args.push("--workload", s.workload);
  if (s.partitions !== d.partitions) args.push("--partitions", String(s.partitions));
  if (s.replicationFactor !== d.replicationFactor) args.push("--rf", String(s.replicationFactor));
  if (s.minInsyncReplicas !== d.minInsyncReplicas) {
    args.push("--min-isr", String(s.minInsyncReplicas));
  }
  if (s.faults.mode === "none") args.push("--faults", "none");
  if (s.faults.mode === "kinds") args.push("--faults", s.faults.kinds.join(","));
  if (s.unclean) args.push("--unclean");
  if (s.acks !== d.acks) args.push("--acks", String(s.acks));
  if (s.livenessBoundMs !== d.livenessBoundMs) {
    args.push("--liveness-bound", `${s.livenessBoundMs}ms`);
  }
  return args;
}

export function clusterReplay(s: ClusterScenario): string {
  return ["runnel sim --seed", formatSeed(s.seed), ...clusterArgs(s)].join(" ");
}
