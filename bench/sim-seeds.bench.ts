// Seeds per hour of `runnel sim` on this machine: 60 simulated seconds of workload per seed (plus
// the final reads), swarm faults, settings drawn per seed, run on both cores (2 worker processes)
// and, as the baseline measured in the same run, on one core in this process.
// Run: node bin/bundle.js bench/sim-seeds.bench.ts [seeds per mode, default 8]

import { performance } from "node:perf_hooks";
import { runBatch } from "../sim/parallel.ts";
import { scenario } from "../sim/scenario.ts";

const count = Number(process.argv[2] ?? 8);
const scenarios = Array.from({ length: count }, (_, i) =>
  scenario(BigInt(0x5eed00 + i), { drawSettings: true }),
);

async function seedsPerHour(
  jobs: number,
): Promise<{ perHour: number; failed: number; events: number }> {
  const start = performance.now();
  const reports = await runBatch(scenarios, { jobs });
  const wallMs = performance.now() - start;
  return {
    perHour: (reports.length * 3_600_000) / wallMs,
    failed: reports.filter((r) => !r.ok).length,
    events: reports.reduce((n, r) => n + r.stats.events, 0) / reports.length,
  };
}

const one = await seedsPerHour(1);
const two = await seedsPerHour(2);
const lines = [
  `${count} seeds per mode (0x5eed00..), 60 s of workload each, swarm faults, drawn settings`,
  "",
  "| mode | seeds/hour | ratio to one core | mean events per seed | failed |",
  "|---|---:|---:|---:|---:|",
  `| one core, in process (baseline) | ${Math.round(one.perHour).toLocaleString("en")} | 1.00 | ${Math.round(one.events)} | ${one.failed} |`,
  `| two worker processes | ${Math.round(two.perHour).toLocaleString("en")} | ${(two.perHour / one.perHour).toFixed(2)} | ${Math.round(two.events)} | ${two.failed} |`,
];
process.stdout.write(`${lines.join("\n")}\n`);
