// A 3-node Runnel cluster on this machine (three bundled `runnel broker` processes, RF 3, min ISR
// 2, acks=all) beside one node (RF 1, acks=all) measured in the same run, rounds interleaved (the
// machine is shared and noisy): 1 KiB produce MB/s and msgs/s to a partition leader, and produce
// latency p50/p99 in an open loop at one rate for both (a quarter of the cluster's peak).
// Run: npx tsx bench/runtime-cluster.bench.ts   (RUNNEL_BENCH_MB=128 RUNNEL_BENCH_ROUNDS=3)

import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { AdminClient } from "../runtime/admin/admin-client.ts";
import { buildBrokerBundle, freePort, killOnExit } from "./peers/broker-child.ts";
import { percentile, produce } from "./peers/kafka-load.ts";

const MB = Number(process.env.RUNNEL_BENCH_MB ?? 128);
const ROUNDS = Number(process.env.RUNNEL_BENCH_ROUNDS ?? 3);
const RECORD_BYTES = 1024;
const RECORDS_PER_REQUEST = 128;
const IN_FLIGHT = 16;
const REQUESTS = Math.max(50, Math.floor((MB * 1e6) / (RECORD_BYTES * RECORDS_PER_REQUEST)));
/** The latency runs: 16 KiB requests at a quarter of the cluster's peak, open loop. */
const LATENCY_RECORDS_PER_REQUEST = 16;
const LATENCY_SHARE = 0.25;
const SINGLE = "1 node, RF 1";
const CLUSTER = "3 nodes, RF 3, min ISR 2";
const LATENCY_SECONDS = 5;

interface Node {
  readonly id: number;
  readonly port: number;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), "runnel-cluster-bench-"));
process.once("exit", () => fs.rmSync(root, { recursive: true, force: true }));
const bundle = buildBrokerBundle();

