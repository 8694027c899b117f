// A partition log on a SimDisk, driven to quiescence after every call: the tests' way to use the
// asynchronous log synchronously, restart it over the same disk, and look at what it emitted.

import { assert } from "../../../core/assert.ts";
import { DiskIo } from "../../../core/disk-io.ts";
import type { Codecs } from "../../../core/log/codecs.ts";
import type { AppendInfo } from "../../../core/log/log-append.ts";
import type { LogConfig } from "../../../core/log/log-config.ts";
import type { LogReadResult } from "../../../core/log/log-read.ts";
import type { TimestampLookup } from "../../../core/log/log-timestamp.ts";
import { validateForAppend, validateForFollowerAppend } from "../../../core/log/log-validate.ts";
import { PartitionLog } from "../../../core/log/partition-log.ts";
import {
  type EncodeBatchInput,
  encodeBatch,
  type Record,
  scanBatches,
} from "../../../core/log/record-batch.ts";
import { readBatchRecords } from "../../../core/log/record-batch-compressed.ts";
import { Outbox } from "../../../core/outbox.ts";
import type { TraceEvent } from "../../../core/trace.ts";
import { noDiskFaults, SimDisk, type SimDiskFaults } from "../../../sim/disk.ts";
import { DiskDriver } from "../../../sim/disk-driver.ts";
import { testRng } from "../../support/test-rng.ts";
import { testCodecs } from "./test-codecs.ts";

export interface HarnessOptions {
  readonly config?: Partial<LogConfig>;
  readonly faults?: Partial<SimDiskFaults>;
  readonly seed?: string | number;
  readonly tailCacheBytes?: number;
  readonly indexCacheEntries?: number;
  readonly now?: number;
  /** Codecs for compaction of compressed batches (none by default, as in the simulator). */
  readonly codecs?: Codecs;
}

export const TOPIC = "t";

export class LogHarness {
  readonly disk: SimDisk;
  readonly options: HarnessOptions;
  readonly outbox = new Outbox();
  readonly io: DiskIo;
  readonly driver: DiskDriver;
  readonly log: PartitionLog;
  readonly durableEvents: number[] = [];
  offlineReason: string | null = null;
  now: number;

  private constructor(disk: SimDisk, options: HarnessOptions) {
    this.disk = disk;
    this.options = options;
    this.now = options.now ?? 1_000_000;
    this.io = new DiskIo(this.outbox);
    this.driver = new DiskDriver(disk, this.io, this.outbox);
    this.log = new PartitionLog({
      topic: TOPIC,
      partition: 0,
      config: options.config ?? {},
      io: this.io,
      outbox: this.outbox,
      listener: {
        onDurable: (offset) => this.durableEvents.push(offset),
        onOffline: (reason) => {
          this.offlineReason = reason;
        },
      },
      ...(options.tailCacheBytes === undefined ? {} : { tailCacheBytes: options.tailCacheBytes }),
      ...(options.codecs === undefined ? {} : { codecs: options.codecs }),
      ...(options.indexCacheEntries === undefined
        ? {}
        : { indexCacheEntries: options.indexCacheEntries }),
    });
  }

  /** A new disk and a log recovered on it. */
  static open(options: HarnessOptions = {}): LogHarness {
    const disk = new SimDisk(testRng(options.seed ?? "log"), {
      faults: { ...noDiskFaults, ...options.faults },
    });
    return LogHarness.on(disk, options);
  }

  /** A log recovered on an existing disk (a restart). */
  static on(disk: SimDisk, options: HarnessOptions = {}): LogHarness {
    const harness = new LogHarness(disk, options);
    let started = false;
    harness.log.start(harness.now, () => {
      started = true;
    });
    harness.run();
    assert(started, "recovery did not finish");
    harness.check();
    return harness;
  }

  /** The same disk, a new log object (what a process restart does); pending work is lost. */
  restart(options: Partial<HarnessOptions> = {}): LogHarness {
    this.driver.dropPending();
    return LogHarness.on(this.disk, { ...this.options, now: this.now, ...options });
  }

  run(): void {
    this.driver.run();
    this.check();
  }

