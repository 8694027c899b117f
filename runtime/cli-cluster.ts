// `runnel cluster --nodes N`: N local `runnel broker` processes (combined broker and controller) for
// development: consecutive client ports, controller ports 10000 above them, one data folder each.
// Every child's lines carry its node id; one signal stops them all (each runs a controlled shutdown).

import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { AdminClient } from "./admin/admin-client.ts";
import {
  type ClusterArgs,
  type ClusterPlan,
  parseClusterArgs,
  planCluster,
} from "./cluster-plan.ts";
import { portsInUse } from "./ports.ts";

const usage = `usage: runnel cluster [--nodes N] [--base-port P] [--data-dir DIR] [options]

Starts N local Runnel nodes, each a broker and a metadata controller (a voter), on 127.0.0.1:
node i serves Kafka clients on port P+i-1 and peers on port P+i-1+10000, with its data in
DIR/node-i. Topics default to replication factor min(3, N) and min.insync.replicas min(2, N).
Ctrl-C (or SIGTERM) stops every node with a controlled shutdown; a second one kills them.

options:
  --nodes N              how many nodes (1..9, default 3)
  --base-port P          the first client port (default 9092)
  --data-dir DIR         where node-1, node-2, ... live (default ./data)
  --override key=value   a broker property for every node (repeatable)
  --log-level LEVEL      debug, info (default), warn or error
  --help                 show this help`;

/** The longest wait for every node to be ready for clients. */
const READY_TIMEOUT_MS = 60_000;
/** After the stop signal: each node's controlled shutdown bound plus a margin, then SIGKILL. */
const STOP_TIMEOUT_MS = 20_000;
const binPath = path.resolve(import.meta.dirname, "..", "bin", "runnel.js");

/** Lines of a child's output kept to explain a failed start. */
const LAST_LINES = 12;

interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

interface Child {
  readonly nodeId: number;
  readonly process: ChildProcess;
  readonly exited: Promise<ExitStatus>;
  ready: boolean;
  /** Its exit after start was reported. */
  reported: boolean;
  status: ExitStatus | undefined;
  lastLines: string[];
}

export async function runCluster(args: readonly string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const parsed = parseClusterArgs(args);
  if (!parsed.ok) {
    process.stderr.write(`runnel cluster: ${parsed.error}\n\n${usage}\n`);
    return 2;
  }
  const plan = planCluster(parsed.value);
  if (!plan.ok) {
    process.stderr.write(`runnel cluster: ${plan.error}\n`);
    return 2;
  }
  const taken = await portsInUse(plan.value.nodes.flatMap((n) => [n.clientPort, n.controllerPort]));
  if (taken.length > 0) {
    process.stderr.write(
      `runnel cluster: port${taken.length > 1 ? "s" : ""} ${taken.join(", ")} already in use on 127.0.0.1; choose another --base-port\n`,
    );
    return 1;
  }
  return supervise(plan.value, parsed.value);
}

