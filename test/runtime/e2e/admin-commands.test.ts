// The admin commands against `runnel broker`: topics create/list/describe/delete, offsets by
// latest/earliest/time, groups before any exists (test/runtime/cli-admin-groups.test.ts has real
// ones), usage errors, an unreachable broker, and the `runnel` command table wiring.

import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runGroups } from "../../../runtime/cli-admin-groups.ts";
import { runOffsets } from "../../../runtime/cli-admin-offsets.ts";
import { runTopics } from "../../../runtime/cli-admin-topics.ts";
import { BrokerProcess, delay, freePort } from "../../support/broker-process.ts";
import { kcat, run } from "./e2e-support.ts";

let broker: BrokerProcess;

beforeAll(async () => {
  broker = await BrokerProcess.start({ overrides: { "auto.create.topics.enable": "false" } });
});

afterAll(async () => {
  await broker?.dispose();
});

type Command = typeof runTopics;

async function call(command: Command, args: string[], bootstrap = broker.bootstrap) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await command(["--bootstrap-server", bootstrap, ...args], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out, err };
}

describe("runnel topics", () => {
  it("creates, lists, describes and deletes topics", async () => {
    expect(
      await call(runTopics, [
        "--create",
        "--topic",
        "orders",
        "--partitions",
        "3",
        "--config",
        "retention.ms=60000",
        "--config",
        "cleanup.policy=delete",
      ]),
    ).toEqual({
      code: 0,
      out: ["Created topic orders."],
      err: [],
    });
    expect((await call(runTopics, ["--create", "--topic", "audit"])).code).toBe(0);
    expect((await call(runTopics, ["--list"])).out).toEqual(["audit", "orders"]);

    const described = await call(runTopics, ["--describe", "--topic", "orders"]);
    expect(described.out).toEqual([
      "Topic: orders\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: cleanup.policy=delete,retention.ms=60000",
      ...[0, 1, 2].map((p) => `\tTopic: orders\tPartition: ${p}\tLeader: 1\tReplicas: 1\tIsr: 1`),
    ]);
    const all = await call(runTopics, ["--describe"]);
    expect(
      all.out.filter((line) => line.startsWith("Topic:")).map((l) => l.split("\t")[0]),
    ).toEqual(["Topic: audit", "Topic: orders"]);

    expect(await call(runTopics, ["--delete", "--topic", "audit"])).toEqual({
      code: 0,
      out: ["Deleted topic audit."],
      err: [],
    });
    expect((await call(runTopics, ["--list"])).out).toEqual(["orders"]);
  });

  it("names Kafka's error for an existing or unknown topic; --if-(not-)exists makes them no-ops", async () => {
    await call(runTopics, ["--create", "--topic", "twice"]);
    const again = await call(runTopics, ["--create", "--topic", "twice"]);
    expect(again.code).toBe(1);
    expect(again.err[0]).toMatch(/^runnel topics: create twice: TOPIC_ALREADY_EXISTS/);
    expect((await call(runTopics, ["--create", "--topic", "twice", "--if-not-exists"])).code).toBe(
      0,
    );

    const missing = await call(runTopics, ["--describe", "--topic", "nope"]);
    expect(missing.code).toBe(1);
    expect(missing.err[0]).toBe(
      "runnel topics: nope: UNKNOWN_TOPIC_OR_PARTITION (This server does not host this topic-partition.)",
    );
    expect((await call(runTopics, ["--delete", "--topic", "nope"])).code).toBe(1);
    expect(await call(runTopics, ["--delete", "--topic", "nope", "--if-exists"])).toEqual({
      code: 0,
      out: [],
      err: [],
    });
  });

  it.each([
    [["--list", "--create"], "give exactly one of --create, --list, --describe, --delete"],
    [["--create"], "--topic is required with --create"],
    [["--list", "--partitions", "3"], "--partitions cannot be used with --list"],
    [
      ["--create", "--topic", "x", "--partitions", "0"],
      "--partitions must be an integer in [1, 1000000], got '0'",
    ],
    [
      ["--create", "--topic", "x", "--config", "retention.ms"],
      "--config needs key=value, got 'retention.ms'",
    ],
    [["--list", "--verbose"], "unknown option --verbose"],
  ])("%j is a usage error (exit 2)", async (args, message) => {
    const { code, err } = await call(runTopics, args);
    expect(code).toBe(2);
    expect(err).toEqual([`runnel topics: ${message}`, "(runnel topics --help shows the options)"]);
  });

  it("fails in bounded time when no broker listens", async () => {
    const port = await freePort();
    const { code, err } = await call(
      runTopics,
      ["--list", "--connect-timeout-ms", "1000"],
      `127.0.0.1:${port}`,
    );
    expect(code).toBe(1);
    expect(err[0]).toContain(`cannot connect to 127.0.0.1:${port}`);
    expect((await call(runTopics, ["--list"], "localhost")).code).toBe(2);
  });
});

