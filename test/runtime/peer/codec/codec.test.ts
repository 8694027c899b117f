// The peer codec against its contract: every variant survives encode -> decode unchanged (every
// field, optional ones present and absent) and re-encodes to the same bytes; the frame size
// prefix counts the rest; golden bytes pin the layout of a few messages; each type id is stable.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../../core/error-codes.ts";
import { nodeId } from "../../../../core/ids.ts";
import type { PeerMessage } from "../../../../core/peer-message.ts";
import {
  decodePeerFrame,
  encodePeerFrame,
  PEER_CODEC_VERSION,
  PEER_FRAME_SIZE_BYTES,
} from "../../../../runtime/peer/codec/codec.ts";
import { peerTypeIds, peerTypeOf } from "../../../../runtime/peer/codec/type-ids.ts";
import { hexBytes, toHex } from "../../protocol/support/hex.ts";
import {
  anyPeerMessage,
  peerMessageArbitraries,
  peerMessageTypes,
} from "../support/peer-arbitraries.ts";

const body = (frame: Uint8Array) => frame.subarray(PEER_FRAME_SIZE_BYTES);

describe("round trip", () => {
  it.each(
    peerMessageTypes,
  )("%s: decode(encode(m)) = m, and the bytes re-encode identically", (type) => {
    fc.assert(
      fc.property(peerMessageArbitraries[type], (message: PeerMessage) => {
        const frame = encodePeerFrame(message);
        const size = new DataView(frame.buffer, frame.byteOffset).getInt32(0);
        expect(size).toBe(frame.length - PEER_FRAME_SIZE_BYTES);
        const decoded = decodePeerFrame(body(frame));
        // structuredClone: fast-check's records have a null prototype, decoded ones do not.
        expect(decoded).toStrictEqual({
          ok: true,
          value: { version: PEER_CODEC_VERSION, message: structuredClone(message) },
        });
        if (decoded.ok) expect(toHex(encodePeerFrame(decoded.value.message))).toBe(toHex(frame));
      }),
      { numRuns: type.startsWith("envelope") ? 100 : 200 },
    );
  });

  it("every strict prefix of a frame body is an error (no message is a prefix of another)", () => {
    fc.assert(
      fc.property(anyPeerMessage, fc.nat(), (message: PeerMessage, cut) => {
        const full = body(encodePeerFrame(message));
        const prefix = full.subarray(0, cut % full.length);
        expect(decodePeerFrame(prefix).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe("type ids", () => {
  it("are distinct, one byte each, and map back to their variant", () => {
    const ids = Object.values(peerTypeIds);
    expect(new Set(ids).size).toBe(ids.length);
    for (const type of peerMessageTypes) expect(peerTypeOf(peerTypeIds[type])).toBe(type);
    expect(peerTypeOf(0)).toBeUndefined();
  });

  it("stay what the README's table says (changing one breaks every older peer)", () => {
    expect(peerTypeIds).toEqual({
      "raft-vote-request": 1,
      "raft-vote-response": 2,
      "raft-begin-quorum-epoch-request": 3,
      "raft-begin-quorum-epoch-response": 4,
      "raft-end-quorum-epoch-request": 5,
      "raft-end-quorum-epoch-response": 6,
      "raft-fetch-request": 7,
      "raft-fetch-response": 8,
      "raft-fetch-snapshot-request": 9,
      "raft-fetch-snapshot-response": 10,
      "broker-registration-request": 20,
      "broker-registration-response": 21,
      "broker-heartbeat-request": 22,
      "broker-heartbeat-response": 23,
      "envelope-request": 24,
      "envelope-response": 25,
      "allocate-producer-ids-request": 26,
      "allocate-producer-ids-response": 27,
      "replica-fetch-request": 40,
      "replica-fetch-response": 41,
      "alter-partition-request": 42,
      "alter-partition-response": 43,
    });
  });
});

const golden: { name: string; message: PeerMessage; hex: string }[] = [
  {
    name: "raft vote request",
    message: {
      type: "raft-vote-request",
      correlationId: 7,
      epoch: 3,
      candidateId: nodeId(2),
      lastEpoch: 2,
      lastEndOffset: 100,
      preVote: true,
    },
    hex: `
      00000009 # size
      01       # codec version 1
      01       # type id 1: raft-vote-request
      0e       # correlationId 7 (zigzag)
      06       # epoch 3
      04       # candidateId 2
      04       # lastEpoch 2
      c801     # lastEndOffset 100 (zigzag 200, two varint bytes)
      01       # preVote true
    `,
  },
  {
    name: "raft begin quorum epoch response without a leader",
    message: {
      type: "raft-begin-quorum-epoch-response",
      correlationId: -1,
      errorCode: ErrorCode.FENCED_LEADER_EPOCH,
      epoch: 64,
    },
    hex: `
      00000008 # size
      01       # codec version
      04       # type id 4
      01       # correlationId -1 (zigzag)
      9401     # errorCode 74 FENCED_LEADER_EPOCH (zigzag 148)
      8001     # epoch 64 (zigzag 128)
      00       # leaderId absent
    `,
  },
  {
    name: "replica fetch response with a diverging epoch",
    message: {
      type: "replica-fetch-response",
      correlationId: 1,
      errorCode: ErrorCode.NONE,
      partitions: [
        {
          topic: "t",
          topicId: "id",
          partition: 0,
          errorCode: ErrorCode.NONE,
          highWatermark: 5,
          logStartOffset: 0,
          divergingEpoch: { epoch: 1, endOffset: 3 },
          records: Uint8Array.of(0xaa, 0xbb),
        },
      ],
    },
    hex: `
      00000014 # size 20
      01       # codec version
      29       # type id 41: replica-fetch-response
      02       # correlationId 1
      00       # errorCode NONE
      02       # partitions: 1 (compact count + 1)
      02 74    # topic "t" (compact length + 1)
      03 6964  # topicId "id"
      00       # partition 0
      00       # errorCode NONE
      0a       # highWatermark 5
      00       # logStartOffset 0
      01 02 06 # divergingEpoch present: epoch 1, endOffset 3
      03 aabb  # records: 2 bytes
    `,
  },
];

describe("golden bytes", () => {
  it.each(golden)("$name", ({ message, hex }) => {
    expect(toHex(encodePeerFrame(message))).toBe(toHex(hexBytes(hex)));
    expect(decodePeerFrame(body(hexBytes(hex)))).toStrictEqual({
      ok: true,
      value: { version: 1, message },
    });
  });
});
