// The world's process faults (crash, restart, pause, wipe) and timers on drifting, jumping clocks,
// driven through test nodes.

import { describe, expect, it } from "vitest";
import { SimDisk } from "../../sim/disk.ts";
import { defaultFaultModel } from "../../sim/faults.ts";
import { calmSwarm, type SwarmParams } from "../../sim/swarm.ts";
import { parseTraceLine } from "../../sim/trace-format.ts";
import { MemorySink, TraceWriter } from "../../sim/trace-writer.ts";
import { World } from "../../sim/world.ts";
import { diskLogServers, durabilityCheck, ids, pingServers } from "./support/cluster.ts";
import type { DiskLogView } from "./support/disk-log-node.ts";
import { at, explicit, n1, n2, n3, ping, run } from "./support/world-run.ts";

describe("process faults", () => {
  it("restart builds a new process and steps it with start", () => {
    const { world, records } = run({
      nodes: pingServers(3),
      durationMs: 2000,
      maxEvents: 100_000,
      faults: explicit([
        at(500, { type: "crash", node: n2 }),
        at(800, { type: "restart", node: n2 }),
      ]),
    });
    expect(world.result().ok).toBe(true);
    expect(ping(world, n2)).toMatchObject({ incarnation: 2, starts: 1 });
    const lifecycle = records
      .filter((r) => r.node === n2 && r.type.startsWith("proc-"))
      .map((r) => [r.type, r.t]);
    expect(lifecycle).toEqual([
      ["proc-start", 0],
      ["proc-crash", 500],
      ["proc-start", 800],
    ]);
    // Peers were told their link to the crashed node broke.
    expect(ping(world, n1).unreachable).toBeGreaterThan(0);
  });

  it("a crash loses timers: nothing is sent while the node is down", () => {
    const { records } = run({
      nodes: pingServers(3, { intervalMs: 10 }),
      durationMs: 1000,
      maxEvents: 100_000,
      faults: explicit([
        at(300, { type: "crash", node: n1 }),
        at(700, { type: "restart", node: n1 }),
      ]),
    });
    const sends = records.filter((r) => r.type === "net-send" && r.node === n1).map((r) => r.t);
    expect(sends.some((t) => t < 300)).toBe(true);
    expect(sends.some((t) => t > 700)).toBe(true);
    expect(sends.filter((t) => t >= 300 && t <= 700)).toEqual([]);
    const timers = records.filter((r) => r.type === "timer" && r.node === n1).map((r) => r.t);
    expect(timers.filter((t) => t >= 300 && t <= 700)).toEqual([]);
  });

  it("a crash loses disk operations in flight; the next process never sees their completion", () => {
    const slowSync = ({ rng }: { rng: import("../../sim/prng.ts").SimRng }) =>
      new SimDisk(rng, {
        latency: {
          readMs: 1,
          writeMs: 1,
          syncMs: 400,
          metadataMs: 1,
          tailMeanMs: 0,
          spikeProbability: 0,
          spikeMs: 0,
        },
      });
    const check = durabilityCheck();
    const { world, records } = run({
      nodes: diskLogServers(1, 10),
      durationMs: 3000,
      maxEvents: 100_000,
      createDisk: slowSync,
      invariants: [check],
      faults: explicit([
        at(1000, { type: "crash", node: n1 }),
        at(1500, { type: "restart", node: n1 }),
      ]),
    });
    expect(world.result()).toMatchObject({ ok: true });
    const crash = records.find((r) => r.type === "proc-crash");
    expect(crash).toMatchObject({ node: 1, t: 1000 });
    expect(crash?.type === "proc-crash" && crash.diskOpsLost).toBeGreaterThan(0);
    const view = world.view(n1) as DiskLogView;
    expect(view.incarnation).toBe(2);
    expect(view.recovered).toBeGreaterThan(0);
    expect(check.checkedRecoveries()).toBe(2);
    // No completion reached the node between the crash and the restart.
    expect(records.filter((r) => r.type === "disk-op" && r.t > 1000 && r.t < 1500)).toEqual([]);
  });

  it("pause holds inputs and timers while the clock runs, and resume delivers them in order", () => {
    const pauseAt = 400;
    const resumeAt = 900;
    const sink = new MemorySink();
    const world = new World({
      seed: 3n,
      nodes: pingServers(3, { intervalMs: 20 }),
      durationMs: 2000,
      maxEvents: 100_000,
      faults: explicit([
        at(pauseAt, { type: "pause", node: n3 }),
        at(resumeAt, { type: "resume", node: n3 }),
      ]),
      trace: new TraceWriter({ sink }),
    });
    world.runUntil(pauseAt + 1);
    const before = ping(world, n3);
    const localBefore = world.localNow(n3);
    world.runUntil(resumeAt - 1);
    const during = ping(world, n3);
    expect(world.status(n3)).toBe("paused");
    expect(during.pingsReceived).toBe(before.pingsReceived);
    expect(during.timers).toBe(before.timers);
    expect(world.localNow(n3) - localBefore).toBeGreaterThanOrEqual(resumeAt - 1 - pauseAt - 2);
    world.runUntil(resumeAt);
    const after = ping(world, n3);
    expect(after.pingsReceived).toBeGreaterThan(during.pingsReceived + 10);
    const resume = sink.lines
      .map(parseTraceLine)
      .find((r) => "type" in r && r.type === "proc-resume");
    expect(resume).toMatchObject({ node: 3, t: resumeAt });
    expect(world.run().ok).toBe(true);
  });

  it("wipe empties the disk: the node comes back with nothing", () => {
    const { world } = run(
      {
        nodes: diskLogServers(1, 5),
        durationMs: 1000,
        maxEvents: 100_000,
        faults: explicit([at(500, { type: "wipe", node: n1 })]),
      },
      501,
    );
    const view = world.view(n1) as DiskLogView;
    expect(view).toMatchObject({ incarnation: 2, recovered: 0 });
  });

  it("faults that cannot apply are skipped with a reason, not errors", () => {
    const { world, records } = run({
      nodes: pingServers(2),
      durationMs: 500,
      maxEvents: 10_000,
      faults: explicit([
        at(10, { type: "restart", node: n1 }),
        at(20, { type: "resume", node: n1 }),
        at(30, { type: "heal", id: 9 }),
        at(40, { type: "unclog", from: n1, to: n2 }),
      ]),
    });
    expect(world.result()).toMatchObject({
      ok: true,
      stats: { faultsSkipped: 4, faultsApplied: 0 },
    });
    expect(
      records
        .filter((r) => r.type === "fault-skipped")
        .map((r) => r.type === "fault-skipped" && r.reason),
    ).toEqual(["already running", "not paused (up)", "no such partition", "link not clogged"]);
  });
});

