// Scenario tests of SimConsumer against the scripted fake cluster: offset reset policies, seek,
// skipping the head of a batch that starts before the fetch offset, control batches, out-of-range
// handling, leader changes, lost connections, poll limits and timeouts, and final polls.

import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../core/error-codes.ts";
import { nodeId } from "../../../core/ids.ts";
import { encodeBatch } from "../../../core/log/record-batch.ts";
import { CONSUMER_ID, consumerSetup } from "./support/consumer-setup.ts";

const isFetch = (c: { request: { api: string } }) => c.request.api === "Fetch";

function pairs(from: number, values: readonly number[]): [number, number][] {
  return values.map((v, i) => [from + i, v]);
}

describe("offset reset", () => {
  it("auto.offset.reset=earliest reads the log from its start", () => {
    const s = consumerSetup({ autoOffsetReset: "earliest" });
    s.append(0, [10, 11, 12]);
    s.append(0, [13, 14]);
    s.command({ type: "assign", keys: [0], seekToBeginning: false });
    s.command({ type: "poll" });
    s.h.runFor(500);
    expect(s.polled(0)).toEqual(pairs(0, [10, 11, 12, 13, 14]));
    expect(s.h.marks()).toContain("consumer-reset-earliest");
    expect(s.h.requests("ListOffsets")[0]!.effect.request.body).toMatchObject({
      topics: [{ name: "t0", partitions: [{ partitionIndex: 0, timestamp: -2 }] }],
    });
  });

  it("auto.offset.reset=latest reads only what arrives after the assignment", () => {
    const s = consumerSetup({ autoOffsetReset: "latest" });
    s.append(1, [1, 2, 3]);
    s.command({ type: "assign", keys: [1], seekToBeginning: false });
    s.command({ type: "poll" });
    s.h.runFor(300);
    expect(s.pollCompletions()).toMatchObject([{ phase: "ok", reads: [] }]);
    s.append(1, [4, 5]);
    s.command({ type: "poll" });
    s.h.runFor(300);
    expect(s.polled(1)).toEqual(pairs(3, [4, 5]));
  });

  it("auto.offset.reset=none fails polls until the application seeks", () => {
    const s = consumerSetup({ autoOffsetReset: "none" });
    s.append(0, [7, 8]);
    s.command({ type: "assign", keys: [0], seekToBeginning: false });
    s.command({ type: "poll" });
    s.h.runFor(50);
    expect(s.pollCompletions()).toMatchObject([
      { phase: "fail", error: "OFFSET_OUT_OF_RANGE", reads: [] },
    ]);
    s.command({ type: "seek", key: 0, offset: 1 });
    s.command({ type: "poll" });
    s.h.runFor(300);
    expect(s.polled(0)).toEqual([[1, 8]]);
  });

  it("assign with seekToBeginning rewinds every key, kept ones included", () => {
    const s = consumerSetup({ autoOffsetReset: "latest" });
    s.append(0, [1, 2]);
    s.append(2, [3]);
    s.command({ type: "assign", keys: [0], seekToBeginning: false });
    s.h.runFor(50);
    s.command({ type: "assign", keys: [0, 2], seekToBeginning: true });
    for (let i = 0; i < 2; i++) {
      s.command({ type: "poll" });
      s.h.runFor(300);
    }
    expect(s.polled(0)).toEqual(pairs(0, [1, 2]));
    expect(s.polled(2)).toEqual(pairs(0, [3]));
    expect(s.history().filter((op) => op.type === "assign")).toMatchObject([
      { phase: "invoke", keys: [0], seekToBeginning: false },
      { phase: "ok", keys: [0], seekToBeginning: false },
      { phase: "invoke", keys: [0, 2], seekToBeginning: true },
      { phase: "ok", keys: [0, 2], seekToBeginning: true },
    ]);
  });

  it("an out-of-range position resets per policy", () => {
    const s = consumerSetup({ autoOffsetReset: "earliest" });
    s.append(0, [1, 2, 3]);
    s.command({ type: "assign", keys: [0], seekToBeginning: false });
    s.command({ type: "seek", key: 0, offset: 50 });
    s.command({ type: "poll" });
    s.h.runFor(300);
    expect(s.h.marks()).toContain("consumer-out-of-range-reset-earliest");
    expect(s.polled(0)).toEqual(pairs(0, [1, 2, 3]));
  });
});

