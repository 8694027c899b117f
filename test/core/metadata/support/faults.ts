// Fault schedules for property runs: crashes, restarts, partitions, isolation, message drops and
// graceful resignations at chosen times; then everything heals and liveness is measured.

import fc from "fast-check";
import type { Cluster } from "./cluster.ts";

export type Fault =
  | { readonly type: "crash"; readonly at: number; readonly node: number }
  | { readonly type: "restart"; readonly at: number; readonly node: number }
  | { readonly type: "partition"; readonly at: number; readonly side: readonly number[] }
  | { readonly type: "isolate"; readonly at: number; readonly node: number }
  | { readonly type: "heal"; readonly at: number }
  | { readonly type: "drops"; readonly at: number; readonly rate: number }
  | { readonly type: "resign"; readonly at: number; readonly node: number };

export function faultArbitrary(nodes: number, windowMs: number): fc.Arbitrary<Fault[]> {
  const at = fc.integer({ min: 0, max: windowMs });
  const node = fc.integer({ min: 1, max: nodes });
  const fault: fc.Arbitrary<Fault> = fc.oneof(
    fc.record({ type: fc.constant("crash" as const), at, node }),
    fc.record({ type: fc.constant("restart" as const), at, node }),
    fc.record({
      type: fc.constant("partition" as const),
      at,
      side: fc.uniqueArray(node, { minLength: 1, maxLength: Math.max(1, nodes - 1) }),
    }),
    fc.record({ type: fc.constant("isolate" as const), at, node }),
    fc.record({ type: fc.constant("heal" as const), at }),
    fc.record({
      type: fc.constant("drops" as const),
      at,
      rate: fc.constantFrom(0, 0.05, 0.2, 0.5),
    }),
    fc.record({ type: fc.constant("resign" as const), at, node }),
  );
  return fc.array(fault, { maxLength: 12 });
}

/** Puts each fault on the cluster's timeline (times relative to now). */
export function scheduleFaults(cluster: Cluster, faults: readonly Fault[], nodes: number): void {
  const all = Array.from({ length: nodes }, (_, i) => i + 1);
  for (const f of faults) {
    cluster.at(f.at, () => {
      switch (f.type) {
        case "crash":
          cluster.crash(f.node);
          return;
        case "restart":
          if (!cluster.node(f.node).alive) cluster.restart(f.node);
          return;
        case "partition":
          cluster.partition(
            f.side,
            all.filter((n) => !f.side.includes(n)),
          );
          return;
        case "isolate":
          cluster.partition(
            [f.node],
            all.filter((n) => n !== f.node),
          );
          return;
        case "heal":
          cluster.heal();
          return;
        case "drops":
          cluster.dropRate = f.rate;
          return;
        case "resign":
          cluster.resign(f.node);
          return;
      }
    });
  }
}

/** Faults stop: links heal, drops end, crashed nodes come back. */
export function healAll(cluster: Cluster): void {
  cluster.heal();
  for (const n of cluster.nodes) if (!n.alive) cluster.restart(n.id);
}
