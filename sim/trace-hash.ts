// The trace hash the determinism check compares: fed each record's values (not its text), so it is
// the same whether or not lines are written, and cheap when they are not. Invariant: equal records
// always feed equal words; values of different kinds never feed the same words.

import type { NodeId } from "../core/ids.ts";
import type { TraceEvent } from "../core/trace.ts";
import type { SimTraceEvent } from "./trace-format.ts";

/** Type tags mixed before values, so that e.g. "1", 1 and [1] all hash differently. */
const Tag = {
  int: 0x1000_0001,
  float: 0x1000_0002,
  string: 0x1000_0003,
  true: 0x1000_0004,
  false: 0x1000_0005,
  null: 0x1000_0006,
  bigint: 0x1000_0007,
  bytes: 0x1000_0008,
  array: 0x1000_0009,
  map: 0x1000_000a,
  set: 0x1000_000b,
  object: 0x1000_000c,
  objectEnd: 0x1000_000d,
  send: 0x1000_0010,
  deliver: 0x1000_0011,
  record: 0x2000_000a,
} as const;

/** IEEE-754 bits, little-endian whatever the machine, so hashes agree across platforms. */
const floatView = new DataView(new ArrayBuffer(8));

/**
 * The trace hash: two 32-bit multiply-xorshift lanes (FNV-1a's basis and prime for one, Murmur's
 * multiplier for the other), printed as 16 hex digits. It is fed values, not text: numbers as
 * numbers (32-bit integers as one word, others as their IEEE-754 bits), strings two UTF-16 code
 * units per step, bytes four per step, each behind a type tag; an object's field names one word
 * each (the name's own hash, cached). Equal traces always give equal
 * hashes; it is for comparing runs, not for security.
 */
export class TraceHash {
  #a = 0x811c9dc5;
  #b = 0x2f6b4c1d;

