// `runnel cluster --nodes 3` as a user runs it: it prints the bootstrap list once every node is
// ready, kcat sees three brokers, one SIGTERM stops every node cleanly; a taken port or a node that
// dies at start makes it exit non-zero with a message saying which.

import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CONTROLLER_PORT_OFFSET } from "../../../runtime/cluster-plan.ts";
import { portsInUse } from "../../../runtime/ports.ts";
import { run } from "../e2e/e2e-support.ts";

const repoRoot = path.resolve(import.meta.dirname, "..", "..", "..");
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A base port whose three client ports and three controller ports are free. */
async function freeBasePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const ports = [0, 1, 2].flatMap((i) => [base + i, base + i + CONTROLLER_PORT_OFFSET]);
    if ((await portsInUse(ports)).length === 0) return base;
  }
  throw new Error("no free base port found");
}

function startCluster(args: readonly string[]) {
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(repoRoot, "bin", "runnel.js"), "cluster", ...args],
    // Its own process group, as a command started from a shell: a signal to the group is Ctrl-C.
    { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
  });
  return {
    child,
    exited,
    output: () => output,
    async waitFor(text: string, timeoutMs: number): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!output.includes(text)) {
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`no "${text}" in runnel cluster's output:\n${output.slice(-3000)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "runnel-cluster-cli-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe("runnel cluster", () => {
  it("starts three nodes, prints the bootstrap list and stops them all on Ctrl-C", async () => {
    const base = await freeBasePort();
    const dataDir = tempDir();
    const cluster = startCluster([
      "--nodes",
      "3",
      "--base-port",
      String(base),
      "--data-dir",
      dataDir,
    ]);
    const bootstrap = [0, 1, 2].map((i) => `127.0.0.1:${base + i}`).join(",");
    await cluster.waitFor(`bootstrap.servers=${bootstrap}`, 60_000);
    expect(cluster.output()).toMatch(/\[node 1\] .*node 1 is ready for clients/);
    expect(fs.readdirSync(dataDir).sort()).toEqual(["node-1", "node-2", "node-3"]);
    const listing = await run("kcat", ["-b", bootstrap, "-L"], { timeoutMs: 30_000 });
    expect(listing.stdout.toString("utf8")).toContain("3 brokers:");

    // Ctrl-C in a terminal: SIGINT to the foreground process group.
    process.kill(-cluster.child.pid!, "SIGINT");
    const code = await Promise.race([
      cluster.exited,
      new Promise<string>((resolve) => setTimeout(() => resolve("still running"), 30_000)),
    ]);
    expect(code, cluster.output().slice(-3000)).toBe(0);
    for (const id of [1, 2, 3]) {
      expect(cluster.output()).toMatch(new RegExp(`\\[node ${id}\\] .*stopped node=${id}`));
      // One signal per node, forwarded by the command: a second one would skip the shutdown.
      expect(cluster.output()).toMatch(
        new RegExp(`\\[node ${id}\\] .*shutting down node=${id} reason=SIGTERM`),
      );
    }
    expect(cluster.output()).not.toContain("second signal");
    expect(cluster.output()).toContain("runnel cluster: stopped\n");
    expect(await portsInUse([base, base + 1, base + 2])).toEqual([]);
  }, 90_000);

  it("refuses to start when a port is taken, naming it", async () => {
    const base = await freeBasePort();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(base + 1, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const cluster = startCluster(["--base-port", String(base), "--data-dir", tempDir()]);
    expect(await cluster.exited).toBe(1);
    expect(cluster.output()).toContain(`port ${base + 1} already in use on 127.0.0.1`);
  }, 30_000);

  it("exits non-zero when a node dies at start, saying which and why", async () => {
    const base = await freeBasePort();
    const dataDir = tempDir();
    // Node 2's folder belongs to another cluster: that broker refuses to start.
    fs.mkdirSync(path.join(dataDir, "node-2"));
    fs.writeFileSync(
      path.join(dataDir, "node-2", "meta.properties"),
      "version=1\ncluster.id=someone-else\nnode.id=2\n",
    );
    const cluster = startCluster(["--base-port", String(base), "--data-dir", dataDir]);
    expect(await cluster.exited).toBe(1);
    expect(cluster.output()).toContain("node 2 exited during start (code 1)");
    expect(cluster.output()).toContain("belongs to cluster someone-else");
    expect(await portsInUse([base, base + 2])).toEqual([]);
  }, 60_000);

  it("its nodes stop on their own when it is killed with SIGKILL (no orphans)", async () => {
    const base = await freeBasePort();
    const cluster = startCluster([
      "--nodes",
      "1",
      "--base-port",
      String(base),
      "--data-dir",
      tempDir(),
    ]);
    await cluster.waitFor(`bootstrap.servers=127.0.0.1:${base}`, 60_000);
    cluster.child.kill("SIGKILL");
    await cluster.exited;
    // The node saw its standard input close and ran its own shutdown: the port frees up.
    const deadline = Date.now() + 30_000;
    while ((await portsInUse([base])).length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await portsInUse([base, base + CONTROLLER_PORT_OFFSET])).toEqual([]);
  }, 90_000);

  it("explains its options with --help", async () => {
    const result = await run(process.execPath, [
      path.join(repoRoot, "bin", "runnel.js"),
      "cluster",
      "--help",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout.toString("utf8")).toContain("usage: runnel cluster [--nodes N]");
  });
});
