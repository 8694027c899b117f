// Partition log append throughput on real files: batches of 1 MiB (1024 records of 1 KiB) go
// through PartitionLog.appendAsLeader, whose writes RuntimeDisk carries out; the baseline is a
// plain fs.writeSync loop of the same bytes to one file. The shared machine is noisy, so the paths
// are interleaved batch by batch (in rotating order) and each operation is timed on its own.
// Validation (validateForAppend with the native CRC-32C) is the produce path's step before the
// append; a third path times both. No fsync anywhere (Kafka's default).
// Run: npx tsx bench/log-append.bench.ts

import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { DiskIo } from "../core/disk-io.ts";
import { type ValidatedRecords, validateForAppend } from "../core/log/log-validate.ts";
import { PartitionLog } from "../core/log/partition-log.ts";
import { encodeBatch } from "../core/log/record-batch.ts";
import { Outbox } from "../core/outbox.ts";
import { RuntimeDisk } from "../runtime/disk.ts";
import { nativeCrc32c } from "../runtime/native-crc32c.ts";
import { DiskDriver } from "../sim/disk-driver.ts";

const RECORD_BYTES = 1024;
const RECORDS_PER_BATCH = 1024;
const BATCHES = 384; // MiB written per path
const WARMUP_BATCHES = 16;
/** 1 MiB of records plus batch and record headers is above max.message.bytes' default. */
const CONFIG = { maxMessageBytes: 2 << 20, cleanupPolicy: "delete" } as const;

function template(): Uint8Array {
  const value = new Uint8Array(RECORD_BYTES);
  for (let i = 0; i < value.length; i++) value[i] = (i * 31) & 0xff;
  const records = Array.from({ length: RECORDS_PER_BATCH }, () => ({ key: null, value }));
  return encodeBatch({ baseTimestamp: 1_700_000_000_000, records }, nativeCrc32c);
}

function validate(batch: Uint8Array): ValidatedRecords {
  const validated = validateForAppend(batch, CONFIG, { crc: nativeCrc32c });
  if (!validated.ok) throw new Error(validated.error.message);
  return validated.value;
}

/** One path under test: `prepare` runs outside the clock, `run` inside it. */
interface Path {
  readonly name: string;
  prepare(batch: Uint8Array): unknown;
  run(prepared: unknown): void;
  close(): void;
}

function logPath(dir: string, name: string, validateInside: boolean): Path {
  const disk = new RuntimeDisk(dir);
  const outbox = new Outbox();
  const io = new DiskIo(outbox);
  const driver = new DiskDriver(disk, io, outbox);
  const log = new PartitionLog({
    topic: "bench",
    partition: 0,
    config: CONFIG,
    io,
    outbox,
    crc: nativeCrc32c,
  });
  log.start(0);
  driver.run();
  const append = (records: ValidatedRecords) => {
    const appended = log.appendAsLeader(0, records, 0);
    if (!appended.ok) throw new Error(appended.error.message);
    driver.run();
  };
  return {
    name,
    // The log takes ownership of appended bytes (it stamps offsets in place): a fresh copy each time.
    prepare: (batch) => (validateInside ? batch.slice() : validate(batch.slice())),
    run: (prepared) =>
      append(validateInside ? validate(prepared as Uint8Array) : (prepared as ValidatedRecords)),
    close: () => disk.close(),
  };
}

function writeSyncPath(dir: string): Path {
  mkdirSync(dir, { recursive: true });
  const fd = openSync(join(dir, "baseline.log"), "w");
  let position = 0;
  return {
    name: "fs.writeSync loop (baseline)",
    prepare: (batch) => batch.slice(),
    run: (prepared) => {
      const bytes = prepared as Uint8Array;
      writeSync(fd, bytes, 0, bytes.length, position);
      position += bytes.length;
    },
    close: () => closeSync(fd),
  };
}

function main(): void {
  const batch = template();
  const root = mkdtempSync(join(tmpdir(), "runnel-bench-append-"));
  const paths = [
    writeSyncPath(join(root, "baseline")),
    logPath(
      join(root, "append"),
      "PartitionLog.appendAsLeader on RuntimeDisk (batches validated before)",
      false,
    ),
    logPath(join(root, "validate"), "validateForAppend (native CRC-32C) + appendAsLeader", true),
  ];
  const elapsed = paths.map(() => 0);
  try {
    for (let i = -WARMUP_BATCHES; i < BATCHES; i++) {
      for (let k = 0; k < paths.length; k++) {
        const p = (((i + k) % paths.length) + paths.length) % paths.length; // rotate who goes first
        const path = paths[p]!;
        const prepared = path.prepare(batch);
        const start = performance.now();
        path.run(prepared);
        if (i >= 0) elapsed[p]! += performance.now() - start;
      }
    }
  } finally {
    for (const path of paths) path.close();
    rmSync(root, { recursive: true, force: true });
  }
  const mib = (BATCHES * batch.length) / (1 << 20);
  const rates = elapsed.map((ms) => mib / (ms / 1000));
  const baseline = rates[0]!;
  console.log(
    `${BATCHES} batches of 1 MiB (${RECORDS_PER_BATCH} x ${RECORD_BYTES} B records) per path, interleaved\n`,
  );
  console.log("| path | MiB/s | ratio to writeSync |");
  console.log("|---|---|---|");
  paths.forEach((path, p) => {
    console.log(
      `| ${path.name} | ${rates[p]!.toFixed(0)} | ${(rates[p]! / baseline).toFixed(2)} |`,
    );
  });
  const ratio = rates[1]! / baseline;
  console.log(
    `\ntarget append ratio >= 0.70: ${ratio >= 0.7 ? "met" : "NOT met"} (${ratio.toFixed(2)})`,
  );
}

main();
