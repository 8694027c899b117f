// The world driving test nodes through the Node contract: process faults (crash, restart, pause,
// wipe), timers on drifting clocks, disk completions, the checks after every step, and the failure
// report with its replay command.

import { describe, expect, it } from "vitest";
import { type NodeId, nodeId } from "../../core/ids.ts";
import type { Effect, Input, Node } from "../../core/node.ts";
import { SimDisk } from "../../sim/disk.ts";
import { defaultFaultModel, type Fault, type ScheduledFault } from "../../sim/faults.ts";
import { calmSwarm, type SwarmParams } from "../../sim/swarm.ts";
import { parseTraceLine, type TraceRecord } from "../../sim/trace-format.ts";
import { MemorySink, TraceWriter } from "../../sim/trace-writer.ts";
import { World } from "../../sim/world.ts";
import type { FaultPlan, WorldConfig } from "../../sim/world-types.ts";
import type { ClientView } from "./support/client-node.ts";
import { clients, diskLogServers, durabilityCheck, ids, pingServers } from "./support/cluster.ts";
import type { DiskLogView } from "./support/disk-log-node.ts";
import type { PingView } from "./support/ping-node.ts";

const [n1, n2, n3] = [nodeId(1), nodeId(2), nodeId(3)];

function at(atMs: number, fault: Fault): ScheduledFault {
  return { atMs, fault };
}

interface Run {
  readonly world: World;
  readonly records: TraceRecord[];
}

function run(config: Omit<WorldConfig, "trace" | "seed"> & { seed?: bigint }, until?: number): Run {
  const sink = new MemorySink();
  const world = new World({ seed: 1n, ...config, trace: new TraceWriter({ sink, level: "full" }) });
  if (until === undefined) world.run();
  else world.runUntil(until);
  const records = sink.lines.slice(1).map((line) => parseTraceLine(line) as TraceRecord);
  return { world, records };
}

function explicit(schedule: ScheduledFault[], params?: SwarmParams): FaultPlan {
  return params === undefined
    ? { mode: "explicit", schedule }
    : { mode: "explicit", schedule, params };
}

const ping = (world: World, node: NodeId) => world.view(node) as PingView;

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

describe("checks and failures", () => {
  it("a global invariant failure stops the run and reports the seed and replay command", () => {
    const { world, records } = run({
      seed: 0xabcn,
      nodes: pingServers(3),
      durationMs: 5000,
      maxEvents: 100_000,
      faults: { mode: "none" },
      replayArgs: "--scenario ping",
      invariants: [
        {
          name: "fewer than 10 pings",
          check: (view) => {
            const views = view.nodeIds.map((id) => view.view(id) as PingView | undefined);
            const total = views.reduce((sum, v) => sum + (v?.pingsReceived ?? 0), 0);
            return total < 10 ? undefined : `${total} pings received`;
          },
        },
      ],
    });
    const result = world.result();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure).toMatchObject({
      kind: "global-invariant",
      message: "fewer than 10 pings: 10 pings received",
      seed: "0x0000000000000abc",
      replay: "runnel sim --seed 0x0000000000000abc --scenario ping",
    });
    expect(result.stats.stopReason).toBe("failure");
    expect(records.at(-1)).toMatchObject({
      type: "failure",
      kind: "global-invariant",
      seq: result.failure.seq,
    });
  });

  it("an assertion inside a node's step is reported as that node's failure", () => {
    let steps = 0;
    const brittle: Node = {
      step: (_now: number, input: Input): readonly Effect[] => {
        if (++steps === 3) throw new Error("boom");
        return input.type === "start" ? [] : [];
      },
      nextWakeup: () => steps * 10,
      view: () => ({ nodeId: n1, kind: "brittle" }),
      checkInvariants: () => undefined,
    };
    const { world } = run({
      nodes: [{ id: n1, role: "server", create: () => brittle }],
      durationMs: 1000,
      maxEvents: 1000,
      clockEpochMs: 0,
      faults: { mode: "none" },
    });
    expect(world.result()).toMatchObject({
      ok: false,
      failure: { kind: "node-step", node: 1, message: "step(timer): Error: boom", t: 20 },
    });
  });

  it("a node breaking the contract (a peer message to itself) fails the run", () => {
    const selfish: Node = {
      step: (_now: number, input: Input): readonly Effect[] =>
        input.type === "start" ? [{ type: "send", to: n1, message: {} as never }] : [],
      nextWakeup: () => undefined,
      view: () => ({ nodeId: n1, kind: "selfish" }),
      checkInvariants: () => undefined,
    };
    const { world } = run({
      nodes: [{ id: n1, role: "server", create: () => selfish }],
      durationMs: 100,
      maxEvents: 100,
    });
    expect(world.result()).toMatchObject({ ok: false, failure: { kind: "contract", node: 1 } });
  });

  it("a node always due at the same instant is reported as a livelock", () => {
    const spinning: Node = {
      step: () => [],
      nextWakeup: () => 0,
      view: () => ({ nodeId: n1, kind: "spinning" }),
      checkInvariants: () => undefined,
    };
    const { world } = run({
      nodes: [{ id: n1, role: "server", create: () => spinning }],
      durationMs: 100,
      maxEvents: 1_000_000,
      clockEpochMs: 0,
      faults: { mode: "none" },
    });
    expect(world.result()).toMatchObject({
      ok: false,
      failure: { kind: "contract", message: expect.stringMatching(/livelock/) },
    });
  });

  it("the event bound stops a run without failing it", () => {
    const { world } = run({
      nodes: pingServers(3, { intervalMs: 1 }),
      durationMs: 60_000,
      maxEvents: 500,
    });
    expect(world.result()).toMatchObject({
      ok: true,
      stats: { events: 500, stopReason: "max-events" },
    });
  });
});