describe("positions", () => {
  it("seek moves the next poll to the given offset", () => {
    const s = consumerSetup({ autoOffsetReset: "earliest" });
    s.append(0, [1, 2, 3, 4]);
    s.command({ type: "assign", keys: [0], seekToBeginning: false });
    s.command({ type: "poll" });
    s.h.runFor(300);
    s.command({ type: "seek", key: 0, offset: 2 });
    s.command({ type: "poll" });
    s.h.runFor(300);
    const reads = s.pollCompletions().map((op) => op.reads.flatMap((r) => r.records));
    expect(reads).toEqual([pairs(0, [1, 2, 3, 4]), pairs(2, [3, 4])]);
  });

  it("skips the records of a returned batch that lie before the fetch offset", () => {
    const s = consumerSetup({ autoOffsetReset: "earliest" });
    s.append(0, [1, 2, 3, 4, 5]);
    s.command({ type: "assign", keys: [0], seekToBeginning: false });
    s.command({ type: "seek", key: 0, offset: 3 });
    s.command({ type: "poll" });
    s.h.runFor(300);
    expect(s.polled(0)).toEqual(pairs(3, [4, 5]));
    expect(s.h.marks()).toContain("consumer-skipped-records-before-fetch-offset");
  });

  it("steps over control batches without returning them", () => {
    const s = consumerSetup({ autoOffsetReset: "earliest" });
    s.append(0, [1]);
    const control = encodeBatch({
      isControl: true,
      records: [{ key: new Uint8Array(4), value: new Uint8Array(6) }],
    });
    s.cluster.partition("t0", 0).append(control);
    s.append(0, [2]);
    s.command({ type: "assign", keys: [0], seekToBeginning: false });
    s.command({ type: "poll" });
    s.h.runFor(300);
    s.command({ type: "poll" });
    s.h.runFor(300);
    expect(s.polled(0)).toEqual([
      [0, 1],
      [2, 2],
    ]);
    expect(s.h.marks()).toContain("consumer-skipped-control-batch");
  });

  it("returns at most max.poll.records per poll, in order", () => {
    const s = consumerSetup({ autoOffsetReset: "earliest", maxPollRecords: 3 });
    s.append(0, [1, 2, 3, 4, 5, 6, 7]);
    s.command({ type: "assign", keys: [0], seekToBeginning: false });
    for (let i = 0; i < 3; i++) {
      s.command({ type: "poll" });
      s.h.runFor(300);
    }
    const sizes = s.pollCompletions().map((op) => op.reads.flatMap((r) => r.records).length);
    expect(sizes).toEqual([3, 3, 1]);
    expect(s.polled(0)).toEqual(pairs(0, [1, 2, 3, 4, 5, 6, 7]));
  });

  it("completes an empty poll after the poll timeout", () => {
    const s = consumerSetup({ autoOffsetReset: "earliest", pollTimeoutMs: 250 });
    s.command({ type: "assign", keys: [0], seekToBeginning: false });
    s.command({ type: "poll" });
    s.h.runFor(249);
    expect(s.pollCompletions()).toEqual([]);
    s.h.runFor(1);
    expect(s.pollCompletions()).toMatchObject([{ phase: "ok", reads: [], time: 250 }]);
  });

  it("ignores a poll while one is open, and completes the open poll before an assign", () => {
    const s = consumerSetup({ autoOffsetReset: "earliest" });
    s.command({ type: "assign", keys: [0], seekToBeginning: false });
    s.command({ type: "poll" });
    s.command({ type: "poll" });
    expect(s.h.marks()).toContain("consumer-poll-while-polling-ignored");
    s.h.runFor(10);
    s.command({ type: "assign", keys: [1], seekToBeginning: false });
    expect(s.history().map((op) => `${op.type}:${op.phase}`)).toEqual([
      "assign:invoke",
      "assign:ok",
      "poll:invoke",
      "poll:ok",
      "assign:invoke",
      "assign:ok",
    ]);
  });
});

