// Compressed record batches from librdkafka (kcat -z): gzip, snappy, lz4 and zstd are stored as
// sent (the broker has no codecs and never re-encodes) and served back to a consumer that
// decompresses them to the very messages produced.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerProcess } from "../../support/broker-process.ts";
import { createTopic, kcat, storedBatches } from "./e2e-support.ts";

let broker: BrokerProcess;

beforeAll(async () => {
  broker = await BrokerProcess.start();
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

describe("compression with kcat -z", () => {
  it.each(codecs)("$name batches are stored as-is and consumed back", async ({ name, id }) => {
    const topic = `z-${name}`;
    await createTopic(broker, topic);
    // Repetitive values compress well: librdkafka sends a batch uncompressed if it would grow.
    const messages = Array.from(
      { length: 5_000 },
      (_, i) => `${name} message ${i} ${"abc".repeat(40)}`,
    );
    await kcat(broker, ["-P", "-t", topic, "-p", "0", "-z", name], {
      input: `${messages.join("\n")}\n`,
    });

    const batches = await storedBatches(broker, topic);
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.map((b) => b.codec)).toEqual(batches.map(() => id));
    expect(batches.reduce((sum, b) => sum + b.recordCount, 0)).toBe(messages.length);

    const consumed = await kcat(broker, [
      "-C",
      "-t",
      topic,
      "-p",
      "0",
      "-o",
      "beginning",
      "-e",
      "-q",
    ]);
    expect(consumed.stdout.toString("utf8")).toBe(`${messages.join("\n")}\n`);
  });
});
