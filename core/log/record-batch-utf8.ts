// UTF-8 for record header keys, without TextEncoder/TextDecoder (core has no DOM or Node types).
// Same answers as the WHATWG codecs: malformed input decodes to U+FFFD per maximal subpart, and a
// lone surrogate encodes as U+FFFD, so decoding never fails (as Kafka's `new String(bytes, UTF_8)`).

const REPLACEMENT = 0xfffd;

/** Bytes `text` takes in UTF-8. */
export function utf8ByteLength(text: string): number {
  let size = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) size += 1;
    else if (c < 0x800) size += 2;
    else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      size += 4;
      i++;
    } else size += 3;
  }
  return size;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Writes `text` as UTF-8 at `pos` (room already checked by the caller); returns the end. */
export function writeUtf8(bytes: Uint8Array, pos: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      bytes[pos++] = c;
      continue;
    }
    if (c < 0x800) {
      bytes[pos++] = 0xc0 | (c >> 6);
      bytes[pos++] = 0x80 | (c & 0x3f);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (c <= 0xdbff && isLowSurrogate(next)) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        bytes[pos++] = 0xf0 | (cp >> 18);
        bytes[pos++] = 0x80 | ((cp >> 12) & 0x3f);
        bytes[pos++] = 0x80 | ((cp >> 6) & 0x3f);
        bytes[pos++] = 0x80 | (cp & 0x3f);
        i++;
        continue;
      }
      c = REPLACEMENT;
    }
    bytes[pos++] = 0xe0 | (c >> 12);
    bytes[pos++] = 0x80 | ((c >> 6) & 0x3f);
    bytes[pos++] = 0x80 | (c & 0x3f);
  }
  return pos;
}

/** Decodes bytes[start, end) as UTF-8, replacing malformed sequences as the WHATWG decoder does. */
export function readUtf8(bytes: Uint8Array, start: number, end: number): string {
  const units: number[] = [];
  let needed = 0;
  let seen = 0;
  let cp = 0;
  let lower = 0x80;
  let upper = 0xbf;
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (needed === 0) {
      if (b < 0x80) units.push(b);
      else if (b >= 0xc2 && b <= 0xdf) {
        needed = 1;
        cp = b & 0x1f;
      } else if (b >= 0xe0 && b <= 0xef) {
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
        needed = 2;
        cp = b & 0x0f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
        needed = 3;
        cp = b & 0x07;
      } else units.push(REPLACEMENT);
      continue;
    }
    if (b < lower || b > upper) {
      // The sequence ends early: replace what was seen and look at this byte afresh.
      needed = 0;
      seen = 0;
      lower = 0x80;
      upper = 0xbf;
      units.push(REPLACEMENT);
      i--;
      continue;
    }
    lower = 0x80;
    upper = 0xbf;
    cp = (cp << 6) | (b & 0x3f);
    if (++seen < needed) continue;
    if (cp >= 0x10000)
      units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    else units.push(cp);
    needed = 0;
    seen = 0;
  }
  if (needed !== 0) units.push(REPLACEMENT);
  return unitsToString(units);
}

function unitsToString(units: number[]): string {
  const CHUNK = 4096; // keeps fromCharCode's argument list far below engine limits
  if (units.length <= CHUNK) return String.fromCharCode(...units);
  let out = "";
  for (let i = 0; i < units.length; i += CHUNK) {
    out += String.fromCharCode(...units.slice(i, i + CHUNK));
  }
  return out;
}
