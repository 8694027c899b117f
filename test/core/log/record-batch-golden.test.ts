// Golden bytes: record batches exactly as KafkaJS and librdkafka write them, built by hand from the
// spec, parsed field by field and re-encoded byte-identically. KafkaJS's own encoder is the oracle
// for the first; the second follows librdkafka's writer (leader epoch 0, producer fields -1).

import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { crc32c } from "../../../core/log/crc32c.ts";
import {
  decodeRecords,
  encodeBatch,
  stampBatch,
  validateBatch,
} from "../../../core/log/record-batch.ts";

const hex = (text: string) =>
  Uint8Array.from(text.replace(/\/\/.*$/gm, "").match(/[0-9a-f]{2}/g) ?? [], (h) =>
    Number.parseInt(h, 16),
  );
const utf8 = (text: string) => new TextEncoder().encode(text);
const T = 1_700_000_000_000; // 0x0000018bcfe56800

// KafkaJS 2.2.4 producer.send({ messages: [{ key: "key", value: "value", timestamp: T }] }).
const KAFKAJS = hex(`
  00 00 00 00 00 00 00 00   // baseOffset 0 (the broker assigns it)
  00 00 00 40               // batchLength 64 = 76 - 12
  00 00 00 00               // partitionLeaderEpoch 0
  02                        // magic 2
  55 00 33 a4               // crc: CRC-32C of bytes 21..75
  00 00                     // attributes: no compression, CreateTime, not transactional
  00 00 00 00               // lastOffsetDelta 0
  00 00 01 8b cf e5 68 00   // baseTimestamp T
  00 00 01 8b cf e5 68 00   // maxTimestamp T
  ff ff ff ff ff ff ff ff   // producerId -1 (not idempotent)
  00 00                     // producerEpoch 0 (KafkaJS writes 0, not -1)
  00 00 00 00               // baseSequence 0
  00 00 00 01               // recordsCount 1
  1c                        // record length 14 (zigzag)
  00                        // record attributes
  00                        // timestampDelta 0
  00                        // offsetDelta 0
  06 6b 65 79               // keyLength 3, "key"
  0a 76 61 6c 75 65         // valueLength 5, "value"
  00                        // headersCount 0
`);

// librdkafka 2.x: a tombstone after a keyless record with a header, sent 3 ms apart.
const LIBRDKAFKA = hex(`
  00 00 00 00 00 00 00 00   // baseOffset 0
  00 00 00 4d               // batchLength 77 = 89 - 12
  00 00 00 00               // partitionLeaderEpoch 0
  02                        // magic 2
  0c 88 5a 2d               // crc
  00 00                     // attributes 0
  00 00 00 01               // lastOffsetDelta 1
  00 00 01 8b cf e5 68 00   // baseTimestamp T
  00 00 01 8b cf e5 68 03   // maxTimestamp T + 3
  ff ff ff ff ff ff ff ff   // producerId -1
  ff ff                     // producerEpoch -1
  ff ff ff ff               // baseSequence -1
  00 00 00 02               // recordsCount 2
  26 00 00 00               // record 0: length 19, attributes, timestampDelta 0, offsetDelta 0
  01                        //   keyLength -1 (null key)
  0a 68 65 6c 6c 6f         //   valueLength 5, "hello"
  02                        //   headersCount 1
  0a 74 72 61 63 65 02 31   //   header "trace" = "1"
  0e 00 06 02               // record 1: length 7, attributes, timestampDelta 3, offsetDelta 1
  02 6b                     //   keyLength 1, "k"
  01                        //   valueLength -1 (tombstone)
  00                        //   headersCount 0
`);

