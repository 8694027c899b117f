// The __consumer_offsets record codec against hand-built bytes of Kafka's schemas (OffsetCommitKey
// v1, OffsetCommitValue v1/v3, GroupMetadataKey v2, GroupMetadataValue v0-v3), round trips, and
// bad bytes as error values.

import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  decodeCoordinatorBatch,
  encodeCoordinatorBatch,
} from "../../../core/groups/coordinator-batch.ts";
import {
  type CoordinatorRecord,
  decodeCoordinatorRecord,
  encodeRecordKey,
  encodeRecordValue,
  recordKeyOf,
} from "../../../core/groups/coordinator-records.ts";
import { encodeBatch } from "../../../core/log/record-batch.ts";

type Piece =
  | readonly ["i16" | "i32" | "i64", number]
  | readonly ["str", string | null]
  | readonly ["raw", readonly number[]];

const i16 = (n: number): Piece => ["i16", n];
const i32 = (n: number): Piece => ["i32", n];
const i64 = (n: number): Piece => ["i64", n];
const str = (s: string | null): Piece => ["str", s];
const raw = (b: readonly number[]): Piece => ["raw", b];

/** Big-endian bytes from int16/int32/int64/string pieces, for hand-built golden values. */
function bytes(...parts: readonly Piece[]): Uint8Array {
  const out: number[] = [];
  const push = (n: number, size: number) => {
    const v = BigInt.asUintN(size * 8, BigInt(n));
    for (let i = size - 1; i >= 0; i--) out.push(Number((v >> BigInt(8 * i)) & 0xffn));
  };
  for (const piece of parts) {
    if (piece[0] === "str") {
      if (piece[1] === null) push(-1, 2);
      else {
        const utf8 = new TextEncoder().encode(piece[1]);
        push(utf8.length, 2);
        out.push(...utf8);
      }
    } else if (piece[0] === "raw") out.push(...piece[1]);
    else push(piece[1], piece[0] === "i16" ? 2 : piece[0] === "i32" ? 4 : 8);
  }
  return Uint8Array.from(out);
}

const offsetRecord: CoordinatorRecord = {
  type: "offset-commit",
  group: "g",
  topic: "t",
  partition: 3,
  value: { offset: 42, leaderEpoch: 7, metadata: "m", commitTimestamp: 1_000, expireTimestamp: -1 },
};

