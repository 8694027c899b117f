// An idempotent librdkafka producer (enable.idempotence=true) against today's broker. The producer
// state component (InitProducerId) is not integrated into the broker yet, which answers
// InitProducerId with COORDINATOR_NOT_AVAILABLE; librdkafka retries it and never sends a Produce,
// so its messages time out and nothing reaches the log. When InitProducerId is integrated this
// test fails on purpose: replace it with a round trip that checks the producer id in the batches.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrokerProcess } from "../../support/broker-process.ts";
import { createTopic, kcat } from "./e2e-support.ts";

let broker: BrokerProcess;

beforeAll(async () => {
  broker = await BrokerProcess.start();
});

afterAll(async () => {
  await broker?.dispose();
});

describe("idempotent producer (kcat -X enable.idempotence=true)", () => {
  it("cannot get a producer id yet: a clear retriable error, no message delivered or stored", async () => {
    await createTopic(broker, "idempotent");
    const result = await kcat(
      broker,
      [
        "-P",
        "-t",
        "idempotent",
        "-p",
        "0",
        "-X",
        "enable.idempotence=true",
        "-X",
        "message.timeout.ms=2500",
      ],
      { input: "one\ntwo\nthree\n", timeoutMs: 30_000, allowFailure: true },
    );
    expect(result.stderr).toContain("Failed to acquire idempotence PID");
    expect(result.stderr).toContain("Coordinator not available");
    expect(result.stderr).toContain("Message timed out");

    const stored = await kcat(broker, [
      "-C",
      "-t",
      "idempotent",
      "-p",
      "0",
      "-o",
      "beginning",
      "-e",
      "-q",
    ]);
    expect(stored.stdout.toString("utf8")).toBe("");
  });
});
