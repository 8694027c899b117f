// The metadata quorum's own formats read from untrusted bytes on the shared big-endian reader. A
// short read never throws: it keeps a failure text and the decoder turns it into a Result.

import { BigEndianReader, type ReadFault } from "../../bytes/big-endian-reader.ts";

export class ByteReader extends BigEndianReader<string> {
  protected describe(fault: ReadFault): string {
    return fault.type === "truncated"
      ? `short read of ${fault.what} at ${fault.at}`
      : `int64 at ${fault.at} is not a safe integer`;
  }

  fail(reason: string): void {
    this.keep(reason);
  }

  bool(): boolean {
    const value = this.u8();
    if (value > 1) this.fail(`boolean byte ${value}`);
    return value === 1;
  }

  /** A u16 length then UTF-8. */
  string(): string {
    return this.utf8(this.u16());
  }

  /** A u32 length then that many bytes, copied (the caller may keep them). */
  bytes(maxBytes: number): Uint8Array {
    const size = this.u32();
    if (size > maxBytes) {
      this.fail(`byte field of ${size} over ${maxBytes}`);
      return new Uint8Array(0);
    }
    return this.raw(size);
  }

  i32Array(maxItems: number): number[] {
    const count = this.u16();
    if (count > maxItems) {
      this.fail(`array of ${count} over ${maxItems}`);
      return [];
    }
    const values: number[] = [];
    for (let i = 0; i < count && this.failure === undefined; i++) values.push(this.i32());
    return values;
  }
}
