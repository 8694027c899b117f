// validateForAppend given batches the broker already scanned: the same verdict as a full scan for
// the same bytes, max.message.bytes still enforced, and a scan that does not tile the bytes is a
// bug (assert), since only a scan of these very bytes may stand in for the CRC check.

import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import { crc32c } from "../../../core/log/crc32c.ts";
import { validateForAppend } from "../../../core/log/log-validate.ts";
import { encodeBatch, scanBatches } from "../../../core/log/record-batch.ts";

const utf8 = (text: string) => new TextEncoder().encode(text);
const config = { maxMessageBytes: 1 << 20, cleanupPolicy: "delete" as const };

function twoBatches(): Uint8Array {
  const a = encodeBatch({ baseTimestamp: 1, records: [{ key: null, value: utf8("a") }] });
  const b = encodeBatch({
    baseTimestamp: 2,
    records: [
      { key: null, value: utf8("b") },
      { key: utf8("k"), value: utf8("c") },
    ],
  });
  const bytes = new Uint8Array(a.length + b.length);
  bytes.set(a);
  bytes.set(b, a.length);
  return bytes;
}

describe("validateForAppend with a prior scan", () => {
  it("accepts what a full scan accepts, with the same batches and record count", () => {
    const bytes = twoBatches();
    const scanned = scanBatches(bytes, 0, crc32c).batches;
    const trusted = validateForAppend(bytes, config, { scanned });
    const full = validateForAppend(bytes, config, { crc: crc32c });
    expect(trusted.ok && full.ok).toBe(true);
    if (!trusted.ok || !full.ok) return;
    expect(trusted.value.batches).toEqual(full.value.batches);
    expect(trusted.value.recordCount).toBe(3);
  });

  it("still refuses a batch over max.message.bytes", () => {
    const bytes = twoBatches();
    const scanned = scanBatches(bytes, 0, crc32c).batches;
    const small = validateForAppend(bytes, { ...config, maxMessageBytes: 70 }, { scanned });
    expect(small.ok ? ErrorCode.NONE : small.error.error).toBe(ErrorCode.MESSAGE_TOO_LARGE);
  });

  it("asserts when the scan does not cover exactly these bytes", () => {
    const bytes = twoBatches();
    const scanned = scanBatches(bytes, 0, crc32c).batches;
    expect(() => validateForAppend(bytes, config, { scanned: scanned.slice(0, 1) })).toThrow(
      /cover/,
    );
    expect(() => validateForAppend(bytes, config, { scanned: scanned.slice(1) })).toThrow(
      /scanned batch at/,
    );
  });
});
