// `runnel sim --nodes 3|5 …`: cluster runs from the command line — one seed described and run (with
// its trace, its determinism check), or a batch of seeds over worker processes with a progress bar,
// a summary table and one replay command per failure. Exit 0 when all passed, 1 on a failure, 2 on
// bad usage. The scenario flags themselves are parsed by cluster-args.ts.

import type { ChildProcess } from "node:child_process";
import { err, ok, type Result } from "../core/result.ts";
import { parseSeedList } from "./cli-args.ts";
import { formatCount, formatMs, progressLine } from "./cli-report.ts";
import { parseClusterArgs } from "./cluster-args.ts";
import { buildClusterRun, type ClusterOutcome, type ClusterRunOptions } from "./cluster-run.ts";
import type { ClusterScenario } from "./cluster-scenario.ts";
import { checkDeterminism, describeDeterminism } from "./determinism.ts";
import { formatSeed, type Seed } from "./prng.ts";
import { FileSink, TraceWriter } from "./trace-writer.ts";
import { forkWorker } from "./worker-fork.ts";

/** What one cluster seed reports (also what a worker process sends back). */
export interface ClusterSeedReport {
  readonly seed: string;
  readonly ok: boolean;
  readonly failure: string | undefined;
  readonly replay: string;
  readonly stats: ClusterOutcome["stats"];
  readonly nondeterminism: string | undefined;
}

interface ClusterCliOptions {
  readonly scenarios: readonly ClusterScenario[];
  readonly jobs: number;
  readonly trace: string | undefined;
  readonly checkDeterminism: boolean;
  readonly quiet: boolean;
  readonly batch: boolean;
}

/** Whether these arguments ask for a cluster (`--nodes` above 1). */
export function wantsCluster(argv: readonly string[]): boolean {
  const at = argv.indexOf("--nodes");
  return at >= 0 && argv[at + 1] !== undefined && argv[at + 1] !== "1";
}

export function parseClusterCli(argv: readonly string[]): Result<ClusterCliOptions, string> {
  let seeds: Seed[] = [1n];
  let batch = false;
  let jobs = 1;
  let trace: string | undefined;
  let checkDet = false;
  let quiet = false;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (flag === "--seed" || flag === "--seeds") {
      const parsed = parseSeedList(value ?? "");
      if (!parsed.ok) return err(`${flag}: ${parsed.error}`);
      if (flag === "--seed" && parsed.value.length !== 1) return err("--seed takes one seed");
      seeds = parsed.value;
      batch = flag === "--seeds";
      i++;
    } else if (flag === "--jobs") {
      jobs = Number(value);
      if (!Number.isSafeInteger(jobs) || jobs < 1 || jobs > 64) return err(`--jobs ${value}`);
      i++;
    } else if (flag === "--trace") {
      if (value === undefined) return err("--trace needs a file");
      trace = value;
      i++;
    } else if (flag === "--check-determinism") checkDet = true;
    else if (flag === "--quiet") quiet = true;
    else rest.push(flag);
  }
  const nodes = Number(rest[rest.indexOf("--nodes") + 1]);
  if (!Number.isSafeInteger(nodes) || nodes < 3 || nodes > 9) {
    return err(`--nodes ${rest[rest.indexOf("--nodes") + 1]}: a cluster has 3 to 9 brokers`);
  }
  if (trace !== undefined && batch) return err("--trace writes one run's trace: use --seed");
  const template = parseClusterArgs(rest);
  if (!template.ok) return err(template.error);
  const base = template.value.scenarios[0]!;
  return ok({
    scenarios: seeds.map((seed) => ({ ...base, seed })),
    jobs,
    trace,
    checkDeterminism: checkDet,
    quiet,
    batch,
  });
}

/**
 * Runs the scenario twice more with its draws recorded and checked; undefined when both match the
 * first run's trace hash, else the first divergent line and named draw.
 */
function determinismOf(
  s: ClusterScenario,
  firstHash: string,
  commit: string | undefined,
): string | undefined {
  const report = checkDeterminism(({ trace, draws }) => {
    // The commit is in the trace header, so it is in the hash: the same one as the first run.
    const again = buildClusterRun(s, { trace, draws, ...(commit === undefined ? {} : { commit }) });
    again.run();
    return again.world.result();
  });
  if (!report.deterministic) return describeDeterminism(report).join("\n");
  if (report.hashes[0] !== firstHash) {
    return `trace hash ${firstHash}, then ${report.hashes[0]} when run again`;
  }
  return undefined;
}

function toReport(
  s: ClusterScenario,
  outcome: ClusterOutcome,
  nondeterminism: string | undefined,
): ClusterSeedReport {
  const f = outcome.failure;
  return {
    seed: formatSeed(s.seed),
    ok: outcome.ok,
    failure: f === undefined ? undefined : `${f.kind} at t=${f.t}ms: ${f.message}`,
    replay: outcome.replay,
    stats: outcome.stats,
    nondeterminism,
  };
}

/** Runs one cluster seed to its report (and proves it deterministic when asked). */
export function runClusterSeed(
  s: ClusterScenario,
  checkDet: boolean,
  options: ClusterRunOptions = {},
): ClusterSeedReport {
  const outcome = buildClusterRun(s, options).run();
  const nondeterminism = checkDet
    ? determinismOf(s, outcome.stats.traceHash, options.commit)
    : undefined;
  return toReport(s, outcome, nondeterminism);
}