describe("clocks and timers", () => {
  function withClocks(rates: readonly number[], skewMs = 0): SwarmParams {
    const servers = ids(rates.length);
    const calm = calmSwarm({
      servers,
      clients: [],
      faultPhaseMs: 0,
      model: defaultFaultModel(servers.length),
    });
    return { ...calm, clocks: servers.map((node, i) => ({ node, skewMs, rate: rates[i]! })) };
  }

  it("a slow clock's timers fire at the true times its drift implies", () => {
    const trueTimes: number[] = [];
    const { world } = run({
      nodes: pingServers(2, { intervalMs: 100, recordTimers: true }),
      durationMs: 1000,
      maxEvents: 10_000,
      clockEpochMs: 0,
      faults: explicit([], withClocks([0.5, 2])),
      invariants: [
        {
          name: "record timer times",
          check: (view) => {
            if (view.lastStep?.input === "timer" && view.lastStep.node === n1)
              trueTimes.push(view.now);
            return undefined;
          },
        },
      ],
    });
    expect(trueTimes).toEqual([200, 400, 600, 800, 1000]);
    expect(ping(world, n1).timerTimes).toEqual([100, 200, 300, 400, 500]);
    expect(ping(world, n2).timerTimes.slice(0, 3)).toEqual([100, 200, 300]);
    expect(ping(world, n2).timers).toBe(20);
  });

  it.each([
    ["monotonic", false],
    ["raw", true],
  ] as const)("a backward jump with %s clocks: readings go back: %s", (clockMode, goesBack) => {
    const readings: number[] = [];
    const trueTimes: number[] = [];
    run({
      nodes: pingServers(2, { intervalMs: 100 }),
      durationMs: 1500,
      maxEvents: 10_000,
      clockEpochMs: 0,
      clockMode,
      faults: explicit([at(300.5, { type: "clock-jump", node: n1, deltaMs: -500 })]),
      invariants: [
        {
          name: "record what node 1 reads",
          check: (view) => {
            if (view.lastStep?.node !== n1) return undefined;
            readings.push(view.localNow(n1));
            if (view.lastStep.input === "timer") trueTimes.push(view.now);
            return undefined;
          },
        },
      ],
    });
    const wentBack = readings.some((r, i) => i > 0 && r < readings[i - 1]!);
    expect(wentBack).toBe(goesBack);
    // Either way, the timer due at local 400 waits until the clock reads 400 again.
    expect(trueTimes.slice(0, 4)).toEqual([100, 200, 300, 900]);
  });

  it("a clock jump converts the pending timer again: forward fires it at once", () => {
    const trueTimes: number[] = [];
    run({
      nodes: pingServers(2, { intervalMs: 1000 }),
      durationMs: 1500,
      maxEvents: 10_000,
      clockEpochMs: 0,
      faults: explicit([at(300.5, { type: "clock-jump", node: n1, deltaMs: 5000 })]),
      invariants: [
        {
          name: "record timer times",
          check: (view) => {
            if (view.lastStep?.input === "timer" && view.lastStep.node === n1)
              trueTimes.push(view.now);
            return undefined;
          },
        },
      ],
    });
    // Due at local 1000; the jump at true 300.5 moves local time to 5300.5: the timer fires then,
    // the node reads 5300 and asks for 6300, which its clock reads at true 1300.
    expect(trueTimes).toEqual([300.5, 1300]);
  });
});
