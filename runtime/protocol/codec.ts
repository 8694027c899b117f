// The one reader and the one writer of Kafka messages: they interpret any schema at any version
// (flexible versions use compact lengths and tagged fields). Decoding fills absent fields with
// their defaults and returns a DecodeError value for bad bytes; encoding asserts well-typed input.

import { assert, assertNever } from "../../core/assert.ts";
import type { Result } from "../../core/result.ts";
import { err, ok } from "../../core/result.ts";
import type { DecodeError } from "./decode-error.ts";
import { Reader } from "./reader.ts";
import {
  type CompiledField,
  type CompiledStruct,
  defaultOf,
  type FieldKind,
  type MessageSchema,
  type MessageValue,
  type Primitive,
} from "./schema.ts";
import { inRange } from "./versions.ts";
import { Writer } from "./writer.ts";

/** Decodes one message body at `version`; trailing bytes are ignored, as Kafka does. */
export function decodeMessage<S extends MessageSchema>(
  schema: S,
  version: number,
  bytes: Uint8Array,
): Result<MessageValue<S>, DecodeError> {
  const reader = new Reader(bytes);
  const value = readMessage(schema, version, reader);
  return reader.error === undefined ? ok(value) : err(reader.error);
}

/** Reads one message body from `reader`; on failure `reader.error` says why. */
export function readMessage<S extends MessageSchema>(
  schema: S,
  version: number,
  reader: Reader,
): MessageValue<S> {
  assert(inRange(schema.validVersions, version), `${schema.name} v${version} is not spoken`);
  const flexible = inRange(schema.flexibleVersions, version);
  return readStruct(schema.struct, version, flexible, reader) as MessageValue<S>;
}

export function encodeMessage<S extends MessageSchema>(
  schema: S,
  version: number,
  value: MessageValue<S>,
): Uint8Array {
  const writer = new Writer();
  writeMessage(schema, version, value, writer);
  return writer.finish();
}

/** Writes one message body; `value` must have the schema's shape (asserted field by field). */
export function writeMessage<S extends MessageSchema>(
  schema: S,
  version: number,
  value: unknown,
  writer: Writer,
): void {
  assert(inRange(schema.validVersions, version), `${schema.name} v${version} is not spoken`);
  const flexible = inRange(schema.flexibleVersions, version);
  writeStruct(schema.struct, version, flexible, value as Record<string, unknown>, writer);
}

// ---- decoding ----

function readStruct(
  struct: CompiledStruct,
  version: number,
  flexible: boolean,
  reader: Reader,
): Record<string, unknown> {
  const layout = struct.layout(version);
  const value: Record<string, unknown> = {};
  for (const field of layout.regular)
    value[field.name] = readField(field, version, flexible, reader);
  for (const field of layout.tagged) value[field.name] = defaultOf(field);
  for (const field of layout.absent) value[field.name] = defaultOf(field);
  if (flexible) readTaggedFields(struct, version, reader, value);
  return value;
}

/** Reads a tagged-field section: tags ascend; known tags must fill their size exactly. */
function readTaggedFields(
  struct: CompiledStruct,
  version: number,
  reader: Reader,
  value: Record<string, unknown>,
): void {
  const tagged = struct.layout(version).tagged;
  const count = reader.uvarint(`${struct.name} tagged field count`);
  let previous = -1;
  for (let i = 0; i < count && reader.error === undefined; i++) {
    const at = reader.pos;
    const tag = reader.uvarint(`${struct.name} tag`);
    const size = reader.tagSize(`${struct.name} tag ${tag}`);
    if (reader.error !== undefined) return;
    if (tag <= previous) {
      reader.fail({ type: "bad-tagged-fields", at, tag, what: struct.name });
      return;
    }
    previous = tag;
    const field = tagged.find((f) => f.tag === tag);
    if (field === undefined) {
      reader.skip(size, `${struct.name} tag ${tag}`);
      continue;
    }
    const end = reader.pos + size;
    const inner = new Reader(reader.bytes, reader.pos, end);
    value[field.name] = readField(field, version, true, inner);
    if (inner.error !== undefined) reader.fail(inner.error);
    else if (inner.pos !== end)
      reader.fail({ type: "bad-tagged-fields", at, tag, what: struct.name });
    else reader.pos = end;
  }
}

function readField(
  field: CompiledField,
  version: number,
  flexible: boolean,
  reader: Reader,
): unknown {
  const kind = field.kind;
  const nullable = inRange(field.nullableVersions, version);
  switch (kind.type) {
    case "primitive":
      return readPrimitive(kind.primitive, field, nullable, flexible, reader);
    case "array": {
      const count = reader.arrayLength(flexible, field.name);
      if (count === -1) return nullOr(field, nullable, reader);
      const items: unknown[] = [];
      const element = kind.element;
      for (let i = 0; i < count && reader.error === undefined; i++) {
        items.push(
          typeof element === "string"
            ? readPrimitive(element, field, false, flexible, reader)
            : readStruct(element, version, flexible, reader),
        );
      }
      return items;
    }
    case "struct": {
      if (nullable && reader.int8(field.name) < 0) return null;
      return readStruct(kind.struct, version, flexible, reader);
    }
    default:
      return assertNever(kind, "field kind");
  }
}

function nullOr(field: CompiledField, nullable: boolean, reader: Reader): null {
  if (!nullable) reader.fail({ type: "unexpected-null", at: reader.pos, what: field.name });
  return null;
}

