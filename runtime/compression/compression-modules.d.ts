// Types of the untyped pure-JavaScript compression packages, only the parts the codecs call.

declare module "lz4js" {
  /** Decompresses one LZ4 block src[sIndex, sIndex + sLength) into dst at dIndex; the new dIndex. */
  export function decompressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    sIndex: number,
    sLength: number,
    dIndex: number,
  ): number;
  /** Compresses src[sIndex, sIndex + sLength) into dst from 0; the compressed size (0: incompressible). */
  export function compressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    sIndex: number,
    sLength: number,
    hashTable: Uint32Array,
  ): number;
}

declare module "lz4js/xxh32.js" {
  export function hash(seed: number, src: Uint8Array, index: number, length: number): number;
}

declare module "snappyjs" {
  /** Raw snappy; throws on a malformed stream or an uncompressed length past maxLength. */
  export function uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array;
  export function compress(uncompressed: Uint8Array): Uint8Array;
}