/** `count` nodes (one: no voters) with the given properties; resolves once every node serves. */
async function startNodes(name: string, count: number, props: Record<string, string>) {
  const ports = await distinctFreePorts(count * 2);
  const voters = Array.from({ length: count }, (_, i) => `${i + 1}@127.0.0.1:${ports[count + i]}`);
  const nodes: Node[] = [];
  for (let i = 0; i < count; i++) {
    const overrides: Record<string, string> = {
      ...props,
      "node.id": String(i + 1),
      "log.dirs": path.join(root, name, `node-${i + 1}`),
      listeners:
        count === 1
          ? `PLAINTEXT://127.0.0.1:${ports[i]}`
          : `PLAINTEXT://127.0.0.1:${ports[i]},CONTROLLER://127.0.0.1:${ports[count + i]}`,
      ...(count === 1 ? {} : { "controller.quorum.voters": voters.join(",") }),
    };
    const child = spawn(
      process.execPath,
      [
        bundle,
        "broker",
        "--log-level",
        "warn",
        ...Object.entries(overrides).flatMap(([k, v]) => ["--override", `${k}=${v}`]),
      ],
      { stdio: ["ignore", "inherit", "inherit"] },
    );
    killOnExit(child);
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    nodes.push({ id: i + 1, port: ports[i]!, child, exited });
  }
  const deadline = Date.now() + 60_000;
  for (const node of nodes) {
    while ((await brokersListed(node.port)) !== count) {
      if (Date.now() > deadline) throw new Error(`${name}: node ${node.id} not serving in 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    nodes,
    async stop() {
      for (const node of nodes) node.child.kill("SIGTERM");
      const timer = setTimeout(() => {
        for (const node of nodes) node.child.kill("SIGKILL");
      }, 15_000);
      await Promise.all(nodes.map((n) => n.exited));
      clearTimeout(timer);
    },
  };
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

async function brokersListed(port: number): Promise<number> {
  try {
    const admin = await AdminClient.connect(`127.0.0.1:${port}`);
    try {
      return (await admin.metadata([])).brokers.length;
    } finally {
      admin.close();
    }
  } catch {
    return -1; // still starting (a cluster node refuses clients until it runs)
  }
}

/** Creates a one-partition topic; the client port of its leader once every replica is in sync. */
async function createTopic(port: number, topic: string, replicas: number): Promise<number> {
  const admin = await AdminClient.connect(`127.0.0.1:${port}`);
  try {
    await admin.createTopic({
      name: topic,
      partitions: 1,
      replicationFactor: replicas,
      configs: {},
    });
    for (let attempt = 0; attempt < 300; attempt++) {
      const answer = await admin.metadata([topic]);
      const partition = answer.topics[0]?.partitions[0];
      const leader = answer.brokers.find((b) => b.nodeId === partition?.leaderId);
      if (leader !== undefined && partition?.isrNodes.length === replicas) return leader.port;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${topic} has no leader with a full ISR`);
  } finally {
    admin.close();
  }
}

interface Figures {
  mbPerSec: number[];
  msgsPerSec: number[];
  p50: number[];
  p99: number[];
}

async function peak(port: number, replicas: number, label: string, round: number, f: Figures) {
  const topic = `bench-${label}-${round}`;
  const leaderPort = await createTopic(port, topic, replicas);
  const result = await produce({
    port: leaderPort,
    topic,
    recordBytes: RECORD_BYTES,
    acks: -1,
    recordsPerBatch: RECORDS_PER_REQUEST,
    inFlight: IN_FLIGHT,
    requests: REQUESTS,
  });
  f.mbPerSec.push(result.payloadBytes / 1e6 / result.seconds);
  f.msgsPerSec.push(result.records / result.seconds);
  process.stderr.write(
    `  round ${round} ${label}: ${f.mbPerSec.at(-1)!.toFixed(1)} MB/s ${f.msgsPerSec.at(-1)!.toFixed(0)} msg/s (load ${os.loadavg()[0]!.toFixed(1)})\n`,
  );
}

async function latency(
  port: number,
  replicas: number,
  label: string,
  round: number,
  mbPerSec: number,
  f: Figures,
) {
  const topic = `latency-${label}-${round}`;
  const leaderPort = await createTopic(port, topic, replicas);
  const requestBytes = RECORD_BYTES * LATENCY_RECORDS_PER_REQUEST;
  const intervalMs = (requestBytes / 1e6 / mbPerSec) * 1000;
  const timed = await produce({
    port: leaderPort,
    topic,
    recordBytes: RECORD_BYTES,
    acks: -1,
    recordsPerBatch: LATENCY_RECORDS_PER_REQUEST,
    inFlight: 10_000,
    requests: Math.max(100, Math.floor((LATENCY_SECONDS * 1000) / intervalMs)),
    intervalMs,
  });
  f.p50.push(percentile(timed.latenciesMs, 50));
  f.p99.push(percentile(timed.latenciesMs, 99));
  process.stderr.write(
    `  round ${round} ${label} at ${mbPerSec.toFixed(1)} MB/s: produce p50 ${f.p50.at(-1)!.toFixed(2)} p99 ${f.p99.at(-1)!.toFixed(2)} ms (load ${os.loadavg()[0]!.toFixed(1)})\n`,
  );
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const durable = { "auto.create.topics.enable": "false", "offsets.topic.replication.factor": "1" };
  const single = await startNodes("single", 1, { ...durable, "min.insync.replicas": "1" });
  const cluster = await startNodes("cluster", 3, {
    ...durable,
    "cluster.id": "runnel-bench-cluster",
    "min.insync.replicas": "2",
  });
  const figures = new Map<string, Figures>([
    [SINGLE, { mbPerSec: [], msgsPerSec: [], p50: [], p99: [] }],
    [CLUSTER, { mbPerSec: [], msgsPerSec: [], p50: [], p99: [] }],
  ]);
  let latencyMbPerSec = 0;
  try {
    const singleFigures = figures.get(SINGLE)!;
    const clusterFigures = figures.get(CLUSTER)!;
    for (let round = 1; round <= ROUNDS; round++) {
      await peak(single.nodes[0]!.port, 1, "single", round, singleFigures);
      await peak(cluster.nodes[0]!.port, 3, "cluster", round, clusterFigures);
      // Both at one rate the cluster sustains easily: a quarter of its peak so far.
      latencyMbPerSec = LATENCY_SHARE * median(clusterFigures.mbPerSec);
      await latency(single.nodes[0]!.port, 1, "single", round, latencyMbPerSec, singleFigures);
      await latency(cluster.nodes[0]!.port, 3, "cluster", round, latencyMbPerSec, clusterFigures);
    }
  } finally {
    await single.stop();
    await cluster.stop();
  }
  const base = figures.get(SINGLE)!;
  const lines = [
    "",
    `1 KiB records, acks=all, ${RECORDS_PER_REQUEST} records a request, ${IN_FLIGHT} in flight, ${MB} MB a round; latency at ${latencyMbPerSec.toFixed(1)} MB/s open loop (${LATENCY_RECORDS_PER_REQUEST} records a request); median of ${ROUNDS} interleaved rounds; ${os.cpus().length} CPUs`,
    "",
    "| setup | MB/s | msgs/s | vs 1 node | produce p50 ms | produce p99 ms |",
    "|---|---|---|---|---|---|",
  ];
  for (const [label, f] of figures) {
    const ratio = median(f.mbPerSec) / median(base.mbPerSec);
    lines.push(
      `| ${label} | ${median(f.mbPerSec).toFixed(1)} | ${median(f.msgsPerSec).toFixed(0)} | ${ratio.toFixed(2)}x | ${median(f.p50).toFixed(2)} | ${median(f.p99).toFixed(2)} |`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

await main();
