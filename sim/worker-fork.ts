// Forks one of the simulator's worker processes: from its bundle when this process runs bundled
// (bin/bundle.js sets RUNNEL_BUNDLE_DIR), otherwise from its TypeScript source through tsx.

import { type ChildProcess, type ForkOptions, fork } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Node flags of a simulating process (bin/bundle.js's simulatorNodeFlags: the young generation). */
const simulatorNodeFlags = ["--max-semi-space-size=64"];

/** `source` is the worker's file name beside this one, e.g. "parallel-worker.ts". */
export function forkWorker(source: string): ChildProcess {
  const bundleDir = process.env.RUNNEL_BUNDLE_DIR;
  const options: ForkOptions = {
    serialization: "advanced",
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  };
  if (bundleDir !== undefined && bundleDir !== "") {
    const bundled = join(bundleDir, `sim_${source.replace(/\.ts$/, "")}.mjs`);
    return fork(bundled, [], { ...options, execArgv: [...simulatorNodeFlags] });
  }
  const file = fileURLToPath(new URL(`./${source}`, import.meta.url));
  const execArgv = [...simulatorNodeFlags, "--import", import.meta.resolve("tsx")];
  return fork(file, [], { ...options, execArgv });
}
