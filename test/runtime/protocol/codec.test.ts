// The schema interpreter: for every API, side and version, values generated from the schema
// itself survive encode -> decode unchanged, and decode -> encode gives back the same bytes.
// Then the flexible-version machinery (compact lengths, tagged fields) on a small test schema.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { apiNames } from "../../../core/protocol/index.ts";
import { apiCodecs } from "../../../runtime/protocol/apis/index.ts";
import { decodeMessage, encodeMessage } from "../../../runtime/protocol/codec.ts";
import { defineMessage } from "../../../runtime/protocol/schema.ts";
import { messageArbitrary, versionsOf } from "./support/schema-arbitrary.ts";

const cases = apiNames.flatMap((name) =>
  (["request", "response"] as const).flatMap((side) => {
    const schema = apiCodecs[name][side].schema;
    return versionsOf(schema).map((version) => ({ name, side, version, schema }));
  }),
);

describe("every schema at every version", () => {
  it("covers all 29 APIs, both sides", () => {
    expect(new Set(cases.map((c) => c.name)).size).toBe(29);
    expect(cases.length).toBeGreaterThan(200);
  });

  it.each(cases)("$name $side v$version: encode -> decode -> equal, and back to the same bytes", ({
    schema,
    version,
  }) => {
    fc.assert(
      fc.property(messageArbitrary(schema, version), (value) => {
        const bytes = encodeMessage(schema, version, value as never);
        const decoded = decodeMessage(schema, version, bytes);
        expect(decoded).toEqual({ ok: true, value });
        if (!decoded.ok) return;
        expect(encodeMessage(schema, version, decoded.value)).toEqual(bytes);
      }),
      { numRuns: 25 },
    );
  });
});

const taggedSchema = defineMessage({
  name: "TaggedTest",
  apiKey: 999,
  validVersions: "0-1",
  flexibleVersions: "1+",
  fields: [
    { name: "name", type: "string", versions: "0+", nullableVersions: "1+" },
    { name: "items", type: "[]int32", versions: "0+" },
    { name: "note", type: "string", versions: "1+", tag: 0, taggedVersions: "1+", default: "" },
    { name: "epoch", type: "int64", versions: "1+", tag: 5, taggedVersions: "1+", default: -1 },
  ],
});

const fromHex = (text: string) =>
  Uint8Array.from(text.replace(/\s+/g, "").match(/../g) ?? [], (p) => Number.parseInt(p, 16));
const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

describe("flexible versions and tagged fields", () => {
  it.each<[string, number, Record<string, unknown>, string]>([
    [
      "classic v0",
      0,
      { name: "ab", items: [1], note: "", epoch: -1 },
      "0002 6162 00000001 00000001",
    ],
    [
      "compact, no tags",
      1,
      { name: "ab", items: [1], note: "", epoch: -1 },
      "03 6162 02 00000001 00",
    ],
    ["compact null string", 1, { name: null, items: [], note: "", epoch: -1 }, "00 01 00"],
    [
      "two tags in ascending order",
      1,
      { name: "", items: [], note: "x", epoch: 7 },
      "01 01 02 00 02 0278 05 08 0000000000000007",
    ],
  ])("%s", (_name, version, value, expected) => {
    const bytes = encodeMessage(taggedSchema, version, value as never);
    expect(hex(bytes)).toBe(expected.replace(/\s+/g, ""));
    expect(decodeMessage(taggedSchema, version, bytes)).toEqual({ ok: true, value });
  });

  it("skips unknown tags", () => {
    const bytes = fromHex("01 01 02 03 03 aabbcc 05 08 0000000000000009");
    expect(decodeMessage(taggedSchema, 1, bytes)).toEqual({
      ok: true,
      value: { name: "", items: [], note: "", epoch: 9 },
    });
  });

  it.each<[string, string, string]>([
    ["tags out of order", "01 01 02 05 08 0000000000000009 00 02 0278", "bad-tagged-fields"],
    ["a repeated tag", "01 01 02 00 02 0278 00 02 0278", "bad-tagged-fields"],
    [
      "a known tag whose size is too big",
      "01 01 01 05 09 0000000000000009 00",
      "bad-tagged-fields",
    ],
    ["an unknown tag's size past the end", "01 01 01 03 09 00", "truncated"],
    ["a known tag's size past the end", "01 01 01 05 09 00", "truncated"],
    ["a null where v1 needs a non-null array", "01 00 00", "unexpected-null"],
    ["a tag count past the end", "01 01 05", "truncated"],
  ])("%s is a DecodeError", (_name, input, type) => {
    const decoded = decodeMessage(taggedSchema, 1, fromHex(input));
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error.type).toBe(type);
  });

  it("a null in a classic non-nullable string is a DecodeError", () => {
    const decoded = decodeMessage(taggedSchema, 0, fromHex("ffff 00000000"));
    expect(decoded).toMatchObject({ ok: false, error: { type: "unexpected-null" } });
  });

  it("encoding a null into a non-nullable version is a bug (assert)", () => {
    expect(() =>
      encodeMessage(taggedSchema, 0, { name: null, items: [], note: "", epoch: -1 } as never),
    ).toThrow(/not nullable/);
  });
});
