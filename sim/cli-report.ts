// What `runnel sim` prints: one run's result, a batch's summary table, failures grouped by kind with
// one replay command each, and a progress bar for long batches. Pure formatting: no I/O here.

import { formatSeed, type Seed } from "./prng.ts";
import type { OutcomeStats } from "./runs/run.ts";

/** What a batch needs to know of one seed's run (also what a worker process sends back). */
export interface SeedReport {
  readonly seed: Seed;
  readonly ok: boolean;
  /** e.g. "final-check/history", "global-invariant", "node-step". */
  readonly failureKind: string | undefined;
  readonly message: string | undefined;
  readonly replay: string;
  readonly stats: OutcomeStats;
  readonly marks: readonly [string, number][];
  /** Set when the run was checked twice and the traces differed. */
  readonly nondeterminism: string | undefined;
}

export function formatMs(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)}s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)}min`;
  return `${(ms / 3_600_000).toFixed(1)}h`;
}

export function formatCount(n: number): string {
  if (n < 10_000) return String(Math.round(n));
  if (n < 10_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/**
 * The kind a failure is grouped under: the world's kind, the check that caught it, and for the
 * history the first anomaly class (`final-check/history/lost-write`, `global-invariant/fetch served`).
 */
export function failureKindOf(kind: string, message: string): string {
  const [check, rest = ""] = splitOnce(message);
  if (kind === "final-check") {
    const cls = check === "history" ? /^([a-zA-Z0-9-]+) x\d+/.exec(rest)?.[1] : undefined;
    return [kind, check, cls].filter((x) => x !== undefined).join("/");
  }
  if (kind === "global-invariant") return [kind, splitOnce(rest)[0]].join("/");
  return kind;
}

function splitOnce(text: string): [string, string | undefined] {
  const at = text.indexOf(": ");
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 2)];
}

export function oneRun(report: SeedReport): string[] {
  const s = report.stats;
  const compression = s.wallMs > 0 ? s.simulatedMs / s.wallMs : 0;
  const lines = [
    report.ok
      ? `PASSED ${formatSeed(report.seed)}`
      : `FAILED ${formatSeed(report.seed)}: ${report.failureKind}`,
  ];
  if (!report.ok) lines.push(`  ${report.message}`);
  if (report.nondeterminism !== undefined)
    lines.push(`  NOT DETERMINISTIC: ${report.nondeterminism}`);
  lines.push(
    `  events ${formatCount(s.events)}, simulated ${formatMs(s.simulatedMs)}, wall ${formatMs(s.wallMs)} (x${Math.round(compression)}), ` +
      `acked ${s.valuesAcked}, read ${s.valuesRead}, broker crashes ${s.brokerCrashes}, operator restarts ${s.operatorRestarts}, ` +
      `final reads ${s.finalReadMs === undefined ? "not done" : formatMs(s.finalReadMs)}`,
  );
  const excused = Object.entries(s.excused);
  if (excused.length > 0) {
    lines.push(
      `  excused by the fault contract: ${excused.map(([k, n]) => `${k} x${n}`).join(", ")}`,
    );
  }
  lines.push(`  replay: ${report.replay}`);
  return lines;
}

export interface BatchSummary {
  readonly reports: readonly SeedReport[];
  readonly wallMs: number;
  readonly jobs: number;
  /** Marks known in core that no run of the batch hit. */
  readonly marksNeverHit: readonly string[];
}

export function summary(b: BatchSummary): string[] {
  const failed = b.reports.filter((r) => !r.ok || r.nondeterminism !== undefined);
  const events = b.reports.reduce((n, r) => n + r.stats.events, 0);
  const simulated = b.reports.reduce((n, r) => n + r.stats.simulatedMs, 0);
  const perHour = b.wallMs > 0 ? (b.reports.length * 3_600_000) / b.wallMs : 0;
  const lines = [
    "",
    "| seeds | passed | failed | events | simulated | wall | events/s | sim/wall | seeds/hour |",
    "|---|---|---|---|---|---|---|---|---|",
    `| ${b.reports.length} | ${b.reports.length - failed.length} | ${failed.length} | ${formatCount(events)} | ${formatMs(simulated)} | ${formatMs(b.wallMs)} | ${formatCount(b.wallMs > 0 ? (events * 1000) / b.wallMs : 0)} | x${Math.round(b.wallMs > 0 ? simulated / b.wallMs : 0)} | ${formatCount(perHour)} (${b.jobs} job${b.jobs === 1 ? "" : "s"}) |`,
  ];
  const byKind = new Map<string, SeedReport[]>();
  for (const r of failed) {
    const kind = r.nondeterminism !== undefined ? "nondeterminism" : (r.failureKind ?? "unknown");
    byKind.set(kind, [...(byKind.get(kind) ?? []), r]);
  }
  if (byKind.size > 0) {
    lines.push("", "failures by kind:");
    for (const [kind, list] of [...byKind].sort((a, b) => b[1].length - a[1].length)) {
      lines.push(`  ${kind}: ${list.length}`);
    }
    lines.push("", "failures (one replay command each):");
    for (const r of failed) {
      lines.push(
        `  ${formatSeed(r.seed)} ${r.failureKind ?? ""}: ${(r.nondeterminism ?? r.message ?? "").slice(0, 300)}`,
      );
      lines.push(`    ${r.replay}`);
    }
  }
  lines.push(
    "",
    `marks never hit (${b.marksNeverHit.length}): ${b.marksNeverHit.join(", ") || "none"}`,
  );
  return lines;
}

/** `[#####.....] 412/1000 seeds, 2 failed, 3.1 min left` (one line, redrawn with \r). */
export function progressLine(
  done: number,
  total: number,
  failed: number,
  elapsedMs: number,
): string {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const left = done === 0 ? "" : `, ${formatMs(((total - done) * elapsedMs) / done)} left`;
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} seeds, ${failed} failed${left}`;
}
