// The link handshake: hello and answer survive encode -> decode, golden bytes pin the layout that
// must never change, the acceptor's decision table (cluster, own id, unknown node, versions), and
// random or mutated handshake bytes are values, never exceptions.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type NodeId, nodeId } from "../../../../core/ids.ts";
import {
  answerHello,
  decodeAnswer,
  decodeHello,
  encodeAnswer,
  encodeHello,
  type HandshakeAnswer,
  type Hello,
  rejectReasons,
} from "../../../../runtime/peer/codec/handshake.ts";
import { hexBytes, toHex } from "../../protocol/support/hex.ts";
import { mutate, mutationArbitrary } from "../../protocol/support/schema-arbitrary.ts";
import { int } from "../support/peer-arbitraries.ts";

const body = (frame: Uint8Array) => frame.subarray(4);
const version = fc.integer({ min: 0, max: 255 });
const hello: fc.Arbitrary<Hello> = fc
  .record({
    minVersion: version,
    maxVersion: version,
    nodeId: int.map(nodeId),
    clusterId: fc.string({ unit: "grapheme", maxLength: 40 }),
  })
  .filter((h) => h.minVersion <= h.maxVersion)
  .map((h) => ({ ...h }));
const answer: fc.Arbitrary<HandshakeAnswer> = fc.oneof(
  version.map((v) => ({ type: "accept" as const, version: v })),
  fc
    .record({
      reason: fc.constantFrom(...(Object.keys(rejectReasons) as (keyof typeof rejectReasons)[])),
      detail: fc.string({ maxLength: 50 }),
    })
    .map((r) => ({ type: "reject" as const, ...r })),
);

describe("round trip", () => {
  it("hello", () => {
    fc.assert(
      fc.property(hello, (h) => {
        expect(decodeHello(body(encodeHello(h)))).toStrictEqual({ ok: true, value: h });
      }),
    );
  });

  it("answer", () => {
    fc.assert(
      fc.property(answer, (a) => {
        expect(decodeAnswer(body(encodeAnswer(a)))).toStrictEqual({ ok: true, value: a });
      }),
    );
  });

  it("a long detail is cut so the answer stays small", () => {
    const long: HandshakeAnswer = {
      type: "reject",
      reason: "wrong-cluster",
      detail: "x".repeat(5000),
    };
    const decoded = decodeAnswer(body(encodeAnswer(long)));
    expect(decoded.ok && decoded.value.type === "reject" && decoded.value.detail.length).toBe(200);
  });
});

describe("golden bytes (the handshake layout never changes)", () => {
  it("hello from node 3 of cluster c speaking version 1", () => {
    const frame = encodeHello({ minVersion: 1, maxVersion: 1, nodeId: nodeId(3), clusterId: "c" });
    expect(toHex(frame)).toBe(
      toHex(
        hexBytes(`
        0000000a  # size
        524e504c  # magic "RNPL"
        01        # kind: hello
        01 01     # versions 1-1
        06        # node id 3 (zigzag)
        02 63     # cluster id "c" (compact)
      `),
      ),
    );
  });

  it("accept version 1, reject unknown-node", () => {
    expect(toHex(encodeAnswer({ type: "accept", version: 1 }))).toBe("00000006524e504c0201");
    expect(toHex(encodeAnswer({ type: "reject", reason: "unknown-node", detail: "n" }))).toBe(
      "00000008524e504c0302026e",
    );
  });
});

describe("answerHello", () => {
  const self = { nodeId: nodeId(1), clusterId: "c", versions: [1, 2, 3] };
  const known = (id: NodeId) => id === 2 || id === 3;
  const from = (overrides: Partial<Hello>): Hello => ({
    minVersion: 1,
    maxVersion: 1,
    nodeId: nodeId(2),
    clusterId: "c",
    ...overrides,
  });

  it.each([
    ["same cluster, known node", from({}), "accept 1"],
    ["the highest common version", from({ minVersion: 2, maxVersion: 9 }), "accept 3"],
    ["another cluster", from({ clusterId: "other" }), "reject wrong-cluster"],
    ["my own node id", from({ nodeId: nodeId(1) }), "reject own-node-id"],
    ["a node not in my address map", from({ nodeId: nodeId(9) }), "reject unknown-node"],
    ["no common version", from({ minVersion: 4, maxVersion: 7 }), "reject unsupported-version"],
  ])("%s -> %s", (_name, h, expected) => {
    const a = answerHello(h, self, known);
    expect(a.type === "accept" ? `accept ${a.version}` : `reject ${a.reason}`).toBe(expected);
  });
});

describe("malformed", () => {
  it.each([
    ["wrong magic", "4b41464b 01 01 01 06 02 63"],
    ["an answer where a hello belongs", "524e504c 02 01"],
    ["versions 2-1", "524e504c 01 02 01 06 02 63"],
    ["a byte too many", "524e504c 01 01 01 06 02 63 00"],
    ["truncated", "524e504c 01 01"],
  ])("hello: %s is an error", (_name, hex) => {
    expect(decodeHello(hexBytes(hex)).ok).toBe(false);
  });

  it.each([
    ["a hello where an answer belongs", "524e504c 01 01 01 06 02 63"],
    ["an unknown reason", "524e504c 03 09 01"],
    ["an unknown kind", "524e504c 07"],
  ])("answer: %s is an error", (_name, hex) => {
    expect(decodeAnswer(hexBytes(hex)).ok).toBe(false);
  });

  it("random and mutated handshake bytes never throw", () => {
    fc.assert(
      fc.property(
        hello,
        answer,
        fc.array(mutationArbitrary, { maxLength: 3 }),
        fc.uint8Array({ maxLength: 40 }),
        (h, a, mutations, random) => {
          for (const bytes of [
            mutate(body(encodeHello(h)), mutations),
            mutate(body(encodeAnswer(a)), mutations),
            random,
          ]) {
            decodeHello(bytes);
            decodeAnswer(bytes);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
