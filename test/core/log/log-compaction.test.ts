// Compaction: the batch filter as a table, the dirty-ratio plan, the log against a brute-force
// model of the cleaning rules (latest value per key, tombstones kept for delete.retention.ms,
// offsets preserved, active segment untouched), and crashes at every step of a pass.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assert } from "../../../core/assert.ts";
import { NO_CODECS } from "../../../core/log/codecs.ts";
import { type CleanContext, cleanBatch, keyString } from "../../../core/log/compaction-filter.ts";
import { crc32c } from "../../../core/log/crc32c.ts";
import { planCompaction } from "../../../core/log/log-compaction.ts";
import {
  Compression,
  decodeRecords,
  encodeBatch,
  readBatchHeader,
  scanBatches,
  validateBatch,
} from "../../../core/log/record-batch.ts";
import { encodeCompressedBatch } from "../../../core/log/record-batch-compressed.ts";
import type { TraceEvent } from "../../../core/trace.ts";
import { LogHarness, str, text } from "./log-harness.ts";
import { testCodecs } from "./test-codecs.ts";

const DELETE_RETENTION_MS = 50;

function header(bytes: Uint8Array) {
  const h = readBatchHeader(bytes);
  if (!h.ok) throw new Error("bad header");
  return h.value;
}

function cleanCtx(map: Record<string, number>, mapEnd: number, nowMs = 1000): CleanContext {
  return {
    offsetMap: new Map(Object.entries(map).map(([k, v]) => [keyString(text(k)), v])),
    mapEnd,
    nowMs,
    deleteRetentionMs: DELETE_RETENTION_MS,
    mayDropTombstones: true,
    crc: crc32c,
    codecs: NO_CODECS,
    retainEmpty: () => false,
  };
}

describe("cleanBatch", () => {
  const batch = encodeBatch({
    baseOffset: 10,
    baseTimestamp: 500,
    records: [
      { key: text("a"), value: text("1") },
      { key: text("b"), value: null },
      { key: text("c"), value: text("3") },
    ],
  });

  it.each([
    ["keeps a batch at or past mapEnd", {}, 10, "keep"],
    [
      "keeps a batch whose records are all latest and no tombstone",
      { a: 10, c: 12 },
      20,
      "rewrite",
    ],
    ["drops a batch whose records are all superseded", { a: 99, b: 99, c: 99 }, 20, "drop"],
  ] as const)("%s", (_name, map, mapEnd, expected) => {
    expect(cleanBatch(batch, header(batch), cleanCtx(map, mapEnd)).type).toBe(expected);
  });

  it("rewrites a batch without superseded records, keeping offsets and timestamps, stamping the horizon", () => {
    const decision = cleanBatch(batch, header(batch), cleanCtx({ a: 99 }, 20));
    if (decision.type !== "rewrite") throw new Error(decision.type);
    const h = validateBatch(decision.bytes);
    expect(h.ok && h.value).toMatchObject({
      baseOffset: 10,
      lastOffsetDelta: 2,
      hasDeleteHorizon: true,
      baseTimestamp: 1000 + DELETE_RETENTION_MS,
      maxTimestamp: 500,
    });
    const records = decodeRecords(decision.bytes);
    expect(
      records.ok && records.value.map((r) => [r.offset, str(r.key), str(r.value), r.timestamp]),
    ).toEqual([
      [11, "b", null, 500],
      [12, "c", "3", 500],
    ]);
  });

  it("keeps a superseded producer's last batch as an empty batch (KIP-98), offsets and sequence kept", () => {
    const produced = encodeBatch({
      baseOffset: 30,
      baseTimestamp: 500,
      producerId: 7,
      producerEpoch: 2,
      baseSequence: 40,
      compression: Compression.none,
      records: [
        { key: text("a"), value: text("1") },
        { key: text("b"), value: text("2") },
      ],
    });
    const superseded = cleanCtx({ a: 99, b: 99 }, 100);
    expect(cleanBatch(produced, header(produced), superseded).type).toBe("drop");
    const last = (h: { producerId: number; baseOffset: number }) =>
      h.producerId === 7 && h.baseOffset === 30;
    const decision = cleanBatch(produced, header(produced), { ...superseded, retainEmpty: last });
    if (decision.type !== "rewrite") throw new Error(decision.type);
    const h = validateBatch(decision.bytes);
    expect(h.ok && h.value).toMatchObject({
      baseOffset: 30,
      lastOffsetDelta: 1,
      recordCount: 0,
      producerId: 7,
      producerEpoch: 2,
      baseSequence: 40,
    });
    // Emptied once, it is kept as it is by later passes.
    expect(cleanBatch(decision.bytes, header(decision.bytes), superseded).type).toBe("keep");
  });

  it("drops a tombstone once its horizon passed, keeps it before", () => {
    const stamped = cleanBatch(batch, header(batch), cleanCtx({}, 20, 1000));
    if (stamped.type !== "rewrite") throw new Error(stamped.type);
    const before = cleanBatch(stamped.bytes, header(stamped.bytes), cleanCtx({}, 20, 1049));
    expect(before.type).toBe("keep");
    const after = cleanBatch(stamped.bytes, header(stamped.bytes), cleanCtx({}, 20, 1050));
    if (after.type !== "rewrite") throw new Error(after.type);
    const records = decodeRecords(after.bytes);
    expect(records.ok && records.value.map((r) => str(r.key))).toEqual(["a", "c"]);
    const noDrop = cleanBatch(stamped.bytes, header(stamped.bytes), {
      ...cleanCtx({}, 20, 1050),
      mayDropTombstones: false,
    });
    expect(noDrop.type).toBe("keep");
  });

  it("keeps compressed batches whole without codecs and handles control batches by horizon", () => {
    const compressed = encodeBatch({
      compression: Compression.gzip,
      compressedRecords: new Uint8Array(8),
      records: [{ key: null, value: null }],
    });
    expect(cleanBatch(compressed, header(compressed), cleanCtx({}, 100)).type).toBe("opaque");
    const control = encodeBatch({
      isControl: true,
      baseOffset: 5,
      records: [{ key: new Uint8Array(4), value: new Uint8Array(6) }],
    });
    const stamped = cleanBatch(control, header(control), cleanCtx({}, 100, 1000));
    if (stamped.type !== "rewrite") throw new Error(stamped.type);
    expect(header(stamped.bytes)).toMatchObject({ isControl: true, hasDeleteHorizon: true });
    expect(cleanBatch(stamped.bytes, header(stamped.bytes), cleanCtx({}, 100, 1049)).type).toBe(
      "keep",
    );
    expect(cleanBatch(stamped.bytes, header(stamped.bytes), cleanCtx({}, 100, 1050)).type).toBe(
      "drop",
    );
  });
});

