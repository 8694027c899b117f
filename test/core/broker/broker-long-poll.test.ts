// Fetch long poll: a fetch below minBytes parks until a produce moves the HW, maxWaitMs passes, an
// error appears or its connection closes; parked fetches never exceed parkedFetchesMax.

import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import { connectionId } from "../../../core/ids.ts";
import { BrokerHarness } from "./support/harness.ts";
import {
  batchOf,
  createTopic,
  fetchBody,
  produce,
  produceBody,
  recordsOf,
} from "./support/requests.ts";

function ready() {
  const h = new BrokerHarness().start();
  createTopic(h, "t", 2);
  return h;
}

describe("long poll", () => {
  it("wakes as soon as a produce makes data visible", () => {
    const h = ready();
    const id = h.send(
      "Fetch",
      fetchBody([{ topic: "t", partition: 0, offset: 0 }], { maxWaitMs: 5_000 }),
      2,
    );
    expect(h.answer("Fetch", id)).toBeUndefined();
    expect(h.view.parkedFetches).toBe(1);
    h.advance(100);
    produce(h, "t", 0, ["hello"]);
    const answer = h.answer("Fetch", id);
    expect(
      recordsOf(answer?.responses[0]?.partitions[0]?.records ?? null).map((r) => r.value),
    ).toEqual(["hello"]);
    expect(h.view.parkedFetches).toBe(0);
    const served = h.events("fetch-served").at(-1);
    expect(served?.waitedMs).toBe(100);
  });

  it("answers empty when maxWaitMs passes", () => {
    const h = ready();
    const id = h.send(
      "Fetch",
      fetchBody([{ topic: "t", partition: 0, offset: 0 }], { maxWaitMs: 500 }),
      2,
    );
    h.advance(499);
    expect(h.answer("Fetch", id)).toBeUndefined();
    h.advance(1);
    expect(h.answer("Fetch", id)?.responses[0]?.partitions[0]).toMatchObject({
      errorCode: 0,
      records: new Uint8Array(0),
    });
  });

  it("waits for minBytes across partitions", () => {
    const h = ready();
    const id = h.send(
      "Fetch",
      fetchBody(
        [
          { topic: "t", partition: 0, offset: 0 },
          { topic: "t", partition: 1, offset: 0 },
        ],
        { maxWaitMs: 5_000, minBytes: 150 },
      ),
      2,
    );
    produce(h, "t", 0, ["a"]);
    expect(h.answer("Fetch", id)).toBeUndefined();
    produce(h, "t", 1, ["b".repeat(100)]);
    const partitions = h.answer("Fetch", id)?.responses[0]?.partitions ?? [];
    expect(partitions.map((p) => recordsOf(p.records).length)).toEqual([1, 1]);
  });

  it("does not wake on a partition it does not watch", () => {
    const h = ready();
    const id = h.send(
      "Fetch",
      fetchBody([{ topic: "t", partition: 0, offset: 0 }], { maxWaitMs: 5_000 }),
      2,
    );
    produce(h, "t", 1, ["elsewhere"]);
    expect(h.answer("Fetch", id)).toBeUndefined();
  });

  it("answers at once with an error when the topic goes away", () => {
    const h = ready();
    const id = h.send(
      "Fetch",
      fetchBody([{ topic: "t", partition: 0, offset: 0 }], { maxWaitMs: 5_000 }),
      2,
    );
    h.call("DeleteTopics", { topicNames: ["t"], timeoutMs: 1000 });
    expect(h.answer("Fetch", id)?.responses[0]?.partitions[0]?.errorCode).toBe(
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    );
  });

  it("drops a parked fetch whose connection closed", () => {
    const h = ready();
    const id = h.send(
      "Fetch",
      fetchBody([{ topic: "t", partition: 0, offset: 0 }], { maxWaitMs: 5_000 }),
      2,
    );
    h.deliver({ type: "connection-closed", connection: connectionId(2) });
    expect(h.view.parkedFetches).toBe(0);
    produce(h, "t", 0, ["x"]);
    expect(h.answer("Fetch", id)).toBeUndefined();
  });

  it("holds later requests of the same connection behind a parked fetch (responses in order)", () => {
    const h = ready();
    const fetchId = h.send(
      "Fetch",
      fetchBody([{ topic: "t", partition: 0, offset: 0 }], { maxWaitMs: 1_000 }),
      2,
    );
    const metadataId = h.send("Metadata", { topics: null, allowAutoTopicCreation: false }, 2);
    expect(h.answer("Metadata", metadataId)).toBeUndefined();
    h.advance(1_000);
    const order = h.answers.filter((a) => a.connection === 2).map((a) => a.correlationId);
    expect(order).toEqual([fetchId, metadataId]);
  });

  it("keeps an acks=all produce waiting on the sync, and other connections unaffected", () => {
    const h = ready();
    h.diskRunning = false;
    const produceId = h.send("Produce", produceBody("t", 0, batchOf(["x"]), -1), 3);
    const metadata = h.call("Metadata", { topics: null, allowAutoTopicCreation: false }, 4);
    expect(metadata.topics).toHaveLength(1);
    expect(h.answer("Produce", produceId)).toBeUndefined();
    h.diskRunning = true;
    h.settle();
    expect(h.answer("Produce", produceId)?.responses[0]?.partitionResponses[0]?.errorCode).toBe(0);
  });
});

