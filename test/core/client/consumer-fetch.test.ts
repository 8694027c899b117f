// The consumer's decode of fetched bytes reads values from walked records instead of decoding every
// record: it must give what decoding every record gives (records, skips, undecodable values, where
// it stops and why), on whole, damaged and cut fetches.

import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { type DecodedFetch, decodeFetched } from "../../../core/client/consumer-fetch.ts";
import type { FetchedRecord } from "../../../core/client/consumer-positions.ts";
import { decodeInt, encodeInt } from "../../../core/client/workload-keys.ts";
import { crc32c } from "../../../core/log/crc32c.ts";
import {
  decodeRecords,
  encodeBatch,
  lastOffset,
  scanBatches,
} from "../../../core/log/record-batch.ts";

/** The decode as it was: every record of every batch built by decodeRecords (the reference). */
function decodeByRecords(bytes: Uint8Array, fetchOffset: number): DecodedFetch {
  const records: FetchedRecord[] = [];
  let end = fetchOffset;
  let skipped = 0;
  let undecodable = 0;
  let controlBatches = 0;
  const scan = scanBatches(bytes);
  let error = scan.stop !== null && scan.stop.type !== "short" ? scan.stop : null;
  for (const { position, header } of scan.batches) {
    const last = lastOffset(header);
    if (last < end) continue;
    if (header.isControl) {
      controlBatches++;
      end = last + 1;
      continue;
    }
    const decoded = decodeRecords(bytes, position);
    if (!decoded.ok) {
      error = decoded.error;
      break;
    }
    for (const record of decoded.value) {
      const offset = header.baseOffset + record.offsetDelta;
      if (offset < fetchOffset) {
        skipped++;
        continue;
      }
      const value = decodeInt(record.value);
      if (value === undefined) undecodable++;
      else records.push({ offset, value });
    }
    end = last + 1;
  }
  return { records, end, skipped, undecodable, controlBatches, error };
}

const recordArb = fc.record({
  key: fc.option(fc.uint8Array({ maxLength: 6 }), { nil: null }),
  value: fc.oneof(
    fc.nat().map((n) => encodeInt(n)),
    fc.option(fc.uint8Array({ maxLength: 20 }), { nil: null }),
  ),
  headers: fc.array(
    fc.record({
      key: fc.string({ maxLength: 4 }),
      value: fc.option(fc.uint8Array({ maxLength: 4 }), { nil: null }),
    }),
    { maxLength: 2 },
  ),
  gap: fc.nat(3),
});

const batchArb = fc.record({
  records: fc.array(recordArb, { minLength: 1, maxLength: 6 }),
  isControl: fc.boolean(),
  compression: fc.constantFrom(0, 0, 0, 1),
});

type BatchSpec = typeof batchArb extends fc.Arbitrary<infer T> ? T : never;

function fetched(batches: BatchSpec[]): {
  bytes: Uint8Array;
  starts: number[];
} {
  let base = 0;
  const parts = batches.map(({ records, isControl, compression }) => {
    let delta = 0;
    const encoded = records.map((r) => {
      delta += r.gap;
      return { key: r.key, value: r.value, headers: r.headers, offsetDelta: delta++ };
    });
    const start = base;
    base += delta;
    if (compression === 0) return encodeBatch({ baseOffset: start, isControl, records: encoded });
    // An opaque "compressed" section: the consumer has no codecs.
    const opaque = encodeBatch({ records: encoded }).subarray(61);
    return encodeBatch({
      baseOffset: start,
      compression,
      compressedRecords: opaque,
      lastOffsetDelta: delta - 1,
      records: encoded,
    });
  });
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  const starts: number[] = [];
  let at = 0;
  for (const p of parts) {
    starts.push(at);
    out.set(p, at);
    at += p.length;
  }
  return { bytes: out, starts };
}

/** Recomputes each batch's CRC, so that damaged records get past the scan to the decode. */
function reseal(bytes: Uint8Array, starts: readonly number[]): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const start of starts) {
    if (start + 61 > bytes.length) continue;
    const end = start + 12 + view.getInt32(start + 8);
    if (end > bytes.length || end < start + 61) continue;
    view.setUint32(start + 17, crc32c(bytes.subarray(start + 21, end)));
  }
}

describe("decodeFetched", () => {
  test.prop(
    [
      fc.array(batchArb, { minLength: 1, maxLength: 4 }),
      fc.nat(30),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 3 }),
      fc.nat(),
    ],
    { numRuns: 400 },
  )(
    "gives what decoding every record gives, on whole, damaged and cut fetches",
    (batches, fetchOffset, flips, cut) => {
      const { bytes, starts } = fetched(batches);
      const whole = bytes.slice();
      expect(decodeFetched(whole, fetchOffset)).toEqual(decodeByRecords(whole, fetchOffset));
      // Damaged records under a valid CRC reach the decode (otherwise the scan stops first).
      for (const [at, mask] of flips) bytes[at % bytes.length]! ^= mask;
      if (cut % 2 === 0) reseal(bytes, starts);
      const served = bytes.subarray(0, bytes.length - (cut % 8));
      expect(decodeFetched(served, fetchOffset)).toEqual(decodeByRecords(served, fetchOffset));
    },
  );
});