async function supervise(plan: ClusterPlan, args: ClusterArgs): Promise<number> {
  let stopping = false;
  let signalled = false;
  let onEvent: () => void = () => undefined;
  const children = plan.nodes.map((node) => launch(node.nodeId, node.argv, () => onEvent()));
  const startedAt = Date.now();
  const stopAll = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    for (const child of children) child.process.kill("SIGTERM");
    const timer = setTimeout(() => {
      process.stderr.write("runnel cluster: nodes still running; killing them\n");
      for (const child of children) child.process.kill("SIGKILL");
    }, STOP_TIMEOUT_MS);
    await Promise.all(children.map((c) => c.exited));
    clearTimeout(timer);
  };
  // The nodes run in their own process group, so Ctrl-C reaches only this process: each node
  // gets exactly one SIGTERM from here (a second signal would make it skip its shutdown).
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      process.stderr.write(`runnel cluster: ${signal} again; killing every node\n`);
      for (const child of children) child.process.kill("SIGKILL");
      return;
    }
    signalled = true;
    process.stderr.write(`runnel cluster: ${signal}: stopping every node (controlled shutdown)\n`);
    void stopAll();
    onEvent();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // Start: every node ready, one dead, a signal, or the time bound (checked on every event).
  const failure = await new Promise<string | undefined>((resolve) => {
    const timer = setTimeout(
      () => resolve(`not every node was ready within ${READY_TIMEOUT_MS / 1000} s`),
      READY_TIMEOUT_MS,
    );
    onEvent = () => {
      const dead = stopping ? undefined : children.find((c) => c.status !== undefined);
      const verdict =
        dead !== undefined
          ? `node ${dead.nodeId} exited during start (${describe(dead.status!)}); its last lines:\n${dead.lastLines.join("\n")}`
          : signalled || children.every((c) => c.ready)
            ? null
            : undefined;
      if (verdict === undefined) return;
      clearTimeout(timer);
      resolve(verdict ?? undefined);
    };
  });
  onEvent = () => {
    const dead = children.find((c) => c.status !== undefined && !c.reported);
    if (dead === undefined || stopping) return;
    dead.reported = true;
    process.stderr.write(
      `runnel cluster: node ${dead.nodeId} exited (${describe(dead.status!)}); the other nodes keep running\n`,
    );
  };
  if (failure !== undefined) {
    process.stderr.write(`runnel cluster: ${failure}\n`);
    await stopAll();
    return 1;
  }
  if (!signalled) {
    // A node is ready once unfenced itself; wait until each one lists every broker, so that the
    // first client told to connect sees the whole cluster.
    const listed = await everyNodeListsAll(plan, startedAt + READY_TIMEOUT_MS, () => signalled);
    if (!listed && !signalled) {
      process.stderr.write("runnel cluster: not every node lists every broker yet\n");
    }
    if (!signalled) printConnect(plan, args, Date.now() - startedAt);
  }
  const statuses = await Promise.all(children.map((c) => c.exited));
  await stopAll();
  const unclean = statuses.filter((s) => s.code !== 0);
  process.stderr.write(
    `runnel cluster: stopped${unclean.length > 0 ? `; ${unclean.length} node(s) did not exit cleanly` : ""}\n`,
  );
  return unclean.length > 0 ? 1 : 0;
}

function describe(status: ExitStatus): string {
  return status.signal !== null ? `signal ${status.signal}` : `code ${status.code}`;
}

function launch(nodeId: number, argv: readonly string[], onEvent: () => void): Child {
  // Each child's stdin is a pipe from this process: if it dies without signalling (kill -9), the
  // pipe closes and the child stops on its own (--stop-on-stdin-eof) instead of living on.
  const child = spawn(process.execPath, [binPath, ...argv, "--stop-on-stdin-eof"], {
    stdio: ["pipe", "pipe", "pipe"],
    detached: true, // its own process group: a terminal's Ctrl-C is forwarded once, from here
  });
  const entry: Child = {
    nodeId,
    process: child,
    exited: new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        entry.status = { code, signal };
        resolve(entry.status);
        onEvent();
      });
    }),
    ready: false,
    reported: false,
    status: undefined,
    lastLines: [],
  };
  const prefix = `[node ${nodeId}] `;
  for (const [stream, out] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ] as const) {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        entry.lastLines = [...entry.lastLines.slice(-(LAST_LINES - 1)), line];
        out.write(`${prefix}${line}\n`);
        if (!entry.ready && line.includes(`node ${nodeId} is ready for clients`)) {
          entry.ready = true;
          onEvent();
        }
      }
    });
  }
  return entry;
}

function printConnect(plan: ClusterPlan, args: ClusterArgs, ms: number): void {
  const bootstrap = plan.nodes.map((n) => `127.0.0.1:${n.clientPort}`).join(",");
  process.stdout.write(
    [
      "",
      `runnel cluster: ${plan.nodes.length} node(s) ready in ${(ms / 1000).toFixed(1)} s (data in ${args.dataDir})`,
      `  bootstrap.servers=${bootstrap}`,
      `  e.g. kcat -b ${bootstrap} -L`,
      "  Ctrl-C stops every node",
      "",
    ].join("\n"),
  );
}

async function everyNodeListsAll(
  plan: ClusterPlan,
  deadline: number,
  cancelled: () => boolean,
): Promise<boolean> {
  for (const node of plan.nodes) {
    for (;;) {
      if (cancelled() || Date.now() > deadline) return false;
      const listed = await brokersListedBy(`127.0.0.1:${node.clientPort}`);
      if (listed === plan.nodes.length) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return true;
}

/** How many brokers a node's Metadata answer lists; -1 when it does not answer. */
async function brokersListedBy(bootstrap: string): Promise<number> {
  try {
    const admin = await AdminClient.connect(bootstrap);
    try {
      return (await admin.metadata([])).brokers.length;
    } finally {
      admin.close();
    }
  } catch {
    return -1; // not answering yet: still starting, or refusing clients until it runs
  }
}
