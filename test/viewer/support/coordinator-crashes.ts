// A cluster groups run whose coordinators crash in turn (node 1, then node 2, each restarted), so
// the groups move to the new leaders of their __consumer_offsets partitions and come back from log.

import { nodeId } from "../../../core/ids.ts";
import type { ClusterScenario } from "../../../sim/cluster-scenario.ts";

export const coordinatorCrashes = {
  durationMs: 24_000,
  partitions: 3,
  faults: {
    mode: "explicit",
    schedule: [
      { atMs: 13_000, fault: { type: "crash", node: nodeId(1) } },
      { atMs: 15_500, fault: { type: "restart", node: nodeId(1) } },
      { atMs: 17_000, fault: { type: "crash", node: nodeId(2) } },
      { atMs: 19_500, fault: { type: "restart", node: nodeId(2) } },
    ],
  },
} as const satisfies Partial<Omit<ClusterScenario, "seed">>;
