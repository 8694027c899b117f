// SIGTERM on a partition leader: a controlled shutdown, so the leadership has moved before the
// process exits (no wait for a session timeout), the producer sees nothing beyond retriable errors,
// the process exits 0, and after a clean restart the node has lost nothing and rejoins the ISR.

import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalCluster } from "../../support/local-cluster.ts";
import { run } from "../e2e/e2e-support.ts";

let cluster: LocalCluster;

beforeAll(async () => {
  cluster = await LocalCluster.start({
    overrides: { "leader.imbalance.check.interval.seconds": "1" },
  });
}, 90_000);

afterAll(async () => {
  await cluster?.dispose();
});

describe("SIGTERM on a leader", () => {
  it("moves leadership away before the process exits; a clean restart loses nothing", async () => {
    await cluster.createTopic("graceful", 1);
    const [before] = await cluster.describe("graceful");
    const leader = before?.leader ?? -1;
    expect(leader).toBeGreaterThan(0);
    // Every error KafkaJS logs must be one it retries: a connection refused or closed, a broker
    // given up for another, or a Kafka error code its table marks retriable.
    const producerErrors: string[] = [];
    const producer = cluster
      .kafka("graceful-producer", (log) => producerErrors.push(describeLog(log)))
      .producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const acknowledged: string[] = [];
    let stopped: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
    try {
      for (let batch = 0; batch < 100; batch++) {
        const values = Array.from({ length: 10 }, (_, i) => `g-${batch}-${i}`);
        // A failure here fails the test: KafkaJS retries retriable errors (NOT_LEADER_OR_FOLLOWER,
        // a closed connection) on its own and throws only when they are exhausted or fatal.
        await producer.send({
          topic: "graceful",
          acks: -1,
          messages: values.map((value) => ({ partition: 0, value })),
        });
        acknowledged.push(...values);
        if (batch === 30) stopped = cluster.node(leader).stop("SIGTERM");
        if (batch === 60) expect(await stopped).toEqual({ code: 0, signal: null });
      }
    } finally {
      await producer.disconnect();
    }
    expect(producerErrors.filter((e) => !e.startsWith("retriable: "))).toEqual([]);
    const output = cluster.node(leader).output;
    expect(output).toContain("controlled shutdown complete");
    expect(output).toMatch(/stopped .*filesSynced=\d+/);

    // The process is gone and the leadership had already moved: no session timeout was needed.
    const [after] = await cluster.describe("graceful");
    expect(after?.leader).not.toBe(leader);
    expect(after?.leader).toBeGreaterThan(0);
    expect(after?.isr).not.toContain(leader);

    await cluster.node(leader).restart();
    const rejoined = await cluster.waitFor(
      "graceful",
      (ps) => ps[0]?.isr.length === 3,
      "the ISR to grow back",
    );
    expect(rejoined[0]?.isr).toEqual([1, 2, 3]);
    // The preferred leader (first replica) gets its leadership back once in sync (the imbalance
    // check runs every second here), so this read is served from the restarted node's own log.
    const preferred = before?.replicas[0];
    await cluster.waitFor("graceful", (ps) => ps[0]?.leader === preferred, "the preferred leader");
    const read = await run(
      "kcat",
      [
        "-b",
        cluster.node(leader).bootstrap,
        "-C",
        "-t",
        "graceful",
        "-p",
        "0",
        "-o",
        "beginning",
        "-e",
        "-q",
      ],
      { timeoutMs: 30_000 },
    );
    const consumed = read.stdout
      .toString("utf8")
      .split("\n")
      .filter((v) => v !== "");
    expect(new Set(consumed)).toEqual(new Set(acknowledged));
    expect(consumed.length).toBeGreaterThanOrEqual(acknowledged.length);
  }, 120_000);

  it("bounds the controlled shutdown without a quorum, and a second signal exits at once", async () => {
    // The last node standing: its controller is gone, so its controlled shutdown cannot finish.
    const [first, second, last] = [cluster.node(1), cluster.node(2), cluster.node(3)];
    await Promise.all([first.stop("SIGKILL"), second.stop("SIGKILL")]);
    const asked = last.output.length;
    const stopped = last.stop("SIGTERM");
    await last.waitForOutput(
      (out) => out.slice(asked).includes("controlled shutdown: asking the controller"),
      "asking for a controlled shutdown",
    );
    expect(await last.stop("SIGTERM")).toEqual({ code: 130, signal: null });
    expect(await stopped).toEqual({ code: 130, signal: null });
    expect(last.output.slice(asked)).toContain("second signal: exiting without waiting");
  }, 60_000);
});

/** KafkaJS's own table (not in its typings): error message -> whether it retries that code. */
const kafkaErrors = createRequire(import.meta.url)("kafkajs/src/protocol/error.js") as {
  errorCodes: { message: string; retriable: boolean }[];
};
const retriableByMessage = new Map(kafkaErrors.errorCodes.map((e) => [e.message, e.retriable]));

/** "retriable: ..." or "fatal: ..." for one error-level log record of KafkaJS. */
function describeLog(log: { message: string; error?: unknown }): string {
  const error = typeof log.error === "string" ? log.error : "";
  const retriable =
    /^(Connection error|Closed connection|Failed to connect to)/.test(log.message) ||
    /^Failed to send messages: /.test(log.message) ||
    (log.message.startsWith("Response ") && retriableByMessage.get(error) === true);
  return `${retriable ? "retriable" : "fatal"}: ${log.message} ${error}`;
}
