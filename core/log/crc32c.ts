// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of Kafka record batches.
// Pure TypeScript, table-driven "slicing" over 16 bytes a step (about 1.6x slicing-by-8 on V8). The
// runtime may inject a native implementation of the same `Crc32c` shape; a property test proves
// both agree, so the simulator's answers carry over.

import { assert } from "../assert.ts";

/** Returns the unsigned 32-bit CRC-32C of `bytes`. Must be deterministic and pure. */
export type Crc32c = (bytes: Uint8Array) => number;

const POLYNOMIAL = 0x82f63b78;
const SLICES = 16;

/**
 * SLICES tables of 256 entries in one array: table k at [k * 256, k * 256 + 256) is the CRC of a
 * byte followed by k zero bytes. Int32 entries keep every value a small integer for the JIT.
 */
const TABLES: Int32Array = buildTables();

function buildTables(): Int32Array {
  const tables = new Int32Array(SLICES * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
    tables[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[n]!;
    for (let k = 1; k < SLICES; k++) {
      c = tables[c & 0xff]! ^ (c >>> 8);
      tables[k * 256 + n] = c;
    }
  }
  return tables;
}

/**
 * Continues a CRC-32C over bytes[start, end). `crc` is a finished CRC (0 for "nothing yet"), so
 * crc32cUpdate(crc32c(a), b, 0, b.length) === crc32c(a followed by b).
 */
export function crc32cUpdate(crc: number, bytes: Uint8Array, start: number, end: number): number {
  // Messages are built only on failure: this runs for every batch checksummed.
  if (!(Number.isInteger(crc) && crc >= 0 && crc <= 0xffffffff)) {
    assert(false, `crc ${crc} is not uint32`);
  }
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end)) {
    assert(false, `bad range [${start}, ${end})`);
  }
  if (end > bytes.length) assert(false, `range end ${end} past ${bytes.length} bytes`);
  const t = TABLES;
  let c = ~crc | 0;
  let i = start;
  const blocksEnd = start + ((end - start) & ~15);
  if (blocksEnd > start) {
    // Little-endian words: byte j of the block lands in bits 8*(j%4) of word j/4, as the tables expect.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    while (i < blocksEnd) {
      const a = view.getInt32(i, true) ^ c;
      const b = view.getInt32(i + 4, true);
      const d = view.getInt32(i + 8, true);
      const e = view.getInt32(i + 12, true);
      c =
        t[3840 + (a & 0xff)]! ^
        t[3584 + ((a >>> 8) & 0xff)]! ^
        t[3328 + ((a >>> 16) & 0xff)]! ^
        t[3072 + (a >>> 24)]! ^
        t[2816 + (b & 0xff)]! ^
        t[2560 + ((b >>> 8) & 0xff)]! ^
        t[2304 + ((b >>> 16) & 0xff)]! ^
        t[2048 + (b >>> 24)]! ^
        t[1792 + (d & 0xff)]! ^
        t[1536 + ((d >>> 8) & 0xff)]! ^
        t[1280 + ((d >>> 16) & 0xff)]! ^
        t[1024 + (d >>> 24)]! ^
        t[768 + (e & 0xff)]! ^
        t[512 + ((e >>> 8) & 0xff)]! ^
        t[256 + ((e >>> 16) & 0xff)]! ^
        t[e >>> 24]!;
      i += 16;
    }
  }
  while (i < end) {
    c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
    i++;
  }
  return ~c >>> 0;
}

/** CRC-32C of a whole buffer (or subarray view). */
export const crc32c: Crc32c = (bytes) => crc32cUpdate(0, bytes, 0, bytes.length);
