// Declarative message schemas in the shape of Kafka's JSON message specs, and the TypeScript type
// each one decodes to (MessageValue). One interpreter (codec.ts) reads and writes any of them;
// compile() checks a schema once (ranges, tags, defaults) and caches its per-version layout.

import { assert, assertNever } from "../../core/assert.ts";
import {
  formatVersions,
  inRange,
  NO_VERSIONS,
  overlaps,
  parseVersions,
  type VersionRange,
} from "./versions.ts";

export type Primitive =
  | "bool"
  | "int8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "float64"
  | "string"
  | "bytes"
  | "records"
  | "uuid";

const primitives: ReadonlySet<string> = new Set<Primitive>([
  "bool",
  "int8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "float64",
  "string",
  "bytes",
  "records",
  "uuid",
]);

export type DefaultValue = number | boolean | string | null;

/**
 * One field as Kafka's JSON spec writes it, name in camelCase. `type` is a primitive, "[]" + a
 * primitive, or a struct name ("TopicData", "[]TopicData") with its `fields`. A field is nullable
 * (in the domain type) exactly when `nullableVersions` is given.
 */
export interface FieldSpec {
  readonly name: string;
  readonly type: string;
  readonly versions: string;
  readonly nullableVersions?: string;
  readonly default?: DefaultValue;
  readonly tag?: number;
  readonly taggedVersions?: string;
  readonly fields?: readonly FieldSpec[];
}

export interface MessageSpec {
  /** Kafka's message name, e.g. "ProduceRequest". */
  readonly name: string;
  readonly apiKey: number;
  /** The versions Runnel speaks (a subrange of Kafka's validVersions). */
  readonly validVersions: string;
  readonly flexibleVersions: string;
  readonly fields: readonly FieldSpec[];
}

// ---- The decoded type of a schema (compile time) ----

type PrimitiveValue<T> = T extends "bool"
  ? boolean
  : T extends "string" | "uuid"
    ? string
    : T extends "bytes"
      ? Uint8Array
      : T extends "records"
        ? Uint8Array | null
        : T extends Primitive
          ? number
          : never;

type BaseValue<F extends FieldSpec> = F extends {
  readonly fields: infer Fs extends readonly FieldSpec[];
}
  ? F["type"] extends `[]${string}`
    ? readonly StructValue<Fs>[]
    : StructValue<Fs>
  : F["type"] extends `[]${infer E}`
    ? readonly PrimitiveValue<E>[]
    : PrimitiveValue<F["type"]>;

type FieldValue<F extends FieldSpec> = F extends { readonly nullableVersions: string }
  ? BaseValue<F> | null
  : BaseValue<F>;

export type StructValue<Fs extends readonly FieldSpec[]> = {
  readonly [F in Fs[number] as F["name"]]: FieldValue<F>;
};

/** The object a message decodes to (and encodes from). */
export type MessageValue<S extends MessageSchema> = StructValue<S["spec"]["fields"]>;

/** True when A and B are assignable both ways. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// ---- Compiled form (run time) ----

export type FieldKind =
  | { readonly type: "primitive"; readonly primitive: Primitive }
  | { readonly type: "array"; readonly element: Primitive | CompiledStruct }
  | { readonly type: "struct"; readonly struct: CompiledStruct };

export interface CompiledField {
  readonly name: string;
  readonly kind: FieldKind;
  readonly versions: VersionRange;
  readonly nullableVersions: VersionRange;
  /** -1 when the field is never tagged. */
  readonly tag: number;
  readonly taggedVersions: VersionRange;
  readonly defaultValue: DefaultValue | undefined;
}

export interface Layout {
  /** Fields on the wire at this version, in order. */
  readonly regular: readonly CompiledField[];
  /** Tagged fields at this version, by ascending tag. */
  readonly tagged: readonly CompiledField[];
  /** Fields absent at this version: decoded as their default. */
  readonly absent: readonly CompiledField[];
}

export class CompiledStruct {
  readonly name: string;
  readonly fields: readonly CompiledField[];
  private readonly layouts = new Map<number, Layout>();

  constructor(name: string, fields: readonly CompiledField[]) {
    this.name = name;
    this.fields = fields;
  }

  layout(version: number): Layout {
    const cached = this.layouts.get(version);
    if (cached !== undefined) return cached;
    const regular: CompiledField[] = [];
    const tagged: CompiledField[] = [];
    const absent: CompiledField[] = [];
    for (const field of this.fields) {
      if (!inRange(field.versions, version)) absent.push(field);
      else if (inRange(field.taggedVersions, version)) tagged.push(field);
      else regular.push(field);
    }
    tagged.sort((a, b) => a.tag - b.tag);
    const layout = { regular, tagged, absent };
    this.layouts.set(version, layout);
    return layout;
  }
}

