// Runs seeds one after another (in a scratch copy, on mutated code) until one fails or the count is
// reached; prints one JSON line per seed. On a failure it may shrink the seed's fault schedule and
// prints the smallest it found.
// Usage: tsx seed-worker.ts --from <n> --count <n> [--nodes 3 (1: one broker)] [--duration <ms>]
//        [--workload default|groups|idempotent] [--shrink <runs>]

import { formatSeed } from "../prng.ts";
import type { MutantWorkload } from "./mutations.ts";
import { runMutantSeed, shrinkMutantSeed } from "./seed-runs.ts";

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!, process.argv[i + 1]!);
const from = BigInt(args.get("--from") ?? "1");
const count = Number(args.get("--count") ?? "1");
const setting = {
  nodes: Number(args.get("--nodes") ?? "3"),
  durationMs: Number(args.get("--duration") ?? "30000"),
  workload: (args.get("--workload") ?? "default") as MutantWorkload,
};
const shrinkRuns = Number(args.get("--shrink") ?? "0");

const print = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

for (let n = 0n; n < BigInt(count); n++) {
  const seed = from + n;
  const outcome = runMutantSeed(seed, setting);
  if (outcome.ok) {
    print({ seed: formatSeed(seed), ok: true });
    continue;
  }
  print({
    seed: formatSeed(seed),
    ok: false,
    kind: outcome.kind,
    message: outcome.message?.slice(0, 400),
    replay: outcome.replay,
  });
  if (shrinkRuns > 0)
    print({ seed: formatSeed(seed), shrunk: shrinkMutantSeed(seed, setting, shrinkRuns) });
  break;
}
