// `runnel broker` end to end on this machine, every figure beside its baselines measured in the
// same run and interleaved per round (the machine is shared and noisy): the machine's limits (dd,
// loopback TCP, a zero-protocol Node TCP->file process), Redis 7 Streams XADD (AOF everysec) and
// NATS JetStream (file store). 1 KiB produce MB/s and msgs/s, consume MB/s, 100 B msgs/s, produce
// and end-to-end latency at half the peak rate; broker and load-generator CPU and the machine's
// load average beside each figure; acks=all with the default fsync from 1 and from 4 producers.
// Every system measured first writes RUNNEL_BENCH_WARMUP_MB (default: one pass, RUNNEL_BENCH_MB)
// untimed with its own workload (JIT, allocator and page cache warm-up); Runnel's first pass is
// reported too, as "cold". A Node broker's rate at 128 KiB requests still rises through its first
// 1-1.5 GB (its produce path runs once per request, so TurboFan reaches it late), but on this VM a
// process that keeps more than about 2 GB it wrote in the page cache then writes into memory the
// host has to fault in (dd: 4 GB/s falls to 0.4-0.6 GB/s), which the dd and zero-protocol
// baselines, rewriting the same files, never meet: longer warm-ups trade one bias for another.
// Run: npx tsx bench/runtime-broker.bench.ts   (RUNNEL_BENCH_MB=512 RUNNEL_BENCH_ROUNDS=3)

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type BrokerChild, buildBrokerBundle, startBroker } from "./peers/broker-child.ts";
import { consume, percentile, produce } from "./peers/kafka-load.ts";
import { ddWrite, tcpToSink } from "./peers/machine-limits.ts";
import { natsConsume, natsInstalled, natsPublish, startNats } from "./peers/nats-jetstream.ts";
import { CpuMeter } from "./peers/proc-stats.ts";
import { redisInstalled, redisXadd, startRedis } from "./peers/redis-streams.ts";

const MB = Number(process.env.RUNNEL_BENCH_MB ?? 512);
const ROUNDS = Number(process.env.RUNNEL_BENCH_ROUNDS ?? 3);
const KIB_RECORDS = Math.floor((MB * 1e6) / 1024);
const SMALL_RECORDS = Math.floor(KIB_RECORDS * 2);
/** Records per produce request: 128 KiB requests at 1 KiB (kcat sends up to 1 MB), 100 KB at 100 B. */
const KIB_PER_BATCH = 128;
const SMALL_PER_BATCH = 1_000;
const IN_FLIGHT = 16;
/** Untimed megabytes every system writes, in passes of its own workload, before it is measured. */
const WARM_UP_MB = Number(process.env.RUNNEL_BENCH_WARMUP_MB ?? MB);

/** Untimed passes of `passMb` each that make up the warm-up volume (at least one). */
function warmUpPasses(passMb: number): number {
  return Math.max(1, Math.ceil(WARM_UP_MB / passMb));
}

interface Row {
  readonly mbPerSec: number;
  readonly msgsPerSec: number;
  readonly serverCpu: number;
  readonly clientCpu: number;
  /** 1-minute load average when the figure was taken (the machine is shared). */
  readonly load?: number;
}

const results = new Map<string, Row[]>();
const latencies = new Map<string, number[][]>();

function record(name: string, figure: Row): void {
  const row = { ...figure, load: os.loadavg()[0]! };
  results.set(name, [...(results.get(name) ?? []), row]);
  process.stderr.write(
    `  ${name}: ${row.mbPerSec.toFixed(0)} MB/s ${row.msgsPerSec.toFixed(0)} msg/s (server ${row.serverCpu.toFixed(0)}%, client ${row.clientCpu.toFixed(0)}%, load ${row.load.toFixed(1)})\n`,
  );
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), "runnel-bench-"));
process.once("exit", () => fs.rmSync(root, { recursive: true, force: true }));
const bundle = buildBrokerBundle();

