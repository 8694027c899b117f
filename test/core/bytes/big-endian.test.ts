// The shared big-endian writer and readers: golden bytes per primitive (checked against DataView's
// own encoding), writer/reader round trips, and short or bad input as kept failures, never throws.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { KafkaReader } from "../../../core/bytes/kafka-reader.ts";
import { KafkaWriter } from "../../../core/bytes/kafka-writer.ts";
import { ByteReader } from "../../../core/metadata/codec/byte-reader.ts";

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

describe("KafkaWriter", () => {
  it.each<[string, (w: KafkaWriter) => unknown, string]>([
    ["int16 -2", (w) => w.i16(-2), "fffe"],
    ["int32 -1", (w) => w.i32(-1), "ffffffff"],
    ["u32 max", (w) => w.u32(2 ** 32 - 1), "ffffffff"],
    ["int64 -1", (w) => w.i64(-1), "ffffffffffffffff"],
    ["int64 2^40 + 5", (w) => w.i64(2 ** 40 + 5), "0000010000000005"],
    ["null string", (w) => w.nullableString(null), "ffff"],
    ["string é", (w) => w.string("é"), "0002c3a9"],
    ["null bytes", (w) => w.nullableBytes(null), "ffffffff"],
    ["bytes", (w) => w.bytes(Uint8Array.of(1, 2)), "000000020102"],
  ])("%s", (_name, write, expected) => {
    const w = new KafkaWriter();
    write(w);
    expect(hex(w.finish())).toBe(expected);
  });

  it("grows past its first buffer and patches a u32 in place", () => {
    const w = new KafkaWriter(8);
    w.u32(0).raw(new Uint8Array(100).fill(7));
    w.patchU32(0, 0xdeadbeef);
    const bytes = w.finish();
    expect(bytes.length).toBe(104);
    expect(hex(bytes.subarray(0, 5))).toBe("deadbeef07");
  });

  it("refuses an out-of-range value as a bug", () => {
    expect(() => new KafkaWriter().i16(0x8000)).toThrow();
    expect(() => new KafkaWriter().i64(2 ** 53)).toThrow();
  });
});

describe("KafkaReader", () => {
  test.prop([
    fc.integer({ min: -(2 ** 15), max: 2 ** 15 - 1 }),
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    fc.maxSafeInteger().chain((v) => fc.constantFrom(v, -v)),
    fc.option(fc.string({ unit: "grapheme", maxLength: 20 })),
    fc.option(fc.uint8Array({ maxLength: 20 })),
  ])("reads back what the writer wrote", (a, b, c, text, bytes) => {
    const w = new KafkaWriter().i16(a).i32(b).i64(c).nullableString(text).nullableBytes(bytes);
    const r = new KafkaReader(w.finish());
    expect([r.i16(), r.i32(), r.i64(), r.nullableString(), r.nullableBytes()]).toEqual([
      a,
      b,
      c,
      text,
      bytes,
    ]);
    expect(r.failure).toBeUndefined();
    expect(r.remaining).toBe(0);
  });

  it.each<[string, string, (r: KafkaReader) => unknown, string, number]>([
    ["a short int32", "000102", (r) => r.i32(), "truncated", 0],
    ["an unsafe int64", "7fffffffffffffff", (r) => r.i64(), "unsafe-int64", 0],
    ["string length -2", "fffe", (r) => r.string(), "bad-length", 0],
    ["a null string", "ffff", (r) => r.string(), "unexpected-null", 0],
    ["a null byte field", "ffffffff", (r) => r.bytes(), "unexpected-null", 0],
    ["a string past the end", "0005616263", (r) => r.string(), "truncated", 2],
    ["an array count past the end", "7fffffff00", (r) => r.array(4, () => r.i32()), "truncated", 0],
  ])("%s is a kept failure", (_name, input, read, type, at) => {
    const bytes = Uint8Array.from(input.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
    const r = new KafkaReader(bytes);
    read(r);
    expect(r.failure).toMatchObject({ type, at });
    expect(r.i32()).toBe(0);
    expect(r.failure).toMatchObject({ type, at });
  });
});

describe("metadata ByteReader", () => {
  it("words a short read and an unsafe int64 as the metadata codecs always have", () => {
    const short = new ByteReader(Uint8Array.of(0, 1, 0));
    short.u16();
    short.u32();
    expect(short.failure).toBe("short read of u32 at 2");
    const unsafe = new ByteReader(Uint8Array.of(0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
    unsafe.i64();
    expect(unsafe.failure).toBe("int64 at 0 is not a safe integer");
  });

  it("reads only up to its end", () => {
    const r = new ByteReader(Uint8Array.of(9, 0, 0, 0, 1, 2), 1, 5);
    expect(r.u32()).toBe(1);
    expect(r.remaining).toBe(0);
    expect(r.u8()).toBe(0);
    expect(r.failure).toBe("short read of u8 at 5");
  });
});
