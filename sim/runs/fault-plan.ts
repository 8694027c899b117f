// The faults of a single-broker run, within its fault contract (docs/fault-model.md): the broker may
// crash, pause, see its clock jump or drift and its disk misbehave; with no peer to partition from,
// the network faults strike the links between the broker and its clients, and clients may pause.
// Invariant: the schedule is a pure function of the seed (streams swarm, faults, faults-clients), so
// it prints as an explicit schedule that, on the same weather, replays the very same run.

import type { NodeId } from "../../core/ids.ts";
import { type FaultKind, type FaultModel, faultKinds, type ScheduledFault } from "../faults.ts";
import { rootRng, type Seed } from "../prng.ts";
import type { FaultSelection } from "../scenario.ts";
import {
  calmSwarm,
  drawSwarm,
  type KindSetting,
  type SwarmParams,
  type SwarmSetup,
} from "../swarm.ts";
import { drawSchedule } from "../swarm-schedule.ts";

/** Kinds the single-broker contract covers; wipe (no other copy) and partitions (no peer) are out. */
export const singleBrokerKinds: readonly FaultKind[] = faultKinds.filter(
  (k) => k !== "wipe" && !k.startsWith("partition-"),
);

/** Kinds whose episodes also strike the clients' side (the broker's links, clients pausing). */
const clientSideKinds: ReadonlySet<FaultKind> = new Set<FaultKind>([
  "pause",
  "clog",
  "clog-swizzle",
  "slow-link",
  "bandwidth",
]);

export function singleBrokerModel(kinds: readonly FaultKind[]): FaultModel {
  return { kinds, maxServersDown: 1, maxServersPaused: 1, clientFaults: false };
}

export interface FaultLayout {
  readonly broker: NodeId;
  readonly clients: readonly NodeId[];
  readonly faultPhaseMs: number;
}

export interface DrawnFaults {
  readonly model: FaultModel;
  readonly params: SwarmParams;
  readonly schedule: readonly ScheduledFault[];
  readonly calm: boolean;
}

export function permittedKinds(selection: FaultSelection): readonly FaultKind[] {
  switch (selection.mode) {
    case "kinds":
      return singleBrokerKinds.filter((k) => selection.kinds.includes(k));
    case "explicit": {
      const kinds = selection.kinds;
      return kinds === undefined
        ? singleBrokerKinds
        : singleBrokerKinds.filter((k) => kinds.includes(k));
    }
    case "none":
      return [];
    case "swarm":
      return singleBrokerKinds;
  }
}

/** The weather and schedule of a run (the schedule is the given one in explicit mode). */
export function drawFaults(
  seed: Seed,
  selection: FaultSelection,
  weatherOff: readonly FaultKind[],
  layout: FaultLayout,
): DrawnFaults {
  const model = singleBrokerModel(permittedKinds(selection));
  const setup: SwarmSetup = {
    servers: [layout.broker],
    clients: layout.clients,
    faultPhaseMs: layout.faultPhaseMs,
    model,
  };
  if (selection.mode === "none") {
    return { model, params: calmSwarm(setup), schedule: [], calm: true };
  }
  const off: Partial<Record<FaultKind, KindSetting | null>> = {};
  for (const kind of weatherOff) off[kind] = null;
  const root = rootRng(seed);
  const params = drawSwarm(root.derive("swarm"), setup, { kinds: off });
  if (selection.mode === "explicit") {
    return { model, params, schedule: [...selection.schedule], calm: false };
  }
  const brokerSide = drawSchedule(root.derive("faults"), params, setup);
  const clientSide = drawSchedule(root.derive("faults-clients"), clientSideParams(params), {
    ...setup,
    model: { ...model, maxServersDown: 0, maxServersPaused: 0, clientFaults: true },
  }).filter((f) => f.fault.type !== "stabilize");
  const schedule = [...brokerSide, ...clientSide]
    .map((entry, order) => ({ entry, order }))
    .sort((a, b) => a.entry.atMs - b.entry.atMs || a.order - b.order)
    .map(({ entry }) => entry);
  return { model, params, schedule, calm: false };
}

/** The same weather with only the kinds that strike the clients' side switched on. */
function clientSideParams(params: SwarmParams): SwarmParams {
  const kinds = { ...params.kinds };
  for (const kind of faultKinds) if (!clientSideKinds.has(kind)) kinds[kind] = null;
  return { ...params, kinds };
}
