// Recovery of a 1 GiB partition log on real files whose last segment holds an unflushed tail:
// with its checkpoint, recovery reads only the segment holding the recovery point; without it (the
// baseline, same files, same run) it scans and CRC-checks the whole log. Reported: time and bytes of
// .log files read, as ratios. Run: npx tsx bench/log-recovery.bench.ts

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { DiskOp, DiskResult } from "../core/disk.ts";
import { DiskIo } from "../core/disk-io.ts";
import { validateForAppend } from "../core/log/log-validate.ts";
import { PartitionLog } from "../core/log/partition-log.ts";
import { encodeBatch } from "../core/log/record-batch.ts";
import { Outbox } from "../core/outbox.ts";
import type { TraceEvent } from "../core/trace.ts";
import { RuntimeDisk } from "../runtime/disk.ts";
import { nativeCrc32c } from "../runtime/native-crc32c.ts";
import { DiskDriver } from "../sim/disk-driver.ts";

const MIB = 1 << 20;
const LOG_MIB = 1024;
const TAIL_MIB = 64;
const SEGMENT_BYTES = 128 * MIB;
const ROUNDS = 3;
const CONFIG = {
  segmentBytes: SEGMENT_BYTES,
  maxMessageBytes: 2 * MIB,
  cleanupPolicy: "delete",
} as const;

interface Opened {
  readonly disk: RuntimeDisk;
  readonly driver: DiskDriver;
  readonly log: PartitionLog;
  readonly outbox: Outbox;
  readonly logBytesRead: () => number;
  readonly traces: TraceEvent[];
}

function open(dir: string): Opened {
  const disk = new RuntimeDisk(dir);
  let logBytesRead = 0;
  const counting = {
    execute(op: DiskOp): DiskResult {
      const result = disk.execute(op);
      if (op.type === "read" && op.path.endsWith(".log") && result.ok && result.type === "read") {
        logBytesRead += result.bytes.length;
      }
      return result;
    },
  };
  const outbox = new Outbox();
  const io = new DiskIo(outbox);
  const driver = new DiskDriver(counting, io, outbox);
  const log = new PartitionLog({
    topic: "bench",
    partition: 0,
    config: CONFIG,
    io,
    outbox,
    crc: nativeCrc32c,
  });
  const traces: TraceEvent[] = [];
  return { disk, driver, log, outbox, logBytesRead: () => logBytesRead, traces };
}

function build(dir: string): void {
  const value = new Uint8Array(1024).fill(42);
  const batch = encodeBatch(
    { baseTimestamp: 1, records: Array.from({ length: 1000 }, () => ({ key: null, value })) },
    nativeCrc32c,
  );
  const { disk, driver, log } = open(dir);
  log.start(0);
  driver.run();
  const append = (count: number) => {
    for (let i = 0; i < count; i++) {
      const validated = validateForAppend(batch.slice(), CONFIG, { crc: nativeCrc32c });
      if (!validated.ok) throw new Error(validated.error.message);
      if (!log.appendAsLeader(0, validated.value, 0).ok) throw new Error("append failed");
      driver.run();
    }
  };
  append(Math.floor((LOG_MIB * MIB) / batch.length));
  log.sync();
  log.checkpoint(0);
  driver.run();
  append(Math.floor((TAIL_MIB * MIB) / batch.length)); // never synced: the unflushed tail
  disk.close(); // a kill: nothing more is synced
}

/** Milliseconds and .log bytes read by one recovery; `full` first deletes the checkpoint. */
function recover(dir: string, full: boolean): { ms: number; bytes: number; logEnd: number } {
  const opened = open(dir);
  if (full) opened.disk.execute({ type: "delete", path: "bench-0/partition-checkpoint" });
  const start = performance.now();
  opened.log.start(0);
  opened.driver.run();
  const ms = performance.now() - start;
  const event = opened.driver.traces().find((e) => e.type === "log-recovered");
  if (event === undefined || event.type !== "log-recovered") throw new Error("not recovered");
  opened.disk.close();
  return { ms, bytes: opened.logBytesRead(), logEnd: event.logEndOffset };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

function main(): void {
  const root = mkdtempSync(join(tmpdir(), "runnel-bench-recovery-"));
  try {
    const dir = join(root, "data");
    const buildStart = performance.now();
    build(dir);
    const buildSeconds = (performance.now() - buildStart) / 1000;
    // Every run starts from the checkpoint the log wrote before its tail (a full scan deletes it).
    const checkpointPath = join(dir, "bench-0", "partition-checkpoint");
    const checkpoint = readFileSync(checkpointPath);
    const tail: { ms: number; bytes: number; logEnd: number }[] = [];
    const full: { ms: number; bytes: number; logEnd: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      writeFileSync(checkpointPath, checkpoint);
      tail.push(recover(dir, false));
      full.push(recover(dir, true));
    }
    if (new Set([...tail, ...full].map((r) => r.logEnd)).size !== 1)
      throw new Error("recoveries disagree");
    const tailMs = median(tail.map((r) => r.ms));
    const fullMs = median(full.map((r) => r.ms));
    const tailBytes = median(tail.map((r) => r.bytes));
    const fullBytes = median(full.map((r) => r.bytes));
    console.log(
      `${LOG_MIB} MiB synced in ${LOG_MIB / (SEGMENT_BYTES / MIB)} segments of ${SEGMENT_BYTES / MIB} MiB + ${TAIL_MIB} MiB unflushed tail (built in ${buildSeconds.toFixed(1)} s), median of ${ROUNDS}\n`,
    );
    console.log("| recovery | ms | MiB of .log read | ratio (time) | ratio (bytes) |");
    console.log("|---|---|---|---|---|");
    console.log(
      `| no checkpoint: full scan (baseline) | ${fullMs.toFixed(0)} | ${(fullBytes / MIB).toFixed(1)} | 1.00 | 1.00 |`,
    );
    console.log(
      `| from the recovery point | ${tailMs.toFixed(0)} | ${(tailBytes / MIB).toFixed(1)} | ${(tailMs / fullMs).toFixed(3)} | ${(tailBytes / fullBytes).toFixed(3)} |`,
    );
    console.log(`\nlog end offset after every recovery: ${tail[0]!.logEnd}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main();