function reportLines(r: ClusterSeedReport): string[] {
  const st = r.stats;
  const verdict = r.ok && r.nondeterminism === undefined ? "ok" : "FAILED";
  const lines = [
    `${verdict} seed ${r.seed}: ${formatCount(st.events)} events, ${formatMs(st.simulatedMs)} simulated, ${st.faultsApplied} faults, ${st.elections} elections (${st.uncleanElections} unclean), ${st.valuesAcked} values acknowledged, ${st.valuesRead} read back; trace hash ${st.traceHash}`,
  ];
  if (r.failure !== undefined) lines.push(`  ${r.failure}`);
  if (r.nondeterminism !== undefined) lines.push(`  ${r.nondeterminism}`);
  if (!r.ok || r.nondeterminism !== undefined) lines.push(`  replay: ${r.replay}`);
  return lines;
}

export async function runClusterSim(
  argv: readonly string[],
  out: (line?: string) => void,
  commit: string,
): Promise<number> {
  const parsed = parseClusterCli(argv);
  if (!parsed.ok) {
    process.stderr.write(`runnel sim: ${parsed.error}\nrun \`runnel sim --help\` for usage\n`);
    return 2;
  }
  const o = parsed.value;
  if (!o.batch) {
    const s = o.scenarios[0]!;
    const trace =
      o.trace === undefined ? undefined : new TraceWriter({ sink: new FileSink(o.trace) });
    const run = buildClusterRun(s, { commit, ...(trace === undefined ? {} : { trace }) });
    if (!o.quiet) for (const line of run.describe()) out(line);
    out("");
    const started = performance.now();
    const outcome = run.run();
    trace?.close();
    const nondeterminism = o.checkDeterminism
      ? determinismOf(s, outcome.stats.traceHash, commit)
      : undefined;
    const report = toReport(s, outcome, nondeterminism);
    for (const line of reportLines(report)) out(line);
    out(`  wall ${formatMs(performance.now() - started)}`);
    if (o.trace !== undefined) out(`  trace: ${o.trace} (view it: runnel view ${o.trace})`);
    else if (!report.ok) out("  add --trace out.ndjson to write the trace");
    return report.ok && report.nondeterminism === undefined ? 0 : 1;
  }
  return runBatch(o, out);
}

async function runBatch(o: ClusterCliOptions, out: (line?: string) => void): Promise<number> {
  const started = Date.now();
  const tty = process.stdout.isTTY === true;
  const reports: ClusterSeedReport[] = [];
  let failed = 0;
  const onReport = (r: ClusterSeedReport) => {
    reports.push(r);
    if (!r.ok || r.nondeterminism !== undefined) {
      failed++;
      if (tty) process.stdout.write("\r\x1b[K");
      for (const line of reportLines(r)) out(line);
    }
    if (tty) {
      const line = progressLine(reports.length, o.scenarios.length, failed, Date.now() - started);
      process.stdout.write(`\r\x1b[K${line}`);
    }
  };
  await inWorkers(o, onReport);
  if (tty) process.stdout.write("\r\x1b[K");
  const wallMs = Date.now() - started;
  const events = reports.reduce((n, r) => n + r.stats.events, 0);
  const simulated = reports.reduce((n, r) => n + r.stats.simulatedMs, 0);
  out("");
  out("| seeds | passed | failed | events | simulated | wall | events/s | sim/wall | seeds/hour |");
  out("|---|---|---|---|---|---|---|---|---|");
  out(
    `| ${reports.length} | ${reports.length - failed} | ${failed} | ${formatCount(events)} | ${formatMs(simulated)} | ${formatMs(wallMs)} | ${formatCount((events * 1000) / Math.max(1, wallMs))} | x${Math.round(simulated / Math.max(1, wallMs))} | ${formatCount((reports.length * 3_600_000) / Math.max(1, wallMs))} (${o.jobs} job${o.jobs === 1 ? "" : "s"}) |`,
  );
  if (failed > 0) {
    out("");
    out("failures (one replay command each):");
    for (const r of reports.filter((x) => !x.ok || x.nondeterminism !== undefined)) {
      out(`  ${r.seed}: ${(r.failure ?? r.nondeterminism ?? "").slice(0, 300)}`);
      out(`    ${r.replay}`);
    }
  }
  return failed === 0 ? 0 : 1;
}

/** Seeds in this process (one job) or spread over worker processes fed one seed at a time. */
async function inWorkers(
  o: ClusterCliOptions,
  onReport: (r: ClusterSeedReport) => void,
): Promise<void> {
  const jobs = Math.min(o.jobs, o.scenarios.length);
  if (jobs <= 1) {
    for (const s of o.scenarios) {
      onReport(runClusterSeed(s, o.checkDeterminism));
      await new Promise((resolve) => setImmediate(resolve));
    }
    return;
  }
  let next = 0;
  const workers: ChildProcess[] = [];
  await new Promise<void>((resolve, reject) => {
    let running = jobs;
    const feed = (worker: ChildProcess) => {
      const s = o.scenarios[next++];
      if (s === undefined) {
        worker.disconnect();
        if (--running === 0) resolve();
        return;
      }
      worker.send({ scenario: s, checkDeterminism: o.checkDeterminism });
    };
    for (let j = 0; j < jobs; j++) {
      const worker = forkWorker("cluster-worker.ts");
      workers.push(worker);
      worker.on("message", (r: ClusterSeedReport) => {
        onReport(r);
        feed(worker);
      });
      worker.on("exit", (code) => {
        if (code !== 0 && code !== null) reject(new Error(`cluster worker exited with ${code}`));
      });
      feed(worker);
    }
  }).finally(() => {
    for (const w of workers) if (w.connected) w.kill();
  });
}