describe("planCompaction", () => {
  const segments = [
    { baseOffset: 0, sizeBytes: 100 },
    { baseOffset: 10, sizeBytes: 100 },
    { baseOffset: 20, sizeBytes: 100 },
    { baseOffset: 30, sizeBytes: 50 },
  ];
  const bounds = { logStartOffset: 0, highWatermark: 35, recoveryPoint: 35, cleanerCheckpoint: 0 };

  it.each([
    [
      "everything dirty",
      bounds,
      0.5,
      { cleanableCount: 3, firstDirty: 0, mapFrom: 0, dirtyRatio: 1 },
    ],
    ["a third dirty, below the ratio", { ...bounds, cleanerCheckpoint: 20 }, 0.5, null],
    [
      "a third dirty, above the ratio",
      { ...bounds, cleanerCheckpoint: 20 },
      0.3,
      { cleanableCount: 3, firstDirty: 20, mapFrom: 2 },
    ],
    [
      "the high watermark limits what is cleanable",
      { ...bounds, highWatermark: 15 },
      0.5,
      { cleanableCount: 1 },
    ],
    ["nothing durable yet", { ...bounds, recoveryPoint: 5 }, 0, null],
    ["nothing dirty", { ...bounds, cleanerCheckpoint: 30 }, 0, null],
  ] as const)("%s", (_name, b, ratio, expected) => {
    const plan = planCompaction(segments, b, ratio);
    if (expected === null) expect(plan).toBeNull();
    else expect(plan).toMatchObject(expected);
  });
});

interface ModelRecord {
  readonly offset: number;
  readonly key: string;
  readonly value: string | null;
}

interface ModelBatch {
  readonly baseOffset: number;
  records: ModelRecord[];
  horizon: number | null;
}

/** One cleaning pass by the rules, on plain arrays. */
function modelPass(
  batches: ModelBatch[],
  now: number,
  firstDirty: number,
  mapEnd: number,
  cleaned: (b: ModelBatch) => boolean,
): ModelBatch[] {
  const latest = new Map<string, number>();
  for (const b of batches)
    for (const r of b.records)
      if (r.offset >= firstDirty && r.offset < mapEnd) latest.set(r.key, r.offset);
  const out: ModelBatch[] = [];
  for (const b of batches) {
    if (b.baseOffset >= mapEnd || !cleaned(b)) {
      out.push(b);
      continue;
    }
    const passed = b.horizon !== null && now >= b.horizon;
    const kept = b.records.filter(
      (r) => !((latest.get(r.key) ?? -1) > r.offset) && !(r.value === null && passed),
    );
    if (kept.length === 0) continue;
    const stamp = b.horizon === null && kept.some((r) => r.value === null);
    out.push({
      baseOffset: b.baseOffset,
      records: kept,
      horizon: stamp ? now + DELETE_RETENTION_MS : b.horizon,
    });
  }
  return out;
}

