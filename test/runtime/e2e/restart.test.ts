// Stopping and restarting `runnel broker` on the same data folder: after SIGTERM nothing is lost;
// after SIGKILL (kill -9) every message acknowledged with acks=all is still there, because the
// default runnel.fsync.before.ack=acks-all syncs before the acknowledgement, and log recovery runs.

import { afterEach, describe, expect, it } from "vitest";
import { BrokerProcess } from "../../support/broker-process.ts";
import { createTopic, kcat, run } from "./e2e-support.ts";

let broker: BrokerProcess | undefined;

afterEach(async () => {
  await broker?.dispose();
  broker = undefined;
});

async function consumeValues(b: BrokerProcess, topic: string): Promise<string[]> {
  const result = await kcat(b, ["-C", "-t", topic, "-p", "0", "-o", "beginning", "-e", "-q"]);
  const text = result.stdout.toString("utf8");
  return text === "" ? [] : text.slice(0, -1).split("\n");
}

describe("restart", () => {
  it("loses nothing across SIGTERM and a restart", async () => {
    const b = await BrokerProcess.start();
    broker = b;
    // Small segments, so that the restart reopens several closed segments and the active one.
    await createTopic(b, "kept", 1, { "segment.bytes": "262144" });
    const values = Array.from({ length: 20_000 }, (_, i) => `kept-${i}-${"k".repeat(90)}`);
    await kcat(b, ["-P", "-t", "kept", "-p", "0", "-X", "batch.size=100000"], {
      input: `${values.join("\n")}\n`,
    });
    const status = await b.stop("SIGTERM");
    expect(status).toEqual({ code: 0, signal: null });
    expect(b.output).toContain("stopped");
    await b.restart();
    expect(await consumeValues(b, "kept")).toEqual(values);
    const more = ["after-restart-1", "after-restart-2"];
    await kcat(b, ["-P", "-t", "kept", "-p", "0"], { input: `${more.join("\n")}\n` });
    expect(await consumeValues(b, "kept")).toEqual([...values, ...more]);
  });

  it("keeps every acks=all acknowledged message across kill -9, and recovers the log", async () => {
    const b = await BrokerProcess.start();
    broker = b;
    await createTopic(b, "crash");
    // A producer that logs each acknowledged (acks=all) batch; the broker is killed under its load
    // once 5,000 messages were acknowledged (early enough that a loaded machine still gets there
    // well inside the producer's time budget).
    const values = Array.from({ length: 300_000 }, (_, i) => `crash-${i}`);
    let killed: Promise<unknown> | undefined;
    const producing = run(
      "kcat",
      [
        "-b",
        b.bootstrap,
        "-P",
        "-t",
        "crash",
        "-p",
        "0",
        "-X",
        "acks=all",
        "-X",
        "linger.ms=1",
        "-X",
        "batch.num.messages=500",
        "-X",
        "message.timeout.ms=3000",
        "-d",
        "msg",
      ],
      {
        input: `${values.join("\n")}\n`,
        timeoutMs: 60_000,
        onStderr: (stderr) => {
          if (killed === undefined && acknowledgedCount(stderr) >= 5_000)
            killed = b.stop("SIGKILL");
        },
      },
    );
    const produced = await producing;
    expect(killed).toBeDefined();
    await killed;
    const acknowledged = acknowledgedCount(produced.stderr);
    expect(acknowledged).toBeLessThan(values.length);
    await b.restart({ logLevel: "debug" });
    const survived = await consumeValues(b, "crash");
    // Every acknowledged message survived, in order, and nothing else appeared.
    expect(survived.length).toBeGreaterThanOrEqual(acknowledged);
    expect(survived).toEqual(values.slice(0, survived.length));
    expect(b.output).toMatch(/log-recovered .*topic=crash partition=0 .*scannedBytes=[1-9]/);
  });
});

/**
 * Messages librdkafka reports delivered: with -d msg it logs each acknowledged ProduceResponse as
 * "MessageSet with N message(s) (MsgId X, BaseSeq -1) delivered".
 */
function acknowledgedCount(stderr: string): number {
  let total = 0;
  for (const match of stderr.matchAll(/MessageSet with (\d+) message\(s\) \([^)]*\) delivered/g)) {
    total += Number(match[1]);
  }
  return total;
}
