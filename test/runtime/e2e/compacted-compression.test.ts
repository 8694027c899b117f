// Compressed batches from librdkafka (kcat -z) on compacted topics: the broker decompresses them to
// check keys (a keyless record is INVALID_RECORD), and compaction keeps only the latest value per
// key inside them, writing retained records back compressed with the batch's own codec.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerProcess } from "../../support/broker-process.ts";
import { createTopic, kcat, storedBatches } from "./e2e-support.ts";

let broker: BrokerProcess;

beforeAll(async () => {
  broker = await BrokerProcess.start({ overrides: { "log.cleaner.backoff.ms": "100" } });
});

afterAll(async () => {
  await broker?.dispose();
});

const codecs = [
  { name: "gzip", id: 1 },
  { name: "snappy", id: 2 },
  { name: "lz4", id: 3 },
  { name: "zstd", id: 4 },
] as const;

const compacted = {
  "cleanup.policy": "compact",
  "segment.ms": "100",
  "min.cleanable.dirty.ratio": "0.01",
  "delete.retention.ms": "100",
};

/** Compressible values: librdkafka sends a batch uncompressed when compressing would not pay. */
const value = (round: number, key: number) => `v${round}-${key}-${"abc".repeat(40)}`;

/** Round r writes keys [0, keysPerRound[r]): each later round overwrites a prefix of the keys. */
const keysPerRound = [50, 25, 10];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function produceRound(topic: string, codec: string, lines: readonly string[]) {
  await kcat(broker, ["-P", "-t", topic, "-p", "0", "-z", codec, "-K", ":"], {
    input: `${lines.join("\n")}\n`,
  });
  // Past segment.ms: the next round's first append rolls a new segment.
  await sleep(250);
}

/** Polls the stored batches (bounded) until compaction left `records` records. */
async function awaitCompacted(topic: string, records: number) {
  for (let attempt = 0; attempt < 60; attempt++) {
    const batches = await storedBatches(broker, topic);
    const count = batches.reduce((sum, b) => sum + b.recordCount, 0);
    if (count === records) return batches;
    await sleep(250);
  }
  throw new Error(`${topic} was not compacted to ${records} records`);
}

describe("compressed batches on compacted topics (kcat -z)", () => {
  it.each(codecs)("$name: compaction keeps the latest value per key", async ({ name, id }) => {
    const topic = `compact-${name}`;
    await createTopic(broker, topic, 1, compacted);
    for (const [round, keys] of keysPerRound.entries()) {
      const lines = Array.from({ length: keys }, (_, k) => `k${k}:${value(round, k)}`);
      await produceRound(topic, name, lines);
    }
    // A last round in a new segment closes the one before, so every overwritten key is cleanable.
    await produceRound(topic, name, ["end:marker"]);

    const batches = await awaitCompacted(topic, keysPerRound[0]! + 1);
    // Rewritten batches keep their codec (the one-record marker went uncompressed: too small).
    const keyed = batches.slice(0, -1);
    expect(keyed.map((b) => b.codec)).toEqual(keyed.map(() => id));

    const consumed = await kcat(broker, [
      "-C",
      ...["-t", topic, "-p", "0", "-o", "beginning", "-e", "-q"],
      ...["-f", "%o %k=%s\\n"],
    ]);
    const expected: string[] = [];
    const offsets: number[] = [];
    let base = 0;
    for (const [round, keys] of keysPerRound.entries()) {
      const next = keysPerRound[round + 1] ?? 0;
      for (let k = next; k < keys; k++) {
        expected.push(`k${k}=${value(round, k)}`);
        offsets.push(base + k);
      }
      base += keys;
    }
    expected.push("end=marker");
    offsets.push(base);
    const lines = consumed.stdout.toString("utf8").trimEnd().split("\n");
    expect(lines.map((line) => line.slice(line.indexOf(" ") + 1))).toEqual(expected);
    // Offsets survive compaction: each retained record keeps the one it was appended at.
    expect(lines.map((line) => Number(line.slice(0, line.indexOf(" "))))).toEqual(offsets);
  });

  it.each(codecs)("$name: a keyless record is refused with INVALID_RECORD", async ({ name }) => {
    const topic = `compact-keyless-${name}`;
    await createTopic(broker, topic, 1, compacted);
    const produced = await kcat(broker, ["-P", "-t", topic, "-p", "0", "-z", name], {
      input: `no key ${"abc".repeat(40)}\n`,
      allowFailure: true,
    });
    expect(produced.code).not.toBe(0);
    // librdkafka's text for INVALID_RECORD (87).
    expect(produced.stderr).toMatch(/Broker failed to validate record/);
    expect(await storedBatches(broker, topic)).toEqual([]);
  });
});