export interface MessageSchema<M extends MessageSpec = MessageSpec> {
  readonly spec: M;
  readonly name: string;
  readonly apiKey: number;
  readonly validVersions: VersionRange;
  readonly flexibleVersions: VersionRange;
  readonly struct: CompiledStruct;
}

/** Checks and compiles a message spec; the literal type of `spec` gives MessageValue. */
export function defineMessage<const M extends MessageSpec>(spec: M): MessageSchema<M> {
  const validVersions = parseVersions(spec.validVersions);
  assert(validVersions.max !== Number.POSITIVE_INFINITY, `${spec.name}: validVersions is open`);
  return {
    spec,
    name: spec.name,
    apiKey: spec.apiKey,
    validVersions,
    flexibleVersions: parseVersions(spec.flexibleVersions),
    struct: compileStruct(spec.name, spec.fields, validVersions),
  };
}

function compileStruct(
  name: string,
  specs: readonly FieldSpec[],
  valid: VersionRange,
): CompiledStruct {
  const names = new Set<string>();
  const tags = new Set<number>();
  const fields = specs.map((spec) => {
    assert(!names.has(spec.name), `${name}.${spec.name} is declared twice`);
    names.add(spec.name);
    const field = compileField(name, spec, valid);
    if (field.tag >= 0) {
      assert(!tags.has(field.tag), `${name}: tag ${field.tag} is used twice`);
      tags.add(field.tag);
    }
    return field;
  });
  return new CompiledStruct(name, fields);
}

function compileField(parent: string, spec: FieldSpec, valid: VersionRange): CompiledField {
  const where = `${parent}.${spec.name}`;
  const versions = parseVersions(spec.versions);
  assert(overlaps(versions, valid), `${where}: versions ${spec.versions} are never spoken`);
  const nullableVersions =
    spec.nullableVersions === undefined ? NO_VERSIONS : parseVersions(spec.nullableVersions);
  assert(
    spec.nullableVersions === undefined || overlaps(nullableVersions, valid),
    `${where}: nullable only in versions outside ${formatVersions(valid)}; drop nullableVersions`,
  );
  const tagged = spec.taggedVersions !== undefined;
  assert(tagged === (spec.tag !== undefined), `${where}: tag and taggedVersions go together`);
  const kind = compileKind(where, spec, valid);
  assert(
    spec.default !== null || spec.nullableVersions !== undefined,
    `${where}: default null on a non-nullable field`,
  );
  return {
    name: spec.name,
    kind,
    versions,
    nullableVersions,
    tag: spec.tag ?? -1,
    taggedVersions: tagged ? parseVersions(spec.taggedVersions ?? "none") : NO_VERSIONS,
    defaultValue: spec.default,
  };
}

function compileKind(where: string, spec: FieldSpec, valid: VersionRange): FieldKind {
  const isArray = spec.type.startsWith("[]");
  const element = isArray ? spec.type.slice(2) : spec.type;
  if (spec.fields !== undefined) {
    assert(!primitives.has(element), `${where}: a struct may not be named ${element}`);
    const struct = compileStruct(`${where}`, spec.fields, valid);
    return isArray ? { type: "array", element: struct } : { type: "struct", struct };
  }
  assert(primitives.has(element), `${where}: unknown type ${spec.type} (structs need fields)`);
  const primitive = element as Primitive;
  return isArray ? { type: "array", element: primitive } : { type: "primitive", primitive };
}

/** The value a field takes when absent at a version (Kafka's defaults when none is given). */
export function defaultOf(field: CompiledField): unknown {
  if (field.defaultValue !== undefined) return field.defaultValue;
  const kind = field.kind;
  switch (kind.type) {
    case "array":
      return [];
    case "struct":
      return defaultStruct(kind.struct);
    case "primitive":
      return defaultPrimitive(kind.primitive);
    default:
      return assertNever(kind, "field kind");
  }
}

export function defaultStruct(struct: CompiledStruct): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const field of struct.fields) value[field.name] = defaultOf(field);
  return value;
}

const ZERO_UUID = "0".repeat(32);

function defaultPrimitive(primitive: Primitive): unknown {
  switch (primitive) {
    case "bool":
      return false;
    case "string":
      return "";
    case "bytes":
      return new Uint8Array(0);
    case "records":
      return null;
    case "uuid":
      return ZERO_UUID;
    default:
      return 0;
  }
}
