// Builders for small test clusters (node specs over the test nodes) and the checks that go with
// them: a durability check across restarts, and a deliberately nondeterministic node.

import type { Millis } from "../../../core/ids.ts";
import { type NodeId, nodeId } from "../../../core/ids.ts";
import type { NodeSpec } from "../../../sim/process.ts";
import type { WorldCheck, WorldView } from "../../../sim/world-types.ts";
import { ClientNode } from "./client-node.ts";
import { DiskLogNode, type DiskLogView } from "./disk-log-node.ts";
import { PingNode, type PingOptions } from "./ping-node.ts";

export function ids(count: number, first = 1): NodeId[] {
  return Array.from({ length: count }, (_, i) => nodeId(first + i));
}

export function pingServers(
  count: number,
  options: Omit<PingOptions, "peers"> = { intervalMs: 50 },
): NodeSpec[] {
  const peers = ids(count);
  return peers.map((id) => ({
    id,
    role: "server" as const,
    create: ({ incarnation, rng }) => new PingNode(id, incarnation, rng, { ...options, peers }),
  }));
}

export function clients(
  count: number,
  servers: readonly NodeId[],
  intervalMs = 40,
  first = 100,
): NodeSpec[] {
  return ids(count, first).map((id) => ({
    id,
    role: "client" as const,
    create: ({ rng }) => new ClientNode(id, rng, { servers, intervalMs }),
  }));
}

export function diskLogServers(count: number, intervalMs = 20, ackBeforeSync = false): NodeSpec[] {
  return ids(count).map((id) => ({
    id,
    role: "server" as const,
    create: ({ incarnation }) => new DiskLogNode(id, incarnation, intervalMs, ackBeforeSync),
  }));
}

/**
 * Nothing acknowledged is lost: after every restart, a disk-log node recovers at least the highest
 * value any earlier incarnation acknowledged (its sync completed). Wipes would break it by design.
 */
export function durabilityCheck(): WorldCheck & { readonly checkedRecoveries: () => number } {
  const acked = new Map<NodeId, number>();
  const checkedIncarnation = new Map<NodeId, number>();
  let recoveries = 0;
  return {
    name: "acknowledged records survive restarts",
    checkedRecoveries: () => recoveries,
    check(world: WorldView): string | undefined {
      const node = world.lastStep?.node;
      if (node === undefined) return undefined;
      const view = world.view(node) as DiskLogView | undefined;
      if (view === undefined) return undefined;
      if (view.recovered !== undefined && checkedIncarnation.get(node) !== view.incarnation) {
        checkedIncarnation.set(node, view.incarnation);
        recoveries++;
        const before = acked.get(node) ?? 0;
        if (view.recovered < before) {
          return `node ${node} recovered ${view.recovered} records, but ${before} were acknowledged`;
        }
      }
      acked.set(node, Math.max(acked.get(node) ?? 0, view.acked));
      return undefined;
    },
  };
}

/** A module-level counter that outlives one run: the classic static-variable determinism bug. */
let leakedCounter = 0;

/** Ping servers whose period depends on how many were ever built in this process. */
export function leakyPingServers(count: number): NodeSpec[] {
  const peers = ids(count);
  return peers.map((id) => ({
    id,
    role: "server" as const,
    create: ({ incarnation, rng }) => {
      const intervalMs: Millis = 50 + (leakedCounter++ % 7);
      return new PingNode(id, incarnation, rng, { intervalMs, peers });
    },
  }));
}
