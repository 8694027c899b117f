// The determinism check (madsim's CHECK_DETERMINISM, FoundationDB's unseed check): run one
// configuration twice in this process and compare trace hashes. On a mismatch, report the first
// divergent trace line of each run and, from the draw recording, the first differing named draw.

import { type DrawDivergence, DrawLog } from "./prng.ts";
import { MemorySink, type TraceLevel, type TraceSink, TraceWriter } from "./trace-writer.ts";
import type { RunResult } from "./world-types.ts";

/** Builds and runs the configuration under test with the given trace writer and draw log. */
export type DeterminismRun = (tools: { trace: TraceWriter; draws: DrawLog }) => RunResult;

export interface DeterminismOptions {
  readonly level?: TraceLevel;
  /** Lines of the first run kept in memory to show the divergent line (default 2,000,000). */
  readonly keepLines?: number;
}

export interface Divergence {
  /** Line index in the trace file: 0 is the header, otherwise the event's seq. */
  readonly line: number;
  /** The line in each run (undefined when that run had ended, or the line was not kept). */
  readonly first: string | undefined;
  readonly second: string | undefined;
}

export interface DeterminismReport {
  readonly deterministic: boolean;
  readonly hashes: readonly [string, string];
  readonly lines: readonly [number, number];
  readonly results: readonly [RunResult, RunResult];
  readonly divergence?: Divergence;
  readonly draw?: DrawDivergence;
}

/** Compares each line of the second run with the first run's, keeping the first difference. */
class ComparingSink implements TraceSink {
  readonly #expected: readonly string[];
  /** Whether `expected` holds every line of the first run (so a line past it is an extra one). */
  readonly #complete: boolean;
  #index = 0;
  first: Divergence | undefined;

  constructor(expected: readonly string[], complete: boolean) {
    this.#expected = expected;
    this.#complete = complete;
  }

  write(line: string): void {
    const index = this.#index++;
    if (this.first !== undefined) return;
    if (index >= this.#expected.length) {
      if (this.#complete) this.first = { line: index, first: undefined, second: line };
      return;
    }
    const expected = this.#expected[index];
    if (expected !== line) this.first = { line: index, first: expected, second: line };
  }

  close(): void {}
}

export function checkDeterminism(
  run: DeterminismRun,
  options: DeterminismOptions = {},
): DeterminismReport {
  const level = options.level ?? "standard";
  const kept = new MemorySink(options.keepLines ?? 2_000_000);
  const firstTrace = new TraceWriter({ level, sink: kept, lanes: true });
  const recording = DrawLog.record();
  const firstResult = run({ trace: firstTrace, draws: recording });
  const comparing = new ComparingSink(kept.lines, kept.lines.length === firstTrace.lineCount);
  const secondTrace = new TraceWriter({ level, sink: comparing, lanes: true });
  const checking = DrawLog.check(recording);
  const secondResult = run({ trace: secondTrace, draws: checking });
  const hashes = [firstTrace.hash, secondTrace.hash] as const;
  const lines = [firstTrace.lineCount, secondTrace.lineCount] as const;
  const deterministic = hashes[0] === hashes[1] && lines[0] === lines[1];
  const report = { deterministic, hashes, lines, results: [firstResult, secondResult] as const };
  if (deterministic) return report;
  const divergence = comparing.first ?? locate(firstTrace, secondTrace, kept.lines);
  const draw = checking.divergence;
  return { ...report, divergence, ...(draw === undefined ? {} : { draw }) };
}

/** Past the kept lines (or where one run ended early), the hash lanes find the first difference. */
function locate(first: TraceWriter, second: TraceWriter, kept: readonly string[]): Divergence {
  const shorter = Math.min(first.lineCount, second.lineCount);
  let line = shorter;
  for (let i = 0; i < shorter; i++) {
    if (first.laneAt(i) !== second.laneAt(i)) {
      line = i;
      break;
    }
  }
  return { line, first: kept[line], second: undefined };
}

/** A human-readable account of a report, for test failures and the CLI. */
export function describeDeterminism(report: DeterminismReport): string[] {
  if (report.deterministic) return [`deterministic: trace hash ${report.hashes[0]}`];
  const lines = [
    `NOT deterministic: trace hashes ${report.hashes[0]} vs ${report.hashes[1]}`,
    `lines ${report.lines[0]} vs ${report.lines[1]}`,
  ];
  const d = report.divergence;
  if (d !== undefined) {
    lines.push(`first divergent line ${d.line} (seq ${d.line}):`);
    lines.push(`  run 1: ${d.first ?? "(none)"}`, `  run 2: ${d.second ?? "(none)"}`);
  }
  const draw = report.draw;
  if (draw !== undefined) {
    const show = (x: typeof draw.expected) =>
      x === undefined ? "(none)" : `${x.component}:${x.name} = ${x.value} (at seq ${x.seq})`;
    lines.push(`first differing draw #${draw.index}:`);
    lines.push(`  run 1: ${show(draw.expected)}`, `  run 2: ${show(draw.actual)}`);
  }
  return lines;
}
