// The primitive reader and writer: golden bytes per primitive (tables), write -> read round trips
// (fast-check), and every malformed input is a DecodeError value, never an exception.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { Reader } from "../../../runtime/protocol/reader.ts";
import { Writer } from "../../../runtime/protocol/writer.ts";

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const fromHex = (text: string) =>
  Uint8Array.from(text.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));

function written(write: (w: Writer) => void): string {
  const w = new Writer();
  write(w);
  return hex(w.finish());
}

describe("writer golden bytes", () => {
  it.each<[string, (w: Writer) => void, string]>([
    ["int8 -1", (w) => w.int8(-1), "ff"],
    ["int16 -2", (w) => w.int16(-2), "fffe"],
    ["int32 0x01020304", (w) => w.int32(0x01020304), "01020304"],
    ["uint32 max", (w) => w.uint32(0xffffffff), "ffffffff"],
    ["int64 -1", (w) => w.int64(-1), "ffffffffffffffff"],
    ["int64 2^53-1", (w) => w.int64(Number.MAX_SAFE_INTEGER), "001fffffffffffff"],
    ["int64 -(2^53-1)", (w) => w.int64(-Number.MAX_SAFE_INTEGER), "ffe0000000000001"],
    ["int64 2^32", (w) => w.int64(2 ** 32), "0000000100000000"],
    ["bool", (w) => w.bool(true), "01"],
    ["uvarint 0", (w) => w.uvarint(0), "00"],
    ["uvarint 127", (w) => w.uvarint(127), "7f"],
    ["uvarint 128", (w) => w.uvarint(128), "8001"],
    ["uvarint 300", (w) => w.uvarint(300), "ac02"],
    ["uvarint 2^32-1", (w) => w.uvarint(0xffffffff), "ffffffff0f"],
    ["varint -1 (zigzag)", (w) => w.varint(-1), "01"],
    ["varint 1 (zigzag)", (w) => w.varint(1), "02"],
    ["varlong -2^31", (w) => w.varlong(-(2 ** 31)), "ffffffff0f"],
    ["string", (w) => w.string("int16", "ab"), "00026162"],
    ["compact string", (w) => w.string("compact", "ab"), "036162"],
    ["null string", (w) => w.lengthPrefix("int16", -1), "ffff"],
    ["compact null", (w) => w.lengthPrefix("compact", -1), "00"],
    ["utf-8 string", (w) => w.string("int16", "é"), "0002c3a9"],
    ["uuid", (w) => w.uuid("000102030405060708090a0b0c0d0e0f"), "000102030405060708090a0b0c0d0e0f"],
  ])("%s", (_name, write, expected) => {
    expect(written(write)).toBe(expected);
  });

  it("keeps large byte fields by reference and joins them once", () => {
    const big = new Uint8Array(5000).fill(7);
    const w = new Writer();
    w.int8(1);
    w.raw(big);
    w.int8(2);
    const out = w.finish();
    expect(out.length).toBe(5002);
    expect([out[0], out[1], out[5000], out[5001]]).toEqual([1, 7, 7, 2]);
  });

  it("a framed writer prefixes the size of what follows", () => {
    const w = new Writer(true);
    w.int32(7);
    w.raw(new Uint8Array(2000));
    const out = w.finish();
    expect(new DataView(out.buffer, out.byteOffset).getInt32(0)).toBe(2004);
    expect(out.length).toBe(2008);
  });

  it.each([
    ["int8 128", (w: Writer) => w.int8(128)],
    ["int16 40000", (w: Writer) => w.int16(40000)],
    ["int32 2^31", (w: Writer) => w.int32(2 ** 31)],
    ["int64 2^53", (w: Writer) => w.int64(2 ** 53)],
    ["uvarint -1", (w: Writer) => w.uvarint(-1)],
    ["uuid short", (w: Writer) => w.uuid("00")],
  ])("asserts on an out-of-range %s (a bug in the caller)", (_name, write) => {
    expect(() => write(new Writer())).toThrow();
  });
});

