// fast-check arbitraries derived from a message schema at one version: every field of every
// version is generated, absent fields take their defaults (what a decoder yields), and null
// appears exactly where the version allows it. Also a random mutator of valid frames for fuzzing.

import fc from "fast-check";
import type {
  CompiledField,
  CompiledStruct,
  MessageSchema,
  Primitive,
} from "../../../../runtime/protocol/schema.ts";
import { defaultOf } from "../../../../runtime/protocol/schema.ts";
import { inRange } from "../../../../runtime/protocol/versions.ts";

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

function primitiveArbitrary(primitive: Primitive): fc.Arbitrary<unknown> {
  switch (primitive) {
    case "bool":
      return fc.boolean();
    case "int8":
      return fc.integer({ min: -128, max: 127 });
    case "int16":
      return fc.integer({ min: -32768, max: 32767 });
    case "uint16":
      return fc.integer({ min: 0, max: 0xffff });
    case "int32":
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case "uint32":
      return fc.integer({ min: 0, max: 0xffffffff });
    case "int64":
      return fc.oneof(fc.integer({ min: -2, max: 1000 }), fc.maxSafeInteger());
    case "float64":
      return fc.double({ noNaN: true }).map((d) => (Object.is(d, -0) ? 0 : d));
    case "string":
      return fc.string({ unit: "grapheme", maxLength: 12 });
    case "bytes":
      return fc.uint8Array({ maxLength: 16 });
    case "records":
      return fc.option(fc.uint8Array({ maxLength: 80 }), { nil: null });
    case "uuid":
      return fc.uint8Array({ minLength: 16, maxLength: 16 }).map(hex);
    default:
      throw new Error(`no arbitrary for ${primitive satisfies never}`);
  }
}

function fieldArbitrary(field: CompiledField, version: number): fc.Arbitrary<unknown> {
  const kind = field.kind;
  let value: fc.Arbitrary<unknown>;
  if (kind.type === "primitive") value = primitiveArbitrary(kind.primitive);
  else if (kind.type === "struct") value = structArbitrary(kind.struct, version);
  else {
    const element =
      typeof kind.element === "string"
        ? primitiveArbitrary(kind.element)
        : structArbitrary(kind.element, version);
    value = fc.array(element, { maxLength: 3 });
  }
  return inRange(field.nullableVersions, version) ? fc.option(value, { nil: null }) : value;
}

export function structArbitrary(
  struct: CompiledStruct,
  version: number,
): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of struct.fields) {
    model[field.name] = inRange(field.versions, version)
      ? fieldArbitrary(field, version)
      : fc.constant(null).map(() => defaultOf(field));
  }
  return fc.record(model);
}

/** A wire value of `schema` at `version`, as the decoder would produce it. */
export function messageArbitrary(
  schema: MessageSchema,
  version: number,
): fc.Arbitrary<Record<string, unknown>> {
  return structArbitrary(schema.struct, version);
}

/** Every version a schema speaks. */
export function versionsOf(schema: MessageSchema): number[] {
  const out: number[] = [];
  for (let v = schema.validVersions.min; v <= schema.validVersions.max; v++) out.push(v);
  return out;
}

export type Mutation =
  | { readonly type: "truncate"; readonly at: number }
  | { readonly type: "flip"; readonly at: number; readonly bit: number }
  | { readonly type: "insert"; readonly at: number; readonly bytes: Uint8Array }
  | { readonly type: "overwrite"; readonly at: number; readonly byte: number };

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ type: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    type: fc.constant("flip" as const),
    at: fc.nat(),
    bit: fc.integer({ min: 0, max: 7 }),
  }),
  fc.record({
    type: fc.constant("insert" as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({
    type: fc.constant("overwrite" as const),
    at: fc.nat(),
    byte: fc.constantFrom(0x00, 0x7f, 0x80, 0xff),
  }),
);

/** Applies mutations in order; positions wrap modulo the current length. */
export function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out = bytes.slice();
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % out.length;
    if (m.type === "truncate") out = out.slice(0, at);
    else if (m.type === "flip" && out.length > 0) out[at] = out[at]! ^ (1 << m.bit);
    else if (m.type === "overwrite" && out.length > 0) out[at] = m.byte;
    else if (m.type === "insert") {
      const next = new Uint8Array(out.length + m.bytes.length);
      next.set(out.subarray(0, at));
      next.set(m.bytes, at);
      next.set(out.subarray(at), at + m.bytes.length);
      out = next;
    }
  }
  return out;
}
