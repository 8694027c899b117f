// Builds a run from its configuration: the weather (swarm, explicit or calm), the fault schedule,
// each node's clock and disk, and the trace header. Invariant: every component draws from its own
// stream derived from the root seed by name (swarm, faults, network, disk/<id>, node/<id>/<n>).

import { assert } from "../core/assert.ts";
import type { NodeId } from "../core/ids.ts";
import { SimClock } from "./clock.ts";
import { SimDisk } from "./disk.ts";
import {
  defaultFaultModel,
  describeFault,
  type FaultModel,
  type ScheduledFault,
} from "./faults.ts";
import type { SimRng } from "./prng.ts";
import { NodeSlot } from "./process.ts";
import {
  calmSwarm,
  defaultClockEpochMs,
  describeSwarm,
  drawSwarm,
  type SwarmParams,
  type SwarmSetup,
} from "./swarm.ts";
import { drawSchedule } from "./swarm-schedule.ts";
import type { TraceHeader } from "./trace-format.ts";
import { DiskQueue } from "./world-disk.ts";
import type { DiskFactory, WorldConfig } from "./world-types.ts";

export interface RunPlan {
  readonly servers: readonly NodeId[];
  readonly clients: readonly NodeId[];
  readonly model: FaultModel;
  readonly mode: "swarm" | "none" | "explicit";
  readonly params: SwarmParams;
  readonly schedule: readonly ScheduledFault[];
}

/** The default disk: sim/disk.ts with the swarm's parameters for the node. */
export const simDiskFactory: DiskFactory = ({ rng, params }) =>
  new SimDisk(rng, {
    capacityBytes: params.capacityBytes ?? Number.POSITIVE_INFINITY,
    latency: params.latency,
    faults: params.faults,
  });

export function planRun(config: WorldConfig, root: SimRng): RunPlan {
  const servers = config.nodes.filter((s) => s.role === "server").map((s) => s.id);
  const clients = config.nodes.filter((s) => s.role === "client").map((s) => s.id);
  const faultPhaseMs = config.faultPhaseMs ?? Math.floor(config.durationMs * 0.6);
  assert(faultPhaseMs >= 0 && faultPhaseMs <= config.durationMs, "fault phase outside the run");
  const model = { ...defaultFaultModel(servers.length), ...config.faultModel };
  const setup: SwarmSetup = { servers, clients, faultPhaseMs, model };
  const plan = config.faults ?? { mode: "swarm" };
  switch (plan.mode) {
    case "swarm": {
      const params = drawSwarm(root.derive("swarm"), setup, plan.overrides);
      const schedule = drawSchedule(root.derive("faults"), params, setup);
      return { servers, clients, model, mode: plan.mode, params, schedule };
    }
    case "explicit": {
      const schedule = [...plan.schedule].sort((a, b) => a.atMs - b.atMs);
      const params = plan.params ?? calmSwarm(setup);
      return { servers, clients, model, mode: plan.mode, params, schedule };
    }
    case "none":
      return { servers, clients, model, mode: plan.mode, params: calmSwarm(setup), schedule: [] };
  }
}

/** One slot per node, in configuration order, with its clock and disk. */
export function buildSlots(
  config: WorldConfig,
  plan: RunPlan,
  root: SimRng,
  createDisk: DiskFactory,
): Map<NodeId, NodeSlot> {
  const slots = new Map<NodeId, NodeSlot>();
  const epoch = config.clockEpochMs ?? defaultClockEpochMs;
  const diskStreams = root.derive("disk");
  const calm = calmSwarm({
    servers: config.nodes.map((s) => s.id),
    clients: [],
    faultPhaseMs: 0,
    model: plan.model,
  });
  for (const spec of config.nodes) {
    assert(!slots.has(spec.id), `node id ${spec.id} used twice`);
    const clock = plan.params.clocks.find((c) => c.node === spec.id) ?? { skewMs: 0, rate: 1 };
    const params =
      plan.params.disks.find((d) => d.node === spec.id) ??
      calm.disks.find((d) => d.node === spec.id)!;
    const disk = createDisk({ node: spec.id, rng: diskStreams.derive(String(spec.id)), params });
    const simClock = new SimClock({ startMs: epoch + clock.skewMs, rate: clock.rate });
    const monotonic = (config.clockMode ?? "raw") === "monotonic";
    slots.set(spec.id, new NodeSlot(spec, simClock, new DiskQueue(disk), monotonic));
  }
  return slots;
}

export function traceHeader(
  config: WorldConfig,
  plan: RunPlan,
  seedHex: string,
  replay: string,
): TraceHeader {
  return {
    format: "runnel-trace",
    version: 1,
    seed: seedHex,
    commit: config.commit ?? "unknown",
    nodes: config.nodes.map(({ id, role }) => ({ id, role })),
    config: {
      durationMs: config.durationMs,
      maxEvents: config.maxEvents,
      faultPhaseMs: plan.params.faultPhaseMs,
      faultPlan: plan.mode,
      faultModel: plan.model,
      clockEpochMs: config.clockEpochMs ?? defaultClockEpochMs,
      clockMode: config.clockMode ?? "raw",
      replay,
      scenario: config.scenario,
    },
    faults: { params: plan.params, schedule: plan.schedule },
  };
}

/** The self-describing start of a report: seed, replay command, every drawn parameter, schedule. */
export function describeRun(
  seedHex: string,
  replay: string,
  params: SwarmParams,
  schedule: readonly ScheduledFault[],
): string[] {
  return [
    `seed=${seedHex}`,
    `replay=${replay}`,
    ...describeSwarm(params),
    `schedule.count=${schedule.length}`,
    ...schedule.map(({ atMs, fault }) => `schedule.${atMs}=${describeFault(fault)}`),
  ];
}

/** `runnel sim --seed 0x… <args>`; the args default to the bounds of the run. */
export function replayCommand(config: WorldConfig, seedHex: string): string {
  const args =
    config.replayArgs ?? `--duration-ms ${config.durationMs} --max-events ${config.maxEvents}`;
  return `runnel sim --seed ${seedHex}${args.length > 0 ? ` ${args}` : ""}`;
}
