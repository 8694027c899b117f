// The compression codecs of record batches (gzip, snappy, lz4, zstd), as pure functions injected into
// core like the native CRC-32C: core defines the shape, the runtime passes real ones, the simulator
// passes none. A codec never throws on bad bytes: it answers a Result, and core turns it into Kafka's error.

import type { Result } from "../result.ts";
import { Compression } from "./record-batch-header.ts";

export interface Codec {
  /**
   * Inflates `bytes` (a whole compressed records section). More than `maxBytes` of output is an
   * error (a decompression bomb), as are malformed bytes; the message says which.
   */
  readonly decompress: (bytes: Uint8Array, maxBytes: number) => Result<Uint8Array, string>;
  /** Deflates a records section into the codec's Kafka framing (what its consumers read). */
  readonly compress: (bytes: Uint8Array) => Result<Uint8Array, string>;
}

/** The codecs a node has; a batch whose codec is absent cannot be read (UNSUPPORTED_COMPRESSION_TYPE). */
export interface Codecs {
  readonly gzip?: Codec;
  readonly snappy?: Codec;
  readonly lz4?: Codec;
  readonly zstd?: Codec;
}

/** No codecs: compressed batches are stored and served as they are, never read. */
export const NO_CODECS: Codecs = {};

/** The codec for a batch's compression attribute; undefined for none, unknown or absent codecs. */
export function codecFor(codecs: Codecs, compression: number): Codec | undefined {
  switch (compression) {
    case Compression.gzip:
      return codecs.gzip;
    case Compression.snappy:
      return codecs.snappy;
    case Compression.lz4:
      return codecs.lz4;
    case Compression.zstd:
      return codecs.zstd;
    default:
      return undefined;
  }
}

/** Kafka's name of a compression attribute, for messages. */
export function compressionName(compression: number): string {
  const names = ["none", "gzip", "snappy", "lz4", "zstd"];
  return names[compression] ?? `unknown (${compression})`;
}
