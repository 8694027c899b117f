// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of Kafka record batches.
// Pure TypeScript, slicing-by-8. The runtime may inject a native implementation of the same
// `Crc32c` shape; a property test proves both agree, so the simulator's answers carry over.

import { assert } from "../assert.ts";

/** Returns the unsigned 32-bit CRC-32C of `bytes`. Must be deterministic and pure. */
export type Crc32c = (bytes: Uint8Array) => number;

const POLYNOMIAL = 0x82f63b78;

/** Eight 256-entry tables in one array: table k at [k * 256, k * 256 + 256). Int32 keeps SMIs. */
const TABLES: Int32Array = buildTables();

function buildTables(): Int32Array {
  const tables = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
    tables[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[n]!;
    for (let k = 1; k < 8; k++) {
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
  assert(Number.isInteger(crc) && crc >= 0 && crc <= 0xffffffff, `crc ${crc} is not uint32`);
  assert(
    Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end,
    `bad range [${start}, ${end})`,
  );
  assert(end <= bytes.length, `range end ${end} past ${bytes.length} bytes`);
  const t = TABLES;
  let c = ~crc | 0;
  let i = start;
  const end8 = start + ((end - start) & ~7);
  while (i < end8) {
    c ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    c =
      t[1792 + (c & 0xff)]! ^
      t[1536 + ((c >>> 8) & 0xff)]! ^
      t[1280 + ((c >>> 16) & 0xff)]! ^
      t[1024 + (c >>> 24)]! ^
      t[768 + bytes[i + 4]!]! ^
      t[512 + bytes[i + 5]!]! ^
      t[256 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!;
    i += 8;
  }
  while (i < end) {
    c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
    i++;
  }
  return ~c >>> 0;
}

/** CRC-32C of a whole buffer (or subarray view). */
export const crc32c: Crc32c = (bytes) => crc32cUpdate(0, bytes, 0, bytes.length);
