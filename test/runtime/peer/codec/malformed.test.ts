// Bad bytes from a peer are values: random and mutated frames never make the decoder throw, an
// accepted mutant is a well-formed message (it re-encodes and decodes to itself), and each kind of
// damage gets its own error: unknown version, unknown type, bad flag, trailing bytes, bad envelope.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../../core/error-codes.ts";
import { nodeId } from "../../../../core/ids.ts";
import type { PeerMessage } from "../../../../core/peer-message.ts";
import { decodePeerFrame, encodePeerFrame } from "../../../../runtime/peer/codec/codec.ts";
import {
  describePeerDecodeError,
  type PeerDecodeErrorType,
} from "../../../../runtime/peer/codec/peer-decode-error.ts";
import { hexBytes } from "../../protocol/support/hex.ts";
import { mutate, mutationArbitrary } from "../../protocol/support/schema-arbitrary.ts";
import { anyPeerMessage } from "../support/peer-arbitraries.ts";

const body = (frame: Uint8Array) => frame.subarray(4);

/** Decodes without throwing; an error must describe itself in one line. */
function decodeSafely(bytes: Uint8Array): ReturnType<typeof decodePeerFrame> {
  const result = decodePeerFrame(bytes);
  if (!result.ok) expect(describePeerDecodeError(result.error)).toMatch(/\S/);
  return result;
}

describe("fuzz", () => {
  it("random bytes decode to a value or an error, never an exception", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        decodeSafely(bytes);
      }),
      { numRuns: 3000 },
    );
  });

  it("random bytes after a valid version and type id never throw either", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 3, 4, 7, 8, 10, 20, 22, 24, 25, 40, 41, 42, 43),
        fc.uint8Array({ maxLength: 120 }),
        (typeId, rest) => {
          decodeSafely(Uint8Array.of(1, typeId, ...rest));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("a mutated frame is an error or a message that is stable under re-encoding", () => {
    fc.assert(
      fc.property(
        anyPeerMessage,
        fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 }),
        (message: PeerMessage, mutations) => {
          const mutant = mutate(body(encodePeerFrame(message)), mutations);
          const decoded = decodeSafely(mutant);
          if (!decoded.ok) return;
          const again = decodePeerFrame(body(encodePeerFrame(decoded.value.message)));
          expect(again).toEqual(decoded);
        },
      ),
      { numRuns: 1500 },
    );
  });
});

const vote: PeerMessage = {
  type: "raft-vote-request",
  correlationId: 7,
  epoch: 3,
  candidateId: nodeId(2),
  lastEpoch: 2,
  lastEndOffset: 100,
  preVote: true,
};
const voteBody = "01 01 0e 06 04 04 c801 01";

const cases: { name: string; hex: string; error: PeerDecodeErrorType }[] = [
  { name: "empty body", hex: "", error: "wire" },
  { name: "codec version 0", hex: "00 01 0e 06 04 04 c801 01", error: "unknown-codec-version" },
  { name: "codec version 2", hex: "02 01 0e 06 04 04 c801 01", error: "unknown-codec-version" },
  { name: "type id 0", hex: "01 00 0e", error: "unknown-message-type" },
  { name: "type id 99", hex: "01 63 0e", error: "unknown-message-type" },
  { name: "type id varint never ends", hex: "01 ff ff ff ff ff", error: "wire" },
  { name: "preVote flag 2", hex: "01 01 0e 06 04 04 c801 02", error: "bad-flag" },
  { name: "a byte after the message", hex: `${voteBody} 00`, error: "trailing-bytes" },
  { name: "truncated in a varint", hex: "01 01 0e 06 04 04 c8", error: "wire" },
  { name: "error code past int16", hex: "01 04 00 80 80 04 00 00", error: "out-of-range" },
  { name: "varlong past 2^53", hex: "01 01 ff ff ff ff ff ff ff ff ff 01", error: "wire" },
  {
    name: "records longer than the frame",
    hex: "01 29 02 00 02 02 74 03 69 64 00 00 0a 00 00 7f aa",
    error: "wire",
  },
  { name: "array count past the frame", hex: "01 29 02 00 7f", error: "wire" },
  { name: "envelope of garbage", hex: "01 18 00 03 ff ff", error: "bad-envelope" },
  {
    name: "envelope response of api key 999",
    hex: "01 19 00 00 01 ce0f 00 01",
    error: "bad-envelope-api",
  },
];

describe("each kind of damage", () => {
  it("the undamaged frame decodes", () => {
    expect(decodePeerFrame(hexBytes(voteBody))).toEqual({
      ok: true,
      value: { version: 1, message: vote },
    });
  });

  it.each(cases)("$name -> $error", ({ hex, error }) => {
    const result = decodeSafely(hexBytes(hex));
    expect(result.ok ? "decoded" : result.error.type).toBe(error);
  });

  it("an unknown codec version names the versions this build speaks", () => {
    const result = decodePeerFrame(hexBytes("07 01"));
    expect(result).toEqual({
      ok: false,
      error: { type: "unknown-codec-version", version: 7, supported: [1] },
    });
    if (!result.ok) expect(describePeerDecodeError(result.error)).toContain("speaks 1");
  });

  it("an error code this build does not know reads as UNKNOWN_SERVER_ERROR", () => {
    // begin-quorum-epoch-response, correlationId 0, errorCode 30000 (zigzag 60000), epoch 0.
    const result = decodePeerFrame(hexBytes("01 04 00 e0d403 00 00"));
    expect(result.ok && result.value.message).toEqual({
      type: "raft-begin-quorum-epoch-response",
      correlationId: 0,
      errorCode: ErrorCode.UNKNOWN_SERVER_ERROR,
      epoch: 0,
    });
  });
});
