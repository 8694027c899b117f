// The world's checks after every step, its failure reports with their replay command, its bounds,
// its reports and observers, and whole swarm runs of the test nodes.

import { describe, expect, it } from "vitest";
import { nodeId } from "../../core/ids.ts";
import type { Effect, Input, Node } from "../../core/node.ts";
import { parseTraceLine } from "../../sim/trace-format.ts";
import { MarkTally } from "../../sim/trace-marks.ts";
import { MemorySink, TraceWriter } from "../../sim/trace-writer.ts";
import { World } from "../../sim/world.ts";
import type { ClientView } from "./support/client-node.ts";
import { clients, diskLogServers, durabilityCheck, ids, pingServers } from "./support/cluster.ts";
import type { PingView } from "./support/ping-node.ts";
import { n1, run } from "./support/world-run.ts";

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

describe("phases", () => {
  it("a calm run is quiet from the start; a swarm run turns quiet at its stabilize", () => {
    const calm = new World({
      seed: 1n,
      nodes: pingServers(2),
      durationMs: 10,
      maxEvents: 10,
      faults: { mode: "none" },
    });
    expect(calm.phase).toBe("quiet");
    const swarm = new World({
      seed: 1n,
      nodes: pingServers(2),
      durationMs: 1000,
      maxEvents: 100_000,
    });
    expect(swarm.phase).toBe("faults");
    swarm.runUntil(599);
    expect(swarm.phase).toBe("faults");
    swarm.runUntil(600);
    expect(swarm.phase).toBe("quiet");
  });
});

describe("streams", () => {
  it("outside components get their own seeded streams; the world's names are reserved", () => {
    const make = (seed: bigint) =>
      new World({ seed, nodes: pingServers(2), durationMs: 10, maxEvents: 10 });
    const draw = (world: World) => world.stream("workload").int("x", 1_000_000);
    expect(draw(make(3n))).toBe(draw(make(3n)));
    expect(draw(make(3n))).not.toBe(draw(make(4n)));
    expect(() => make(3n).stream("network")).toThrow(/belongs to the world/);
  });
});

describe("reports", () => {
  it("a mark tally counts coverage marks across runs and lists those never hit", () => {
    const tally = new MarkTally();
    const marking: Node = {
      step: (_now: number, input: Input): readonly Effect[] =>
        input.type === "start" ? [{ type: "trace", event: { type: "mark", name: "booted" } }] : [],
      nextWakeup: () => undefined,
      view: () => ({ nodeId: n1, kind: "marking" }),
      checkInvariants: () => undefined,
    };
    for (const seed of [1n, 2n]) {
      new World({
        seed,
        nodes: [{ id: n1, role: "server", create: () => marking }],
        durationMs: 100,
        maxEvents: 100,
        faults: { mode: "none" },
        observers: [tally.observer],
      }).run();
    }
    expect(tally.count("booted")).toBe(2);
    expect(tally.hits()).toEqual([["booted", 2]]);
    expect(tally.unhit(["booted", "follower-truncated-divergent-tail"])).toEqual([
      "follower-truncated-divergent-tail",
    ]);
  });

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
