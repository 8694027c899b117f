// Hex helpers for golden bytes written by hand: one field a line, a comment after "#".

/** Bytes from annotated hex: per line, everything before "#" is hex digits and spaces. */
export function hexBytes(text: string): Uint8Array {
  const digits = text
    .split("\n")
    .map((line) => line.split("#")[0]!.replace(/\s+/g, ""))
    .join("");
  if (!/^([0-9a-fA-F]{2})*$/.test(digits)) throw new Error(`bad hex: ${digits}`);
  return Uint8Array.from(digits.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** `text` as hex of its UTF-8 bytes (ASCII in practice), for building golden strings. */
export function asciiHex(text: string): string {
  return Array.from(text, (c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("");
}
