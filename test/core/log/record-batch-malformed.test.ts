// Malformed record batches are error values, never exceptions: a table of each way bytes can be
// wrong (resealed with a fresh CRC where the damage must get past the CRC check), then a fuzz
// property feeding random and mutated bytes to every parser.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { crc32c } from "../../../core/log/crc32c.ts";
import {
  type BatchError,
  decodeRecordSection,
  decodeRecords,
  encodeBatch,
  type RecordBatchHeader,
  readBatchHeader,
  scanBatches,
  validateBatch,
} from "../../../core/log/record-batch.ts";
import { readControlMarker } from "../../../core/log/record-batch-control.ts";

const utf8 = (text: string) => new TextEncoder().encode(text);

/** One record: key "k", value "v", one header "h" = "x"; the record section starts at 61. */
function sample(): Uint8Array {
  return encodeBatch({
    baseTimestamp: 1000,
    records: [{ key: utf8("k"), value: utf8("v"), headers: [{ key: "h", value: utf8("x") }] }],
  });
}
// Section: 61 length=12 (18) | 62 attributes | 63 tsDelta | 64 offsetDelta | 65 keyLen 02 | 66 "k"
//          67 valueLen 02 | 68 "v" | 69 headersCount 02 | 70 keyLen 02 | 71 "h" | 72 valLen 02 | 73 "x"

/** Recomputes the CRC after damage, so the error surfaces past the CRC check. */
function reseal(batch: Uint8Array): Uint8Array {
  new DataView(batch.buffer, batch.byteOffset).setUint32(17, crc32c(batch.subarray(21)));
  return batch;
}

interface Damage {
  readonly int32?: readonly (readonly [at: number, value: number])[];
  readonly bytes?: readonly (readonly [at: number, values: readonly number[]])[];
  readonly xor?: readonly (readonly [at: number, mask: number])[];
  /** Recompute the CRC afterwards, so the damage must be caught by something other than the CRC. */
  readonly reseal?: boolean;
}

function damaged(damage: Damage): Uint8Array {
  const batch = sample();
  const view = new DataView(batch.buffer);
  for (const [at, value] of damage.int32 ?? []) view.setInt32(at, value);
  for (const [at, values] of damage.bytes ?? []) batch.set(values, at);
  for (const [at, mask] of damage.xor ?? []) batch[at]! ^= mask;
  return damage.reseal === true ? reseal(batch) : batch;
}

/** Splices `replacement` over batch[at, at + removed), fixing batchLength, then reseals. */
function splice(batch: Uint8Array, at: number, removed: number, replacement: number[]): Uint8Array {
  const out = new Uint8Array(batch.length - removed + replacement.length);
  out.set(batch.subarray(0, at));
  out.set(replacement, at);
  out.set(batch.subarray(at + removed), at + replacement.length);
  new DataView(out.buffer).setInt32(8, out.length - 12);
  return reseal(out);
}

function errorType(result: { ok: true } | { ok: false; error: BatchError }): string {
  return result.ok ? "ok" : result.error.type;
}

