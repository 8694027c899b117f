// Runs a batch of scenarios on several cores: one worker process per job (each its own module
// state, so seeds never share a static variable), fed one scenario at a time from a shared queue.
// Invariant: every scenario yields exactly one report, in the order the scenarios were given, and
// every worker started is stopped before the batch returns.

import type { ChildProcess } from "node:child_process";
import type { SeedReport } from "./cli-report.ts";
import type { WorkRequest } from "./parallel-worker.ts";
import type { SimScenario } from "./scenario.ts";
import { runSeed, type SeedOptions } from "./seeds.ts";
import { forkWorker } from "./worker-fork.ts";

export interface BatchOptions extends SeedOptions {
  readonly jobs: number;
  /** Called after each seed (progress bars). */
  readonly onReport?: (report: SeedReport, done: number) => void;
}

/** Runs in this process when jobs is 1 or there is a single scenario. */
export async function runBatch(
  scenarios: readonly SimScenario[],
  options: BatchOptions,
): Promise<SeedReport[]> {
  const jobs = Math.min(options.jobs, scenarios.length);
  if (jobs <= 1) {
    const reports: SeedReport[] = [];
    for (const s of scenarios) {
      reports.push(runSeed(s, options));
      options.onReport?.(reports[reports.length - 1]!, reports.length);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return reports;
  }
  return runInWorkers(scenarios, jobs, options);
}

function spawnWorker(): ChildProcess {
  return forkWorker("parallel-worker.ts");
}

function runInWorkers(
  scenarios: readonly SimScenario[],
  jobs: number,
  options: BatchOptions,
): Promise<SeedReport[]> {
  const reports: (SeedReport | undefined)[] = scenarios.map(() => undefined);
  const seedOptions: SeedOptions = {
    ...(options.checkDeterminism === undefined
      ? {}
      : { checkDeterminism: options.checkDeterminism }),
    ...(options.commit === undefined ? {} : { commit: options.commit }),
  };
  let next = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    const workers: ChildProcess[] = [];
    const finish = (error?: Error) => {
      for (const w of workers) if (w.connected) w.disconnect();
      if (error !== undefined) reject(error);
      else resolve(reports.map((r) => r!));
    };
    const feed = (worker: ChildProcess, index: { current: number }) => {
      if (next >= scenarios.length) {
        worker.disconnect();
        return;
      }
      index.current = next++;
      const request: WorkRequest = { scenario: scenarios[index.current]!, options: seedOptions };
      worker.send(request);
    };
    for (let j = 0; j < jobs; j++) {
      const worker = spawnWorker();
      workers.push(worker);
      const index = { current: -1 };
      worker.on("message", (report: SeedReport) => {
        reports[index.current] = report;
        done++;
        options.onReport?.(report, done);
        if (done === scenarios.length) finish();
        else feed(worker, index);
      });
      worker.on("exit", (code) => {
        if (done < scenarios.length && index.current >= 0 && reports[index.current] === undefined) {
          finish(new Error(`worker exited (code ${code}) while running scenario ${index.current}`));
        }
      });
      feed(worker, index);
    }
  });
}
