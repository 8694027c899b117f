// One property run: a cluster under a fault schedule for a window, then healed; safety is checked
// after every step throughout, liveness at the end.

import { Cluster } from "./cluster.ts";
import { type Fault, healAll, scheduleFaults } from "./faults.ts";

export const FAULT_WINDOW_MS = 8_000;
/** After healing: a leader within this bound, and every surviving proposal committed. */
export const LIVENESS_BOUND_MS = 20_000;

/** How slow this run's disks and links are (drawn per run, as a swarm test would). */
export interface Environment {
  readonly diskLatencyMaxMs: number;
  readonly maxDelayMs: number;
}

export function runWithFaults(
  voters: number,
  seed: string,
  faults: readonly Fault[],
  env: Environment = { diskLatencyMaxMs: 3, maxDelayMs: 10 },
): Cluster {
  const cluster = new Cluster({ voters, observers: 1, seed, proposeEveryMs: 40, ...env });
  const nodes = cluster.nodes.length;
  scheduleFaults(cluster, faults, nodes);
  cluster.runUntil(FAULT_WINDOW_MS);
  cluster.assertSafe();
  healAll(cluster);
  const healedAt = cluster.now;
  // The client stops proposing before the end so that what was accepted can settle.
  cluster.at(LIVENESS_BOUND_MS - 4_000, () => {
    cluster.proposing = false;
  });
  cluster.runUntil(healedAt + LIVENESS_BOUND_MS);
  cluster.assertSafe();
  checkLiveness(cluster);
  return cluster;
}

export function checkLiveness(cluster: Cluster): void {
  const fail = (message: string): never => {
    throw new Error(`liveness: ${message} (${cluster.describe()})`);
  };
  const leader = cluster.stableLeader();
  if (leader === undefined) {
    fail("no stable leader after healing");
    return;
  }
  const view = leader.view();
  if (view.highWatermark !== view.logEndOffset) fail("the leader's log is not all committed");
  for (const p of cluster.accepted) {
    const entry = leader.model.entries.get(p.offset);
    const survived = entry !== undefined && entry.epoch === p.epoch && entry.key === p.key;
    if ((survived || p.offset < view.logStartOffset) && p.offset >= view.highWatermark) {
      fail(`accepted proposal at ${p.offset} not committed`);
    }
  }
  for (const n of cluster.nodes) {
    if (n.view().appliedOffset !== view.highWatermark) fail(`node ${n.id} did not catch up`);
  }
}