function readPrimitive(
  primitive: Primitive,
  field: CompiledField,
  nullable: boolean,
  flexible: boolean,
  reader: Reader,
): unknown {
  const what = field.name;
  switch (primitive) {
    case "bool":
      return reader.bool(what);
    case "int8":
      return reader.int8(what);
    case "int16":
      return reader.int16(what);
    case "uint16":
      return reader.uint16(what);
    case "int32":
      return reader.int32(what);
    case "uint32":
      return reader.uint32(what);
    case "int64":
      return reader.int64(what);
    case "float64":
      return reader.float64(what);
    case "uuid":
      return reader.uuid(what);
    case "string": {
      const n = reader.lengthPrefix(flexible ? "compact" : "int16", what);
      return n === -1 ? nullOr(field, nullable, reader) : reader.utf8(n, what);
    }
    case "bytes":
    case "records": {
      const n = reader.lengthPrefix(flexible ? "compact" : "int32", what);
      // Records are nullable in every version; a null record set is how Kafka says "none".
      if (n === -1) return nullOr(field, nullable || primitive === "records", reader);
      return reader.view(n, what);
    }
    default:
      return assertNever(primitive, "primitive");
  }
}

// ---- encoding ----

function writeStruct(
  struct: CompiledStruct,
  version: number,
  flexible: boolean,
  value: Record<string, unknown>,
  writer: Writer,
): void {
  assert(typeof value === "object" && value !== null, `${struct.name} must be an object`);
  const layout = struct.layout(version);
  for (const field of layout.regular)
    writeField(field, version, flexible, value[field.name], writer);
  if (!flexible) return;
  const present = layout.tagged.filter((f) => !isDefault(f, value[f.name]));
  writer.uvarint(present.length);
  for (const field of present) {
    const inner = new Writer();
    writeField(field, version, true, value[field.name], inner);
    const bytes = inner.finish();
    writer.uvarint(field.tag);
    writer.uvarint(bytes.length);
    writer.raw(bytes);
  }
}

/** Tagged fields equal to their default are left off the wire (Kafka's rule). */
function isDefault(field: CompiledField, value: unknown): boolean {
  const fallback = defaultOf(field);
  if (Array.isArray(value)) return Array.isArray(fallback) && value.length === 0;
  if (value instanceof Uint8Array) return fallback instanceof Uint8Array && value.length === 0;
  if (typeof value === "object" && value !== null) return false;
  return value === fallback;
}

function writeField(
  field: CompiledField,
  version: number,
  flexible: boolean,
  value: unknown,
  writer: Writer,
): void {
  const kind = field.kind;
  const nullable = inRange(field.nullableVersions, version);
  if (value === null) {
    const isRecords = kind.type === "primitive" && kind.primitive === "records";
    assert(nullable || isRecords, `${field.name} is not nullable at v${version}`);
    if (kind.type === "struct") writer.int8(-1);
    else writer.lengthPrefix(nullPrefix(kind, flexible), -1);
    return;
  }
  switch (kind.type) {
    case "primitive":
      writePrimitive(kind.primitive, field.name, flexible, value, writer);
      break;
    case "array": {
      assert(Array.isArray(value), `${field.name} must be an array`);
      writer.lengthPrefix(flexible ? "compact" : "int32", value.length);
      const element = kind.element;
      for (const item of value) {
        if (typeof element === "string")
          writePrimitive(element, field.name, flexible, item, writer);
        else writeStruct(element, version, flexible, item as Record<string, unknown>, writer);
      }
      break;
    }
    case "struct":
      if (nullable) writer.int8(1);
      writeStruct(kind.struct, version, flexible, value as Record<string, unknown>, writer);
      break;
    default:
      assertNever(kind, "field kind");
  }
}

/** The length prefix that says "null" for an array or a string/bytes/records field. */
function nullPrefix(kind: FieldKind, flexible: boolean): "int16" | "int32" | "compact" {
  if (flexible) return "compact";
  return kind.type === "primitive" && kind.primitive === "string" ? "int16" : "int32";
}

function writePrimitive(
  primitive: Primitive,
  name: string,
  flexible: boolean,
  value: unknown,
  writer: Writer,
): void {
  if (primitive === "bool") {
    assert(typeof value === "boolean", `${name} must be a boolean`);
    writer.bool(value);
  } else if (primitive === "string") {
    assert(typeof value === "string", `${name} must be a string`);
    writer.string(flexible ? "compact" : "int16", value);
  } else if (primitive === "uuid") {
    assert(typeof value === "string", `${name} must be a uuid string`);
    writer.uuid(value);
  } else if (primitive === "bytes" || primitive === "records") {
    assert(value instanceof Uint8Array, `${name} must be a Uint8Array`);
    writer.lengthPrefix(flexible ? "compact" : "int32", value.length);
    writer.raw(value);
  } else {
    assert(typeof value === "number", `${name} must be a number`);
    writeNumber(primitive, value, writer);
  }
}

function writeNumber(
  primitive: "int8" | "int16" | "uint16" | "int32" | "uint32" | "int64" | "float64",
  value: number,
  writer: Writer,
): void {
  switch (primitive) {
    case "int8":
      writer.int8(value);
      break;
    case "int16":
      writer.int16(value);
      break;
    case "uint16":
      writer.uint16(value);
      break;
    case "int32":
      writer.int32(value);
      break;
    case "uint32":
      writer.uint32(value);
      break;
    case "int64":
      writer.int64(value);
      break;
    case "float64":
      writer.float64(value);
      break;
    default:
      assertNever(primitive, "number type");
  }
}
