// Kafka's classic (non-flexible) primitives written big-endian: int16-length strings and int32-length
// bytes (-1 = null), the layout of consumer-protocol and __consumer_offsets records.

import { assert } from "../assert.ts";
import { utf8ByteLength } from "../log/record-batch-utf8.ts";
import { BigEndianWriter } from "./big-endian-writer.ts";

export class KafkaWriter extends BigEndianWriter {
  nullableString(text: string | null): this {
    if (text === null) return this.i16(-1);
    const size = utf8ByteLength(text);
    assert(size <= 0x7fff, `string of ${size} bytes does not fit an int16 length`);
    return this.i16(size).utf8(text, size);
  }

  string(text: string): this {
    return this.nullableString(text);
  }

  nullableBytes(value: Uint8Array | null): this {
    if (value === null) return this.i32(-1);
    return this.i32(value.length).raw(value);
  }

  bytes(value: Uint8Array): this {
    return this.nullableBytes(value);
  }
}