/** One broker with a fresh data folder, the Kafka-comparable durability unless told otherwise. */
async function withBroker<T>(fsync: string, body: (b: BrokerChild) => Promise<T>): Promise<T> {
  const dataDir = path.join(root, `broker-${fsync}`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  const broker = await startBroker({
    dataDir,
    bundle,
    overrides: { "runnel.fsync.before.ack": fsync, "auto.create.topics.enable": "true" },
  });
  try {
    return await body(broker);
  } finally {
    await broker.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The warm-up volume of the 1 KiB produce workload, each pass to a topic of its own; the first
 * pass after the broker started is recorded as the "cold" figure.
 */
async function warmUp(b: BrokerChild, label: string): Promise<void> {
  await brokerThroughput(b, `${label}, cold: first pass`, 1024, KIB_RECORDS, KIB_PER_BATCH);
  for (let pass = 1; pass < warmUpPasses(MB); pass++) {
    const topic = `warm-up-${slug(label)}-${pass}`;
    await createTopic(b.port, topic);
    await produce({
      port: b.port,
      topic,
      recordBytes: 1024,
      recordsPerBatch: KIB_PER_BATCH,
      acks: -1,
      inFlight: IN_FLIGHT,
      requests: Math.floor(KIB_RECORDS / KIB_PER_BATCH),
    });
  }
}

/** Creates `topic` by a first produce (auto-creation answers LEADER_NOT_AVAILABLE once). */
async function createTopic(port: number, topic: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const ok = await produce({
      port,
      topic,
      recordBytes: 1,
      recordsPerBatch: 1,
      acks: -1,
      inFlight: 1,
      requests: 1,
    })
      .then(() => true)
      .catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`topic ${topic} was not created`);
}

async function brokerThroughput(
  b: BrokerChild,
  label: string,
  recordBytes: number,
  records: number,
  perBatch: number,
  producers = 1,
) {
  const topic = `t-${slug(label)}-${recordBytes}`;
  await createTopic(b.port, topic);
  const brokerCpu = new CpuMeter(b.pid);
  const selfCpu = new CpuMeter("self");
  brokerCpu.start();
  selfCpu.start();
  // Several producers: one connection each, as separate Kafka clients would have.
  const started = performance.now();
  const runs = await Promise.all(
    Array.from({ length: producers }, () =>
      produce({
        port: b.port,
        topic,
        recordBytes,
        recordsPerBatch: perBatch,
        acks: -1,
        inFlight: IN_FLIGHT,
        requests: Math.floor(records / perBatch / producers),
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const produced = runs.reduce((n, r) => n + r.records, 0);
  const row = {
    mbPerSec: (produced * recordBytes) / 1e6 / seconds,
    msgsPerSec: produced / seconds,
    serverCpu: brokerCpu.stop(),
    clientCpu: selfCpu.stop(),
  };
  record(`runnel produce ${recordBytes} B (${label})`, row);
  return { topic, records: produced + 1, row };
}

async function brokerConsume(b: BrokerChild, label: string, topic: string, records: number) {
  const brokerCpu = new CpuMeter(b.pid);
  const selfCpu = new CpuMeter("self");
  brokerCpu.start();
  selfCpu.start();
  const c = await consume({ port: b.port, topic, records });
  record(`runnel consume 1 KiB (${label})`, {
    mbPerSec: c.bytes / 1e6 / c.seconds,
    msgsPerSec: c.records / c.seconds,
    serverCpu: brokerCpu.stop(),
    clientCpu: selfCpu.stop(),
  });
}

/** Produce ack latency and end-to-end latency (produce write -> fetched) at `mbPerSec`. */
/**
 * Open loop at `mbPerSec`; with `tail`, a consumer reads the partition at the same time (its
 * fetches take broker CPU too, so that row is at more than half the broker's produce capacity).
 */
async function brokerLatency(b: BrokerChild, base: string, mbPerSec: number, tail: boolean) {
  const label = `${base}, ${tail ? "with a tailing consumer" : "produce only"}`;
  const topic = `lat-${slug(label)}`;
  await createTopic(b.port, topic);
  const requestBytes = KIB_PER_BATCH * 1024;
  const intervalMs = (requestBytes / 1e6 / mbPerSec) * 1000;
  const requests = Math.max(200, Math.floor(5_000 / intervalMs));
  const endToEnd: number[] = [];
  let sentAt: Float64Array | undefined;
  const arrivals: { index: number; at: number }[] = [];
  const consuming = !tail
    ? Promise.resolve()
    : consume({
        port: b.port,
        topic,
        records: 1 + requests * KIB_PER_BATCH,
        onBatch: (baseOffset) => {
          if (baseOffset >= 1)
            arrivals.push({ index: (baseOffset - 1) / KIB_PER_BATCH, at: performance.now() });
        },
      });
  const brokerCpu = new CpuMeter(b.pid);
  brokerCpu.start();
  const r = await produce({
    port: b.port,
    topic,
    recordBytes: 1024,
    recordsPerBatch: KIB_PER_BATCH,
    acks: -1,
    inFlight: 1_000_000,
    requests,
    intervalMs,
  });
  sentAt = r.sentAt;
  await consuming;
  const cpu = brokerCpu.stop();
  for (const { index, at } of arrivals) endToEnd.push(at - sentAt[index]!);
  const e2e = Float64Array.from(endToEnd);
  const row = [
    mbPerSec,
    percentile(r.latenciesMs, 50),
    percentile(r.latenciesMs, 99),
    percentile(e2e, 50),
    percentile(e2e, 99),
    cpu,
    os.loadavg()[0]!,
  ];
  latencies.set(label, [...(latencies.get(label) ?? []), row]);
  process.stderr.write(
    `  latency ${label} at ${mbPerSec.toFixed(0)} MB/s: produce p50 ${row[1]!.toFixed(2)} p99 ${row[2]!.toFixed(2)} ms, end-to-end p50 ${row[3]!.toFixed(2)} p99 ${row[4]!.toFixed(2)} ms\n`,
  );
}

async function round(n: number): Promise<void> {
  process.stderr.write(`round ${n + 1}/${ROUNDS} (load average ${os.loadavg()[0]!.toFixed(1)})\n`);
  const mib = Math.max(256, Math.min(2048, Math.round(MB)));
  record("limit: dd write, page cache", {
    ...ddWrite(path.join(root, "dd"), mib, false),
    msgsPerSec: 0,
  });
  record("limit: dd write, conv=fdatasync", {
    ...ddWrite(path.join(root, "dd"), mib, true),
    msgsPerSec: 0,
  });
  for (let pass = 0; pass < warmUpPasses(mib); pass++) {
    await tcpToSink("discard", path.join(root, "sink"), mib);
  }
  const tcp = await tcpToSink("discard", path.join(root, "sink"), mib);
  record("limit: loopback TCP, Node -> Node", { ...tcp, msgsPerSec: 0 });
  for (let pass = 0; pass < warmUpPasses(mib); pass++) {
    await tcpToSink("file", path.join(root, "sink"), mib);
  }
  const sink = await tcpToSink("file", path.join(root, "sink"), mib);
  record("limit: zero-protocol Node TCP -> file", {
    ...sink,
    msgsPerSec: (sink.mbPerSec * 1e6) / 1024,
  });

  let peak = 0;
  await withBroker("none", async (b) => {
    await warmUp(b, "fsync none");
    const { topic, records, row } = await brokerThroughput(
      b,
      "fsync none",
      1024,
      KIB_RECORDS,
      KIB_PER_BATCH,
    );
    peak = row.mbPerSec;
    await brokerConsume(b, "fsync none", topic, records);
    await brokerThroughput(b, "fsync none", 100, SMALL_RECORDS, SMALL_PER_BATCH);
    await brokerLatency(b, "fsync none", peak / 2, false);
    await brokerLatency(b, "fsync none", peak / 2, true);
  });
  await withBroker("acks-all", async (b) => {
    await warmUp(b, "acks-all");
    const { row } = await brokerThroughput(
      b,
      "default: fsync acks-all",
      1024,
      Math.floor(KIB_RECORDS / 2),
      KIB_PER_BATCH,
    );
    await brokerLatency(b, "default: fsync acks-all", row.mbPerSec / 2, false);
    await brokerLatency(b, "default: fsync acks-all", row.mbPerSec / 2, true);
    // Group commit: produces from several connections share each fsync.
    await brokerThroughput(
      b,
      "default: fsync acks-all, 4 producers",
      1024,
      Math.floor(KIB_RECORDS / 2),
      KIB_PER_BATCH,
      4,
    );
  });

  if (redisInstalled()) {
    const redis = await startRedis(path.join(root, "redis"));
    try {
      for (let pass = 0; pass < warmUpPasses(MB / 2); pass++) {
        await redisXadd(redis, Math.floor(KIB_RECORDS / 2), 1024);
      }
      record(
        "redis XADD 1 KiB (-P 100, AOF everysec)",
        await redisXadd(redis, Math.floor(KIB_RECORDS / 2), 1024),
      );
      record("redis XADD 100 B (-P 100, AOF everysec)", await redisXadd(redis, SMALL_RECORDS, 100));
    } finally {
      await redis.stop();
      fs.rmSync(path.join(root, "redis"), { recursive: true, force: true });
    }
  }
  if (natsInstalled()) {
    const nats = await startNats(path.join(root, "nats"));
    try {
      const count = Math.floor(KIB_RECORDS / 2);
      // Warm-up (the stream is created anew for each run).
      for (let pass = 0; pass < warmUpPasses(MB / 2); pass++) await natsPublish(nats, count, 1024);
      record(
        "nats JetStream publish 1 KiB (async, 1000 in flight)",
        await natsPublish(nats, count, 1024),
      );
      record("nats JetStream pull consume 1 KiB", await natsConsume(nats, count, 1024));
    } finally {
      await nats.stop();
      fs.rmSync(path.join(root, "nats"), { recursive: true, force: true });
    }
  }
}

/** A label as a legal topic name. */
function slug(label: string): string {
  return label.replace(/[^a-zA-Z0-9._-]+/g, "-");
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function med(name: string, field: "mbPerSec" | "msgsPerSec" | "serverCpu" | "clientCpu"): number {
  return median((results.get(name) ?? []).map((r) => r[field]));
}

/** Payload MB/s for each core the server used: a figure the shared machine's noise moves less. */
function perCore(name: string): string {
  const rows = results.get(name) ?? [];
  const values = rows.filter((r) => r.serverCpu > 0).map((r) => (100 * r.mbPerSec) / r.serverCpu);
  return values.length === 0 ? "–" : median(values).toFixed(0);
}

/** Median over rounds of a's figure ÷ b's figure in the same round, with every round's ratio. */
function roundRatio(a: string, b: string, field: "mbPerSec" | "msgsPerSec" = "mbPerSec"): string {
  const as = results.get(a) ?? [];
  const bs = results.get(b) ?? [];
  const ratios = as.flatMap((row, i) => {
    const other = bs[i];
    return other === undefined || other[field] <= 0 ? [] : [row[field] / other[field]];
  });
  if (ratios.length === 0) return "–";
  return `${median(ratios).toFixed(2)} (${ratios.map((r) => r.toFixed(2)).join(", ")})`;
}

const GENERATORS = [
  `Load generators. Runnel: bench/peers/kafka-load.ts, one connection per producer, Produce v7 requests of one record batch (${KIB_PER_BATCH} x 1 KiB or ${SMALL_PER_BATCH} x 100 B records, as a Kafka client's batch.size/linger would build), encoded once and written again and again, ${IN_FLIGHT} requests in flight per connection (the broker answers a connection's requests one at a time, in order, as Kafka does).`,
  "Redis: redis-benchmark -c 50 -P 100 XADD (50 connections, 100 pipelined commands each).",
  "NATS: a raw-protocol client publishing with a reply inbox and at most 1000 un-acked publishes in flight (the Go client's PublishAsync window); pull consumer 1000 per pull.",
].join(" ");

function printTables(): void {
  const out: string[] = [];
  out.push(
    `Runnel broker (bundled, single node, 1 partition, acks=all); medians of ${ROUNDS} interleaved rounds, each system after ${WARM_UP_MB} MB of untimed warm-up with its own workload (Runnel's first pass shown as cold); ${MB} MB per 1 KiB run; load average at the end ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores. CPU is % of one core.`,
    "",
    GENERATORS,
    "",
  );
  out.push(
    "| workload | MB/s | msgs/s | server CPU | client CPU | load avg | MB/s per server core | runs (MB/s) |",
    "|---|---|---|---|---|---|---|---|",
  );
  for (const [name, rows] of results) {
    const msgs = med(name, "msgsPerSec");
    const loads = rows.map((r) => (r.load ?? 0).toFixed(1)).join(", ");
    out.push(
      `| ${name} | ${med(name, "mbPerSec").toFixed(0)} | ${msgs > 0 ? msgs.toFixed(0) : "–"} | ${med(name, "serverCpu").toFixed(0)}% | ${med(name, "clientCpu").toFixed(0)}% | ${loads} | ${perCore(name)} | ${rows.map((r) => r.mbPerSec.toFixed(0)).join(", ")} |`,
    );
  }
  const kib = "runnel produce 1024 B (fsync none)";
  out.push(
    "",
    "| ratio (median of per-round ratios; each round's) | value | target |",
    "|---|---|---|",
  );
  out.push(
    `| produce 1 KiB MB/s ÷ Redis XADD 1 KiB | ${roundRatio(kib, "redis XADD 1 KiB (-P 100, AOF everysec)")} | ≥ 1.5 |`,
  );
  out.push(
    `| produce 1 KiB MB/s ÷ NATS JetStream publish 1 KiB | ${roundRatio(kib, "nats JetStream publish 1 KiB (async, 1000 in flight)")} | ≥ 2 |`,
  );
  out.push(
    `| produce 1 KiB MB/s ÷ zero-protocol Node TCP -> file | ${roundRatio(kib, "limit: zero-protocol Node TCP -> file")} | ≥ 0.5 |`,
  );
  out.push(
    `| produce 100 B msgs/s ÷ Redis XADD 100 B | ${roundRatio("runnel produce 100 B (fsync none)", "redis XADD 100 B (-P 100, AOF everysec)", "msgsPerSec")} | ≥ 1 |`,
  );
  out.push(
    `| consume 1 KiB MB/s ÷ NATS pull consume 1 KiB | ${roundRatio("runnel consume 1 KiB (fsync none)", "nats JetStream pull consume 1 KiB")} | – |`,
  );
  out.push(
    `| produce 1 KiB, default fsync acks-all ÷ fsync none | ${roundRatio("runnel produce 1024 B (default: fsync acks-all)", kib)} | – |`,
  );
  out.push(
    `| produce 1 KiB, default fsync acks-all, 4 producers ÷ fsync none | ${roundRatio("runnel produce 1024 B (default: fsync acks-all, 4 producers)", kib)} | – |`,
  );
  out.push(
    "",
    "| latency at half the peak rate (open loop, 128 KiB requests) | rate MB/s | produce p50 ms | produce p99 ms | end-to-end p50 ms | end-to-end p99 ms | broker CPU | load avg (runs) | produce p99 (runs) |",
    "|---|---|---|---|---|---|---|---|---|",
  );
  for (const [label, rows] of latencies) {
    const col = (i: number) => median(rows.map((r) => r[i]!));
    const ms = (i: number) => (Number.isNaN(col(i)) ? "–" : col(i).toFixed(2));
    const runs = (i: number) => rows.map((r) => r[i]!.toFixed(1)).join(", ");
    out.push(
      `| ${label} | ${col(0).toFixed(0)} | ${ms(1)} | ${ms(2)} | ${ms(3)} | ${ms(4)} | ${col(5).toFixed(0)}% | ${runs(6)} | ${runs(2)} |`,
    );
  }
  process.stdout.write(`${out.join("\n")}\n`);
}

for (let n = 0; n < ROUNDS; n++) await round(n);
printTables();
