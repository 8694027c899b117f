// Broker memory while serving a large log: produce RUNNEL_BENCH_RSS_GIB GiB (default 10, fewer when
// the disk under the temp folder has less room) of 1 KiB records to one partition of the bundled
// `runnel broker`, then consume all of it back, sampling the broker's RSS every 100 ms. Memory must
// not grow with the log: record bytes live on disk (DESIGN §1). Target: peak RSS < 256 MiB.
// Run: npx tsx bench/runtime-rss.bench.ts

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildBrokerBundle, startBroker } from "./peers/broker-child.ts";
import { consume, produce } from "./peers/kafka-load.ts";
import { CpuMeter, RssSampler, rssBytes } from "./peers/proc-stats.ts";

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const wantedGib = Number(process.env.RUNNEL_BENCH_RSS_GIB ?? 10);
const root = fs.mkdtempSync(path.join(os.tmpdir(), "runnel-rss-"));
process.once("exit", () => fs.rmSync(root, { recursive: true, force: true }));

// Leave 5 GiB free on the disk whatever was asked.
const stats = fs.statfsSync(root);
const freeGib = (stats.bavail * stats.bsize) / GIB;
const gib = Math.max(0.25, Math.min(wantedGib, Math.floor(freeGib - 5)));
if (gib < wantedGib) {
  process.stderr.write(`only ${freeGib.toFixed(1)} GiB free under ${root}: producing ${gib} GiB\n`);
}

const RECORDS_PER_BATCH = 256;
const REQUESTS_PER_STEP = 1_024; // 256 MiB per step
const steps = Math.max(1, Math.round((gib * GIB) / (REQUESTS_PER_STEP * RECORDS_PER_BATCH * 1024)));

const broker = await startBroker({
  dataDir: path.join(root, "data"),
  bundle: buildBrokerBundle(),
  overrides: { "runnel.fsync.before.ack": "none" },
  nodeFlags: (process.env.RUNNEL_BENCH_NODE_FLAGS ?? "").split(" ").filter((f) => f !== ""),
});
try {
  for (let attempt = 0; attempt < 20; attempt++) {
    const created = await produce({
      port: broker.port,
      topic: "big",
      recordBytes: 1,
      recordsPerBatch: 1,
      acks: -1,
      inFlight: 1,
      requests: 1,
    })
      .then(() => true)
      .catch(() => false);
    if (created) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const startRss = rssBytes(broker.pid) ?? 0;
  const produceRss = new RssSampler(broker.pid);
  const produceCpu = new CpuMeter(broker.pid);
  produceCpu.start();
  let seconds = 0;
  let records = 1;
  for (let step = 0; step < steps; step++) {
    const r = await produce({
      port: broker.port,
      topic: "big",
      recordBytes: 1024,
      recordsPerBatch: RECORDS_PER_BATCH,
      acks: -1,
      inFlight: 16,
      requests: REQUESTS_PER_STEP,
    });
    seconds += r.seconds;
    records += r.records;
    process.stderr.write(
      `  produced ${(((step + 1) * REQUESTS_PER_STEP * RECORDS_PER_BATCH * 1024) / GIB).toFixed(2)} GiB, RSS ${((rssBytes(broker.pid) ?? 0) / MIB).toFixed(0)} MiB\n`,
    );
  }
  produceRss.stop();
  const producedCpu = produceCpu.stop();
  const logBytes = fs
    .readdirSync(path.join(root, "data", "big-0"))
    .reduce((sum, name) => sum + fs.statSync(path.join(root, "data", "big-0", name)).size, 0);

  const consumeRss = new RssSampler(broker.pid);
  const consumeCpu = new CpuMeter(broker.pid);
  consumeCpu.start();
  const c = await consume({ port: broker.port, topic: "big", records });
  consumeRss.stop();
  const consumedCpu = consumeCpu.stop();

  const lines = [
    `Broker RSS while serving a ${(logBytes / GIB).toFixed(2)} GiB log (bundled broker, fsync none, 1 KiB records, ${RECORDS_PER_BATCH} per Produce); samples every 100 ms; load average ${os.loadavg()[0]!.toFixed(1)}.`,
    "",
    "| phase | peak RSS MiB | samples | MB/s | broker CPU |",
    "|---|---|---|---|---|",
    `| after start-up (topic created) | ${(startRss / MIB).toFixed(0)} | 1 | – | – |`,
    `| produce ${((records * 1024) / GIB).toFixed(2)} GiB | ${(produceRss.peakBytes / MIB).toFixed(0)} | ${produceRss.samples} | ${((records * 1024) / 1e6 / seconds).toFixed(0)} | ${producedCpu.toFixed(0)}% |`,
    `| consume it all back | ${(consumeRss.peakBytes / MIB).toFixed(0)} | ${consumeRss.samples} | ${(c.bytes / 1e6 / c.seconds).toFixed(0)} | ${consumedCpu.toFixed(0)}% |`,
    "",
    `Target: peak RSS < 256 MiB: ${Math.max(produceRss.peakBytes, consumeRss.peakBytes) < 256 * MIB ? "met" : "missed"}.`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  await broker.stop();
}
