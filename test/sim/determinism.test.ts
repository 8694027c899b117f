// Determinism: several seeds and fault mixes, each run twice, give identical traces. And the check
// can fail: a node that keeps state across runs (a module-level counter) is caught, with the first
// divergent trace line of each run and the first differing named draw.

import { describe, expect, it } from "vitest";
import { checkDeterminism, describeDeterminism } from "../../sim/determinism.ts";
import type { FaultKind } from "../../sim/faults.ts";
import type { NodeSpec } from "../../sim/process.ts";
import { World } from "../../sim/world.ts";
import { clients, diskLogServers, ids, leakyPingServers, pingServers } from "./support/cluster.ts";

interface Mix {
  readonly name: string;
  readonly nodes: () => NodeSpec[];
  readonly kinds?: readonly FaultKind[];
  readonly clientFaults?: boolean;
}

const mixes: readonly Mix[] = [
  {
    name: "ping + clients, every kind",
    nodes: () => [...pingServers(3, { intervalMs: 25, jitterMs: 7 }), ...clients(2, ids(3), 20)],
  },
  {
    name: "ping, network only",
    nodes: () => pingServers(5, { intervalMs: 15 }),
    kinds: [
      "partition-halves",
      "partition-one-way",
      "clog",
      "clog-swizzle",
      "slow-link",
      "bandwidth",
      "latency-tail",
      "connection-break",
    ],
  },
  {
    name: "disk log, process and disk faults",
    nodes: () => diskLogServers(3, 4),
    kinds: [
      "crash",
      "wipe",
      "pause",
      "disk-torn-write",
      "disk-stall",
      "disk-eio-burst",
      "disk-full",
      "disk-io-error",
      "disk-bit-rot",
    ],
  },
  {
    name: "ping + clients, clocks and client faults",
    nodes: () => [...pingServers(3, { intervalMs: 30 }), ...clients(3, ids(3), 15)],
    kinds: [
      "clock-skew",
      "clock-drift",
      "clock-jump-forward",
      "clock-jump-backward",
      "crash",
      "pause",
      "partition-random",
    ],
    clientFaults: true,
  },
];

describe("determinism", () => {
  it.each(mixes)("$name: two runs per seed, identical traces", (mix) => {
    for (const seed of [1n, 0xfeedn, 0x1234_5678_9abc_def0n]) {
      const report = checkDeterminism(({ trace, draws }) =>
        new World({
          seed,
          nodes: mix.nodes(),
          durationMs: 6_000,
          maxEvents: 300_000,
          trace,
          draws,
          ...(mix.kinds === undefined
            ? {}
            : { faultModel: { kinds: mix.kinds, clientFaults: mix.clientFaults ?? false } }),
        }).run(),
      );
      expect(report.deterministic, describeDeterminism(report).join("\n")).toBe(true);
      expect(report.results[0].stats.events).toBeGreaterThan(1000);
      expect(report.results[0]).toEqual(report.results[1]);
    }
  });

  it("catches a node that keeps state across runs, naming the first divergent line and draw", () => {
    const report = checkDeterminism(({ trace, draws }) =>
      new World({
        seed: 42n,
        nodes: leakyPingServers(3),
        durationMs: 5_000,
        maxEvents: 100_000,
        faults: { mode: "none" },
        trace,
        draws,
      }).run(),
    );
    expect(report.deterministic).toBe(false);
    expect(report.hashes[0]).not.toBe(report.hashes[1]);
    const d = report.divergence!;
    expect(d.line).toBeGreaterThan(0);
    expect(d.first).toBeDefined();
    expect(d.second).toBeDefined();
    expect(d.first).not.toBe(d.second);
    // The two runs agree up to the divergent line: the report points at the first difference.
    expect(JSON.parse(d.first!).seq).toBe(d.line);
    expect(report.draw).toBeDefined();
    expect(report.draw!.expected?.component).toMatch(/^(network|node\/\d+\/1)$/);
    const text = describeDeterminism(report).join("\n");
    expect(text).toMatch(/NOT deterministic/);
    expect(text).toMatch(/first divergent line/);
    expect(text).toMatch(/first differing draw/);
  });

  it("catches nondeterminism in draws alone: a run that draws differently", () => {
    let run = 0;
    const report = checkDeterminism(({ trace, draws }) => {
      run++;
      const world = new World({
        seed: 9n,
        nodes: pingServers(2),
        durationMs: 1_000,
        maxEvents: 10_000,
        faults: { mode: "none" },
        trace,
        draws,
      });
      if (run === 2) world.inject({ type: "clock-jump", node: ids(1)[0]!, deltaMs: 1 }, 500);
      return world.run();
    });
    expect(report.deterministic).toBe(false);
    expect(report.divergence?.second).toMatch(/"type":"fault"/);
  });
});