describe("connections", () => {
  it("drops a pending acks=all produce whose connection closed; the records stay appended", () => {
    const h = ready();
    h.diskRunning = false;
    const id = h.send("Produce", produceBody("t", 0, batchOf(["x"]), -1), 5);
    expect(h.view.pendingProduces).toBe(1);
    h.deliver({ type: "connection-closed", connection: connectionId(5) });
    expect(h.view.pendingProduces).toBe(0);
    h.diskRunning = true;
    h.settle();
    expect(h.answer("Produce", id)).toBeUndefined();
    expect(h.view.partitions[0]).toMatchObject({ logEndOffset: 1, highWatermark: 1 });
  });

  it("answers pipelined requests of one connection in order", () => {
    const h = ready();
    h.diskRunning = false;
    const ids = [
      h.send("Produce", produceBody("t", 0, batchOf(["x"]), -1), 6),
      h.send("Metadata", { topics: null, allowAutoTopicCreation: false }, 6),
      h.send("Produce", produceBody("t", 1, batchOf(["y"]), 1), 6),
    ];
    expect(h.answers.filter((a) => a.connection === 6)).toEqual([]);
    h.diskRunning = true;
    h.settle();
    expect(h.answers.filter((a) => a.connection === 6).map((a) => a.correlationId)).toEqual(ids);
  });
});

describe("bounds", () => {
  it("closes a connection that queues more requests than allowed before the broker is ready", () => {
    const h = new BrokerHarness();
    h.deliver({ type: "start" });
    for (let i = 0; i <= 1_000; i++)
      h.send("Metadata", { topics: null, allowAutoTopicCreation: false }, 8);
    expect(h.closes).toEqual([{ connection: 8, reason: "too many requests queued" }]);
    h.runUntilReady();
    expect(h.answers.filter((a) => a.connection === 8)).toEqual([]);
  });
});

describe("clock steps", () => {
  it("keeps serving when the node's clock steps back; timers fire on the new clock", () => {
    const h = ready();
    h.now += 10_000;
    produce(h, "t", 0, ["a"]);
    h.now -= 5_000;
    const id = h.send(
      "Fetch",
      fetchBody([{ topic: "t", partition: 0, offset: 1 }], { maxWaitMs: 500 }),
      2,
    );
    produce(h, "t", 1, ["b"]);
    h.advance(500);
    expect(h.answer("Fetch", id)?.responses[0]?.partitions[0]?.errorCode).toBe(0);
  });
});