function flat(batches: readonly ModelBatch[]) {
  return batches.flatMap((b) => b.records.map((r) => [r.offset, r.key, r.value]));
}

function logRecords(h: LogHarness) {
  return h.readAll().map((r) => [r.offset, str(r.key), str(r.value)]);
}

type Workload = { keys: number; tombstone: boolean; records: number; advanceMs: number }[];

const workloadArb = fc.array(
  fc.record({
    keys: fc.nat(5),
    tombstone: fc.boolean(),
    records: fc.integer({ min: 1, max: 3 }),
    advanceMs: fc.integer({ min: 0, max: 40 }),
  }),
  { minLength: 5, maxLength: 60 },
);

class CompactionRun {
  readonly h: LogHarness;
  batches: ModelBatch[] = [];
  #counter = 0;

  readonly #compression: number;

  constructor(
    segmentBytes: number,
    ratio: number,
    seed = 0,
    tailCacheBytes = 0,
    compression: number = Compression.none,
  ) {
    this.#compression = compression;
    this.h = LogHarness.open({
      seed,
      codecs: testCodecs,
      config: {
        cleanupPolicy: "compact",
        segmentBytes,
        minCleanableDirtyRatio: ratio,
        deleteRetentionMs: DELETE_RETENTION_MS,
      },
      tailCacheBytes,
    });
  }

