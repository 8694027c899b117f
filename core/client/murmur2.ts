// Kafka's murmur2 (Utils.murmur2 in the Java client): the hash behind the default key partitioner.
// Keeps Java's exact int32 arithmetic (wrapping multiply, unsigned shifts), so a key lands on the
// same partition whichever client produced it.

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/** murmur2 of `data` as a signed int32, equal to the Java client's `Utils.murmur2(byte[])`. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    // The four bytes occupy disjoint bits, so `|` is Java's int `+` here.
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  // The tail: Java's switch falls through from case 3 to case 1.
  const tail = length & ~3;
  const remaining = length & 3;
  if (remaining === 3) h ^= data[tail + 2]! << 16;
  if (remaining >= 2) h ^= data[tail + 1]! << 8;
  if (remaining >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}
