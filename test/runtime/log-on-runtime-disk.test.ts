// The same partition log code on real files (RuntimeDisk in a temporary folder, native CRC-32C):
// write, "kill" (drop every object without a sync), recover; a torn tail cut on disk; recovery
// reading only past the recovery point; truncation, retention and compaction leave valid files.

import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DiskOp, DiskResult } from "../../core/disk.ts";
import { DiskIo } from "../../core/disk-io.ts";
import type { LogConfig } from "../../core/log/log-config.ts";
import type { LogReadResult } from "../../core/log/log-read.ts";
import { validateForAppend } from "../../core/log/log-validate.ts";
import { PartitionLog } from "../../core/log/partition-log.ts";
import { decodeRecords, encodeBatch, scanBatches } from "../../core/log/record-batch.ts";
import { Outbox } from "../../core/outbox.ts";
import { RuntimeDisk } from "../../runtime/disk.ts";
import { nativeCrc32c } from "../../runtime/native-crc32c.ts";
import { DiskDriver } from "../../sim/disk-driver.ts";

const text = (s: string) => new TextEncoder().encode(s);

/** One process lifetime: a RuntimeDisk and a log on it, driven to quiescence after each call. */
class Process {
  readonly disk: RuntimeDisk;
  readonly bytesRead = new Map<string, number>();
  readonly outbox = new Outbox();
  readonly driver: DiskDriver;
  readonly log: PartitionLog;
  now = 1_000_000;

  constructor(dataDir: string, config: Partial<LogConfig>) {
    this.disk = new RuntimeDisk(dataDir);
    const counting = {
      execute: (op: DiskOp): DiskResult => {
        const result = this.disk.execute(op);
        if (op.type === "read" && result.ok && result.type === "read") {
          this.bytesRead.set(op.path, (this.bytesRead.get(op.path) ?? 0) + result.bytes.length);
        }
        return result;
      },
    };
    const io = new DiskIo(this.outbox);
    this.driver = new DiskDriver(counting, io, this.outbox);
    this.log = new PartitionLog({
      topic: "orders",
      partition: 0,
      config,
      io,
      outbox: this.outbox,
      crc: nativeCrc32c,
    });
    this.log.start(this.now);
    this.driver.run();
    expect(this.log.phase).toBe("ready");
  }

  append(values: string[], key: (i: number) => string | null = () => null): void {
    const bytes = encodeBatch({
      baseTimestamp: this.now,
      records: values.map((v, i) => ({
        key: key(i) === null ? null : text(key(i)!),
        value: text(v),
      })),
    });
    const validated = validateForAppend(bytes, this.log.config, { crc: nativeCrc32c });
    if (!validated.ok) throw new Error(validated.error.message);
    const outcome = this.log.appendAsLeader(this.now, validated.value, 0);
    expect(outcome.ok).toBe(true);
    this.driver.run();
  }

  read(offset: number): LogReadResult {
    let result: LogReadResult | undefined;
    this.log.read({ offset, maxBytes: 1 << 20, upperBound: Number.MAX_SAFE_INTEGER }, (r) => {
      result = r;
    });
    this.driver.run();
    if (result === undefined) throw new Error("read did not complete");
    return result;
  }

  values(): string[] {
    const out: string[] = [];
    let offset = this.log.logStartOffset;
    while (offset < this.log.logEndOffset) {
      const result = this.read(offset);
      if (result.type !== "records") throw new Error(result.message);
      if (result.batchCount === 0) break;
      for (const { position } of scanBatches(result.bytes, 0, nativeCrc32c).batches) {
        const records = decodeRecords(result.bytes, position);
        if (!records.ok) throw new Error("undecodable");
        for (const r of records.value)
          if (r.offset >= offset) out.push(new TextDecoder().decode(r.value!));
      }
      offset = result.lastOffset + 1;
    }
    return out;
  }

  /** What kill -9 does to the process: every object is dropped, nothing is synced or flushed. */
  kill(): void {
    this.driver.dropPending();
    this.disk.close();
  }
}