describe("faults", () => {
  it("follows a leader change after NOT_LEADER_OR_FOLLOWER", () => {
    const s = consumerSetup({ autoOffsetReset: "earliest", retryBackoffMs: 20 });
    s.append(0, [1, 2]);
    s.command({ type: "assign", keys: [0], seekToBeginning: false });
    s.command({ type: "poll" });
    s.h.runFor(300);
    s.cluster.partition("t0", 0).leader = nodeId(3);
    s.append(0, [3]);
    s.command({ type: "poll" });
    s.h.runFor(500);
    expect(s.polled(0)).toEqual(pairs(0, [1, 2, 3]));
    expect(s.h.marks()).toContain("metadata-refresh-not-leader");
    expect(s.h.requests("Fetch").at(-1)!.effect.to).toBe(3);
  });

  it("refetches after a lost connection without gaps or repeats", () => {
    const s = consumerSetup({ autoOffsetReset: "earliest" });
    s.append(0, [1, 2]);
    s.cluster.once(isFetch, { type: "drop-after" });
    s.cluster.once(isFetch, { type: "error", errorCode: ErrorCode.LEADER_NOT_AVAILABLE });
    s.command({ type: "assign", keys: [0], seekToBeginning: false });
    s.command({ type: "poll" });
    s.h.runFor(1_000);
    expect(s.polled(0)).toEqual(pairs(0, [1, 2]));
    expect(s.h.marks()).toEqual(expect.arrayContaining(["metadata-refresh-connection-lost"]));
  });

  it("times out a fetch that is never answered, and fetches again", () => {
    const s = consumerSetup({
      autoOffsetReset: "earliest",
      requestTimeoutMs: 300,
      pollTimeoutMs: 1_000,
    });
    s.append(0, [1]);
    s.cluster.once(isFetch, { type: "black-hole" });
    s.command({ type: "assign", keys: [0], seekToBeginning: false });
    s.command({ type: "poll" });
    s.h.runFor(1_000);
    expect(s.polled(0)).toEqual([[0, 1]]);
    expect(s.h.marks()).toContain("client-request-timed-out");
  });

  it("ends an open poll as info when the process crashes", () => {
    const s = consumerSetup();
    s.command({ type: "assign", keys: [0], seekToBeginning: false });
    s.command({ type: "poll" });
    s.h.act(CONSUMER_ID, (now) => s.consumer.crash(now));
    expect(
      s
        .history()
        .map((op) => `${op.type}:${op.phase}`)
        .slice(-4),
    ).toEqual(["poll:invoke", "poll:info", "crash:invoke", "crash:info"]);
  });
});

describe("final polls", () => {
  it("reads every assigned key to the high watermark and reports done", () => {
    const s = consumerSetup({ maxPollRecords: 4 }, { keyCount: 4 });
    for (let k = 0; k < 4; k++) {
      for (let b = 0; b < 3; b++)
        s.append(k, [k * 100 + b * 3, k * 100 + b * 3 + 1, k * 100 + b * 3 + 2]);
    }
    s.command({ type: "assign", keys: [0, 1, 2, 3], seekToBeginning: true });
    s.command({ type: "final-polls" });
    s.h.runFor(5_000);
    const view = s.consumer.view();
    expect(view.finalPolls.state).toBe("done");
    expect(view.finalPolls.lagging).toEqual([]);
    for (let k = 0; k < 4; k++) {
      expect(s.polled(k).map(([offset]) => offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    }
    expect(s.h.marks()).toContain("consumer-final-polls-done");
    // Once done, the consumer stops polling on its own.
    const polls = s.pollCompletions().length;
    s.h.runFor(5_000);
    expect(s.pollCompletions()).toHaveLength(polls);
  });

  it("finishes at once on empty partitions, after one fetch each", () => {
    const s = consumerSetup({ fetchMaxWaitMs: 50 });
    s.command({ type: "assign", keys: [0, 1], seekToBeginning: true });
    s.command({ type: "final-polls" });
    s.h.runFor(1_000);
    expect(s.consumer.view().finalPolls).toMatchObject({ state: "done" });
    expect(s.consumer.view().finalPolls.doneMs).toBeLessThan(300);
  });

  it("stops at the high watermark, not the log end offset", () => {
    const s = consumerSetup({ fetchMaxWaitMs: 50 });
    for (const v of [1, 2, 3]) s.append(0, [v]);
    s.cluster.partition("t0", 0).highWatermarkLag = 2;
    s.command({ type: "assign", keys: [0], seekToBeginning: true });
    s.command({ type: "final-polls" });
    s.h.runFor(1_000);
    expect(s.consumer.view().finalPolls.state).toBe("done");
    expect(s.polled(0)).toEqual([[0, 1]]);
    expect(s.consumer.view().partitions[0]).toMatchObject({ position: 1, highWatermark: 1 });
  });
});
