// Kafka's snappy codec: the Java client writes xerial's framing (a 16-byte header, then chunks each
// a big-endian int32 length and a raw snappy block); librdkafka and KafkaJS read it, and librdkafka
// also sends plain raw snappy. Reading accepts both; writing uses xerial's, as Kafka's cleaner does.

import { compress as rawCompress, uncompress as snappyUncompress } from "snappyjs";
import { err, ok, type Result } from "../../core/result.ts";

/** 0x82 "SNAPPY" 0x00, then int32 version 1 and int32 minimum compatible version 1. */
const XERIAL_MAGIC = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00] as const;
const XERIAL_HEADER_BYTES = 16;
/** xerial's default block size: each chunk holds at most this many uncompressed bytes. */
const XERIAL_BLOCK_BYTES = 32_768;

function isXerial(src: Uint8Array): boolean {
  return src.length >= XERIAL_HEADER_BYTES && XERIAL_MAGIC.every((byte, i) => src[i] === byte);
}

function uncompressRaw(block: Uint8Array, maxBytes: number): Result<Uint8Array, string> {
  try {
    return ok(snappyUncompress(block, maxBytes));
  } catch (error) {
    return err(`snappy: ${(error as Error).message}`);
  }
}

/** Raw or xerial-framed snappy; at most `maxBytes` of output. */
export function snappyDecompress(src: Uint8Array, maxBytes: number): Result<Uint8Array, string> {
  if (!isXerial(src)) return uncompressRaw(src, maxBytes);
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const chunks: Uint8Array[] = [];
  let total = 0;
  let at = XERIAL_HEADER_BYTES;
  while (at < src.length) {
    if (at + 4 > src.length) return err("xerial snappy ends inside a chunk length");
    const length = view.getInt32(at);
    at += 4;
    if (length < 0 || at + length > src.length) return err(`xerial snappy chunk of ${length}`);
    const chunk = uncompressRaw(src.subarray(at, at + length), maxBytes - total);
    if (!chunk.ok) return chunk;
    chunks.push(chunk.value);
    total += chunk.value.length;
    at += length;
  }
  const out = new Uint8Array(total);
  let written = 0;
  for (const chunk of chunks) {
    out.set(chunk, written);
    written += chunk.length;
  }
  return ok(out);
}

/** xerial-framed snappy, as the Java producer and Kafka's cleaner write it. */
export function snappyCompress(src: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  const header = new Uint8Array(XERIAL_HEADER_BYTES);
  header.set(XERIAL_MAGIC);
  const headerView = new DataView(header.buffer);
  headerView.setInt32(8, 1);
  headerView.setInt32(12, 1);
  parts.push(header);
  let total = header.length;
  for (let start = 0; start < src.length; start += XERIAL_BLOCK_BYTES) {
    const block = rawCompress(src.subarray(start, start + XERIAL_BLOCK_BYTES));
    const length = new Uint8Array(4);
    new DataView(length.buffer).setInt32(0, block.length);
    parts.push(length, block);
    total += 4 + block.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