let root = "";
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "runnel-log-"));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const folder = () => join(root, "orders-0");
const segmentFiles = () =>
  readdirSync(folder())
    .filter((f) => f.endsWith(".log"))
    .sort();

describe("partition log on real files", () => {
  it("recovers everything the page cache held after a kill, and keeps appending", () => {
    const first = new Process(root, { segmentBytes: 4096 });
    for (let i = 0; i < 200; i++) first.append([`v${i}`, `w${i}`]);
    first.log.sync();
    first.driver.run();
    expect(first.log.durableEndOffset).toBe(400);
    for (let i = 200; i < 210; i++) first.append([`v${i}`, `w${i}`]);
    first.kill();
    const second = new Process(root, { segmentBytes: 4096 });
    expect(second.log.logEndOffset).toBe(420);
    expect(second.values().slice(-2)).toEqual(["v209", "w209"]);
    second.append(["after"]);
    expect(second.values().at(-1)).toBe("after");
    expect(segmentFiles().length).toBeGreaterThan(3);
    expect(readdirSync(folder())).toContain("leader-epoch-checkpoint");
    second.kill();
  });

  it("cuts a torn tail on disk", () => {
    const first = new Process(root, {});
    for (let i = 0; i < 10; i++) first.append([`v${i}`]);
    first.kill();
    const active = join(folder(), segmentFiles().at(-1)!);
    const size = statSync(active).size;
    appendFileSync(
      active,
      encodeBatch({ records: [{ key: null, value: text("torn") }] }).subarray(0, 30),
    );
    const second = new Process(root, {});
    expect(second.log.logEndOffset).toBe(10);
    expect(statSync(active).size).toBe(size);
    second.append(["next"]);
    expect(second.values()).toHaveLength(11);
    second.kill();
  });

  it("reads only the segments past the recovery point at restart", () => {
    const first = new Process(root, { segmentBytes: 2048 });
    for (let i = 0; i < 300; i++) first.append([`value-${i}`]);
    first.log.sync();
    first.log.checkpoint(first.now);
    first.driver.run();
    for (let i = 0; i < 5; i++) first.append([`tail-${i}`]);
    first.kill();
    const second = new Process(root, { segmentBytes: 2048 });
    const logReads = [...second.bytesRead].filter(([path]) => path.endsWith(".log"));
    expect(logReads.map(([path]) => path)).toEqual([`orders-0/${segmentFiles().at(-1)}`]);
    expect(second.log.logEndOffset).toBe(305);
    second.kill();
  });

  it("truncates, deletes by retention and compacts real files, which recover as written", () => {
    const first = new Process(root, {
      segmentBytes: 1024,
      cleanupPolicy: "compact,delete",
      retentionBytes: 6000,
      minCleanableDirtyRatio: 0,
    });
    for (let i = 0; i < 200; i++) first.append([`v${i}`], () => `k${i % 7}`);
    let truncatedTo = -1;
    first.log.truncateTo(190, (end) => {
      truncatedTo = end;
    });
    first.driver.run();
    expect(truncatedTo).toBe(190);
    first.log.sync();
    first.driver.run();
    first.log.setHighWatermark(first.log.logEndOffset);
    first.log.maintain(first.now);
    first.driver.run();
    const view = first.log.view();
    expect(view.logStartOffset).toBeGreaterThan(0);
    expect(view.cleanerCheckpoint).toBeGreaterThan(view.logStartOffset);
    const values = first.values();
    first.kill();
    expect(
      readdirSync(folder()).filter((f) => f.endsWith(".cleaned") || f.endsWith(".tmp")),
    ).toEqual([]);
    const second = new Process(root, { segmentBytes: 1024, cleanupPolicy: "compact,delete" });
    expect(second.values()).toEqual(values);
    expect(second.log.view().logStartOffset).toBe(view.logStartOffset);
    second.kill();
  });
});
