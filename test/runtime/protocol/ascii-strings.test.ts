// Interned ASCII decoding against the naive model (one character per byte): any bytes, at any
// offset, more distinct strings than the table has slots (collisions), decoded again and again.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { asciiString } from "../../../runtime/protocol/ascii-strings.ts";

function naive(bytes: Uint8Array): string | undefined {
  if (bytes.some((b) => b >= 0x80)) return undefined;
  return Array.from(bytes, (b) => String.fromCharCode(b)).join("");
}

describe("asciiString", () => {
  it.each<[string, number[], string | undefined]>([
    ["empty", [], ""],
    ["a topic name", [...Buffer.from("orders-7")], "orders-7"],
    ["a NUL and a DEL", [0, 0x7f], "\u0000\u007f"],
    ["a byte of UTF-8", [0x61, 0xc3, 0xa9], undefined],
  ])("%s", (_name, bytes, expected) => {
    expect(asciiString(Uint8Array.from(bytes), 0, bytes.length)).toBe(expected);
  });

  it("decodes like the naive model, whatever was decoded before (property)", () => {
    const text = fc.uint8Array({ maxLength: 80 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(text, fc.nat(5)), { minLength: 1200, maxLength: 2000 }),
        (all) => {
          for (const [bytes, pad] of all) {
            const framed = new Uint8Array(pad + bytes.length + 1).fill(0x41);
            framed.set(bytes, pad);
            const out = asciiString(framed, pad, pad + bytes.length);
            expect(out).toBe(naive(bytes));
          }
        },
      ),
      { numRuns: 5 },
    );
  });

  it("decodes a repeated name the same from any copy of its bytes", () => {
    const bytes = Uint8Array.from(Buffer.from("runnel-bench"));
    expect(asciiString(bytes, 0, bytes.length)).toBe("runnel-bench");
    expect(asciiString(bytes, 0, bytes.length)).toBe(asciiString(bytes.slice(), 0, bytes.length));
  });

  it("leaves strings too long for one call to the caller", () => {
    const long = new Uint8Array(5000).fill(0x61);
    expect(asciiString(long, 0, 4096)).toBe("a".repeat(4096));
    expect(asciiString(long, 0, 5000)).toBeUndefined();
  });
});
