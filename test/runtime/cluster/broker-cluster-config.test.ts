// `runnel broker` refuses a cluster configuration it cannot serve before touching anything: a
// malformed controller.quorum.voters, a CONTROLLER listener that is not this node's voter entry,
// a voter without a CONTROLLER listener; exit status 2 and the property named.

import path from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../e2e/e2e-support.ts";

const runnel = path.resolve(import.meta.dirname, "..", "..", "..", "bin", "runnel.js");
const VOTERS = "1@127.0.0.1:19092,2@127.0.0.1:19093,3@127.0.0.1:19094";

async function broker(overrides: Record<string, string>) {
  const args = Object.entries({ "log.dirs": "/nonexistent/runnel-never-created", ...overrides });
  const result = await run(
    process.execPath,
    [runnel, "broker", ...args.flatMap(([k, v]) => ["--override", `${k}=${v}`])],
    { timeoutMs: 30_000 },
  );
  return { code: result.code, stderr: result.stderr };
}

describe("runnel broker with a bad cluster configuration", () => {
  it.each([
    [
      "a voters entry that is not id@host:port",
      { "controller.quorum.voters": "1@127.0.0.1:19092,two@127.0.0.1:19093" },
      'controller.quorum.voters: "two@127.0.0.1:19093" is not id@host:port',
    ],
    [
      "a CONTROLLER listener on another port than its voter entry",
      { listeners: "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:19999" },
      "does not match this node's controller.quorum.voters entry 1@127.0.0.1:19092",
    ],
    [
      "no CONTROLLER listener",
      { listeners: "PLAINTEXT://127.0.0.1:9092" },
      "a voter needs exactly one listener named in controller.listener.names",
    ],
  ])("refuses %s (exit 2)", async (_, change, message) => {
    const result = await broker({
      "node.id": "1",
      listeners: "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:19092",
      "controller.quorum.voters": VOTERS,
      ...change,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("runnel broker: bad configuration:");
    expect(result.stderr).toContain(message);
  });
});
