// The metadata quorum's own formats (log entries, records, quorum-state, snapshots) on the shared
// big-endian writer: u16-length strings, u32-length bytes, u16-count int32 arrays.

import { BigEndianWriter } from "../../bytes/big-endian-writer.ts";
import { utf8ByteLength } from "../../log/record-batch-utf8.ts";

export class ByteWriter extends BigEndianWriter {
  /** A u16 byte length then UTF-8. */
  string(text: string): this {
    const size = utf8ByteLength(text);
    return this.u16(size).utf8(text, size);
  }

  /** A u32 byte length then the bytes. */
  bytes(value: Uint8Array): this {
    return this.u32(value.length).raw(value);
  }

  i32Array(values: readonly number[]): this {
    this.u16(values.length);
    for (const v of values) this.i32(v);
    return this;
  }
}
