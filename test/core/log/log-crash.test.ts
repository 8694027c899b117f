// Crash safety on the simulated disk: after a crash between any two disk completions (torn writes
// and vanishing files on), recovery yields exactly a prefix of the appended batches holding every
// batch whose sync completed, and the log accepts appends afterwards. Corrupt bytes are never served.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeBatch, scanBatches, stampBatch } from "../../../core/log/record-batch.ts";
import { LogHarness, text } from "./log-harness.ts";

interface Appended {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly bytes: Uint8Array;
}

type CrashOp =
  | { type: "append"; records: number; valueBytes: number }
  | { type: "sync" }
  | { type: "maintain" }
  | { type: "roll" }
  | { type: "run"; steps: number }
  | { type: "truncate"; at: number };

const opArb: fc.Arbitrary<CrashOp> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant("append" as const),
      records: fc.integer({ min: 1, max: 3 }),
      valueBytes: fc.integer({ min: 0, max: 90 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("sync" as const) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("maintain" as const) }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("roll" as const) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant("run" as const),
      steps: fc.integer({ min: 0, max: 12 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("truncate" as const),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  },
);

/** Reads every batch from offset 0 to the log end, as stored. */
function storedBatches(h: LogHarness): Uint8Array[] {
  const out: Uint8Array[] = [];
  let offset = h.log.logStartOffset;
  for (let guard = 0; guard < 100_000 && offset < h.log.logEndOffset; guard++) {
    const result = h.read(offset, 4096);
    if (result.type !== "records") throw new Error(`read failed at ${offset}: ${result.message}`);
    if (result.batchCount === 0) break;
    const scan = scanBatches(result.bytes);
    for (const { position, header } of scan.batches) {
      out.push(result.bytes.slice(position, position + 12 + header.batchLength));
    }
    offset = result.lastOffset + 1;
  }
  return out;
}

function isPrefix(stored: readonly Uint8Array[], history: readonly Appended[]): boolean {
  return (
    stored.length <= history.length &&
    stored.every((bytes, i) => equalBytes(bytes, history[i]!.bytes))
  );
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

class CrashRun {
  readonly h: LogHarness;
  history: Appended[] = [];
  /** The batches before a truncation, still a possible outcome until its disk work has run. */
  beforeTruncation: Appended[] | null = null;
  truncating = false;
  #counter = 0;

  constructor(seed: number, segmentBytes: number) {
    this.h = LogHarness.open({
      seed,
      config: { segmentBytes, indexIntervalBytes: 100, segmentMs: 10_000, checkpointIntervalMs: 1 },
      faults: { tornWriteProbability: 0.7, unsyncedFileVanishProbability: 0.5 },
    });
  }

  apply(op: CrashOp): void {
    const h = this.h;
    if (this.truncating && op.type !== "run") this.#settleTruncation();
    switch (op.type) {
      case "append":
        this.#append(op.records, op.valueBytes);
        return;
      case "sync":
        h.log.sync();
        return;
      case "maintain":
        h.now += 1;
        h.log.maintain(h.now);
        return;
      case "roll":
        h.now += 10_000;
        return;
      case "run":
        for (let i = 0; i < op.steps; i++) this.#step();
        return;
      case "truncate":
        this.#truncate(op.at);
        return;
    }
  }

  #step(): void {
    this.h.driver.step();
    if (!this.truncating && this.h.driver.pending === 0) this.beforeTruncation = null;
  }

  #settleTruncation(): void {
    while (this.truncating) this.h.driver.step();
  }

  #append(records: number, valueBytes: number): void {
    const h = this.h;
    const baseOffset = h.log.logEndOffset;
    const batch = encodeBatch({
      baseTimestamp: h.now,
      records: Array.from({ length: records }, () => ({
        key: null,
        value: text(`${this.#counter++}-${"v".repeat(valueBytes)}`),
      })),
    });
    h.append(batch);
    const stamped = batch.slice();
    stampBatch(stamped, baseOffset, 0);
    this.history.push({ baseOffset, lastOffset: baseOffset + records - 1, bytes: stamped });
  }

  #truncate(at: number): void {
    const h = this.h;
    if (this.history.length < 2) return;
    const offset = this.history[1 + Math.floor(at * (this.history.length - 1.0001))]!.baseOffset;
    this.beforeTruncation = this.history;
    this.history = this.history.filter((b) => b.lastOffset < offset);
    this.truncating = true;
    h.log.truncateTo(offset, () => {
      this.truncating = false;
    });
  }

  /** Crash now, recover, and check what survived. */
  crashAndCheck(): void {
    const h = this.h;
    const durable = h.log.durableEndOffset;
    const candidates = [
      this.history,
      ...(this.beforeTruncation === null ? [] : [this.beforeTruncation]),
    ];
    h.driver.dropPending();
    h.disk.crash();
    const after = h.restart();
    const stored = storedBatches(after);
    const matches = candidates.filter((history) => isPrefix(stored, history));
    expect(matches.length, "recovered batches are a prefix of what was appended").toBeGreaterThan(
      0,
    );
    expect(after.log.logEndOffset).toBeGreaterThanOrEqual(durable);
    const expectedEnd = stored.length === 0 ? 0 : matches[0]![stored.length - 1]!.lastOffset + 1;
    expect(after.log.logEndOffset).toBe(expectedEnd);
    const next = after.append({ records: [{ key: null, value: text("after") }] });
    expect(next.firstOffset).toBe(expectedEnd);
    after.sync();
    expect(storedBatches(after.restart()).length).toBe(stored.length + 1);
  }
}

