#!/usr/bin/env node
// Runs Runnel's TypeScript as bundled ES modules (esbuild), the way a release ships it: one module
// per entry, no TypeScript loader in the process. Bundles are cached under .tsbuild/bundle/ and
// rebuilt when any source they were built from is newer; `import.meta.url` keeps meaning the
// source file's own URL, so paths relative to a source file still resolve.
// As a command: node bin/bundle.js <entry.ts> [args...] runs that entry bundled.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const repoRoot = path.resolve(import.meta.dirname, "..");
const outDir = path.join(repoRoot, ".tsbuild", "bundle");

/** Entries every bundled process may need: the CLI and the simulator's worker processes. */
export const standardEntries = [
  "runtime/cli.ts",
  "sim/parallel-worker.ts",
  "sim/cluster-worker.ts",
];

/** The bundle of `entry` (a path relative to the repository), as `<outDir>/<name>.mjs`. */
export function bundlePath(entry) {
  return path.join(outDir, `${bundleName(entry)}.mjs`);
}

function bundleName(entry) {
  return entry.replaceAll("/", "_").replace(/\.ts$/, "");
}

/** Builds the bundles of `entries` that are missing or older than a source they came from. */
export async function ensureBundles(entries) {
  const stale = entries.filter((entry) => isStale(entry));
  if (stale.length === 0) return;
  const { build } = await import("esbuild");
  // A folder per process, its files renamed into place: concurrent starts never see half a file.
  const tmpDir = path.join(outDir, `.tmp-${process.pid}`);
  fs.mkdirSync(tmpDir, { recursive: true });
  try {
    const result = await build({
      entryPoints: Object.fromEntries(stale.map((e) => [bundleName(e), path.join(repoRoot, e)])),
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      outdir: tmpDir,
      outExtension: { ".js": ".mjs" },
      packages: "external",
      metafile: true,
      absWorkingDir: repoRoot,
      logLevel: "warning",
      plugins: [sourceUrlPlugin],
    });
    for (const entry of stale) {
      const tmp = path.join(tmpDir, `${bundleName(entry)}.mjs`);
      const output = result.metafile.outputs[path.relative(repoRoot, tmp)];
      if (output === undefined) throw new Error(`esbuild wrote no ${tmp}`);
      const inputs = Object.keys(output.inputs).map((p) => path.resolve(repoRoot, p));
      const out = bundlePath(entry);
      fs.writeFileSync(`${tmp}.inputs`, JSON.stringify(inputs));
      fs.renameSync(`${tmp}.inputs`, `${out}.inputs`);
      fs.renameSync(tmp, out);
    }
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

/** Missing, or a recorded input changed (or vanished) after the bundle was written. */
function isStale(entry) {
  const out = bundlePath(entry);
  let builtAt;
  let inputs;
  try {
    builtAt = fs.statSync(out).mtimeMs;
    inputs = JSON.parse(fs.readFileSync(`${out}.inputs`, "utf8"));
  } catch (error) {
    if (error.code === "ENOENT") return true;
    throw error;
  }
  for (const input of inputs) {
    const stat = fs.statSync(input, { throwIfNoEntry: false });
    if (stat === undefined || stat.mtimeMs >= builtAt) return true;
  }
  return false;
}

/** Replaces import.meta.url / dirname / filename in each source with that source's own values. */
const sourceUrlPlugin = {
  name: "runnel-source-url",
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = fs.readFileSync(args.path, "utf8");
      if (!text.includes("import.meta.")) return { contents: text, loader: "ts" };
      const contents = text
        .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll("import.meta.dirname", JSON.stringify(path.dirname(args.path)))
        .replaceAll("import.meta.filename", JSON.stringify(args.path));
      return { contents, loader: "ts" };
    });
  },
};

/**
 * Node flags for processes that run simulations: a young generation large enough that the
 * simulator's short-lived objects die there (smaller ones spend 10-15% of the time in scavenges
 * that promote what would have died a moment later).
 */
export const simulatorNodeFlags = ["--max-semi-space-size=64"];

/**
 * Builds what is stale, tells child processes where the bundles are, and runs `entry` — in this
 * process, or, when it lacks some of `nodeFlags` (flags Node takes only at start), in a child
 * process that has them, exiting as the child does.
 */
export async function runBundled(entry, nodeFlags = []) {
  await ensureBundles([...new Set([...standardEntries, entry])]);
  process.env.RUNNEL_BUNDLE_DIR = outDir;
  const missing = nodeFlags.filter((flag) => !process.execArgv.includes(flag));
  if (missing.length === 0) {
    await import(pathToFileURL(bundlePath(entry)).href);
    return;
  }
  const { spawn } = await import("node:child_process");
  const args = [...process.execArgv, ...missing, bundlePath(entry), ...process.argv.slice(2)];
  const child = spawn(process.execPath, args, { stdio: "inherit" });
  // Ctrl-C reaches the child through the terminal's process group; a signal sent to this process
  // alone is passed on.
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => {
    process.exit(code ?? 128 + (signal === null ? 0 : os.constants.signals[signal]));
  });
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === import.meta.filename) {
  const entry = process.argv[2];
  if (entry === undefined || !entry.endsWith(".ts")) {
    process.stderr.write("usage: node bin/bundle.js <entry.ts> [args...]\n");
    process.exit(2);
  }
  const relative = path.relative(repoRoot, path.resolve(entry));
  process.argv.splice(1, 2, path.join(repoRoot, relative));
  await runBundled(relative, process.env.RUNNEL_SIM_FLAGS === "0" ? [] : simulatorNodeFlags);
}
