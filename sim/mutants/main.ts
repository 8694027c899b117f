// `npm run mutants` (tsx sim/mutants/main.ts): every known-bug mutation of sim/mutants/mutations.ts
// is applied to a scratch copy of core/ and run against a budget of cluster seeds; the table says
// which were caught, after how many seeds, by which check, and how small the failing fault
// schedule shrank. Exit 1 when a mutation survives its budget or an anchor no longer matches.
// Options: --budget <seeds> (1000) --jobs <n> (2) --only a,b --nodes <n> (3) --duration <ms> (30000)
//          --from <seed> (1) --shrink <runs> (0: no shrinking). A mutation may fix its own workload
// (groups, idempotent), broker count and seed budget (sim/mutants/mutations.ts).

import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Mutation, mutations } from "./mutations.ts";
import { AnchorMismatch, prepareScratch, repoRoot } from "./scratch.ts";

interface Outcome {
  readonly mutation: Mutation;
  readonly caught: boolean;
  readonly seeds: number;
  readonly kind: string;
  readonly message: string;
  readonly replay: string;
  readonly shrunk: string;
  readonly wallMs: number;
}

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!, process.argv[i + 1]!);
const budget = Number(args.get("--budget") ?? "1000");
const jobs = Math.max(1, Number(args.get("--jobs") ?? "2"));
const only = args.get("--only")?.split(",");
const nodes = args.get("--nodes") ?? "3";
const duration = args.get("--duration") ?? "30000";
const from = args.get("--from") ?? "1";
const shrinkRuns = args.get("--shrink") ?? "0";

const chosen = mutations.filter((m) => only === undefined || only.includes(m.name));
const scratchRoot = join(tmpdir(), `runnel-mutants-${process.pid}`);

function runMutation(mutation: Mutation): Promise<Outcome> {
  const dir = join(scratchRoot, mutation.name);
  prepareScratch(mutation, dir);
  const started = performance.now();
  const seedBudget = mutation.budget ?? budget;
  const brokers = String(mutation.nodes ?? nodes);
  return new Promise((resolvePromise) => {
    const tsx = join(repoRoot, "node_modules", ".bin", "tsx");
    const worker = join(dir, "sim", "mutants", "seed-worker.ts");
    const child = spawn(
      tsx,
      [
        worker,
        "--from",
        from,
        "--count",
        String(seedBudget),
        "--nodes",
        brokers,
        "--workload",
        mutation.workload ?? "default",
        "--duration",
        duration,
        "--shrink",
        shrinkRuns,
      ],
      { cwd: dir, stdio: ["ignore", "pipe", "inherit"] },
    );
    let seeds = 0;
    let failure: { kind: string; message: string; replay: string } | undefined;
    let shrunk = "-";
    let buffer = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
        const line = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>;
        buffer = buffer.slice(nl + 1);
        if (line.shrunk !== undefined) {
          const s = line.shrunk as { size: number; from: number; runs: number };
          shrunk = `${s.size} of ${s.from} faults (${s.runs} runs)`;
        } else {
          seeds++;
          if (line.ok === false) {
            failure = {
              kind: String(line.kind),
              message: String(line.message),
              replay: String(line.replay),
            };
          }
        }
      }
    });
    child.on("close", () => {
      resolvePromise({
        mutation,
        caught: failure !== undefined,
        seeds,
        kind: failure?.kind ?? "-",
        message: failure?.message ?? "survived",
        replay: failure?.replay ?? "-",
        shrunk,
        wallMs: performance.now() - started,
      });
    });
  });
}

async function main(): Promise<number> {
  const queue = [...chosen];
  const outcomes: Outcome[] = [];
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const outcome = await runMutation(next);
      outcomes.push(outcome);
      const verdict = outcome.caught
        ? `caught after ${outcome.seeds} seeds (${outcome.kind})`
        : `SURVIVED ${outcome.seeds} seeds`;
      process.stderr.write(`${outcome.mutation.name}: ${verdict}\n`);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(jobs, chosen.length) }, worker));
  } catch (error) {
    if (error instanceof AnchorMismatch) {
      process.stderr.write(`ANCHOR MISMATCH: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const order = new Map(chosen.map((m, i) => [m.name, i]));
  outcomes.sort((a, b) => (order.get(a.mutation.name) ?? 0) - (order.get(b.mutation.name) ?? 0));
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    `\nmutants: ${nodes} brokers unless the row says, ${Number(duration) / 1000} s runs, budget ${budget} seeds from ${from} unless the mutation sets its own\n`,
  );
  out(
    "| mutation | workload | brokers | caught | seeds to detection | by | shrunk schedule | wall |",
  );
  out("|---|---|---|---|---|---|---|---|");
  for (const o of outcomes) {
    const wall = `${(o.wallMs / 1000).toFixed(1)} s`;
    const m = o.mutation;
    out(
      `| ${m.name} | ${m.workload ?? "default"} | ${m.nodes ?? nodes} | ${o.caught ? "yes" : "**no**"} | ${o.caught ? o.seeds : `> ${o.seeds}`} | ${o.kind} | ${o.shrunk} | ${wall} |`,
    );
  }
  out("");
  for (const o of outcomes) {
    out(`- ${o.mutation.name}: ${o.mutation.about}`);
    out(`  ${o.caught ? `first failure: ${o.message.split("\n")[0]}` : "survived the budget"}`);
    if (o.caught) out(`  replay (on the mutated copy): ${o.replay}`);
  }
  return outcomes.every((o) => o.caught) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