  check(): void {
    this.log.checkInvariants();
  }

  traces(): TraceEvent[] {
    return this.driver.traces();
  }

  marks(): string[] {
    return this.traces().flatMap((e) => (e.type === "mark" ? [e.name] : []));
  }

  append(input: EncodeBatchInput | Uint8Array, leaderEpoch = 0): AppendInfo {
    const bytes = input instanceof Uint8Array ? input : encodeBatch(input);
    const validated = validateForAppend(bytes, this.log.config);
    assert(validated.ok, `invalid test batch: ${validated.ok ? "" : validated.error.message}`);
    const outcome = this.log.appendAsLeader(this.now, validated.value, leaderEpoch);
    assert(outcome.ok, `append failed: ${outcome.ok ? "" : outcome.error.message}`);
    this.check();
    return outcome.value;
  }

  appendFollower(bytes: Uint8Array): AppendInfo {
    const validated = validateForFollowerAppend(bytes, this.log.logEndOffset);
    assert(validated.ok, `invalid follower batch: ${validated.ok ? "" : validated.error.message}`);
    const outcome = this.log.appendAsFollower(this.now, validated.value);
    assert(outcome.ok, `append failed: ${outcome.ok ? "" : outcome.error.message}`);
    this.check();
    return outcome.value;
  }

  /** Appends `count` single-record batches with values v<offset>, keys k<i % keys>. */
  appendValues(count: number, options: { keys?: number; epoch?: number } = {}): void {
    for (let i = 0; i < count; i++) {
      const offset = this.log.logEndOffset;
      const key = options.keys === undefined ? null : text(`k${offset % options.keys}`);
      this.append(
        { baseTimestamp: this.now, records: [{ key, value: text(`v${offset}`) }] },
        options.epoch ?? 0,
      );
    }
  }

  sync(): void {
    this.log.sync();
    this.run();
  }

  read(offset: number, maxBytes = 1 << 20, upperBound = Number.MAX_SAFE_INTEGER): LogReadResult {
    let result: LogReadResult | undefined;
    this.log.read({ offset, maxBytes, upperBound }, (r) => {
      result = r;
    });
    this.run();
    assert(result !== undefined, "read did not complete");
    return result;
  }

  offsetForTimestamp(timestamp: number, upperBound = Number.MAX_SAFE_INTEGER): TimestampLookup {
    let result: TimestampLookup | undefined;
    this.log.offsetForTimestamp(timestamp, upperBound, (r) => {
      result = r;
    });
    this.run();
    assert(result !== undefined, "timestamp lookup did not complete");
    return result;
  }

  truncateTo(offset: number): number {
    let logEnd: number | undefined;
    this.log.truncateTo(offset, (end) => {
      logEnd = end;
    });
    this.run();
    assert(logEnd !== undefined, "truncation did not complete");
    return logEnd;
  }

  /** Every record from the log start to the log end, reading the way a consumer does. */
  readAll(upperBound = Number.MAX_SAFE_INTEGER): Record[] {
    const out: Record[] = [];
    let offset = this.log.logStartOffset;
    for (let guard = 0; guard < 1_000_000; guard++) {
      const result = this.read(offset, 64 * 1024, upperBound);
      assert(result.type === "records", `read at ${offset} failed: ${JSON.stringify(result)}`);
      if (result.batchCount === 0) return out;
      out.push(...recordsOf(result.bytes).filter((r) => r.offset >= offset));
      offset = result.lastOffset + 1;
    }
    throw new Error("readAll did not terminate");
  }
}

export function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

export function str(bytes: Uint8Array | null): string | null {
  return bytes === null ? null : new TextDecoder().decode(bytes);
}

/** Records of concatenated uncompressed batches. */
export function recordsOf(bytes: Uint8Array): Record[] {
  const scan = scanBatches(bytes);
  assert(scan.stop === null, `bad batches: ${scan.stop?.message}`);
  return scan.batches.flatMap(({ position, header }) => {
    const records = readBatchRecords(bytes, header, testCodecs, position);
    assert(records.ok, `undecodable batch: ${records.ok ? "" : records.error.message}`);
    return records.value;
  });
}