/** The CRC by definition, one bit at a time, so the literals do not depend on the code under test. */
function bitwiseCrc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe("golden batches", () => {
  it.each([
    ["KafkaJS", KAFKAJS, 76],
    ["librdkafka", LIBRDKAFKA, 89],
  ])("%s: the literal's CRC is the CRC-32C of bytes 21..end", (_name, batch, size) => {
    expect(batch.length).toBe(size);
    const stored = new DataView(batch.buffer).getUint32(17);
    expect(bitwiseCrc32c(batch.subarray(21))).toBe(stored);
    expect(crc32c(batch.subarray(21))).toBe(stored);
  });

  it("KafkaJS: parses every field and re-encodes byte-identically", () => {
    const header = validateBatch(KAFKAJS);
    expect(header).toEqual({
      ok: true,
      value: {
        baseOffset: 0,
        batchLength: 64,
        partitionLeaderEpoch: 0,
        magic: 2,
        crc: 0x550033a4,
        attributes: 0,
        lastOffsetDelta: 0,
        baseTimestamp: T,
        maxTimestamp: T,
        producerId: -1,
        producerEpoch: 0,
        baseSequence: 0,
        recordCount: 1,
        compression: 0,
        isLogAppendTime: false,
        isTransactional: false,
        isControl: false,
        hasDeleteHorizon: false,
      },
    });
    const records = decodeRecords(KAFKAJS);
    expect(records).toEqual({
      ok: true,
      value: [
        {
          attributes: 0,
          timestampDelta: 0,
          offsetDelta: 0,
          timestamp: T,
          offset: 0,
          key: utf8("key"),
          value: utf8("value"),
          headers: [],
        },
      ],
    });
    const again = encodeBatch({
      partitionLeaderEpoch: 0,
      producerEpoch: 0,
      baseSequence: 0,
      baseTimestamp: T,
      records: [{ key: utf8("key"), value: utf8("value") }],
    });
    expect(again).toEqual(KAFKAJS);
  });

  it("KafkaJS: its own encoder writes the same bytes", async () => {
    const require = createRequire(import.meta.url);
    const { RecordBatch } = require("kafkajs/src/protocol/recordBatch/v0") as {
      RecordBatch: (input: object) => Promise<{ buffer: Uint8Array }>;
    };
    const Record = require("kafkajs/src/protocol/recordBatch/record/v0") as (
      input: object,
    ) => object;
    const batch = await RecordBatch({
      firstTimestamp: T,
      maxTimestamp: T,
      records: [Record({ key: Buffer.from("key"), value: Buffer.from("value"), headers: {} })],
    });
    expect(new Uint8Array(batch.buffer)).toEqual(KAFKAJS);
  });

  it("librdkafka: parses every field and re-encodes byte-identically", () => {
    const header = validateBatch(LIBRDKAFKA);
    expect(header.ok && header.value).toMatchObject({
      batchLength: 77,
      lastOffsetDelta: 1,
      maxTimestamp: T + 3,
      producerId: -1,
      producerEpoch: -1,
      baseSequence: -1,
      recordCount: 2,
    });
    const records = decodeRecords(LIBRDKAFKA);
    expect(records.ok && records.value).toEqual([
      {
        attributes: 0,
        timestampDelta: 0,
        offsetDelta: 0,
        timestamp: T,
        offset: 0,
        key: null,
        value: utf8("hello"),
        headers: [{ key: "trace", value: utf8("1") }],
      },
      {
        attributes: 0,
        timestampDelta: 3,
        offsetDelta: 1,
        timestamp: T + 3,
        offset: 1,
        key: utf8("k"),
        value: null,
        headers: [],
      },
    ]);
    const again = encodeBatch({
      partitionLeaderEpoch: 0,
      records: [
        {
          timestamp: T,
          key: null,
          value: utf8("hello"),
          headers: [{ key: "trace", value: utf8("1") }],
        },
        { timestamp: T + 3, key: utf8("k"), value: null },
      ],
    });
    expect(again).toEqual(LIBRDKAFKA);
  });

  it("stamping the librdkafka batch changes only bytes 0..7 and 12..15", () => {
    const stamped = LIBRDKAFKA.slice();
    stampBatch(stamped, 0x1_0000_0005, 9);
    expect(stamped.subarray(0, 8)).toEqual(hex("00 00 00 01 00 00 00 05"));
    expect(stamped.subarray(12, 16)).toEqual(hex("00 00 00 09"));
    expect(stamped.subarray(8, 12)).toEqual(LIBRDKAFKA.subarray(8, 12));
    expect(stamped.subarray(16)).toEqual(LIBRDKAFKA.subarray(16));
    const records = decodeRecords(stamped);
    expect(records.ok && records.value.map((r) => r.offset)).toEqual([
      0x1_0000_0005, 0x1_0000_0006,
    ]);
    expect(validateBatch(stamped).ok).toBe(true);
  });
});
