// The embedded consumer protocol: golden bytes built by hand from Kafka's message specs (and
// KafkaJS's v0 encoder as an oracle), round trips per version, and malformed input as error values.

import { createRequire } from "node:module";
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  type ConsumerAssignment,
  type ConsumerSubscription,
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from "../../../core/client/consumer-protocol.ts";

const hex = (text: string) =>
  Uint8Array.from(text.replace(/\/\/.*$/gm, "").match(/[0-9a-f]{2}/g) ?? [], (h) =>
    Number.parseInt(h, 16),
  );
const require = createRequire(import.meta.url);
const kafkajs = require("kafkajs") as {
  AssignerProtocol: {
    MemberMetadata: { encode(m: { version: number; topics: string[] }): Buffer };
    MemberAssignment: {
      encode(a: { version: number; assignment: Record<string, number[]> }): Buffer;
    };
  };
};

const subscription = (over: Partial<ConsumerSubscription>): ConsumerSubscription => ({
  version: 0,
  topics: [],
  userData: null,
  ownedPartitions: [],
  generationId: -1,
  rackId: null,
  ...over,
});

const SUBSCRIPTION_V0 = hex(`
  00 00                     // version 0
  00 00 00 02               // 2 topics
  00 03 66 6f 6f            // "foo"
  00 03 62 61 72            // "bar"
  00 00 00 00               // user data: 0 bytes (KafkaJS writes an empty buffer)
`);

const SUBSCRIPTION_V3 = hex(`
  00 03                     // version 3
  00 00 00 01  00 01 74     // topics ["t"]
  ff ff ff ff               // user data null
  00 00 00 01               // owned partitions: 1 topic
  00 01 74                  //   "t"
  00 00 00 02 00 00 00 00 00 00 00 02   // [0, 2]
  00 00 00 07               // generation 7
  00 02 72 31               // rack "r1"
`);

const ASSIGNMENT_V0 = hex(`
  00 00                     // version 0
  00 00 00 02               // 2 topics
  00 01 61  00 00 00 02 00 00 00 00 00 00 00 01   // "a" [0, 1]
  00 01 62  00 00 00 01 00 00 00 03               // "b" [3]
  00 00 00 00               // user data: 0 bytes
`);

describe("golden bytes", () => {
  it("subscription v0 matches KafkaJS's MemberMetadata encoder", () => {
    const value = subscription({ topics: ["foo", "bar"], userData: new Uint8Array(0) });
    expect(encodeSubscription(value)).toEqual(SUBSCRIPTION_V0);
    const oracle = kafkajs.AssignerProtocol.MemberMetadata.encode({
      version: 0,
      topics: ["foo", "bar"],
    });
    expect(new Uint8Array(oracle)).toEqual(SUBSCRIPTION_V0);
    expect(decodeSubscription(SUBSCRIPTION_V0)).toEqual({ ok: true, value });
  });

  it("subscription v3 carries owned partitions, generation and rack", () => {
    const value = subscription({
      version: 3,
      topics: ["t"],
      ownedPartitions: [{ topic: "t", partitions: [0, 2] }],
      generationId: 7,
      rackId: "r1",
    });
    expect(encodeSubscription(value)).toEqual(SUBSCRIPTION_V3);
    expect(decodeSubscription(SUBSCRIPTION_V3)).toEqual({ ok: true, value });
  });

  it("assignment v0 matches KafkaJS's MemberAssignment encoder", () => {
    const value: ConsumerAssignment = {
      version: 0,
      assignedPartitions: [
        { topic: "a", partitions: [0, 1] },
        { topic: "b", partitions: [3] },
      ],
      userData: new Uint8Array(0),
    };
    expect(encodeAssignment(value)).toEqual(ASSIGNMENT_V0);
    const oracle = kafkajs.AssignerProtocol.MemberAssignment.encode({
      version: 0,
      assignment: { a: [0, 1], b: [3] },
    });
    expect(new Uint8Array(oracle)).toEqual(ASSIGNMENT_V0);
    expect(decodeAssignment(ASSIGNMENT_V0)).toEqual({ ok: true, value });
  });

  it("drops fields newer than the version when encoding (they are ignorable)", () => {
    const v1 = encodeSubscription(
      subscription({ version: 1, topics: ["t"], generationId: 9, rackId: "r" }),
    );
    expect(v1).toEqual(hex("00 01  00 00 00 01 00 01 74  ff ff ff ff  00 00 00 00"));
    expect(decodeSubscription(v1)).toEqual({
      ok: true,
      value: subscription({ version: 1, topics: ["t"] }),
    });
  });

  it("reads a newer version with the v3 layout and ignores what follows", () => {
    const bytes = new Uint8Array([...SUBSCRIPTION_V3, 0xde, 0xad]);
    bytes[1] = 9;
    const decoded = decodeSubscription(bytes);
    expect(decoded.ok && decoded.value.version).toBe(9);
    expect(decoded.ok && decoded.value.rackId).toBe("r1");
  });
});