describe("crash recovery", () => {
  it("recovers a prefix of the appended batches holding every synced one", () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 150, max: 700 }),
        fc.array(opArb, { minLength: 1, maxLength: 50, size: "max" }),
        fc.nat(200),
        (seed, segmentBytes, ops, finalSteps) => {
          const run = new CrashRun(seed, segmentBytes);
          for (const op of ops) run.apply(op);
          run.apply({ type: "run", steps: finalSteps });
          run.crashAndCheck();
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("corruption", () => {
  it("never serves a corrupt batch, whichever file rots", () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.nat(),
        fc.nat(),
        fc.boolean(),
        (seed, fileChoice, byteChoice, restart) => {
          const h = LogHarness.open({
            seed,
            config: { segmentBytes: 400, indexIntervalBytes: 100 },
            tailCacheBytes: 0,
          });
          const originals: Uint8Array[] = [];
          for (let i = 0; i < 25; i++) {
            const batch = encodeBatch({
              baseTimestamp: i,
              records: [{ key: null, value: text(`value-${i}`) }],
            });
            h.append(batch);
            const stamped = batch.slice();
            stampBatch(stamped, i, 0);
            originals.push(stamped);
          }
          h.sync();
          h.log.checkpoint(h.now);
          h.run();
          const files = h.disk.files();
          const path = files[fileChoice % files.length]!;
          const size = h.disk.cachedBytes(path)!.length;
          if (size === 0) return;
          h.disk.corrupt(path, byteChoice % size, 0x10);
          const reader = restart ? h.restart() : h;
          let served = 0;
          for (let offset = 0; offset < 25; offset++) {
            const result = reader.read(offset, 1);
            if (result.type === "error") continue;
            if (result.batchCount === 0) continue;
            expect(
              equalBytes(result.bytes, originals[result.lastOffset]!),
              `batch ${result.lastOffset}`,
            ).toBe(true);
            served++;
          }
          if (!path.endsWith(".log")) expect(served).toBe(reader.log.logEndOffset);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("reports a corrupt batch in synced data as a storage error and a trace event", () => {
    const h = LogHarness.open({ tailCacheBytes: 0 });
    h.appendValues(5);
    h.sync();
    const path = h.disk.files().find((f) => f.endsWith(".log"))!;
    h.disk.corrupt(path, 200);
    const results = [0, 1, 2, 3, 4].map((offset) => h.read(offset, 1));
    expect(results.some((r) => r.type === "error" && r.error === 56)).toBe(true);
    expect(h.traces().some((e) => e.type === "log-corrupt-batch")).toBe(true);
    expect(h.marks()).toContain("log-read-corrupt-batch");
  });
});