describe("coordinator record codec", () => {
  it("writes OffsetCommitKey v1 and OffsetCommitValue v3 as Kafka does", () => {
    expect(encodeRecordKey(offsetRecord)).toEqual(bytes(i16(1), str("g"), str("t"), i32(3)));
    expect(encodeRecordValue(offsetRecord)).toEqual(
      bytes(i16(3), i64(42), i32(7), str("m"), i64(1_000)),
    );
  });

  it("writes OffsetCommitValue v1 when the commit has an explicit expiry", () => {
    const value = {
      offset: 1,
      leaderEpoch: 5,
      metadata: "",
      commitTimestamp: 10,
      expireTimestamp: 99,
    };
    const record: CoordinatorRecord = { ...offsetRecord, value };
    expect(encodeRecordValue(record)).toEqual(bytes(i16(1), i64(1), str(""), i64(10), i64(99)));
    const decoded = decodeCoordinatorRecord(encodeRecordKey(record), encodeRecordValue(record));
    expect(decoded).toEqual({
      ok: true,
      value: { ...record, value: { ...value, leaderEpoch: -1 } },
    });
  });

  it.each([
    [
      "v0",
      bytes(i16(0), i64(5), str("x"), i64(9)),
      { offset: 5, leaderEpoch: -1, metadata: "x", commitTimestamp: 9, expireTimestamp: -1 },
    ],
    [
      "v2",
      bytes(i16(2), i64(5), str("x"), i64(9)),
      { offset: 5, leaderEpoch: -1, metadata: "x", commitTimestamp: 9, expireTimestamp: -1 },
    ],
  ])("reads OffsetCommitValue %s", (_v, value, expected) => {
    const key = bytes(i16(0), str("g"), str("t"), i32(0));
    expect(decodeCoordinatorRecord(key, value)).toEqual({
      ok: true,
      value: { type: "offset-commit", group: "g", topic: "t", partition: 0, value: expected },
    });
  });

  it.each([0, 1, 2, 3])("reads GroupMetadataValue v%i", (version) => {
    const member: Piece[] = [
      str("m1"),
      ...(version >= 3 ? [str("i1")] : []),
      str("client"),
      str("/h"),
      ...(version >= 1 ? [i32(30_000)] : []),
      i32(10_000),
      i32(2),
      raw([1, 2]),
      i32(1),
      raw([9]),
    ];
    const value = bytes(
      i16(version),
      str("consumer"),
      i32(4),
      str("range"),
      str("m1"),
      ...(version >= 2 ? [i64(777)] : []),
      i32(1),
      ...member,
    );
    const decoded = decodeCoordinatorRecord(bytes(i16(2), str("g")), value);
    expect(decoded).toEqual({
      ok: true,
      value: {
        type: "group-metadata",
        group: "g",
        value: {
          protocolType: "consumer",
          generation: 4,
          protocol: "range",
          leader: "m1",
          currentStateTimestamp: version >= 2 ? 777 : -1,
          members: [
            {
              memberId: "m1",
              groupInstanceId: version >= 3 ? "i1" : null,
              clientId: "client",
              clientHost: "/h",
              rebalanceTimeoutMs: version >= 1 ? 30_000 : 10_000,
              sessionTimeoutMs: 10_000,
              subscription: Uint8Array.from([1, 2]),
              assignment: Uint8Array.from([9]),
            },
          ],
        },
      },
    });
  });

  it.each([
    ["an empty key", new Uint8Array(0), null, "bad-key"],
    ["a KIP-848 key version", bytes(i16(3), str("g")), null, "unknown-key-version"],
    ["a truncated offset key", bytes(i16(1), str("g")), null, "bad-key"],
    [
      "a future value version",
      bytes(i16(1), str("g"), str("t"), i32(0)),
      bytes(i16(9)),
      "bad-value",
    ],
    [
      "a truncated value",
      bytes(i16(1), str("g"), str("t"), i32(0)),
      bytes(i16(3), i32(1)),
      "bad-value",
    ],
    [
      "a huge member count",
      bytes(i16(2), str("g")),
      bytes(i16(3), str(""), i32(0), str(null), str(null), i64(0), i32(1e9)),
      "bad-value",
    ],
  ])("refuses %s", (_name, key, value, type) => {
    const decoded = decodeCoordinatorRecord(key, value);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.error.type).toBe(type);
  });

  const text = fc.string({ maxLength: 12 });
  const recordArb: fc.Arbitrary<CoordinatorRecord> = fc.oneof(
    fc.record({
      type: fc.constant("offset-commit" as const),
      group: text,
      topic: text,
      partition: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      value: fc.option(
        fc.record({
          offset: fc.integer({ min: 0, max: 2 ** 53 - 1 }),
          leaderEpoch: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
          metadata: text,
          commitTimestamp: fc.integer({ min: 0, max: 2 ** 50 }),
          expireTimestamp: fc.constant(-1),
        }),
        { nil: null },
      ),
    }),
    fc.record({
      type: fc.constant("group-metadata" as const),
      group: text,
      value: fc.option(
        fc.record({
          protocolType: text,
          generation: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          protocol: fc.option(text, { nil: null }),
          leader: fc.option(text, { nil: null }),
          currentStateTimestamp: fc.integer({ min: -1, max: 2 ** 50 }),
          members: fc.array(
            fc.record({
              memberId: text,
              groupInstanceId: fc.option(text, { nil: null }),
              clientId: text,
              clientHost: text,
              rebalanceTimeoutMs: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
              sessionTimeoutMs: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
              subscription: fc.uint8Array({ maxLength: 8 }),
              assignment: fc.uint8Array({ maxLength: 8 }),
            }),
            { maxLength: 3 },
          ),
        }),
        { nil: null },
      ),
    }),
  );

  test.prop([fc.array(recordArb, { minLength: 1, maxLength: 5 })])(
    "round-trips through a record batch",
    (records) => {
      const decoded = decodeCoordinatorBatch(encodeCoordinatorBatch(records, 123));
      expect(decoded).toEqual({ ok: true, value: { records, skipped: [], transactional: false } });
    },
  );

  test.prop([recordArb, recordArb])(
    "has equal compaction keys exactly when the key bytes are equal",
    (a, b) => {
      const same = encodeRecordKey(a).join(",") === encodeRecordKey(b).join(",");
      expect(recordKeyOf(a) === recordKeyOf(b)).toBe(same);
    },
  );

  it("skips transactional batches and reports undecodable records", () => {
    const txn = encodeBatch({
      producerId: 5,
      producerEpoch: 0,
      baseSequence: 0,
      isTransactional: true,
      records: [{ key: encodeRecordKey(offsetRecord), value: null }],
    });
    expect(decodeCoordinatorBatch(txn)).toEqual({
      ok: true,
      value: { records: [], skipped: [], transactional: true },
    });
    const junk = encodeBatch({
      records: [
        { key: Uint8Array.from([0, 9]), value: null },
        { key: null, value: null },
      ],
    });
    const decoded = decodeCoordinatorBatch(junk);
    expect(decoded.ok && decoded.value.skipped.map((s) => s.type)).toEqual([
      "unknown-key-version",
      "bad-key",
    ]);
  });
});
