// Shared helpers of the world tests: run a configuration with a full-level trace kept in memory,
// and build explicit fault schedules.

import type { NodeId } from "../../../core/ids.ts";
import { nodeId } from "../../../core/ids.ts";
import type { Fault, ScheduledFault } from "../../../sim/faults.ts";
import type { SwarmParams } from "../../../sim/swarm.ts";
import { parseTraceLine, type TraceRecord } from "../../../sim/trace-format.ts";
import { MemorySink, TraceWriter } from "../../../sim/trace-writer.ts";
import { World } from "../../../sim/world.ts";
import type { FaultPlan, WorldConfig } from "../../../sim/world-types.ts";
import type { PingView } from "./ping-node.ts";

export const [n1, n2, n3] = [nodeId(1), nodeId(2), nodeId(3)];

export function at(atMs: number, fault: Fault): ScheduledFault {
  return { atMs, fault };
}

export interface Run {
  readonly world: World;
  readonly records: TraceRecord[];
}

/** Runs to the end (or to `until`) with every record kept, parsed back from its line. */
export function run(
  config: Omit<WorldConfig, "trace" | "seed"> & { seed?: bigint },
  until?: number,
): Run {
  const sink = new MemorySink();
  const world = new World({ seed: 1n, ...config, trace: new TraceWriter({ sink, level: "full" }) });
  if (until === undefined) world.run();
  else world.runUntil(until);
  const records = sink.lines.slice(1).map((line) => parseTraceLine(line) as TraceRecord);
  return { world, records };
}

export function explicit(schedule: ScheduledFault[], params?: SwarmParams): FaultPlan {
  return params === undefined
    ? { mode: "explicit", schedule }
    : { mode: "explicit", schedule, params };
}

export const ping = (world: World, node: NodeId) => world.view(node) as PingView;
