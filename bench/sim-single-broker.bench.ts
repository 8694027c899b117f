// Simulated events per wall second and time compression (simulated s per wall s) of whole runs of
// `runnel sim`: one broker, 6 partitions, the light workload (~20 Produce + ~20 Fetch requests per
// simulated second) and the heavy one (~400 each), calm and with swarm faults, every checker on.
// Baseline in the same run: the world loop with trivial nodes (what the simulator itself costs),
// so the ratio says how much of the time the broker, the clients and the checkers take.
// Bundled, as a release runs, after three untimed passes of every case (the JIT's warm-up: a long
// `runnel sim --seeds` batch runs warm; the first seeds of a process run up to 3x slower).
// Run: node bin/bundle.js bench/sim-single-broker.bench.ts

import { performance } from "node:perf_hooks";
import { nodeId } from "../core/ids.ts";
import type { Effect, Input, Node, NodeView } from "../core/node.ts";
import type { PeerMessage } from "../core/peer-message.ts";
import { runScenario } from "../sim/runs/run.ts";
import { type FaultSelection, type ProfileName, scenario } from "../sim/scenario.ts";
import { World } from "../sim/world.ts";

const ROUNDS = 3;
const WARMUP_PASSES = 3;

/** Pings its peer every 5 ms of its clock and answers pings: the world loop's own cost. */
class TrivialNode implements Node {
  readonly #id;
  readonly #peer;
  #next = 0;

  constructor(id: number) {
    this.#id = nodeId(id);
    this.#peer = nodeId(id === 1 ? 2 : 1);
  }

  step(now: number, input: Input): readonly Effect[] {
    if (input.type === "timer") {
      this.#next = now + 5;
      return [
        { type: "send", to: this.#peer, message: { kind: "ping" } as unknown as PeerMessage },
      ];
    }
    if (input.type === "start") this.#next = now + 5;
    return [];
  }

  nextWakeup(): number {
    return this.#next;
  }

  view(): NodeView {
    return { nodeId: this.#id, kind: "trivial" };
  }

  checkInvariants(): void {}
}

function baseline(): number {
  const world = new World({
    seed: 1n,
    nodes: [1, 2].map((id) => ({
      id: nodeId(id),
      role: "server" as const,
      create: () => new TrivialNode(id),
    })),
    durationMs: 1e9,
    maxEvents: 300_000,
    faults: { mode: "none" },
  });
  const start = performance.now();
  const result = world.run();
  return result.stats.events / ((performance.now() - start) / 1000);
}

interface Case {
  readonly name: string;
  readonly profile: ProfileName;
  readonly faults: FaultSelection;
  readonly durationMs: number;
}

const cases: readonly Case[] = [
  { name: "light, calm", profile: "light", faults: { mode: "none" }, durationMs: 120_000 },
  { name: "light, swarm faults", profile: "light", faults: { mode: "swarm" }, durationMs: 120_000 },
  { name: "heavy, calm", profile: "heavy", faults: { mode: "none" }, durationMs: 30_000 },
  { name: "heavy, swarm faults", profile: "heavy", faults: { mode: "swarm" }, durationMs: 30_000 },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function runCase(c: Case, seed: bigint) {
  const s = scenario(seed, { profile: c.profile, faults: c.faults, durationMs: c.durationMs });
  const start = performance.now();
  const outcome = runScenario(s);
  const wallMs = performance.now() - start;
  if (!outcome.ok)
    throw new Error(`bench run failed: ${outcome.failure?.message} (${outcome.replay})`);
  return { outcome, wallMs };
}

// Warm-up: the JIT settles after a few whole runs of each kind (measured: runs 4 and later of a
// process agree within noise; the first runs up to 3x slower).
for (let pass = 0; pass < WARMUP_PASSES; pass++) {
  for (const c of cases) runCase(c, 1000n + BigInt(pass));
  baseline();
}

const base: number[] = [];
const results = new Map<string, { rate: number[]; speed: number[]; perSimS: number[] }>();
for (let round = 0; round < ROUNDS; round++) {
  base.push(baseline());
  for (const c of cases) {
    const { outcome, wallMs } = runCase(c, BigInt(round + 1));
    const r = results.get(c.name) ?? { rate: [], speed: [], perSimS: [] };
    r.rate.push(outcome.stats.events / (wallMs / 1000));
    r.speed.push(outcome.stats.simulatedMs / wallMs);
    r.perSimS.push(outcome.stats.events / (outcome.stats.simulatedMs / 1000));
    results.set(c.name, r);
  }
}

const baseRate = median(base);
const lines = [
  `one core, median of ${ROUNDS} rounds (seeds 1..${ROUNDS}); wall time includes the final checks`,
  "",
  "| run | events/s | ratio to trivial world | events per simulated s | simulated s / wall s |",
  "|---|---:|---:|---:|---:|",
  `| world with 2 trivial nodes (baseline) | ${Math.round(baseRate).toLocaleString("en")} | 1.000 | - | - |`,
];
for (const c of cases) {
  const r = results.get(c.name)!;
  const rate = median(r.rate);
  lines.push(
    `| ${c.name} | ${Math.round(rate).toLocaleString("en")} | ${(rate / baseRate).toFixed(3)} | ${Math.round(median(r.perSimS))} | ${median(r.speed).toFixed(1)}x |`,
  );
}
process.stdout.write(`${lines.join("\n")}\n`);
