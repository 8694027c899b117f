// Kafka's lz4 codec: the LZ4 frame format (magic 0x184D2204) around LZ4 blocks from lz4js. The frame
// is parsed here with every length checked against the input and the output bound, since lz4js
// itself trusts its input; frames written have independent 64 KiB blocks, as Kafka's own writer does.

import { compressBlock, decompressBlock } from "lz4js";
import { hash as xxh32 } from "lz4js/xxh32.js";
import { err, ok, type Result } from "../../core/result.ts";

const MAGIC = 0x184d2204;
const FLG_VERSION = 0x40;
const FLG_VERSION_MASK = 0xc0;
const FLG_BLOCK_INDEPENDENCE = 0x20;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_DICT_ID = 0x01;
const UNCOMPRESSED_BIT = 0x80000000;
/** Block maximum sizes by the BD byte's bits 4-6. */
const BLOCK_BYTES: Readonly<Record<number, number>> = {
  4: 65_536,
  5: 262_144,
  6: 1_048_576,
  7: 4_194_304,
};
const WRITE_BLOCK_ID = 4;
const WRITE_BLOCK_BYTES = 65_536;

interface Block {
  readonly start: number;
  readonly size: number;
  readonly compressed: boolean;
}

/** Decompresses one LZ4 frame (trailing bytes are refused); at most `maxBytes` of output. */
export function lz4Decompress(src: Uint8Array, maxBytes: number): Result<Uint8Array, string> {
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  if (src.length < 7 || view.getUint32(0, true) !== MAGIC) return err("not an LZ4 frame");
  const flg = src[4]!;
  const blockMax = BLOCK_BYTES[(src[5]! >> 4) & 7];
  if ((flg & FLG_VERSION_MASK) !== FLG_VERSION || blockMax === undefined) {
    return err(`unsupported LZ4 frame descriptor ${flg}/${src[5]}`);
  }
  let at = 6 + (flg & FLG_CONTENT_SIZE ? 8 : 0) + (flg & FLG_DICT_ID ? 4 : 0) + 1;
  const blocks: Block[] = [];
  let bound = 0;
  for (;;) {
    if (at + 4 > src.length) return err("LZ4 frame ends inside a block header");
    const word = view.getUint32(at, true);
    at += 4;
    if (word === 0) break;
    const size = (word & ~UNCOMPRESSED_BIT) >>> 0;
    const compressed = (word & UNCOMPRESSED_BIT) === 0;
    if (size > blockMax || at + size > src.length) return err(`LZ4 block of ${size} bytes`);
    blocks.push({ start: at, size, compressed });
    bound += compressed ? blockMax : size;
    at += size + (flg & FLG_BLOCK_CHECKSUM ? 4 : 0);
  }
  at += flg & FLG_CONTENT_CHECKSUM ? 4 : 0;
  if (at !== src.length) return err(`${src.length - at} bytes after the LZ4 frame`);
  const out = new Uint8Array(Math.min(bound, maxBytes + 1));
  let written = 0;
  for (const block of blocks) {
    if (!block.compressed) {
      if (written + block.size > out.length) return err("LZ4 frame inflates past its bound");
      out.set(src.subarray(block.start, block.start + block.size), written);
      written += block.size;
      continue;
    }
    const next = decompressBlock(src, out, block.start, block.size, written);
    // lz4js drops writes past the buffer and reads past the block as zeros: both show as a bad end.
    if (!Number.isInteger(next) || next < written || next > out.length) {
      return err("malformed LZ4 block");
    }
    written = next;
  }
  if (written > maxBytes) return err(`LZ4 frame inflates past ${maxBytes} bytes`);
  return ok(out.subarray(0, written));
}

/** One LZ4 frame of independent 64 KiB blocks, no checksums but the descriptor's. */
export function lz4Compress(src: Uint8Array): Uint8Array {
  const blockCount = Math.ceil(src.length / WRITE_BLOCK_BYTES);
  const out = new Uint8Array(7 + blockCount * (4 + WRITE_BLOCK_BYTES) + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  out[4] = FLG_VERSION | FLG_BLOCK_INDEPENDENCE;
  out[5] = WRITE_BLOCK_ID << 4;
  out[6] = (xxh32(0, out, 4, 2) >>> 8) & 0xff;
  let at = 7;
  const scratch = new Uint8Array(WRITE_BLOCK_BYTES + (WRITE_BLOCK_BYTES >> 7) + 32);
  for (let start = 0; start < src.length; start += WRITE_BLOCK_BYTES) {
    const size = Math.min(WRITE_BLOCK_BYTES, src.length - start);
    // A fresh table per block: no match reaches into an earlier block (block independence).
    const packed = compressBlock(src, scratch, start, size, new Uint32Array(65_536));
    if (packed > 0 && packed < size) {
      view.setUint32(at, packed, true);
      out.set(scratch.subarray(0, packed), at + 4);
      at += 4 + packed;
    } else {
      view.setUint32(at, (UNCOMPRESSED_BIT | size) >>> 0, true);
      out.set(src.subarray(start, start + size), at + 4);
      at += 4 + size;
    }
  }
  view.setUint32(at, 0, true);
  return out.slice(0, at + 4);
}