describe("runnel offsets", () => {
  it("prints topic:partition:offset for latest, earliest and a time", async () => {
    await call(runTopics, ["--create", "--topic", "clicks", "--partitions", "2"]);
    await kcat(broker, ["-P", "-t", "clicks", "-p", "0"], { input: "a\nb\nc\n" });
    await delay(30);
    const between = Date.now();
    await delay(30);
    await kcat(broker, ["-P", "-t", "clicks", "-p", "0"], { input: "d\n" });
    expect((await call(runOffsets, ["--topic", "clicks"])).out).toEqual([
      "clicks:0:4",
      "clicks:1:0",
    ]);
    expect((await call(runOffsets, ["--topic", "clicks", "--time", "earliest"])).out).toEqual([
      "clicks:0:0",
      "clicks:1:0",
    ]);
    expect(
      (
        await call(runOffsets, [
          "--topic",
          "clicks",
          "--time",
          String(between),
          "--partitions",
          "0",
        ])
      ).out,
    ).toEqual(["clicks:0:3"]);
    const iso = new Date(between).toISOString();
    expect(
      (await call(runOffsets, ["--topic", "clicks", "--time", iso, "--partitions", "0"])).out,
    ).toEqual(["clicks:0:3"]);
  });

  it("reports unknown topics and partitions, and bad times", async () => {
    const unknown = await call(runOffsets, ["--topic", "nope"]);
    expect(unknown.code).toBe(1);
    expect(unknown.err[0]).toMatch(/^runnel offsets: nope: UNKNOWN_TOPIC_OR_PARTITION/);
    const partition = await call(runOffsets, ["--topic", "clicks", "--partitions", "7"]);
    expect(partition).toMatchObject({
      code: 1,
      err: ["runnel offsets: clicks has no partition 7"],
    });
    expect((await call(runOffsets, ["--topic", "clicks", "--time", "soon"])).code).toBe(2);
    expect((await call(runOffsets, [])).err[0]).toBe(
      "runnel offsets: --topic is required (the topic whose offsets to print)",
    );
  });
});

describe("runnel groups (before any group exists)", () => {
  it("lists no groups", async () => {
    expect(await call(runGroups, ["--list"])).toEqual({ code: 0, out: [], err: [] });
  });

  it("describes an unknown group as missing (its coordinator exists once asked for)", async () => {
    const { code, err } = await call(runGroups, ["--describe", "--group", "g1"]);
    expect(code).toBe(1);
    expect(err[0]).toContain("consumer group 'g1' does not exist");
  });
});

describe("the runnel command table", () => {
  it.each(["topics", "groups", "offsets"])("`runnel %s --help` prints its usage", async (name) => {
    const cli = path.resolve(import.meta.dirname, "../../../runtime/cli.ts");
    const result = await run(process.execPath, ["--import", "tsx", cli, name, "--help"], {
      timeoutMs: 30_000,
    });
    expect(result.code).toBe(0);
    expect(result.stdout.toString("utf8")).toMatch(
      new RegExp(`^usage: runnel ${name} --bootstrap-server`),
    );
  });
});
