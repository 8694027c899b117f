// Swarm testing: each seed draws its own weather within the fault model; the schedule it yields
// honours the model's limits at every instant and ends with a stabilize of a majority core.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import type { NodeId } from "../../core/ids.ts";
import {
  defaultFaultModel,
  type FaultKind,
  faultKinds,
  type ScheduledFault,
} from "../../sim/faults.ts";
import { rootRng } from "../../sim/prng.ts";
import { describeSwarm, drawSwarm, type SwarmSetup, staticKinds } from "../../sim/swarm.ts";
import { drawSchedule } from "../../sim/swarm-schedule.ts";
import { ids } from "./support/cluster.ts";

function setup(
  servers: number,
  clients = 0,
  overrides: Partial<SwarmSetup["model"]> = {},
): SwarmSetup {
  return {
    servers: ids(servers),
    clients: ids(clients, 100),
    faultPhaseMs: 60_000,
    model: { ...defaultFaultModel(servers), ...overrides },
  };
}

function plan(seed: bigint, s: SwarmSetup) {
  const root = rootRng(seed);
  const params = drawSwarm(root.derive("swarm"), s);
  return { params, schedule: drawSchedule(root.derive("faults"), params, s) };
}

/** Replays a schedule's process faults, checking the limits after each. */
function maxOut(schedule: readonly ScheduledFault[], servers: readonly NodeId[]) {
  const down = new Set<NodeId>();
  const paused = new Set<NodeId>();
  let maxDown = 0;
  let maxPaused = 0;
  for (const { fault } of schedule) {
    if (fault.type === "crash") down.add(fault.node);
    if (fault.type === "restart" || fault.type === "wipe") down.delete(fault.node);
    if (fault.type === "pause") paused.add(fault.node);
    if (fault.type === "resume") paused.delete(fault.node);
    if (fault.type === "stabilize") break;
    maxDown = Math.max(maxDown, servers.filter((s) => down.has(s)).length);
    maxPaused = Math.max(maxPaused, servers.filter((s) => paused.has(s)).length);
  }
  return { maxDown, maxPaused };
}

describe("drawSwarm", () => {
  it("one seed, one weather; another seed, another", () => {
    const s = setup(3, 2);
    expect(plan(7n, s)).toEqual(plan(7n, s));
    expect(plan(8n, s).params).not.toEqual(plan(7n, s).params);
  });

  test.prop([fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })])(
    "kinds outside the model stay off",
    (seed) => {
      const allowed: FaultKind[] = ["crash", "clog", "clock-skew"];
      const { params, schedule } = plan(seed, setup(3, 1, { kinds: allowed }));
      for (const kind of faultKinds)
        if (!allowed.includes(kind)) expect(params.kinds[kind]).toBeNull();
      const types = new Set(schedule.map((s) => s.fault.type));
      for (const type of types)
        expect(["crash", "restart", "clog", "unclog", "stabilize"]).toContain(type);
      if (params.kinds["clock-skew"] === null)
        expect(params.clocks.every((c) => c.skewMs === 0)).toBe(true);
    },
  );

  test.prop([fc.bigInt({ min: 0n, max: 10_000n })])(
    "switching kinds off does not change what the others draw",
    (seed) => {
      const all = plan(seed, setup(5)).params;
      const some = plan(seed, setup(5, 0, { kinds: ["pause", "clog", "disk-full"] })).params;
      for (const kind of ["pause", "clog", "disk-full"] as const)
        expect(some.kinds[kind]).toEqual(all.kinds[kind]);
    },
  );

  it("seeds differ wildly: kinds are on for some seeds and off for others, at rates far apart", () => {
    const onCount = new Map<FaultKind, number>();
    const rates = new Map<FaultKind, number[]>();
    const seeds = 300;
    for (let seed = 0n; seed < BigInt(seeds); seed++) {
      const { params } = plan(seed, setup(3));
      for (const kind of faultKinds) {
        const setting = params.kinds[kind];
        if (setting === null) continue;
        onCount.set(kind, (onCount.get(kind) ?? 0) + 1);
        rates.set(kind, [...(rates.get(kind) ?? []), setting.perMinute]);
      }
    }
    for (const kind of faultKinds) {
      const on = onCount.get(kind) ?? 0;
      expect(on, kind).toBeGreaterThan(seeds * 0.25);
      expect(on, kind).toBeLessThan(seeds * 0.75);
      const r = rates.get(kind)!;
      if (!staticKinds.has(kind)) expect(Math.max(...r) / Math.min(...r), kind).toBeGreaterThan(20);
    }
  });

  it("prints every derived parameter, one key=value per line", () => {
    const { params } = plan(5n, setup(3, 1));
    const lines = describeSwarm(params);
    for (const kind of faultKinds)
      expect(lines.some((l) => l.startsWith(`kind.${kind}=`))).toBe(true);
    expect(lines.filter((l) => l.startsWith("network.link."))).toHaveLength(4 * 3);
    expect(lines.filter((l) => l.startsWith("clock."))).toHaveLength(4);
    expect(lines.filter((l) => l.startsWith("disk."))).toHaveLength(3);
    expect(lines.every((l) => /^[a-z0-9.>-]+=/.test(l))).toBe(true);
  });
});

describe("drawSchedule", () => {
  test.prop([fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.integer({ min: 1, max: 7 })])(
    "sorted, within the fault phase, limits honoured, ending in a majority core",
    (seed, servers) => {
      const s = setup(servers, 2, { clientFaults: seed % 2n === 0n });
      const { schedule } = plan(seed, s);
      const times = schedule.map((e) => e.atMs);
      expect([...times].sort((x, y) => x - y)).toEqual(times);
      const last = schedule.at(-1)!;
      expect(last.atMs).toBe(s.faultPhaseMs);
      expect(schedule.slice(0, -1).every((e) => e.atMs < s.faultPhaseMs)).toBe(true);
      if (last.fault.type !== "stabilize") throw new Error("the schedule must end with stabilize");
      expect(last.fault.core.length).toBeGreaterThan(servers / 2);
      expect(new Set(last.fault.core).size).toBe(last.fault.core.length);
      const { maxDown, maxPaused } = maxOut(schedule, s.servers);
      expect(maxDown).toBeLessThanOrEqual(s.model.maxServersDown);
      expect(maxPaused).toBeLessThanOrEqual(s.model.maxServersPaused);
    },
  );

  it("heavy crash weather reaches the limit but never passes it", () => {
    const s = setup(5);
    let reached = false;
    for (let seed = 0n; seed < 40n; seed++) {
      const root = rootRng(seed);
      const params = drawSwarm(root.derive("swarm"), s, {
        kinds: { crash: { perMinute: 60, magnitude: 10_000 } },
      });
      const { maxDown } = maxOut(drawSchedule(root.derive("faults"), params, s), s.servers);
      expect(maxDown).toBeLessThanOrEqual(2);
      reached ||= maxDown === 2;
    }
    expect(reached).toBe(true);
  });

  it("clients are never crashed, paused or partitioned unless the model allows it", () => {
    const s = setup(3, 3, { clientFaults: false });
    for (let seed = 0n; seed < 50n; seed++) {
      for (const { fault } of plan(seed, s).schedule) {
        if ("node" in fault && ["crash", "pause", "wipe"].includes(fault.type))
          expect(fault.node).toBeLessThan(100);
        if (fault.type === "partition")
          expect([...fault.sides[0], ...fault.sides[1]].every((n) => n < 100)).toBe(true);
      }
    }
  });
});
