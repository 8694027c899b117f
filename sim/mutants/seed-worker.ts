// Runs cluster seeds one after another (in a scratch copy, on mutated code) until one fails or the
// count is reached; prints one JSON line per seed. On a failure it may shrink the seed's fault
// schedule (greedy removal of chunks while it still fails) and prints the smallest it found.
// Usage: tsx seed-worker.ts --from <n> --count <n> [--nodes 3] [--duration <ms>] [--shrink <runs>]

import { clusterFaultPlan } from "../cluster-faults.ts";
import { runCluster } from "../cluster-run.ts";
import { type ClusterScenario, clusterLayout, clusterScenario } from "../cluster-scenario.ts";
import type { ScheduledFault } from "../faults.ts";
import { formatSeed } from "../prng.ts";

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!, process.argv[i + 1]!);
const from = BigInt(args.get("--from") ?? "1");
const count = Number(args.get("--count") ?? "1");
const nodes = Number(args.get("--nodes") ?? "3");
const durationMs = Number(args.get("--duration") ?? "30000");
const shrinkRuns = Number(args.get("--shrink") ?? "0");

const print = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

function fails(s: ClusterScenario): boolean {
  return !runCluster(s).ok;
}

/** Greedy chunk removal (ddmin-like) within a budget of runs; the smallest failing schedule. */
function shrink(s: ClusterScenario): { size: number; from: number; runs: number } {
  const plan = clusterFaultPlan(s, clusterLayout(s));
  if (plan.mode !== "explicit") return { size: 0, from: 0, runs: 0 };
  let schedule: ScheduledFault[] = [...plan.schedule];
  const params = plan.params;
  const withSchedule = (list: ScheduledFault[]): ClusterScenario => ({
    ...s,
    faults:
      params === undefined
        ? { mode: "explicit", schedule: list }
        : { mode: "explicit", schedule: list, params },
  });
  let runs = 1;
  if (!fails(withSchedule(schedule))) return { size: schedule.length, from: schedule.length, runs };
  const original = schedule.length;
  for (let chunk = Math.ceil(schedule.length / 2); chunk >= 1 && runs < shrinkRuns; ) {
    let removed = false;
    for (let at = 0; at < schedule.length && runs < shrinkRuns; ) {
      const candidate = [...schedule.slice(0, at), ...schedule.slice(at + chunk)];
      runs++;
      if (fails(withSchedule(candidate))) {
        schedule = candidate;
        removed = true;
      } else {
        at += chunk;
      }
    }
    if (!removed) chunk = Math.floor(chunk / 2);
  }
  return { size: schedule.length, from: original, runs };
}

for (let n = 0n; n < BigInt(count); n++) {
  const seed = from + n;
  const s = clusterScenario(seed, { nodes, durationMs });
  const outcome = runCluster(s);
  if (outcome.ok) {
    print({ seed: formatSeed(seed), ok: true });
    continue;
  }
  const line = {
    seed: formatSeed(seed),
    ok: false,
    kind: outcome.failure?.kind,
    message: outcome.failure?.message.slice(0, 400),
    replay: outcome.replay,
  };
  print(line);
  if (shrinkRuns > 0) print({ seed: formatSeed(seed), shrunk: shrink(s) });
  break;
}
