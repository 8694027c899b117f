// The record batch codecs the runtime injects into core (as it injects the native CRC-32C): gzip
// through node:zlib, snappy (raw and xerial) and lz4 (frame) in pure JavaScript, zstd read by fzstd
// and written by zstd's own code compiled to WebAssembly. None throws: bad bytes are a Result.

import { gunzipSync, gzipSync } from "node:zlib";
import { compress as zstdCompress, init as zstdInit } from "@bokuweb/zstd-wasm";
import { Decompress as ZstdDecompress } from "fzstd";
import type { Codec, Codecs } from "../../core/log/codecs.ts";
import { err, ok, type Result } from "../../core/result.ts";
import { lz4Compress, lz4Decompress } from "./lz4-frame.ts";
import { snappyCompress, snappyDecompress } from "./snappy-framing.ts";

/** Kafka's default compression.level for zstd (and zstd's own default). */
const ZSTD_LEVEL = 3;
/** Input fed to the zstd decoder per step, so a bomb is stopped after little output. */
const ZSTD_FEED_BYTES = 4096;

function attempt(what: string, run: () => Uint8Array): Result<Uint8Array, string> {
  try {
    return ok(run());
  } catch (error) {
    return err(`${what}: ${(error as Error).message}`);
  }
}

function asBytes(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export const gzipCodec: Codec = {
  decompress: (bytes, maxBytes) =>
    attempt("gzip", () => asBytes(gunzipSync(bytes, { maxOutputLength: Math.max(1, maxBytes) }))),
  compress: (bytes) => attempt("gzip", () => asBytes(gzipSync(bytes))),
};

export const snappyCodec: Codec = {
  decompress: snappyDecompress,
  compress: (bytes) => attempt("snappy", () => snappyCompress(bytes)),
};

export const lz4Codec: Codec = {
  decompress: lz4Decompress,
  compress: (bytes) => attempt("lz4", () => lz4Compress(bytes)),
};

/** zstd frames (one or more), streamed through fzstd with the output counted as it grows. */
function zstdDecompress(bytes: Uint8Array, maxBytes: number): Result<Uint8Array, string> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let tooLarge = false;
  const decoder = new ZstdDecompress((chunk) => {
    chunks.push(chunk);
    total += chunk.length;
    if (total > maxBytes) tooLarge = true;
  });
  const fed = attempt("zstd", () => {
    for (let at = 0; at < bytes.length && !tooLarge; at += ZSTD_FEED_BYTES) {
      const end = Math.min(bytes.length, at + ZSTD_FEED_BYTES);
      decoder.push(bytes.subarray(at, end), end === bytes.length);
    }
    return new Uint8Array(0);
  });
  if (!fed.ok) return fed;
  if (tooLarge) return err(`zstd inflates past ${maxBytes} bytes`);
  const out = new Uint8Array(total);
  let written = 0;
  for (const chunk of chunks) {
    out.set(chunk, written);
    written += chunk.length;
  }
  return ok(out);
}

let zstdReady: Promise<void> | undefined;

/**
 * Every codec; zstd's writer is WebAssembly that must be instantiated first (once per process).
 * Should that fail, zstd batches are still read, and compaction keeps them whole.
 */
export async function loadCompressionCodecs(): Promise<Codecs> {
  zstdReady ??= zstdInit();
  const zstdWriter = await zstdReady.then(
    () => true,
    () => false,
  );
  const zstdCodec: Codec = {
    decompress: zstdDecompress,
    compress: zstdWriter
      ? (bytes) => attempt("zstd", () => asBytes(zstdCompress(bytes, ZSTD_LEVEL)))
      : () => err("zstd writer unavailable"),
  };
  return { gzip: gzipCodec, snappy: snappyCodec, lz4: lz4Codec, zstd: zstdCodec };
}
