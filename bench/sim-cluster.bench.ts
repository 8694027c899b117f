// The cluster simulation's speed: a 3-broker cluster (6 partitions, RF 3, acks=all) under the light
// and heavy workload profiles, calm and under swarm faults, beside one broker running the same
// workload in the same run (the machine is shared and noisy, so the ratio is what to read).
// Figures: world events per wall second, time compression (simulated s per wall s), and the
// cluster's events/s as a ratio of one broker's (the target: within 3x, i.e. ratio >= 0.33).
// Run: node bin/bundle.js bench/sim-cluster.bench.ts

import { performance } from "node:perf_hooks";
import { runCluster } from "../sim/cluster-run.ts";
import { clusterScenario } from "../sim/cluster-scenario.ts";
import { runScenario } from "../sim/runs/run.ts";
import { scenario } from "../sim/scenario.ts";

const SEEDS = [0x11n, 0x12n, 0x13n];
const DURATION_MS = 30_000;

interface Figure {
  readonly events: number;
  readonly simulatedMs: number;
  readonly wallMs: number;
}

function sum(figures: readonly Figure[]): Figure {
  return figures.reduce(
    (a, f) => ({
      events: a.events + f.events,
      simulatedMs: a.simulatedMs + f.simulatedMs,
      wallMs: a.wallMs + f.wallMs,
    }),
    { events: 0, simulatedMs: 0, wallMs: 0 },
  );
}

function timed(run: () => { events: number; simulatedMs: number }): Figure {
  const started = performance.now();
  const { events, simulatedMs } = run();
  return { events, simulatedMs, wallMs: performance.now() - started };
}

type Profile = "light" | "heavy";

function single(profile: Profile): Figure {
  return sum(
    SEEDS.map((seed) =>
      timed(
        () =>
          runScenario(
            scenario(seed, { profile, durationMs: DURATION_MS, faults: { mode: "none" } }),
          ).stats,
      ),
    ),
  );
}

function cluster(profile: Profile, faults: boolean): Figure {
  return sum(
    SEEDS.map((seed) =>
      timed(
        () =>
          runCluster(
            clusterScenario(seed, {
              profile,
              durationMs: DURATION_MS,
              faults: faults ? { mode: "swarm" } : { mode: "none" },
            }),
          ).stats,
      ),
    ),
  );
}

const rate = (f: Figure) => f.events / (f.wallMs / 1000);
const compression = (f: Figure) => f.simulatedMs / f.wallMs;

// Warm the JIT on one short run of each before measuring.
runCluster(clusterScenario(1n, { durationMs: 10_000, faults: { mode: "none" } }));
runScenario(scenario(1n, { durationMs: 10_000, faults: { mode: "none" } }));

const rows: string[] = [];
for (const profile of ["light", "heavy"] as const) {
  const one = single(profile);
  const calm = cluster(profile, false);
  const stormy = cluster(profile, true);
  for (const [name, f] of [
    ["1 broker, calm", one],
    ["3 brokers, calm", calm],
    ["3 brokers, swarm faults", stormy],
  ] as const) {
    const ratio = name.startsWith("1 ") ? "1.00" : (rate(f) / rate(one)).toFixed(2);
    rows.push(
      `| ${profile} | ${name} | ${f.events} | ${(f.simulatedMs / 1000).toFixed(0)} s | ${(f.wallMs / 1000).toFixed(1)} s | ${Math.round(rate(f))} | x${compression(f).toFixed(1)} | ${ratio} |`,
    );
  }
}
process.stdout.write(
  `\nsim-cluster: ${SEEDS.length} seeds of ${DURATION_MS / 1000} s workload each (plus setup, settling and final reads)\n\n`,
);
process.stdout.write(
  "| profile | run | events | simulated | wall | events/s | compression | events/s vs 1 broker |\n",
);
process.stdout.write("|---|---|---|---|---|---|---|---|\n");
process.stdout.write(`${rows.join("\n")}\n`);
