// The partition checkpoint and the sealed text it is written in: round trips and refusals.

import { describe, expect, it } from "vitest";
import { parseOffset, sealText, unsealText } from "../../../core/log/checkpoint-text.ts";
import { crc32c } from "../../../core/log/crc32c.ts";
import { decodeLogCheckpoint, encodeLogCheckpoint } from "../../../core/log/log-checkpoint.ts";

const checkpoint = {
  logStartOffset: 5,
  recoveryPoint: 120,
  highWatermark: 100,
  cleanerCheckpoint: 60,
};
const text = (s: string) => new TextEncoder().encode(s);
const textOf = (b: Uint8Array) => new TextDecoder().decode(b);

describe("partition checkpoint", () => {
  it("is readable text sealed by a CRC line", () => {
    const bytes = encodeLogCheckpoint(checkpoint, crc32c);
    expect(textOf(bytes)).toMatch(
      /^runnel-log-checkpoint 1\nlog-start-offset 5\nrecovery-point 120\nhigh-watermark 100\ncleaner-checkpoint 60\ncrc32c [0-9a-f]{8}\n$/,
    );
    expect(decodeLogCheckpoint(bytes, crc32c)).toEqual({ ok: true, value: checkpoint });
  });

  const reseal = (body: string) => sealText(body.split("\n"), crc32c);
  it.each([
    ["nothing", new Uint8Array(0), /too short/],
    ["a torn file", encodeLogCheckpoint(checkpoint, crc32c).subarray(0, 40), /crc|short/],
    [
      "a flipped digit",
      text(textOf(encodeLogCheckpoint(checkpoint, crc32c)).replace("120", "121")),
      /crc mismatch/,
    ],
    [
      "another header",
      reseal(
        "kafka 0\nlog-start-offset 1\nrecovery-point 1\nhigh-watermark 1\ncleaner-checkpoint 1",
      ),
      /header/,
    ],
    [
      "a missing field",
      reseal("runnel-log-checkpoint 1\nlog-start-offset 1\nrecovery-point 1\nhigh-watermark 1"),
      /fields/,
    ],
    [
      "a negative offset",
      reseal(
        "runnel-log-checkpoint 1\nlog-start-offset -1\nrecovery-point 1\nhigh-watermark 1\ncleaner-checkpoint 1",
      ),
      /bad line/,
    ],
    [
      "fields out of order",
      reseal(
        "runnel-log-checkpoint 1\nrecovery-point 1\nlog-start-offset 1\nhigh-watermark 1\ncleaner-checkpoint 1",
      ),
      /bad line/,
    ],
  ] as const)("refuses %s", (_name, bytes, message) => {
    const decoded = decodeLogCheckpoint(bytes, crc32c);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error).toMatch(message);
  });
});

describe("sealed text", () => {
  it("round-trips lines", () => {
    expect(unsealText(sealText(["a b", "", "c"], crc32c), crc32c)).toEqual({
      ok: true,
      value: ["a b", "", "c"],
    });
  });

  it.each([
    ["0", 0],
    ["42", 42],
    ["9007199254740991", 9007199254740991],
    ["9007199254740992", undefined],
    ["-1", undefined],
    ["01", undefined],
    ["1e3", undefined],
    ["", undefined],
    [undefined, undefined],
  ] as const)("parseOffset(%s)", (input, expected) => {
    expect(parseOffset(input)).toBe(expected);
  });
});
