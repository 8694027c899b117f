// A 3-node Runnel cluster on this machine (three bundled `runnel broker` processes, RF 3, min ISR
// 2, acks=all) beside one node (RF 1, acks=all) measured in the same run, rounds interleaved (the
// machine is shared and noisy): 1 KiB produce MB/s and msgs/s to a partition leader, and produce
// latency p50/p99 in an open loop at one rate for both (a quarter of the cluster's peak requests/s);
// then three topics with a producer each, the shape where a cluster's leaders share the load.
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
/** The latency runs: 16 KiB requests at a quarter of the cluster's peak request rate, open loop. */
const LATENCY_RECORDS_PER_REQUEST = 16;
const LATENCY_SHARE = 0.25;
const SINGLE = "1 node, RF 1";
const CLUSTER = "3 nodes, RF 3, min ISR 2";
const SINGLE_SPREAD = "1 node, 3 topics, 3 producers";
const CLUSTER_SPREAD = "3 nodes, RF 3, 3 topics, 3 producers";
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
      if (
        leader !== undefined &&
        partition?.isrNodes.length === replicas &&
        (await leaderKnowsIt(leader.port, topic, leader.nodeId))
      ) {
        return leader.port;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${topic} has no leader with a full ISR`);
  } finally {
    admin.close();
  }
}

/** Whether the leader's own Metadata says it leads (its image may lag the node we asked). */
async function leaderKnowsIt(port: number, topic: string, nodeId: number): Promise<boolean> {
  const admin = await AdminClient.connect(`127.0.0.1:${port}`);
  try {
    const answer = await admin.metadata([topic]);
    return answer.topics[0]?.partitions[0]?.leaderId === nodeId;
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

/**
 * Creates a topic and runs `body` on it; on a produce error, again after a pause. A new leader's
 * log may still be loading when Metadata already names it (NOT_LEADER_OR_FOLLOWER for a moment,
 * which real clients retry and this load generator does not).
 */
async function onFreshTopic<T>(
  port: number,
  replicas: number,
  topic: string,
  body: (topic: string, leaderPort: number) => Promise<T>,
): Promise<T> {
  const leaderPort = await createTopic(port, topic, replicas);
  for (let attempt = 1; ; attempt++) {
    try {
      return await body(topic, leaderPort);
    } catch (error) {
      if (attempt >= 5) throw error;
      process.stderr.write(`  ${topic}: ${(error as Error).message}; again\n`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function peak(port: number, replicas: number, label: string, round: number, f: Figures) {
  const result = await onFreshTopic(
    port,
    replicas,
    `bench-${label}-${round}`,
    (topic, leaderPort) =>
      produce({
        port: leaderPort,
        topic,
        recordBytes: RECORD_BYTES,
        acks: -1,
        recordsPerBatch: RECORDS_PER_REQUEST,
        inFlight: IN_FLIGHT,
        requests: REQUESTS,
      }),
  );
  f.mbPerSec.push(result.payloadBytes / 1e6 / result.seconds);
  f.msgsPerSec.push(result.records / result.seconds);
  process.stderr.write(
    `  round ${round} ${label}: ${f.mbPerSec.at(-1)!.toFixed(1)} MB/s ${f.msgsPerSec.at(-1)!.toFixed(0)} msg/s (load ${os.loadavg()[0]!.toFixed(1)})\n`,
  );
}

/**
 * Three one-partition topics produced at once, one connection each (a connection carries one
 * produce at a time, so a single partition leaves most of a cluster idle): aggregate figures.
 */
async function spread(port: number, replicas: number, label: string, round: number, f: Figures) {
  const started = performance.now();
  const results = await Promise.all(
    [1, 2, 3].map((n) =>
      onFreshTopic(port, replicas, `spread-${label}-${round}-${n}`, (topic, leaderPort) =>
        produce({
          port: leaderPort,
          topic,
          recordBytes: RECORD_BYTES,
          acks: -1,
          recordsPerBatch: RECORDS_PER_REQUEST,
          inFlight: IN_FLIGHT,
          requests: Math.ceil(REQUESTS / 3),
        }),
      ),
    ),
  );
  // From the first write to the last answer (topic creation is outside each produce's clock).
  const seconds = Math.max(...results.map((r) => r.seconds));
  const records = results.reduce((sum, r) => sum + r.records, 0);
  f.mbPerSec.push((records * RECORD_BYTES) / 1e6 / seconds);
  f.msgsPerSec.push(records / seconds);
  process.stderr.write(
    `  round ${round} ${label} x3: ${f.mbPerSec.at(-1)!.toFixed(1)} MB/s ${f.msgsPerSec.at(-1)!.toFixed(0)} msg/s (load ${os.loadavg()[0]!.toFixed(1)}, ${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
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
  const requestBytes = RECORD_BYTES * LATENCY_RECORDS_PER_REQUEST;
  const intervalMs = (requestBytes / 1e6 / mbPerSec) * 1000;
  const timed = await onFreshTopic(
    port,
    replicas,
    `latency-${label}-${round}`,
    (topic, leaderPort) =>
      produce({
        port: leaderPort,
        topic,
        recordBytes: RECORD_BYTES,
        acks: -1,
        recordsPerBatch: LATENCY_RECORDS_PER_REQUEST,
        inFlight: 10_000,
        requests: Math.max(100, Math.floor((LATENCY_SECONDS * 1000) / intervalMs)),
        intervalMs,
      }),
  );
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
    [SINGLE_SPREAD, { mbPerSec: [], msgsPerSec: [], p50: [], p99: [] }],
    [CLUSTER_SPREAD, { mbPerSec: [], msgsPerSec: [], p50: [], p99: [] }],
  ]);
  let latencyMbPerSec = 0;
  try {
    const singleFigures = figures.get(SINGLE)!;
    const clusterFigures = figures.get(CLUSTER)!;
    for (let round = 1; round <= ROUNDS; round++) {
      await peak(single.nodes[0]!.port, 1, "single", round, singleFigures);
      await peak(cluster.nodes[0]!.port, 3, "cluster", round, clusterFigures);
      // Both at one request rate the cluster sustains easily: a quarter of its peak request rate
      // (a connection carries one produce at a time, so each acks=all request waits a full
      // replication round before the next is read: requests per second is what saturates).
      const peakRequestsPerSec = median(clusterFigures.msgsPerSec) / RECORDS_PER_REQUEST;
      latencyMbPerSec =
        (LATENCY_SHARE * peakRequestsPerSec * LATENCY_RECORDS_PER_REQUEST * RECORD_BYTES) / 1e6;
      await latency(single.nodes[0]!.port, 1, "single", round, latencyMbPerSec, singleFigures);
      await latency(cluster.nodes[0]!.port, 3, "cluster", round, latencyMbPerSec, clusterFigures);
      await spread(single.nodes[0]!.port, 1, "single", round, figures.get(SINGLE_SPREAD)!);
      await spread(cluster.nodes[0]!.port, 3, "cluster", round, figures.get(CLUSTER_SPREAD)!);
    }
  } finally {
    await single.stop();
    await cluster.stop();
  }
  const baseOf = (label: string) =>
    figures.get(label.includes("3 topics") ? SINGLE_SPREAD : SINGLE)!;
  const lines = [
    "",
    `1 KiB records, acks=all, ${RECORDS_PER_REQUEST} records a request, ${IN_FLIGHT} in flight, ${MB} MB a round; latency at ${latencyMbPerSec.toFixed(1)} MB/s open loop (${LATENCY_RECORDS_PER_REQUEST} records a request); median of ${ROUNDS} interleaved rounds; ${os.cpus().length} CPUs`,
    "",
    "| setup | MB/s | msgs/s | vs 1 node (same shape) | produce p50 ms | produce p99 ms |",
    "|---|---|---|---|---|---|",
  ];
  for (const [label, f] of figures) {
    const ratio = median(f.mbPerSec) / median(baseOf(label).mbPerSec);
    const latencies =
      f.p50.length > 0 ? `${median(f.p50).toFixed(2)} | ${median(f.p99).toFixed(2)}` : "– | –";
    lines.push(
      `| ${label} | ${median(f.mbPerSec).toFixed(1)} | ${median(f.msgsPerSec).toFixed(0)} | ${ratio.toFixed(2)}x | ${latencies} |`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

await main();
