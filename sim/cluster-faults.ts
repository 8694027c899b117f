// The cluster's fault contract as the swarm draws it (docs/fault-model.md, "Clusters"): every fault
// kind but two, at most a minority of brokers down or paused at once, clients spared. Excluded:
// wipe (a controller that forgets its vote breaks Raft; KIP-853's directory ids are not built)
// and bit rot of synced data (on the last ISR member it loses acknowledged records: KIP-966).

import type { NodeId } from "../core/ids.ts";
import { type ClusterLayout, type ClusterScenario, clusterClient } from "./cluster-scenario.ts";
import {
  defaultFaultModel,
  type FaultKind,
  type FaultModel,
  faultKinds,
  type ScheduledFault,
} from "./faults.ts";
import { rootRng } from "./prng.ts";
import { drawSwarm, type SwarmSetup } from "./swarm.ts";
import { drawSchedule } from "./swarm-schedule.ts";
import type { FaultPlan } from "./world-types.ts";

/** Kinds the cluster does not claim to survive, and why (printed by reports). */
export const clusterExcludedKinds: ReadonlyMap<FaultKind, string> = new Map<FaultKind, string>([
  ["wipe", "a controller that restarts with an empty disk forgets its vote (KIP-853 not built)"],
  ["disk-bit-rot", "rot on the last ISR member loses what only it held (KIP-966's ELR not built)"],
]);

export const clusterKinds: readonly FaultKind[] = faultKinds.filter(
  (k) => !clusterExcludedKinds.has(k),
);

export function clusterFaultModel(s: ClusterScenario): Partial<FaultModel> {
  const minority = Math.floor((s.nodes - 1) / 2);
  const kinds =
    s.faults.mode === "kinds"
      ? s.faults.kinds.filter((k) => !clusterExcludedKinds.has(k))
      : clusterKinds;
  return { kinds, maxServersDown: minority, maxServersPaused: minority, clientFaults: false };
}

/**
 * The run's weather and schedule, drawn as the world would (same streams: "swarm", "faults"), then
 * with the clients' clocks left alone: clients are spared by the contract, and a client whose
 * clock jumps back a minute would start its final reads a minute late.
 */
export function clusterFaultPlan(s: ClusterScenario, layout: ClusterLayout): FaultPlan {
  switch (s.faults.mode) {
    case "none":
      return { mode: "none" };
    case "explicit":
      return s.faults.params === undefined
        ? { mode: "explicit", schedule: s.faults.schedule }
        : { mode: "explicit", schedule: s.faults.schedule, params: s.faults.params };
    case "swarm":
    case "kinds": {
      const clients: NodeId[] = [layout.admin, ...clientIds(layout)];
      const setup: SwarmSetup = {
        servers: layout.brokers,
        clients,
        faultPhaseMs: layout.faultPhaseMs,
        model: { ...defaultFaultModel(layout.brokers.length), ...clusterFaultModel(s) },
      };
      const root = rootRng(s.seed);
      const drawn = drawSwarm(root.derive("swarm"), setup);
      const spared = new Set<number>(clients);
      const params = {
        ...drawn,
        clocks: drawn.clocks.map((c) =>
          spared.has(c.node) ? { node: c.node, skewMs: 0, rate: 1 } : c,
        ),
      };
      // The schedule is drawn over the fault phase, then squeezed in after the calm setup.
      const squeeze = (atMs: number) =>
        layout.setupMs +
        Math.round((atMs * (layout.faultPhaseMs - layout.setupMs)) / layout.faultPhaseMs);
      const schedule = drawSchedule(root.derive("faults"), params, setup)
        .filter(({ fault }) => {
          const clock = fault.type === "clock-jump" || fault.type === "clock-rate";
          return !(clock && spared.has(fault.node));
        })
        .map(({ atMs, fault }) => ({ atMs: squeeze(atMs), fault }));
      return { mode: "explicit", schedule: isolateOutsideCore(schedule, layout, clients), params };
    }
  }
}

/** Partition id of the quiet phase's cut between the core and the rest (beyond the swarm's ids). */
const OUTSIDE_CORE_PARTITION = 1_000_000;

/**
 * VOPR's liveness mode: once the fault phase ends, the brokers outside the core are cut off from
 * the core and the clients for good, so the core alone must serve. Without the cut a broker
 * outside the core may stay the quorum leader, reachable from one core broker and not another —
 * a state no timeout resolves, and not the promise ("a healed majority makes progress").
 */
function isolateOutsideCore(
  schedule: readonly ScheduledFault[],
  layout: ClusterLayout,
  clients: readonly NodeId[],
): ScheduledFault[] {
  const out: ScheduledFault[] = [];
  for (const entry of schedule) {
    if (entry.fault.type === "stabilize") {
      const core = entry.fault.core;
      const outside = layout.brokers.filter((b) => !core.includes(b));
      if (outside.length > 0) {
        out.push({
          atMs: entry.atMs,
          fault: {
            type: "partition",
            id: OUTSIDE_CORE_PARTITION,
            shape: "isolate",
            oneWay: false,
            sides: [outside, [...core, ...clients]],
          },
        });
      }
    }
    out.push(entry);
  }
  return out;
}

function clientIds(layout: ClusterLayout): NodeId[] {
  return Array.from({ length: layout.slots + 1 }, (_, slot) => clusterClient(slot));
}
