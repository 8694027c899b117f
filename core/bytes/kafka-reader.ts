// Kafka's classic (non-flexible) primitives read from untrusted bytes: int16-length strings and
// int32-length bytes (-1 = null) and int32-count arrays, big-endian. Never throws: the first
// failure is kept with its byte position, and trailing bytes are left for newer versions' fields.

import { BigEndianReader, type ReadFault } from "./big-endian-reader.ts";

export type KafkaReadErrorType =
  | "truncated"
  | "bad-length"
  | "unexpected-null"
  | "unsafe-int64"
  | "unsupported-version";

export interface KafkaReadError {
  readonly type: KafkaReadErrorType;
  /** Byte position where decoding failed. */
  readonly at: number;
  readonly message: string;
}

/** Kafka's names for the primitives in messages. */
const KAFKA_NAMES: Readonly<Record<string, string>> = { i16: "int16", i32: "int32", i64: "int64" };

/** One line for a skipped record: "int32: 4 bytes wanted, 1 left at byte 7". */
export function describeKafkaReadError(error: KafkaReadError): string {
  return `${error.message} at byte ${error.at}`;
}

export class KafkaReader extends BigEndianReader<KafkaReadError> {
  protected describe(fault: ReadFault): KafkaReadError {
    if (fault.type === "unsafe-int64") {
      return {
        type: "unsafe-int64",
        at: fault.at,
        message: "int64 outside the safe integer range",
      };
    }
    const what = KAFKA_NAMES[fault.what] ?? fault.what;
    const message = `${what}: ${fault.size} bytes wanted, ${fault.left} left`;
    return { type: "truncated", at: fault.at, message };
  }

  fail(type: KafkaReadErrorType, message: string, at = this.position): void {
    this.keep({ type, at, message });
  }

  /** An int16 length (-1 = null) then UTF-8. */
  nullableString(): string | null {
    const start = this.position;
    const length = this.i16();
    if (length === -1) return null;
    if (length < -1) {
      this.fail("bad-length", `string length ${length}`, start);
      return null;
    }
    return this.utf8(length);
  }

  string(): string {
    const start = this.position;
    const text = this.nullableString();
    if (text === null) this.fail("unexpected-null", "null where a string is required", start);
    return text ?? "";
  }

  /** An int32 length (-1 = null) then that many bytes, copied. */
  nullableBytes(): Uint8Array | null {
    const start = this.position;
    const length = this.i32();
    if (length === -1) return null;
    if (length < -1) {
      this.fail("bad-length", `bytes length ${length}`, start);
      return null;
    }
    return this.raw(length);
  }

  /** Bytes where the schema never allows null. */
  bytes(): Uint8Array {
    const start = this.position;
    const value = this.nullableBytes();
    if (value === null) this.fail("unexpected-null", "null where bytes are required", start);
    return value ?? new Uint8Array(0);
  }

  /**
   * An int32 count then the items. A count that the remaining bytes cannot hold (each item takes at
   * least `minItemBytes`) fails before anything is allocated, so bad input cannot ask for memory.
   */
  array<T>(minItemBytes: number, item: () => T): T[] {
    const start = this.position;
    const count = this.i32();
    if (this.failure !== undefined) return [];
    if (count === -1) {
      this.fail("unexpected-null", "null where an array is required", start);
      return [];
    }
    if (count < 0 || count * minItemBytes > this.remaining) {
      this.fail(count < 0 ? "bad-length" : "truncated", `array count ${count}`, start);
      return [];
    }
    const items: T[] = [];
    for (let i = 0; i < count && this.failure === undefined; i++) items.push(item());
    return items;
  }
}
