// Short ASCII strings that every request repeats (topic names, client ids, group ids) are decoded
// once: a later occurrence is found by a hash of its bytes and checked byte by byte, so reading it
// again allocates nothing. Bounded: a fixed table of slots, where a colliding string replaces.

const SLOTS = 1024;
/** Longer strings are rare in headers and bodies, and not worth a slot. */
const INTERNED_MAX_BYTES = 64;
/** String.fromCharCode takes one argument per byte: beyond this, decode another way. */
const FROM_CHAR_CODES_MAX = 4096;

const table: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);

/**
 * bytes[start, end) as a string when every byte is ASCII, else undefined (the caller decodes
 * UTF-8). Equal bytes give equal strings, interned or not.
 */
export function asciiString(bytes: Uint8Array, start: number, end: number): string | undefined {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (byte >= 0x80) return undefined;
    hash = Math.imul(hash ^ byte, 0x01000193);
  }
  const length = end - start;
  if (length > FROM_CHAR_CODES_MAX) return undefined;
  if (length > INTERNED_MAX_BYTES) return fromCharCodes(bytes, start, end);
  const slot = (hash >>> 0) & (SLOTS - 1);
  const cached = table[slot];
  if (cached !== undefined && sameChars(cached, bytes, start, length)) return cached;
  const text = fromCharCodes(bytes, start, end);
  table[slot] = text;
  return text;
}

function sameChars(text: string, bytes: Uint8Array, start: number, length: number): boolean {
  if (text.length !== length) return false;
  for (let i = 0; i < length; i++) if (text.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}

function fromCharCodes(bytes: Uint8Array, start: number, end: number): string {
  // apply takes the array as it is; spreading it would allocate an iterator and its results.
  return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
}
