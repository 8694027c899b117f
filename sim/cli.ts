// `runnel sim`: runs the single-broker simulation for one seed (describe, trace, export, shrink,
// determinism check) or a batch of seeds on several cores (progress bar, summary table, one replay
// command per failure). Exit code 0 when everything passed, 1 when a run failed, 2 on bad usage.

import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { type CliOptions, parseCliArgs } from "./cli-args.ts";
import { helpText } from "./cli-help.ts";
import { failureKindOf, oneRun, progressLine, type SeedReport, summary } from "./cli-report.ts";
import { runClusterSim, wantsCluster } from "./cluster-cli.ts";
import { toChromeTrace } from "./export-chrome.ts";
import { toShiViz } from "./export-shiviz.ts";
import { runBatch } from "./parallel.ts";
import { formatSeed } from "./prng.ts";
import { buildRun } from "./runs/build.ts";
import { describeParts, runParts } from "./runs/run.ts";
import type { SimScenario } from "./scenario.ts";
import { runSeed } from "./seeds.ts";
import { knownMarks } from "./seeds-marks.ts";
import { shrinkScenario } from "./shrink.ts";
import { isTraceHeader, parseTraceLine, type TraceRecord } from "./trace-format.ts";
import { FileSink, TraceWriter } from "./trace-writer.ts";

const out = (line = "") => process.stdout.write(`${line}\n`);
const errOut = (line: string) => process.stderr.write(`${line}\n`);

function commit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short=12", "HEAD"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch (error) {
    return `unknown (${(error as Error).message.split("\n")[0]})`;
  }
}

export async function runSim(argv: readonly string[]): Promise<number> {
  if (wantsCluster(argv) && !argv.includes("--help")) return runClusterSim(argv, out, commit());
  const parsed = parseCliArgs(argv);
  if (!parsed.ok) {
    errOut(`runnel sim: ${parsed.error}`);
    errOut("run `runnel sim --help` for usage");
    return 2;
  }
  const options = parsed.value;
  if (options.help) {
    out(helpText());
    return 0;
  }
  return options.batch ? runMany(options) : runOne(options);
}

function runOne(options: CliOptions): number {
  const scenario: SimScenario = { seed: options.seeds[0]!, ...options.base };
  const sink = options.trace === undefined ? undefined : new FileSink(options.trace);
  const trace = new TraceWriter({
    level: options.traceLevel,
    ...(sink === undefined ? {} : { sink }),
  });
  const parts = buildRun(scenario, { trace, commit: commit() });
  if (!options.quiet) for (const line of describeParts(parts)) out(line);
  out("");
  const outcome = runParts(parts);
  trace.close();
  const failure = outcome.failure;
  let report: SeedReport = {
    seed: scenario.seed,
    ok: outcome.ok,
    failureKind: failure === undefined ? undefined : failureKindOf(failure.kind, failure.message),
    message:
      failure === undefined
        ? undefined
        : `${failure.message} (t=${failure.t}ms, trace seq ${failure.seq}${failure.node === undefined ? "" : `, node ${failure.node}`})`,
    replay: outcome.replay,
    stats: outcome.stats,
    marks: [],
    nondeterminism: undefined,
  };
  if (options.checkDeterminism) {
    const again = runSeed(scenario, { checkDeterminism: true });
    report = { ...report, nondeterminism: again.nondeterminism };
  }
  for (const line of oneRun(report)) out(line);
  if (failure?.stack !== undefined && failure.kind === "node-step") out(failure.stack);
  if (options.trace !== undefined) {
    out(`  trace: ${options.trace} (view it: runnel view ${options.trace})`);
    if (options.exportFormat !== undefined)
      out(`  export: ${exportTrace(options.trace, options.exportFormat)}`);
  } else if (!outcome.ok) {
    out("  add --trace out.ndjson to write the trace (runnel view out.ndjson shows it)");
  }
  if (!outcome.ok && options.shrink) shrinkAndPrint(scenario, options);
  return outcome.ok && report.nondeterminism === undefined ? 0 : 1;
}

function shrinkAndPrint(scenario: SimScenario, options: CliOptions): void {
  out("");
  out(`shrinking (at most ${options.shrinkBudget} runs)…`);
  const shrunk = shrinkScenario(scenario, {
    budget: options.shrinkBudget,
    log: (line) => out(`  ${line}`),
  });
  for (const line of shrunk.report) out(line);
}

function exportTrace(path: string, format: "chrome" | "shiviz"): string {
  const lines = readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.length > 0);
  const header = parseTraceLine(lines[0]!);
  if (!isTraceHeader(header)) throw new Error(`${path} does not start with a trace header`);
  const records = lines.slice(1).map((l) => parseTraceLine(l) as TraceRecord);
  if (format === "chrome") {
    const target = `${path}.chrome.json`;
    writeFileSync(target, JSON.stringify(toChromeTrace(header, records)));
    return `${target} (open in https://ui.perfetto.dev)`;
  }
  const target = `${path}.shiviz.log`;
  const shiviz = toShiViz(records);
  writeFileSync(target, shiviz.log);
  return `${target} (paste into ShiViz with the parser expression ${shiviz.regex})`;
}

async function runMany(options: CliOptions): Promise<number> {
  const scenarios = options.seeds.map((seed): SimScenario => ({ seed, ...options.base }));
  const started = Date.now();
  const tty = process.stdout.isTTY === true;
  let failed = 0;
  const reports = await runBatch(scenarios, {
    jobs: options.jobs,
    checkDeterminism: options.checkDeterminism,
    commit: commit(),
    onReport: (report, done) => {
      if (!report.ok || report.nondeterminism !== undefined) {
        failed++;
        if (tty) process.stdout.write("\r\x1b[K");
        out(
          `FAILED ${formatSeed(report.seed)} ${report.failureKind ?? "nondeterminism"}: ${report.replay}`,
        );
      }
      if (tty)
        process.stdout.write(
          `\r\x1b[K${progressLine(done, scenarios.length, failed, Date.now() - started)}`,
        );
    },
  });
  if (tty) process.stdout.write("\r\x1b[K");
  const hits = new Set(reports.flatMap((r) => r.marks.map(([name]) => name)));
  const marksNeverHit = knownMarks().filter((m) => !hits.has(m));
  for (const line of summary({
    reports,
    wallMs: Date.now() - started,
    jobs: options.jobs,
    marksNeverHit,
  }))
    out(line);
  return failed === 0 ? 0 : 1;
}