describe("reader", () => {
  it("reads what the writer wrote, for every primitive", () => {
    const w = new Writer();
    w.int8(-5);
    w.int16(-300);
    w.uint16(65000);
    w.int32(-70000);
    w.uint32(4000000000);
    w.int64(-1234567890123);
    w.float64(1.5);
    w.bool(true);
    w.uvarint(1234567);
    w.varint(-99);
    w.varlong(-(2 ** 40));
    w.string("compact", "héllo");
    w.uuid("ffeeddccbbaa99887766554433221100");
    const r = new Reader(w.finish());
    expect([
      r.int8("a"),
      r.int16("b"),
      r.uint16("c"),
      r.int32("d"),
      r.uint32("e"),
      r.int64("f"),
      r.float64("g"),
      r.bool("h"),
      r.uvarint("i"),
      r.varint("j"),
      r.varlong("k"),
      r.utf8(r.lengthPrefix("compact", "l"), "l"),
      r.uuid("m"),
    ]).toEqual([
      -5,
      -300,
      65000,
      -70000,
      4000000000,
      -1234567890123,
      1.5,
      true,
      1234567,
      -99,
      -(2 ** 40),
      "héllo",
      "ffeeddccbbaa99887766554433221100",
    ]);
    expect(r.error).toBeUndefined();
    expect(r.remaining).toBe(0);
  });

  it.each<[string, string, (r: Reader) => unknown, string]>([
    ["int32 past the end", "000000", (r) => r.int32("x"), "truncated"],
    ["int64 past the end", "00000000000000", (r) => r.int64("x"), "truncated"],
    ["int64 2^53", "0020000000000000", (r) => r.int64("x"), "unsafe-int64"],
    ["int64 -2^53", "ffe0000000000000", (r) => r.int64("x"), "unsafe-int64"],
    ["int64 max", "7fffffffffffffff", (r) => r.int64("x"), "unsafe-int64"],
    ["uvarint of 6 bytes", "808080808001", (r) => r.uvarint("x"), "bad-varint"],
    ["uvarint past 32 bits", "ffffffff1f", (r) => r.uvarint("x"), "bad-varint"],
    ["uvarint cut short", "8080", (r) => r.uvarint("x"), "truncated"],
    ["varint of 6 bytes", "ffffffffff01", (r) => r.varint("x"), "bad-varint"],
    ["varlong of 11 bytes", "ffffffffffffffffffff01", (r) => r.varlong("x"), "bad-varint"],
    ["string length -2", "fffe", (r) => r.lengthPrefix("int16", "x"), "bad-length"],
    ["string longer than the frame", "000561", (r) => r.lengthPrefix("int16", "x"), "truncated"],
    ["bytes length -5", "fffffffb", (r) => r.lengthPrefix("int32", "x"), "bad-length"],
    ["compact length past the frame", "0a61", (r) => r.lengthPrefix("compact", "x"), "truncated"],
    [
      "compact length past int32",
      "ffffffff0f",
      (r) => r.lengthPrefix("compact", "x"),
      "bad-length",
    ],
    ["array count -2", "fffffffe", (r) => r.arrayLength(false, "x"), "bad-length"],
    ["array count beyond the frame", "0000000500", (r) => r.arrayLength(false, "x"), "bad-length"],
    ["compact array count beyond", "0500", (r) => r.arrayLength(true, "x"), "bad-length"],
    ["uuid past the end", "0001", (r) => r.uuid("x"), "truncated"],
  ])("%s is a %s error", (_name, input, read, type) => {
    const r = new Reader(fromHex(input));
    read(r);
    expect(r.error?.type).toBe(type);
  });

  it("null lengths are -1 (classic and compact)", () => {
    expect(new Reader(fromHex("ffff")).lengthPrefix("int16", "x")).toBe(-1);
    expect(new Reader(fromHex("ffffffff")).arrayLength(false, "x")).toBe(-1);
    expect(new Reader(fromHex("00")).lengthPrefix("compact", "x")).toBe(-1);
    expect(new Reader(fromHex("00")).arrayLength(true, "x")).toBe(-1);
  });

  it("keeps the first error and fails every later read", () => {
    const r = new Reader(fromHex("0102"));
    r.int32("first");
    expect(r.int8("second")).toBe(0);
    expect(r.error).toMatchObject({ type: "truncated", what: "first" });
  });

  it("decodes malformed UTF-8 with replacement characters, like Java", () => {
    const r = new Reader(fromHex("61ff62"));
    expect(r.utf8(3, "x")).toBe("a\ufffdb");
  });

  test.prop([fc.uint8Array({ maxLength: 64 })])("random bytes never make a read throw", (bytes) => {
    const r = new Reader(bytes);
    r.uvarint("a");
    r.lengthPrefix("compact", "b");
    r.int64("c");
    r.arrayLength(false, "d");
    r.varlong("e");
    r.nullableString("f");
    expect(r.pos).toBeLessThanOrEqual(bytes.length);
  });

  test.prop([
    fc.maxSafeInteger(),
    fc.integer({ min: 0, max: 0xffffffff }),
    fc.string({ unit: "grapheme", maxLength: 200 }),
  ])("int64, uvarint and strings round trip", (long, unsigned, text) => {
    const w = new Writer();
    w.int64(long);
    w.uvarint(unsigned);
    w.string("int16", text);
    const r = new Reader(w.finish());
    expect(r.int64("a")).toBe(long);
    expect(r.uvarint("b")).toBe(unsigned);
    const n = r.lengthPrefix("int16", "c");
    expect(r.utf8(n, "c")).toBe(text);
  });
});