describe("reports", () => {
  it("observers see every record as it is written, node events included", () => {
    const seen: string[] = [];
    const sink = new MemorySink();
    new World({
      seed: 2n,
      nodes: diskLogServers(1, 50),
      durationMs: 500,
      maxEvents: 1_000,
      faults: { mode: "none" },
      trace: new TraceWriter({ sink }),
      observers: [(seq, _t, node, event) => seen.push(`${seq}:${node}:${event.type}`)],
    }).run();
    expect(seen).toHaveLength(sink.lines.length - 1);
    expect(seen).toContain("2:1:node-ready");
  });

  it("describe() prints the seed, the replay command, every parameter and the schedule", () => {
    const world = new World({
      seed: 0x5eedn,
      nodes: pingServers(3),
      durationMs: 10_000,
      maxEvents: 10,
    });
    const lines = world.describe();
    expect(lines[0]).toBe("seed=0x0000000000005eed");
    expect(lines[1]).toBe(
      "replay=runnel sim --seed 0x0000000000005eed --duration-ms 10000 --max-events 10",
    );
    expect(lines).toContain("fault-phase-ms=6000");
    expect(lines.filter((l) => l.startsWith("schedule.")).length).toBe(world.schedule.length + 1);
    expect(lines.at(-1)).toMatch(/^schedule\.6000=stabilize core \[/);
  });
});

describe("whole runs", () => {
  it(
    "clients' requests are answered in order, once, under swarm faults",
    { timeout: 20_000 },
    () => {
      for (const seed of [1n, 2n, 3n, 4n, 5n]) {
        const world = new World({
          seed,
          nodes: [...pingServers(3, { intervalMs: 30, jitterMs: 5 }), ...clients(3, ids(3), 25)],
          durationMs: 20_000,
          maxEvents: 500_000,
          faultModel: { clientFaults: seed % 2n === 0n },
        });
        const result = world.run();
        expect(result, `seed ${seed}`).toMatchObject({ ok: true });
        const answered = [100, 101, 102].map(
          (id) => (world.view(nodeId(id)) as ClientView).answered,
        );
        expect(answered.every((n) => n > 0)).toBe(true);
      }
    },
  );

  it(
    "acknowledged records survive crashes, torn writes and lost unsynced files",
    { timeout: 20_000 },
    () => {
      let recoveries = 0;
      let lostBytes = 0;
      for (const seed of [11n, 12n, 13n, 14n, 15n, 16n]) {
        const check = durabilityCheck();
        const sink = new MemorySink();
        const world = new World({
          seed,
          trace: new TraceWriter({ sink }),
          nodes: diskLogServers(3, 5),
          durationMs: 30_000,
          maxEvents: 1_000_000,
          invariants: [check],
          faultModel: {
            kinds: [
              "crash",
              "pause",
              "disk-torn-write",
              "disk-unsynced-file-vanish",
              "disk-latency-spike",
              "disk-stall",
              "disk-eio-burst",
              "disk-full",
              "disk-sync-failure",
              "clock-jump-forward",
            ],
          },
          faults: {
            mode: "swarm",
            overrides: {
              kinds: {
                crash: { perMinute: 20, magnitude: 500 },
                "disk-torn-write": { perMinute: 0, magnitude: 1 },
              },
            },
          },
        });
        expect(world.run(), `seed ${seed}`).toMatchObject({ ok: true });
        recoveries += check.checkedRecoveries();
        for (const line of sink.lines) {
          const record = parseTraceLine(line);
          if ("type" in record && record.type === "proc-crash")
            lostBytes += record.unsyncedBytesLost;
        }
      }
      expect(recoveries).toBeGreaterThan(6 * 3 + 10);
      // The crashes did lose unsynced bytes: the check had something to catch.
      expect(lostBytes).toBeGreaterThan(0);
    },
  );

  it("the same check catches a node that acknowledges before its sync completes", () => {
    const failures: string[] = [];
    for (const seed of [21n, 22n, 23n, 24n, 25n, 26n, 27n, 28n]) {
      const world = new World({
        seed,
        nodes: diskLogServers(3, 5, true),
        durationMs: 20_000,
        maxEvents: 1_000_000,
        invariants: [durabilityCheck()],
        faultModel: { kinds: ["crash"] },
        faults: {
          mode: "swarm",
          overrides: { kinds: { crash: { perMinute: 30, magnitude: 300 } } },
        },
      });
      const result = world.run();
      if (!result.ok) failures.push(result.failure.message);
    }
    expect(failures.length).toBeGreaterThan(0);
    expect(failures[0]).toMatch(/recovered \d+ records, but \d+ were acknowledged/);
  });

  it("the quiet phase brings the core back and no fault starts after it", () => {
    const { world, records } = run({
      seed: 99n,
      nodes: pingServers(5),
      durationMs: 20_000,
      maxEvents: 1_000_000,
      faultModel: { kinds: ["crash", "pause", "partition-halves", "clog"] },
      faults: {
        mode: "swarm",
        overrides: {
          kinds: {
            crash: { perMinute: 30, magnitude: 60_000 },
            pause: { perMinute: 30, magnitude: 60_000 },
          },
        },
      },
    });
    expect(world.result().ok).toBe(true);
    const phase = records.find((r) => r.type === "phase");
    expect(phase).toMatchObject({ t: 12_000, phase: "quiet" });
    if (phase?.type !== "phase") return;
    for (const node of phase.core) expect(world.status(node)).toBe("up");
    const faultsAfter = records.filter((r) => r.type === "fault" && r.t > 12_000);
    expect(faultsAfter).toEqual([]);
    expect(world.phase).toBe("quiet");
  });
});
