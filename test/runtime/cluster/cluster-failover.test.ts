// kill -9 of a partition leader under a KafkaJS acks=all producer and a kcat consumer: the clients
// fail over to the newly elected leader, every acknowledged message is still read afterwards
// (RF 3, min ISR 2: an acknowledged record is synced on two replicas), and the restarted node
// catches up and rejoins the ISR.

import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalCluster } from "../../support/local-cluster.ts";
import { run } from "../e2e/e2e-support.ts";

let cluster: LocalCluster;

beforeAll(async () => {
  cluster = await LocalCluster.start();
}, 90_000);

/** Clients to stop even when an expectation failed first. */
const clients: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const stop of clients.splice(0)) await stop();
  await cluster?.dispose();
});

/**
 * kcat -C reading from the beginning until stopped; what it printed so far, one value a line. `-E`
 * keeps it running through "all brokers down": while the survivors elect a new controller their
 * leases may lapse, and a broker without a lease closes client connections for that moment (it
 * may be cut off, so clients are sent elsewhere); librdkafka then sees every broker down at once.
 */
function tailConsumer(bootstrap: string, topic: string) {
  const child = spawn(
    "kcat",
    ["-b", bootstrap, "-C", "-t", topic, "-p", "0", "-o", "beginning", "-q", "-u", "-E"],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let text = "";
  let errors = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    errors = (errors + chunk).slice(-4_000);
  });
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    text += chunk;
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return {
    values: () => text.split("\n").filter((v) => v !== ""),
    errors: () => errors,
    stop: async () => {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

describe("failover after kill -9 of the leader", () => {
  it("loses no acknowledged message; producer, kcat and KafkaJS group consumers continue on the new leader", async () => {
    await cluster.createTopic("failover", 1);
    const [before] = await cluster.describe("failover");
    const leader = before?.leader ?? -1;
    expect(leader).toBeGreaterThan(0);
    const consumer = tailConsumer(cluster.bootstrap, "failover");
    // A KafkaJS group consumer too: its group coordinator may be the node that dies as well.
    const grouped: string[] = [];
    const groupConsumer = cluster.kafka("failover-group").consumer({
      groupId: "failover-group",
      sessionTimeout: 10_000,
      heartbeatInterval: 500,
    });
    clients.push(
      () => groupConsumer.disconnect(),
      () => consumer.stop(),
    );
    await groupConsumer.connect();
    await groupConsumer.subscribe({ topic: "failover", fromBeginning: true });
    await groupConsumer.run({
      eachMessage: async ({ message }) => {
        grouped.push(message.value?.toString("utf8") ?? "");
      },
    });
    const producer = cluster.kafka("failover-producer").producer({
      allowAutoTopicCreation: false,
      retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
    await producer.connect();
    const acknowledged: string[] = [];
    let abandoned = 0;
    let killed = false;
    try {
      const deadline = Date.now() + 60_000;
      for (let batch = 0; acknowledged.length < 1_500 && Date.now() < deadline; batch++) {
        const values = Array.from({ length: 10 }, (_, i) => `v-${batch}-${i}`);
        try {
          await producer.send({
            topic: "failover",
            acks: -1,
            messages: values.map((value) => ({ partition: 0, value })),
          });
          acknowledged.push(...values);
        } catch {
          abandoned++; // not acknowledged: it may or may not be in the log
        }
        if (!killed && acknowledged.length >= 500) {
          killed = true;
          await cluster.node(leader).stop("SIGKILL");
        }
      }
    } finally {
      await producer.disconnect();
    }
    expect(killed).toBe(true);
    expect(acknowledged.length).toBeGreaterThanOrEqual(1_500);
    expect(abandoned).toBe(0); // the retries covered the election: nothing was given up

    const [after] = await cluster.describe("failover");
    expect(after?.leader).not.toBe(leader);
    expect(after?.isr).not.toContain(leader);

    // Everything acknowledged is in the log, in the order it was acknowledged (a resent batch may
    // appear twice: acks=all without idempotence is at-least-once).
    const read = await run(
      "kcat",
      [
        "-b",
        cluster.brokers.join(","),
        "-C",
        "-t",
        "failover",
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
    expect(missingFrom(consumed, acknowledged)).toEqual([]);
    expect(firstOccurrences(consumed, new Set(acknowledged))).toEqual(acknowledged);

    // The consumers that were reading when the leader died continued on the new leader.
    const until = Date.now() + 30_000;
    const caughtUp = () =>
      missingFrom(consumer.values(), acknowledged).length === 0 &&
      missingFrom(grouped, acknowledged).length === 0;
    while (!caughtUp() && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await consumer.stop();
    await groupConsumer.disconnect();
    const groupMissing = missingFrom(grouped, acknowledged);
    expect(
      groupMissing,
      `KafkaJS group consumer: ${groupMissing.length} missing of ${acknowledged.length}`,
    ).toEqual([]);
    const tailMissing = missingFrom(consumer.values(), acknowledged);
    expect(
      tailMissing,
      `${tailMissing.length} missing, first ${tailMissing[0]}; read ${consumer.values().length}\n${consumer.errors()}`,
    ).toEqual([]);

    // The killed node restarts, recovers its log, catches up and rejoins the ISR.
    await cluster.node(leader).restart();
    const rejoined = await cluster.waitFor(
      "failover",
      (ps) => ps[0]?.isr.length === 3,
      "the ISR to grow back",
    );
    expect(rejoined[0]?.isr).toEqual([1, 2, 3]);
    const again = await run(
      "kcat",
      [
        "-b",
        cluster.node(leader).bootstrap,
        "-C",
        "-t",
        "failover",
        "-p",
        "0",
        "-o",
        "beginning",
        "-e",
        "-q",
      ],
      { timeoutMs: 30_000 },
    );
    expect(
      again.stdout
        .toString("utf8")
        .split("\n")
        .filter((v) => v !== ""),
    ).toEqual(consumed);
  }, 150_000);
});

function missingFrom(consumed: readonly string[], acknowledged: readonly string[]): string[] {
  const seen = new Set(consumed);
  return acknowledged.filter((v) => !seen.has(v));
}

function firstOccurrences(consumed: readonly string[], wanted: ReadonlySet<string>): string[] {
  const seen = new Set<string>();
  return consumed.filter((v) => wanted.has(v) && !seen.has(v) && seen.add(v) !== undefined);
}