  /** Mixes one 32-bit word (also used as a type tag, so values of different kinds differ). */
  word(w: number): void {
    const a = Math.imul(this.#a ^ w, 0x01000193);
    const b = Math.imul(this.#b ^ w, 0x5bd1e995);
    this.#a = a ^ (a >>> 15);
    this.#b = b ^ (b >>> 13);
  }

  number(x: number): void {
    // An int32 other than -0 (1 / -0 is -Infinity).
    if ((x | 0) === x && (x !== 0 || 1 / x > 0)) {
      this.word(Tag.int);
      this.word(x);
      return;
    }
    floatView.setFloat64(0, x, true);
    this.word(Tag.float);
    this.word(floatView.getUint32(0, true));
    this.word(floatView.getUint32(4, true));
  }

  string(text: string): void {
    let a = this.#a;
    let b = this.#b;
    const n = text.length;
    a = Math.imul(a ^ n, 0x01000193);
    b = Math.imul(b ^ n, 0x5bd1e995);
    let i = 0;
    // Two code units per step; the shifts carry high bits down, which multiplying cannot.
    for (; i + 1 < n; i += 2) {
      const w = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
      a = Math.imul(a ^ w, 0x01000193);
      a ^= a >>> 15;
      b = Math.imul(b ^ w, 0x5bd1e995);
      b ^= b >>> 13;
    }
    if (i < n) {
      a = Math.imul(a ^ text.charCodeAt(i), 0x01000193);
      b = Math.imul(b ^ text.charCodeAt(i), 0x5bd1e995);
    }
    this.#a = a ^ (a >>> 15);
    this.#b = b ^ (b >>> 13);
  }

  /** Ends one record (or the header): records cannot run into each other. */
  end(): void {
    this.word(Tag.record);
  }

  /** Every byte, four to a word, then the length. */
  bytes(data: Uint8Array): void {
    const n = data.length;
    let a = this.#a;
    let b = this.#b;
    let i = 0;
    for (; i + 3 < n; i += 4) {
      const w = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
      a = Math.imul(a ^ w, 0x01000193);
      a ^= a >>> 15;
      b = Math.imul(b ^ w, 0x5bd1e995);
      b ^= b >>> 13;
    }
    let tail = 0;
    for (let shift = 0; i < n; i++, shift += 8) tail |= data[i]! << shift;
    this.#a = a;
    this.#b = b;
    this.word(tail);
    this.word(n);
  }

  /** A 32-bit summary of everything so far (for locating the first divergent record). */
  get lane(): number {
    return (this.#a ^ (this.#b >>> 7)) >>> 0;
  }

  hex(): string {
    const a = (this.#a >>> 0).toString(16).padStart(8, "0");
    return a + (this.#b >>> 0).toString(16).padStart(8, "0");
  }
}

/** Feeds one record to the hash: the hottest events field by field, others value by value. */
export function hashRecord(
  hash: TraceHash,
  seq: number,
  t: number,
  node: NodeId | undefined,
  event: SimTraceEvent | TraceEvent,
): void {
  hash.number(seq);
  hash.number(t);
  hash.number(node ?? -1);
  switch (event.type) {
    case "net-deliver":
      hash.word(Tag.deliver);
      hash.number(event.msg);
      hash.number(event.from);
      hash.number(event.to);
      hash.number(event.conn);
      break;
    case "net-send":
      hash.word(Tag.send);
      hash.number(event.msg);
      hash.number(event.from);
      hash.number(event.to);
      hash.number(event.conn);
      hash.string(event.kind);
      hash.number(event.size ?? -1);
      hash.number(event.at ?? -1);
      hashValue(hash, event.body, 1);
      break;
    default:
      hashValue(hash, event, 0);
  }
  hash.end();
}

/**
 * Feeds any trace value to the hash, following the encoding's rules (undefined fields left out,
 * keys in insertion order) but stricter: byte arrays count in full.
 */
export function hashValue(hash: TraceHash, value: unknown, depth: number): void {
  if (depth > 64) throw new Error("trace value nested deeper than 64 levels (a cycle?)");
  switch (typeof value) {
    case "string":
      hash.word(Tag.string);
      hash.string(value);
      return;
    case "number":
      hash.number(value);
      return;
    case "boolean":
      hash.word(value ? Tag.true : Tag.false);
      return;
    case "bigint":
      hash.word(Tag.bigint);
      hash.string(value.toString());
      return;
    case "object":
      hashObject(hash, value, depth);
      return;
    default:
      hash.word(Tag.null);
  }
}

function hashObject(hash: TraceHash, value: object | null, depth: number): void {
  if (value === null) {
    hash.word(Tag.null);
    return;
  }
  // Plain objects first: nearly every traced value is an object literal or an array.
  if (Object.getPrototypeOf(value) === Object.prototype) {
    hashFields(hash, value as Record<string, unknown>, depth);
  } else if (Array.isArray(value)) {
    hash.word(Tag.array);
    hash.number(value.length);
    for (let i = 0; i < value.length; i++) hashValue(hash, value[i], depth + 1);
  } else if (value instanceof Uint8Array) {
    hash.word(Tag.bytes);
    hash.bytes(value);
  } else if (value instanceof Map) {
    hash.word(Tag.map);
    hash.number(value.size);
    for (const [k, v] of value) {
      hashValue(hash, k, depth + 1);
      hashValue(hash, v, depth + 1);
    }
  } else if (value instanceof Set) {
    hash.word(Tag.set);
    hash.number(value.size);
    for (const item of value) hashValue(hash, item, depth + 1);
  } else {
    hashFields(hash, value as Record<string, unknown>, depth);
  }
}

function hashFields(hash: TraceHash, fields: Record<string, unknown>, depth: number): void {
  hash.word(Tag.object);
  for (const key in fields) {
    const field = fields[key];
    if (field === undefined) continue;
    hash.word(fieldNameWord(key));
    hashValue(hash, field, depth + 1);
  }
  hash.word(Tag.objectEnd);
}

/** Field names seen so far -> their word; field names are few, so this stays small. */
const fieldNameWords = new Map<string, number>();
const FIELD_NAME_WORDS_MAX = 4096;

/**
 * A field name as one word: the lane of the name hashed on its own. The same name always gives the
 * same word whether or not it is cached (the cache only saves hashing the name again).
 */
function fieldNameWord(name: string): number {
  const cached = fieldNameWords.get(name);
  if (cached !== undefined) return cached;
  const h = new TraceHash();
  h.word(Tag.string);
  h.string(name);
  const word = h.lane;
  if (fieldNameWords.size < FIELD_NAME_WORDS_MAX) fieldNameWords.set(name, word);
  return word;
}
