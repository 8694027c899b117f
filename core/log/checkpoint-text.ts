// Checkpoint files are short text, Kafka-style, sealed by a last line `crc32c <8 hex digits>` over
// every byte before it: a torn or rotten checkpoint is detected and ignored, never half-trusted.

import { err, ok, type Result } from "../result.ts";
import type { Crc32c } from "./crc32c.ts";

/** Checkpoints are ASCII; anything else is written as '?' and fails to parse back. */
function encodeAscii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    out[i] = code < 0x80 ? code : 0x3f;
  }
  return out;
}

function decodeAscii(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte < 0x80 ? byte : 0x3f);
  return text;
}

export function sealText(lines: readonly string[], crc: Crc32c): Uint8Array {
  const body = encodeAscii(`${lines.join("\n")}\n`);
  const trailer = encodeAscii(`crc32c ${crc(body).toString(16).padStart(8, "0")}\n`);
  const out = new Uint8Array(body.length + trailer.length);
  out.set(body);
  out.set(trailer, body.length);
  return out;
}

/** The lines before the CRC line, when the CRC matches. */
export function unsealText(bytes: Uint8Array, crc: Crc32c): Result<string[], string> {
  // The trailer is `crc32c ` + 8 hex digits + newline: 16 bytes at the very end.
  const trailerBytes = 16;
  if (bytes.length < trailerBytes) return err(`${bytes.length} bytes, too short`);
  const body = bytes.subarray(0, bytes.length - trailerBytes);
  const trailer = decodeAscii(bytes.subarray(bytes.length - trailerBytes));
  const match = /^crc32c ([0-9a-f]{8})\n$/.exec(trailer);
  if (match === null) return err("no crc line");
  if (Number.parseInt(match[1]!, 16) !== crc(body)) return err("crc mismatch");
  const text = decodeAscii(body);
  if (!text.endsWith("\n")) return err("body does not end with a newline");
  return ok(text.slice(0, -1).split("\n"));
}

/** A non-negative safe integer written in decimal, or undefined. */
export function parseOffset(text: string | undefined): number | undefined {
  if (text === undefined || !/^(0|[1-9][0-9]{0,15})$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}
