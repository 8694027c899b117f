// A deterministic stand-in for the runtime's codecs in core tests: "compression" is a marker byte
// and the bytes XORed, so bad input (no marker) and the output bound are checked like a real codec.

import type { Codec, Codecs } from "../../../core/log/codecs.ts";
import { err, ok } from "../../../core/result.ts";

const MARKER = 0xc5;

export const xorCodec: Codec = {
  decompress: (bytes, maxBytes) => {
    if (bytes[0] !== MARKER) return err("no marker byte");
    if (bytes.length - 1 > maxBytes) return err(`inflates past ${maxBytes}`);
    return ok(bytes.subarray(1).map((b) => b ^ 0x5a));
  },
  compress: (bytes) => {
    const out = new Uint8Array(bytes.length + 1);
    out[0] = MARKER;
    for (let i = 0; i < bytes.length; i++) out[i + 1] = bytes[i]! ^ 0x5a;
    return ok(out);
  },
};

export const testCodecs: Codecs = {
  gzip: xorCodec,
  snappy: xorCodec,
  lz4: xorCodec,
  zstd: xorCodec,
};
