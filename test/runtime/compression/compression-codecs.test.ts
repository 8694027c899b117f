// The runtime's record batch codecs: librdkafka's own compressed batches (golden bytes captured from
// kcat -z) read back to their records, every codec round-trips, and bad or hostile compressed bytes
// are error values (never a throw), with the output bound enforced.

import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Codec, Codecs } from "../../../core/log/codecs.ts";
import { crc32c } from "../../../core/log/crc32c.ts";
import { Compression, validateBatch } from "../../../core/log/record-batch.ts";
import {
  encodeCompressedBatch,
  readBatchRecords,
} from "../../../core/log/record-batch-compressed.ts";
import { loadCompressionCodecs } from "../../../runtime/compression/compression-codecs.ts";

let codecs: Codecs;

beforeAll(async () => {
  codecs = await loadCompressionCodecs();
});

const names = ["gzip", "snappy", "lz4", "zstd"] as const;
const ids = {
  gzip: Compression.gzip,
  snappy: Compression.snappy,
  lz4: Compression.lz4,
  zstd: Compression.zstd,
};
const codec = (name: (typeof names)[number]): Codec => {
  const found = codecs[name];
  if (found === undefined) throw new Error(`${name} missing`);
  return found;
};

/** kcat -K: -z <codec> of "k1:one one…", "k2:two two…", "k1:three three…" (librdkafka 2.x). */
const librdkafka = {
  gzip: "00000000000000000000006f00000000028fa865e8000100000002000001a20202657d000001a20202657dffffffffffffffffffffffffffff000000031f8b0800000000000003b363606060c936d4cbcf4b55c08219ec18189858b28df44acaf315b060903c0b487f4946516aaa0206c90000cc6b5a7360000000",
  // Raw snappy (no xerial framing): what librdkafka sends.
  snappy:
    "000000000000000000000065000000000252414b29000200000002000001a20202659b000001a20202659bffffffffffffffffffffffffffff00000003602c3e000000046b312e6f6e65204a040030003e000002046b322e74776f204a0400012000040140147468726565204206000000",
  lz4: "0000000000000000000000770000000002339a173f000300000002000001a2020265b2000001a2020265b2ffffffffffffffffffffffffffff0000000304224d1860408237000000cf3e000000046b312e6f6e6520040000df003e000002046b322e74776f200400000020001004400069746872656520060050687265650000000000",
  zstd: "00000000000000000000006e0000000002d93f3d74000400000002000001a2020265c9000001a2020265c9ffffffffffffffffffffffffffff0000000328b52ffd0058a5010094023e000000046b312e6f6e6520003e000002046b322e74776f20003e000004046b312e74687265652000030029730d927fe292",
} as const;

const text = (bytes: Uint8Array | null) =>
  bytes === null ? null : new TextDecoder().decode(bytes);

describe("librdkafka's compressed batches", () => {
  it.each(names)("%s: read back to the records kcat produced", (name) => {
    const bytes = Uint8Array.from(Buffer.from(librdkafka[name], "hex"));
    const header = validateBatch(bytes);
    if (!header.ok) throw new Error(header.error.message);
    expect(header.value.compression).toBe(ids[name]);
    const records = readBatchRecords(bytes, header.value, codecs);
    if (!records.ok) throw new Error(records.error.message);
    expect(records.value.map((r) => [r.offset, text(r.key), text(r.value)])).toEqual([
      [0, "k1", "one one one one one one"],
      [1, "k2", "two two two two two two"],
      [2, "k1", "three three three three"],
    ]);
  });

  it.each(names)("%s: written back by our codec and read again, the same records", (name) => {
    const bytes = Uint8Array.from(Buffer.from(librdkafka[name], "hex"));
    const header = validateBatch(bytes);
    if (!header.ok) throw new Error(header.error.message);
    const records = readBatchRecords(bytes, header.value, codecs);
    if (!records.ok) throw new Error(records.error.message);
    const input = {
      baseTimestamp: header.value.baseTimestamp,
      records: records.value.map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp })),
    };
    const again = encodeCompressedBatch(input, ids[name], codecs, crc32c);
    if (!again.ok) throw new Error(again.error);
    const reread = validateBatch(again.value);
    if (!reread.ok) throw new Error(reread.error.message);
    const back = readBatchRecords(again.value, reread.value, codecs);
    expect(back.ok && back.value.map((r) => [text(r.key), text(r.value)])).toEqual(
      records.value.map((r) => [text(r.key), text(r.value)]),
    );
  });
});

describe("each codec", () => {
  it.each(names)("%s: decompress(compress(x)) is x", (name) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70_000 }), fc.nat(50), (bytes, repeat) => {
        const input = new Uint8Array(bytes.length * (repeat % 3 === 0 ? 1 : 2));
        input.set(bytes);
        input.set(bytes, input.length - bytes.length);
        const packed = codec(name).compress(input);
        if (!packed.ok) throw new Error(packed.error);
        const back = codec(name).decompress(packed.value, input.length);
        expect(back.ok && Buffer.from(back.value).equals(Buffer.from(input))).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it.each(
    names,
  )("%s: flipped and cut bytes are an error value or some output, never a throw", (name) => {
    const input = new TextEncoder().encode("record bytes ".repeat(500));
    const packed = codec(name).compress(input);
    if (!packed.ok) throw new Error(packed.error);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }),
        fc.nat(),
        (flips, cut) => {
          const bad = packed.value.slice(0, packed.value.length - (cut % 8));
          for (const [at, mask] of flips) bad[at % bad.length]! ^= mask;
          const result = codec(name).decompress(bad, 1 << 20);
          expect(typeof result.ok).toBe("boolean");
          if (result.ok) expect(result.value.length).toBeLessThanOrEqual(1 << 20);
        },
      ),
      { numRuns: 200 },
    );
  });

  it.each(names)("%s: output past the bound is refused (a decompression bomb)", (name) => {
    const packed = codec(name).compress(new Uint8Array(4 << 20));
    if (!packed.ok) throw new Error(packed.error);
    const result = codec(name).decompress(packed.value, 1 << 20);
    expect(result.ok).toBe(false);
  });

  it("snappy writes xerial's framing (Java's) and reads both it and raw snappy", () => {
    const input = new TextEncoder().encode("xerial ".repeat(10_000));
    const packed = codec("snappy").compress(input);
    if (!packed.ok) throw new Error(packed.error);
    expect([...packed.value.subarray(0, 8)]).toEqual([0x82, 83, 78, 65, 80, 80, 89, 0]);
    const back = codec("snappy").decompress(packed.value, input.length);
    expect(back.ok && back.value.length).toBe(input.length);
  });

  it("gzip reads what any gzip writer wrote (KafkaJS compresses with zlib's gzip)", () => {
    const input = new TextEncoder().encode("kafkajs ".repeat(1_000));
    const back = codec("gzip").decompress(gzipSync(input), input.length);
    expect(back.ok && Buffer.from(back.value).equals(Buffer.from(input))).toBe(true);
  });
});
