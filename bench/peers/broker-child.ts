// `runnel broker` as a child process for benchmarks: 127.0.0.1, a given port, a temporary data
// folder, chosen properties; stopped (SIGTERM, then SIGKILL) and its folder removed on every exit
// path of the benchmark process.

import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { buildSync } from "esbuild";

const repoRoot = path.resolve(import.meta.dirname, "..", "..");
const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});
/** Kills `child` if this process exits first (one exit listener for every child). */
export function killOnExit(child: ChildProcess): void {
  children.add(child);
  child.once("exit", () => children.delete(child));
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => process.exit(130));
}

export interface BrokerChild {
  readonly pid: number;
  readonly port: number;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/**
 * The broker as one bundled ES module (esbuild), the way a release would ship it: no TypeScript
 * loader in the process, so RSS and start-up are the broker's own. Written under .tsbuild/.
 */
export function buildBrokerBundle(): string {
  const outfile = path.join(repoRoot, ".tsbuild", "bench", "runnel-broker.mjs");
  buildSync({
    entryPoints: [path.join(repoRoot, "runtime", "cli.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    external: ["@node-rs/crc32"],
    logLevel: "warning",
  });
  return outfile;
}

export async function startBroker(options: {
  readonly dataDir: string;
  readonly overrides?: Readonly<Record<string, string>>;
  readonly nodeFlags?: readonly string[];
  /** A bundle from buildBrokerBundle(); without it the TypeScript sources run through tsx. */
  readonly bundle?: string;
}): Promise<BrokerChild> {
  const port = await freePort();
  fs.mkdirSync(options.dataDir, { recursive: true });
  const overrides = {
    ...options.overrides,
    listeners: `PLAINTEXT://127.0.0.1:${port}`,
    "log.dirs": options.dataDir,
  };
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeFlags ?? []),
      ...(options.bundle === undefined
        ? ["--import", "tsx", path.join(repoRoot, "runtime", "cli.ts")]
        : [options.bundle]),
      "broker",
      "--log-level",
      "warn",
      ...Object.entries(overrides).flatMap(([k, v]) => ["--override", `${k}=${v}`]),
    ],
    { cwd: repoRoot, stdio: ["ignore", "inherit", "inherit"] },
  );
  killOnExit(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 30_000;
  while (!(await canConnect(port))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill("SIGKILL");
      throw new Error("the broker did not start listening within 30 s");
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    pid: child.pid!,
    port,
    dataDir: options.dataDir,
    async stop() {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
