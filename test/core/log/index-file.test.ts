// The .index/.timeindex formats and the in-memory indexes: lookups as tables, encode -> decode
// round trips, and every kind of damage a reader must refuse.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crc32c } from "../../../core/log/crc32c.ts";
import {
  decodeOffsetIndexFile,
  decodeTimeIndexFile,
  encodeOffsetIndexFile,
  encodeTimeIndexFile,
  type SegmentSummary,
} from "../../../core/log/index-file.ts";
import { OffsetIndex } from "../../../core/log/offset-index.ts";
import { TimeIndex } from "../../../core/log/time-index.ts";

function offsetIndex(base: number, entries: [number, number][]): OffsetIndex {
  const index = new OffsetIndex(base);
  for (const [offset, position] of entries) index.append(offset, position);
  return index;
}

function timeIndex(base: number, entries: [number, number][]): TimeIndex {
  const index = new TimeIndex(base);
  for (const [timestamp, offset] of entries) index.maybeAppend(timestamp, offset);
  return index;
}

const summary: SegmentSummary = {
  baseOffset: 100,
  sizeBytes: 5000,
  nextOffset: 160,
  maxTimestamp: 900,
  offsetOfMaxTimestamp: 150,
  dense: true,
};

describe("OffsetIndex.lookup", () => {
  const index = offsetIndex(100, [
    [110, 1000],
    [120, 2000],
    [130, 3000],
  ]);
  it.each([
    [100, { offset: 100, position: 0 }],
    [109, { offset: 100, position: 0 }],
    [110, { offset: 110, position: 1000 }],
    [119, { offset: 110, position: 1000 }],
    [130, { offset: 130, position: 3000 }],
    [999, { offset: 130, position: 3000 }],
  ])("lookup(%i)", (target, expected) => {
    expect(index.lookup(target)).toEqual(expected);
  });

  it("truncates entries at or past a position", () => {
    const copy = offsetIndex(100, [
      [110, 1000],
      [120, 2000],
    ]);
    copy.truncateToPosition(2000);
    expect(copy.entryCount).toBe(1);
    expect(() => copy.append(105, 3000)).toThrow(/not increasing/);
  });
});

describe("TimeIndex", () => {
  const index = timeIndex(100, [
    [50, 105],
    [40, 107],
    [70, 110],
    [90, 130],
  ]);
  it("keeps only increasing timestamps", () => {
    expect(index.entryCount).toBe(3);
  });
  it.each([
    [10, undefined],
    [50, { timestamp: 50, offset: 105 }],
    [69, { timestamp: 50, offset: 105 }],
    [70, { timestamp: 70, offset: 110 }],
    [1000, { timestamp: 90, offset: 130 }],
  ])("lookup(%i)", (target, expected) => {
    expect(index.lookup(target)).toEqual(expected);
  });
});

describe("index files", () => {
  const offsets = offsetIndex(100, [
    [110, 1000],
    [130, 3000],
  ]);
  const times = timeIndex(100, [
    [500, 110],
    [900, 150],
  ]);

  it("round-trip with their summary", () => {
    const o = decodeOffsetIndexFile(encodeOffsetIndexFile(summary, offsets, crc32c), crc32c);
    expect(o.ok && o.value.summary).toEqual(summary);
    expect(o.ok && [o.value.index.entry(0), o.value.index.entry(1)]).toEqual([
      { offset: 110, position: 1000 },
      { offset: 130, position: 3000 },
    ]);
    const t = decodeTimeIndexFile(
      encodeTimeIndexFile({ ...summary, dense: false }, times, crc32c),
      crc32c,
    );
    expect(t.ok && t.value.summary.dense).toBe(false);
    expect(t.ok && t.value.index.last()).toEqual({ timestamp: 900, offset: 150 });
  });

  const good = encodeOffsetIndexFile(summary, offsets, crc32c);
  const resealed = (mutate: (bytes: Uint8Array, view: DataView) => void) => {
    const bytes = good.slice();
    const view = new DataView(bytes.buffer);
    mutate(bytes, view);
    view.setUint32(bytes.length - 4, crc32c(bytes.subarray(0, bytes.length - 4)));
    return bytes;
  };

  it.each([
    ["an empty file", new Uint8Array(0), /too short/],
    ["a torn file", good.subarray(0, good.length - 3), /crc|short|fit/],
    ["a flipped bit", good.map((b, i) => (i === 60 ? b ^ 1 : b)), /crc/],
    ["a time index read as an offset index", encodeTimeIndexFile(summary, times, crc32c), /magic/],
    ["an unknown version", resealed((_, v) => v.setUint16(4, 9)), /version/],
    ["unknown flags", resealed((_, v) => v.setUint16(6, 0x80)), /flags/],
    ["a wrong entry count", resealed((_, v) => v.setUint32(48, 5)), /fit/],
    ["entries out of order", resealed((_, v) => v.setUint32(52 + 8, 5)), /out of order/],
    ["an entry past the segment", resealed((_, v) => v.setUint32(52 + 12, 6000)), /out of order/],
  ] as const)("refuses %s", (_name, bytes, message) => {
    const decoded = decodeOffsetIndexFile(bytes, crc32c);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error).toMatch(message);
  });

  it("round-trips any increasing entries", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 500 })), {
          maxLength: 40,
        }),
        (steps) => {
          const index = new OffsetIndex(1000);
          let offset = 1000;
          let position = 0;
          for (const [dOffset, dPosition] of steps) {
            offset += dOffset;
            position += dPosition;
            index.append(offset, position);
          }
          const s = {
            ...summary,
            baseOffset: 1000,
            nextOffset: offset + 1,
            sizeBytes: position + 1,
          };
          const decoded = decodeOffsetIndexFile(encodeOffsetIndexFile(s, index, crc32c), crc32c);
          expect(decoded.ok && decoded.value.index.entryCount).toBe(steps.length);
          for (const target of [1000, offset, offset - 3]) {
            expect(decoded.ok && decoded.value.index.lookup(target)).toEqual(index.lookup(target));
          }
        },
      ),
    );
  });
});