describe("validateBatch error values", () => {
  it.each<[string, Uint8Array, string, number?]>([
    ["empty", new Uint8Array(0), "short"],
    ["11 bytes", sample().subarray(0, 11), "short"],
    ["torn inside the records", sample().subarray(0, 70), "short"],
    ["magic 1", damaged({ bytes: [[16, [1]]] }), "bad-magic"],
    ["magic 0 with a tiny length", damaged({ int32: [[8, 20]], bytes: [[16, [0]]] }), "bad-magic"],
    ["batchLength 48", damaged({ int32: [[8, 48]] }), "bad-length"],
    ["negative batchLength", damaged({ int32: [[8, -1]] }), "bad-length"],
    ["batchLength over maxBatchBytes", sample(), "bad-length", 70],
    ["flipped CRC bit", damaged({ xor: [[20, 1]] }), "bad-crc"],
    ["flipped record bit", damaged({ xor: [[68, 0x40]] }), "bad-crc"],
    ["baseOffset 2^53", damaged({ int32: [[0, 0x200000]] }), "bad-int64"],
    ["maxTimestamp int64 min", damaged({ int32: [[35, -(2 ** 31)]], reseal: true }), "bad-int64"],
    ["producerId int64 max", damaged({ int32: [[43, 2 ** 31 - 1]], reseal: true }), "bad-int64"],
    [
      "last offset past 2^53",
      damaged({
        int32: [
          [0, 0x1fffff],
          [4, -1],
          [23, 1],
        ],
        reseal: true,
      }),
      "bad-int64",
    ],
    ["negative recordCount", damaged({ int32: [[57, -1]], reseal: true }), "bad-count"],
    ["negative lastOffsetDelta", damaged({ int32: [[23, -5]], reseal: true }), "bad-count"],
    ["count beyond lastOffsetDelta", damaged({ int32: [[57, 2]], reseal: true }), "bad-count"],
    [
      "count beyond the bytes",
      damaged({
        int32: [
          [57, 1000],
          [23, 999],
        ],
        reseal: true,
      }),
      "bad-count",
    ],
  ])("%s", (_name, bytes, expected, maxBatchBytes) => {
    const result = validateBatch(bytes, 0, crc32c, maxBatchBytes);
    expect(errorType(result)).toBe(expected);
  });

  it("validates at a position inside a larger buffer", () => {
    const batch = sample();
    const buffer = new Uint8Array(batch.length + 7);
    buffer.set(batch, 7);
    expect(validateBatch(buffer, 7).ok).toBe(true);
    expect(errorType(validateBatch(buffer, 0))).not.toBe("ok");
  });
});

describe("decodeRecords error values", () => {
  it.each<[string, Uint8Array, string]>([
    ["the sample decodes", sample(), "ok"],
    ["gzip attributes", damaged({ bytes: [[22, [1]]] }), "compressed"],
    ["torn", sample().subarray(0, 65), "short"],
    ["batchLength below 49", damaged({ int32: [[8, 40]] }), "bad-length"],
    [
      "record length varint overflow",
      splice(sample(), 61, 1, [0xff, 0xff, 0xff, 0xff, 0x7f]),
      "bad-records",
    ],
    ["record length past the end", splice(sample(), 61, 1, [0x40]), "bad-records"],
    ["negative record length", splice(sample(), 61, 1, [0x03]), "bad-records"],
    ["key length past the record", splice(sample(), 65, 1, [0x20]), "bad-records"],
    ["key length -2", splice(sample(), 65, 1, [0x03]), "bad-records"],
    ["value length past the record", splice(sample(), 67, 1, [0x0a]), "bad-records"],
    ["negative headersCount", splice(sample(), 69, 1, [0x01]), "bad-records"],
    ["headersCount past the record", splice(sample(), 69, 1, [0x08]), "bad-records"],
    ["null header key", splice(sample(), 70, 1, [0x01]), "bad-records"],
    [
      "timestampDelta varlong overflow",
      splice(sample(), 63, 1, [...Array(10).fill(0xff), 0x01]),
      "bad-records",
    ],
    [
      "bytes left inside the record",
      splice(splice(sample(), 74, 0, [0]), 61, 1, [0x1a]),
      "bad-records",
    ],
    [
      "offset past 2^53",
      splice(
        encodeBatch({ baseOffset: Number.MAX_SAFE_INTEGER, records: [{ key: null, value: null }] }),
        64,
        1,
        [2],
      ),
      "bad-int64",
    ],
    [
      "fewer records than declared",
      damaged({
        int32: [
          [57, 2],
          [23, 1],
        ],
      }),
      "bad-count",
    ],
    ["bytes after the last record", splice(sample(), 74, 0, [0, 0, 0, 0, 0, 0, 0]), "bad-count"],
  ])("%s", (_name, bytes, expected) => {
    expect(errorType(decodeRecords(bytes))).toBe(expected);
  });

  it("reads a control marker and refuses an unknown control type", () => {
    const marker = decodeRecords(
      encodeBatch({
        isControl: true,
        records: [{ key: Uint8Array.of(0, 0, 0, 1), value: new Uint8Array(6) }],
      }),
    );
    expect(marker.ok && readControlMarker(marker.value[0]!)).toEqual({
      ok: true,
      value: { type: 1, coordinatorEpoch: 0 },
    });
    const unknown = decodeRecords(
      encodeBatch({ records: [{ key: Uint8Array.of(0, 0, 0, 7), value: null }] }),
    );
    expect(unknown.ok && errorType(readControlMarker(unknown.value[0]!))).toBe("bad-records");
  });
});

