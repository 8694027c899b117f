// What the groups and idempotent workloads cost the simulator: one broker and a 3-broker cluster
// running the same seeds under swarm faults with the default, groups and idempotent workloads, in
// the same process (the machine is shared and noisy, so read the ratios to the default workload).
// Figures: seeds per wall second, world events per wall second, and wall time relative to default.
// Run: node bin/bundle.js bench/sim-workloads.bench.ts

import { performance } from "node:perf_hooks";
import type { WorkloadKind } from "../core/client/workload-kinds.ts";
import { runCluster } from "../sim/cluster-run.ts";
import { clusterScenario } from "../sim/cluster-scenario.ts";
import { runScenario } from "../sim/runs/run.ts";
import { scenario } from "../sim/scenario.ts";

const SEEDS = [0x21n, 0x22n, 0x23n, 0x24n];
const DURATION_MS = 30_000;
const kinds: readonly WorkloadKind[] = ["default", "groups", "idempotent"];

interface Figure {
  readonly events: number;
  readonly wallMs: number;
}

function measure(run: (seed: bigint) => { events: number }): Figure {
  let events = 0;
  const started = performance.now();
  for (const seed of SEEDS) events += run(seed).events;
  return { events, wallMs: performance.now() - started };
}

function single(workload: WorkloadKind): Figure {
  return measure(
    (seed) => runScenario(scenario(seed, { workload, durationMs: DURATION_MS })).stats,
  );
}

function cluster(workload: WorkloadKind): Figure {
  return measure(
    (seed) => runCluster(clusterScenario(seed, { workload, durationMs: DURATION_MS })).stats,
  );
}

// Warm-up: the first runs pay for compilation, which would land on whichever kind went first.
for (const kind of kinds) {
  runScenario(scenario(0x20n, { workload: kind, durationMs: 10_000 }));
  runCluster(clusterScenario(0x20n, { workload: kind, durationMs: 10_000 }));
}

const rows: string[] = [];
for (const [name, run] of [
  ["1 broker", single],
  ["3 brokers", cluster],
] as const) {
  const figures = kinds.map((k) => [k, run(k)] as const);
  const base = figures[0]![1];
  for (const [kind, f] of figures) {
    const seedsPerS = (SEEDS.length / f.wallMs) * 1_000;
    const eventsPerS = (f.events / f.wallMs) * 1_000;
    rows.push(
      `| ${name} | ${kind} | ${seedsPerS.toFixed(2)} | ${Math.round(f.events / SEEDS.length)} | ${Math.round(eventsPerS)} | ${(f.wallMs / base.wallMs).toFixed(2)} |`,
    );
  }
}
console.log(`${SEEDS.length} seeds each, ${DURATION_MS / 1_000} s of workload, swarm faults\n`);
console.log("| run | workload | seeds/s | events/seed | events/s | wall vs default |");
console.log("|---|---|---|---|---|---|");
for (const row of rows) console.log(row);
