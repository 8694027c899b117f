// Header keys are UTF-8: core's hand-written codec must answer exactly as the WHATWG TextEncoder
// and TextDecoder do (malformed bytes become U+FFFD, never an exception).

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { readUtf8, utf8ByteLength, writeUtf8 } from "../../../core/log/record-batch-utf8.ts";

const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
const encoder = new TextEncoder();

function encode(text: string): Uint8Array {
  const out = new Uint8Array(utf8ByteLength(text));
  expect(writeUtf8(out, 0, text)).toBe(out.length);
  return out;
}

describe("utf8", () => {
  it.each([
    ["ascii", "trace-id"],
    ["two-byte", "café"],
    ["three-byte", "日本"],
    ["astral (surrogate pair)", "😀x"],
    ["lone high surrogate", "a\ud800b"],
    ["lone low surrogate at the end", "a\udc00"],
    ["empty", ""],
  ])("encodes %s as TextEncoder does", (_name, text) => {
    expect(encode(text)).toEqual(encoder.encode(text));
  });

  it.each([
    ["truncated 3-byte sequence", [0xe6, 0x97]],
    ["overlong slash", [0xc0, 0xaf]],
    ["encoded surrogate", [0xed, 0xa0, 0x80]],
    ["above U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
    ["stray continuation", [0x80, 0x41]],
    ["byte 0xff", [0xff]],
    ["BOM kept", [0xef, 0xbb, 0xbf, 0x41]],
  ])("decodes %s as TextDecoder does", (_name, bytes) => {
    const input = Uint8Array.from(bytes);
    expect(readUtf8(input, 0, input.length)).toBe(decoder.decode(input));
  });

  test.prop([fc.string({ unit: "binary", maxLength: 40 })])("round-trips valid strings", (text) => {
    expect(readUtf8(encode(text), 0, utf8ByteLength(text))).toBe(text);
  });

  test.prop([fc.string({ unit: "binary-ascii", maxLength: 40 }), fc.string({ maxLength: 20 })])(
    "encodes any string (lone surrogates included) as TextEncoder does",
    (a, b) => {
      const text = `${a}\ud83d${b}`;
      expect(encode(text)).toEqual(encoder.encode(text));
    },
  );

  test.prop([fc.uint8Array({ maxLength: 64 }), fc.nat(8)])(
    "decodes any bytes (and subranges) as TextDecoder does",
    (bytes, skip) => {
      const start = Math.min(skip, bytes.length);
      expect(readUtf8(bytes, start, bytes.length)).toBe(decoder.decode(bytes.subarray(start)));
    },
  );

  test.prop([
    fc.string({ unit: "binary", maxLength: 20 }),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0x80, max: 0xff })), { maxLength: 4 }),
    fc.nat(),
  ])("decodes damaged multi-byte text as TextDecoder does", (text, damage, cut) => {
    const bytes = encoder.encode(text);
    for (const [at, value] of damage) if (bytes.length > 0) bytes[at % bytes.length] = value;
    const end = bytes.length === 0 ? 0 : cut % (bytes.length + 1);
    expect(readUtf8(bytes, 0, end)).toBe(decoder.decode(bytes.subarray(0, end)));
  });

  it("decodes long inputs past the chunk size", () => {
    const text = "é".repeat(10_000);
    expect(readUtf8(encode(text), 0, 20_000)).toBe(text);
  });
});