function noThrow<T>(parse: () => T): T {
  let result: T | undefined;
  expect(() => {
    result = parse();
  }).not.toThrow();
  return result as T;
}

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const anyHeader: fc.Arbitrary<RecordBatchHeader> = fc
  .record({
    baseOffset: fc.maxSafeInteger(),
    baseTimestamp: fc.maxSafeInteger(),
    maxTimestamp: fc.maxSafeInteger(),
    recordCount: fc.oneof(fc.integer({ min: -2, max: 20 }), int32),
    attributes: fc.integer({ min: 0, max: 0x7f }),
  })
  .map(({ attributes, ...fields }) => ({
    ...fields,
    batchLength: 49,
    partitionLeaderEpoch: -1,
    magic: 2,
    crc: 0,
    attributes,
    lastOffsetDelta: 0,
    producerId: -1,
    producerEpoch: -1,
    baseSequence: -1,
    compression: attributes & 7,
    isLogAppendTime: (attributes & 8) !== 0,
    isTransactional: (attributes & 16) !== 0,
    isControl: (attributes & 32) !== 0,
    hasDeleteHorizon: (attributes & 64) !== 0,
  }));

describe("no parser ever throws on bad bytes", () => {
  const batchBytes = fc
    .record({
      count: fc.integer({ min: 0, max: 4 }),
      value: fc.uint8Array({ maxLength: 40 }),
      flips: fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }),
      reseal: fc.boolean(),
      cut: fc.option(fc.nat()),
    })
    .map(({ count, value, flips, reseal: fix, cut }) => {
      const batch = encodeBatch({
        records: Array.from({ length: count }, () => ({
          key: value.subarray(0, 3),
          value,
          headers: [{ key: "h", value: null }],
        })),
      });
      for (const [at, byte] of flips) batch[at % batch.length] = byte;
      if (fix) reseal(batch);
      return cut === null ? batch : batch.subarray(0, cut % (batch.length + 1));
    });
  const inputs = fc.oneof(fc.uint8Array({ maxLength: 200 }), batchBytes);

  test.prop([inputs, fc.nat(80)], { numRuns: 2000 })("random and mutated bytes", (bytes, skip) => {
    const position = Math.min(skip, bytes.length);
    noThrow(() => readBatchHeader(bytes, position));
    noThrow(() => validateBatch(bytes, position));
    noThrow(() => decodeRecords(bytes, position));
    const scan = noThrow(() => scanBatches(bytes, position));
    expect(scan.validEnd).toBeGreaterThanOrEqual(position);
    expect(scan.validEnd).toBeLessThanOrEqual(bytes.length);
    const validated = validateBatch(bytes, position);
    if (validated.ok) noThrow(() => decodeRecords(bytes, position));
  });

  test.prop([fc.uint8Array({ maxLength: 120 }), anyHeader])(
    "random record sections against random headers",
    (section, header) => {
      const result = noThrow(() => decodeRecordSection(section, header));
      if (result.ok) expect(result.value.length).toBe(header.recordCount);
    },
  );
});
