// The native CRC-32C (@node-rs/crc32, hardware-accelerated) in the shape core expects. The runtime
// injects it where core takes a `Crc32c`; the simulator keeps the TypeScript one, and a property
// test proves both give the same answer on every input.

import { crc32c as nodeRsCrc32c } from "@node-rs/crc32";
import type { Crc32c } from "../core/log/crc32c.ts";

export const nativeCrc32c: Crc32c = (bytes) => nodeRsCrc32c(bytes) >>> 0;

/** Continues a finished CRC over more bytes, as crc32cUpdate does in core. */
export function nativeCrc32cUpdate(crc: number, bytes: Uint8Array): number {
  return nodeRsCrc32c(bytes, crc) >>> 0;
}
