// Running seeds: one seed to its report (optionally twice, to prove determinism), a batch in this
// process, and the seed lists CI runs. Invariant: a report carries everything the summary needs and
// nothing that depends on which process ran it (worker processes send reports back as data).

import { failureKindOf, type SeedReport } from "./cli-report.ts";
import { checkDeterminism, describeDeterminism } from "./determinism.ts";
import type { Seed } from "./prng.ts";
import { buildRun } from "./runs/build.ts";
import { runParts } from "./runs/run.ts";
import type { SimScenario } from "./scenario.ts";
import { MarkTally } from "./trace-marks.ts";

export interface SeedOptions {
  readonly checkDeterminism?: boolean;
  readonly commit?: string;
}

export function runSeed(scenario: SimScenario, options: SeedOptions = {}): SeedReport {
  const tally = new MarkTally();
  const parts = buildRun(scenario, {
    observers: [tally.observer],
    ...(options.commit === undefined ? {} : { commit: options.commit }),
  });
  const outcome = runParts(parts);
  let nondeterminism: string | undefined;
  if (options.checkDeterminism === true) {
    const report = checkDeterminism(({ trace, draws }) => {
      const again = buildRun(scenario, { trace, draws });
      return runParts(again).result;
    });
    if (!report.deterministic) nondeterminism = describeDeterminism(report).join("\n");
    else if (report.hashes[0] !== outcome.stats.traceHash) {
      nondeterminism = `trace hash ${outcome.stats.traceHash} in the first run, ${report.hashes[0]} when run again`;
    }
  }
  const failure = outcome.failure;
  return {
    seed: scenario.seed,
    ok: outcome.ok,
    failureKind: failure === undefined ? undefined : failureKindOf(failure.kind, failure.message),
    message: failure?.message,
    replay: outcome.replay,
    stats: outcome.stats,
    marks: tally.hits(),
    nondeterminism,
  };
}

/** A seed CI always runs, with what it once caught (each replays with `runnel sim --seed …`). */
export interface CiSeed {
  readonly seed: Seed;
  readonly drawSettings?: boolean;
  readonly found: string;
}

export const ciSeeds: readonly CiSeed[] = [
  {
    seed: 0x19n,
    found:
      "a retried batch re-stamped in place rewrote the broker's tail cache; recovery cut synced records on a transient read error",
  },
  {
    seed: 0x3n,
    found:
      "acknowledgements arriving after the final reads began (a producer's clock standing still)",
  },
  { seed: 0x10n, found: "a partially created topic seen by a producer" },
  {
    seed: 0x79n,
    found: "the final reader's clock stepped back 80 s: its start waited for the clock",
  },
  {
    seed: 0xb7n,
    found: "a disk stall's queue outlived the stall by minutes (broker never unfenced)",
  },
  {
    seed: 0xe3n,
    found: "a partition whose topic id could not be written stalled the broker in loading-logs",
  },
  { seed: 0x104n, found: "an EIO reading partition.metadata deleted the partition's folder" },
  {
    seed: 0x3fdn,
    drawSettings: true,
    found: "partition.metadata renamed after a failed sync: folder deleted at restart",
  },
  {
    seed: 0x3f1n,
    drawSettings: true,
    found: "acks=1 with fsync none: lost offsets reused after a crash (excused, precisely)",
  },
  { seed: 0x3f9n, drawSettings: true, found: "acknowledgements after the final reads began" },
  {
    seed: 0x5eed25n,
    drawSettings: true,
    found:
      "acks=0: disk latency spikes went on after the heal, so the final reader's Fetch waited 30 s behind the backlog",
  },
];

/**
 * `count` fresh seeds from a base (CI passes the date or its run id): spread over the 64-bit space
 * so that consecutive days share none.
 */
export function freshSeeds(base: bigint, count: number): Seed[] {
  const seeds: Seed[] = [];
  let x = (base * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
  for (let i = 0; i < count; i++) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    seeds.push(x % 100n === 0n ? x + 1n : x);
  }
  return seeds;
}

/** Today's base for fresh seeds: yyyymmdd as a number (CI may pass RUNNEL_SIM_SEED instead). */
export function dateBase(now: Date): bigint {
  return BigInt(now.getUTCFullYear() * 10_000 + (now.getUTCMonth() + 1) * 100 + now.getUTCDate());
}