  append(step: Workload[number]): void {
    const { h } = this;
    h.now += step.advanceMs;
    const baseOffset = h.log.logEndOffset;
    const records = Array.from({ length: step.records }, (_, i) => ({
      offset: baseOffset + i,
      key: `k${(step.keys + i) % 6}`,
      value: step.tombstone && i === 0 ? null : `v${this.#counter++}`,
    }));
    const input = {
      baseTimestamp: h.now,
      records: records.map((r) => ({
        key: text(r.key),
        value: r.value === null ? null : text(r.value),
      })),
    };
    const bytes = encodeCompressedBatch(input, this.#compression, testCodecs, crc32c);
    assert(bytes.ok, "test codec refused");
    h.append(bytes.value);
    this.batches.push({ baseOffset, records, horizon: null });
  }

  /** Makes everything durable and committed, then lets maintain decide; returns the pass if any. */
  maintain(): Extract<TraceEvent, { type: "log-compacted" }> | null {
    const { h } = this;
    h.sync();
    h.log.setHighWatermark(h.log.logEndOffset);
    const before = h.traces().length;
    const firstDirty = Math.max(h.log.view().cleanerCheckpoint, h.log.logStartOffset);
    h.log.maintain(h.now);
    h.run();
    const pass = h
      .traces()
      .slice(before)
      .find((e) => e.type === "log-compacted");
    if (pass === undefined || pass.type !== "log-compacted") return null;
    this.batches = modelPass(this.batches, h.now, firstDirty, pass.cleanedUpTo, () => true);
    return pass;
  }
}

describe("compaction against a brute-force model", () => {
  it("keeps the latest value per key, tombstones for delete.retention.ms, offsets and the active segment", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 150, max: 600 }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        workloadArb,
        fc.array(fc.nat(60), { maxLength: 6 }),
        fc.constantFrom(0, 1 << 20),
        (segmentBytes, ratio, workload, maintainAt, tailCacheBytes) => {
          const run = new CompactionRun(segmentBytes, ratio, 0, tailCacheBytes);
          const appended: ModelRecord[] = [];
          workload.forEach((step, i) => {
            run.append(step);
            appended.push(...run.batches.at(-1)!.records);
            if (maintainAt.includes(i)) {
              const pass = run.maintain();
              expect(logRecords(run.h)).toEqual(flat(run.batches));
              if (pass !== null) checkSemantics(run.h, appended, pass.cleanedUpTo);
            }
          });
          run.h.now += DELETE_RETENTION_MS * 10;
          run.maintain();
          expect(logRecords(run.h)).toEqual(flat(run.batches));
          const restarted = run.h.restart();
          expect(logRecords(restarted)).toEqual(flat(run.batches));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("deduplicates keys inside compressed batches as the model does for plain ones", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 150, max: 600 }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        workloadArb,
        fc.array(fc.nat(60), { maxLength: 6 }),
        fc.constantFrom(Compression.gzip, Compression.snappy, Compression.lz4, Compression.zstd),
        (segmentBytes, ratio, workload, maintainAt, compression) => {
          const run = new CompactionRun(segmentBytes, ratio, 0, 0, compression);
          const appended: ModelRecord[] = [];
          workload.forEach((step, i) => {
            run.append(step);
            appended.push(...run.batches.at(-1)!.records);
            if (maintainAt.includes(i)) {
              const pass = run.maintain();
              expect(logRecords(run.h)).toEqual(flat(run.batches));
              if (pass !== null) checkSemantics(run.h, appended, pass.cleanedUpTo);
            }
          });
          run.h.now += DELETE_RETENTION_MS * 10;
          run.maintain();
          expect(logRecords(run.h)).toEqual(flat(run.batches));
          // Every batch left in the log keeps the codec it was produced with.
          let offset = run.h.log.logStartOffset;
          for (let guard = 0; guard < 1_000; guard++) {
            const read = run.h.read(offset);
            if (read.type !== "records") throw new Error(read.type);
            if (read.batchCount === 0) break;
            for (const { header } of scanBatches(read.bytes).batches) {
              expect(header.compression).toBe(compression);
            }
            offset = read.lastOffset + 1;
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it("drops expired tombstones and everything they deleted", () => {
    const run = new CompactionRun(200, 0);
    for (let i = 0; i < 12; i++)
      run.append({ keys: i % 3, tombstone: false, records: 1, advanceMs: 1 });
    run.append({ keys: 0, tombstone: true, records: 1, advanceMs: 1 });
    for (let i = 0; i < 6; i++) run.append({ keys: 1, tombstone: false, records: 1, advanceMs: 1 });
    expect(run.maintain()).not.toBeNull();
    const keys = () => run.h.readAll().map((r) => [str(r.key), str(r.value)]);
    expect(keys()).toContainEqual(["k0", null]);
    run.h.now += DELETE_RETENTION_MS;
    for (let i = 0; i < 6; i++) run.append({ keys: 2, tombstone: false, records: 1, advanceMs: 1 });
    expect(run.maintain()).not.toBeNull();
    expect(keys().filter(([k]) => k === "k0")).toEqual([]);
    expect(logRecords(run.h)).toEqual(flat(run.batches));
  });
});

/** What must hold whatever the pass did: latest values survive, one record per key below mapEnd. */
function checkSemantics(h: LogHarness, appended: readonly ModelRecord[], mapEnd: number): void {
  const records = h.readAll();
  const present = new Set(records.map((r) => r.offset));
  const latest = new Map<string, ModelRecord>();
  for (const r of appended) latest.set(r.key, r);
  for (const r of latest.values()) if (r.value !== null) expect(present.has(r.offset)).toBe(true);
  const below = records.filter((r) => r.offset < mapEnd).map((r) => str(r.key));
  expect(new Set(below).size).toBe(below.length);
  const active = h.log.view().segments.at(-1)!.baseOffset;
  for (const r of appended) if (r.offset >= active) expect(present.has(r.offset)).toBe(true);
}

describe("compaction and crashes", () => {
  it("a crash at any step leaves every segment either original or cleaned, and cleaning resumes", () => {
    fc.assert(
      fc.property(fc.integer(), workloadArb, fc.nat(400), (seed, workload, crashAfter) => {
        const run = new CompactionRun(200, 0, seed);
        for (const step of workload) run.append(step);
        const { h } = run;
        h.sync();
        h.log.setHighWatermark(h.log.logEndOffset);
        const segments = h.log.view().segments.map((s) => s.baseOffset);
        const firstDirty = h.log.view().cleanerCheckpoint;
        const mapEnd = segments.at(-1)!;
        const before = run.batches;
        if (!h.log.maintain(h.now).compactionStarted) return;
        h.driver.run(crashAfter);
        h.driver.dropPending();
        h.disk.crash();
        const after = h.restart();
        const segmentOf = (b: ModelBatch) => segments.findLast((s) => s <= b.baseOffset)!;
        const states = segments.map((_, j) =>
          flat(modelPass(before, h.now, firstDirty, mapEnd, (b) => segmentOf(b) < segments[j]!)),
        );
        expect(states).toContainEqual(logRecords(after));
        after.log.setHighWatermark(after.log.logEndOffset);
        after.log.maintain(after.now);
        after.run();
        expect(logRecords(after)).toEqual(
          flat(modelPass(before, h.now, firstDirty, mapEnd, () => true)),
        );
        expect(
          after.disk.files().filter((f) => f.endsWith(".cleaned") || f.endsWith(".tmp")),
        ).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