describe("malformed input is an error value", () => {
  it.each([
    ["empty", "", "truncated"],
    ["negative version", "ff ff 00 00 00 00 00 00 00 00", "unsupported-version"],
    ["null topics array", "00 00 ff ff ff ff 00 00 00 00", "unexpected-null"],
    ["negative array count", "00 00 ff ff ff fe", "bad-length"],
    ["count larger than the bytes", "00 00 7f ff ff ff 00 01 74", "truncated"],
    ["null topic name", "00 00 00 00 00 01 ff ff 00 00 00 00", "unexpected-null"],
    ["string length -2", "00 00 00 00 00 01 ff fe", "bad-length"],
    ["user data length -7", "00 00 00 00 00 00 ff ff ff f9", "bad-length"],
    ["user data past the end", "00 00 00 00 00 00 00 00 00 09 01 02", "truncated"],
  ])("subscription: %s", (_name, bytes, type) => {
    const decoded = decodeSubscription(hex(bytes));
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.error.type).toBe(type);
  });

  it("every strict prefix of a valid subscription or assignment fails", () => {
    for (const whole of [SUBSCRIPTION_V0, SUBSCRIPTION_V3]) {
      for (let end = 0; end < whole.length; end++) {
        expect(decodeSubscription(whole.subarray(0, end)).ok).toBe(false);
      }
    }
    for (let end = 0; end < ASSIGNMENT_V0.length; end++) {
      expect(decodeAssignment(ASSIGNMENT_V0.subarray(0, end)).ok).toBe(false);
    }
  });

  test.prop([fc.uint8Array({ maxLength: 80 })])("random bytes never throw", (bytes) => {
    decodeSubscription(bytes);
    decodeAssignment(bytes);
  });
});

const topicPartitions = fc.array(
  fc.record({
    topic: fc.string({ maxLength: 8 }),
    partitions: fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 5 }),
  }),
  { maxLength: 4 },
);
const userData = fc.option(fc.uint8Array({ maxLength: 16 }), { nil: null });

describe("round trips", () => {
  test.prop([
    fc.integer({ min: 0, max: 3 }),
    fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }),
    userData,
    topicPartitions,
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    fc.option(fc.string({ maxLength: 6 }), { nil: null }),
  ])("subscription at its own version", (version, topics, data, owned, generationId, rackId) => {
    const value = subscription({
      version,
      topics,
      userData: data,
      ownedPartitions: version >= 1 ? owned : [],
      generationId: version >= 2 ? generationId : -1,
      rackId: version >= 3 ? rackId : null,
    });
    expect(decodeSubscription(encodeSubscription(value))).toEqual({ ok: true, value });
  });

  test.prop([fc.integer({ min: 0, max: 3 }), topicPartitions, userData])(
    "assignment",
    (version, assignedPartitions, data) => {
      const value: ConsumerAssignment = { version, assignedPartitions, userData: data };
      expect(decodeAssignment(encodeAssignment(value))).toEqual({ ok: true, value });
    },
  );
});
