// `runnel groups` against a scripted coordinator: --describe joins DescribeGroups, OffsetFetch
// and ListOffsets into Kafka's lag table, and --reset-offsets plans (dry run) or commits offsets
// only while the group is inactive; then against a real broker with a kcat group's commits.

import { afterEach, describe, expect, it } from "vitest";
import { singleNodeProperties } from "../../core/broker/config.ts";
import { ErrorCode } from "../../core/error-codes.ts";
import type {
  ClientRequest,
  ClientResponse,
  OffsetCommitRequest,
} from "../../core/protocol/index.ts";
import { runGroups } from "../../runtime/cli-admin-groups.ts";
import { Writer } from "../../runtime/protocol/writer.ts";
import { BrokerProcess } from "../support/broker-process.ts";
import { FakeBroker } from "./admin/fake-broker.ts";
import { kcat } from "./e2e/e2e-support.ts";

let fake: FakeBroker | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const t = { throttleTimeMs: 0 };

function assignmentOf(topic: string, partitions: number[]): Uint8Array {
  const w = new Writer();
  w.int16(0);
  w.lengthPrefix("int32", 1);
  w.string("int16", topic);
  w.lengthPrefix("int32", partitions.length);
  for (const p of partitions) w.int32(p);
  w.lengthPrefix("int32", -1);
  return w.finish();
}

/** A coordinator of group "g" on topic "orders" (2 partitions, log [5, 100) and [0, 40)). */
function coordinator(state: "Stable" | "Empty", port: () => number) {
  const commits: OffsetCommitRequest[] = [];
  const script = (request: ClientRequest): ClientResponse => {
    switch (request.api) {
      case "Metadata":
        return {
          api: "Metadata",
          body: {
            ...t,
            brokers: [{ nodeId: 1, host: "127.0.0.1", port: port(), rack: null }],
            clusterId: "c",
            controllerId: 1,
            topics: [
              {
                errorCode: 0,
                name: "orders",
                isInternal: false,
                partitions: [0, 1].map((partitionIndex) => ({
                  errorCode: 0,
                  partitionIndex,
                  leaderId: 1,
                  replicaNodes: [1],
                  isrNodes: [1],
                  offlineReplicas: [],
                })),
              },
            ],
          },
        };
      case "FindCoordinator":
        return {
          api: "FindCoordinator",
          body: {
            ...t,
            errorCode: 0,
            errorMessage: null,
            nodeId: 1,
            host: "127.0.0.1",
            port: port(),
          },
        };
      case "DescribeGroups":
        return {
          api: "DescribeGroups",
          body: {
            ...t,
            groups: [
              {
                errorCode: 0,
                groupId: "g",
                groupState: state,
                protocolType: "consumer",
                protocolData: "range",
                members:
                  state === "Empty"
                    ? []
                    : [
                        {
                          memberId: "m-1",
                          groupInstanceId: null,
                          clientId: "app",
                          clientHost: "/127.0.0.1",
                          memberMetadata: new Uint8Array(0),
                          memberAssignment: assignmentOf("orders", [0, 1]),
                        },
                      ],
                authorizedOperations: -2147483648,
              },
            ],
          },
        };
      case "OffsetFetch":
        return {
          api: "OffsetFetch",
          body: {
            ...t,
            errorCode: 0,
            topics: [
              {
                name: "orders",
                partitions: [
                  {
                    partitionIndex: 0,
                    committedOffset: 60,
                    committedLeaderEpoch: -1,
                    metadata: "",
                    errorCode: 0,
                  },
                ],
              },
            ],
          },
        };
      case "ListOffsets": {
        const ends = new Map([
          [0, [5, 100]],
          [1, [0, 40]],
        ]);
        return {
          api: "ListOffsets",
          body: {
            ...t,
            topics: request.body.topics.map((topic) => ({
              name: topic.name,
              partitions: topic.partitions.map((p) => ({
                partitionIndex: p.partitionIndex,
                errorCode: 0,
                timestamp: -1,
                offset:
                  p.timestamp === -2
                    ? ends.get(p.partitionIndex)![0]!
                    : ends.get(p.partitionIndex)![1]!,
              })),
            })),
          },
        };
      }
      case "OffsetCommit":
        commits.push(request.body);
        return {
          api: "OffsetCommit",
          body: {
            ...t,
            topics: request.body.topics.map((topic) => ({
              name: topic.name,
              partitions: topic.partitions.map((p) => ({
                partitionIndex: p.partitionIndex,
                errorCode: 0,
              })),
            })),
          },
        };
      case "ListGroups":
        return {
          api: "ListGroups",
          body: {
            ...t,
            errorCode: 0,
            groups: [
              { groupId: "g", protocolType: "consumer" },
              { groupId: "a", protocolType: "consumer" },
            ],
          },
        };
      default:
        throw new Error(`unexpected ${request.api}`);
    }
  };
  return { commits, script };
}

async function groups(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runGroups(["--bootstrap-server", fake!.bootstrap, ...args], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out, err };
}

describe("runnel groups (scripted coordinator)", () => {
  it("--list prints the group ids, sorted", async () => {
    fake = await FakeBroker.start(coordinator("Stable", () => fake!.port).script);
    expect(await groups(["--list"])).toEqual({ code: 0, out: ["a", "g"], err: [] });
  });

  it("--describe prints committed offset, log end offset and lag per partition", async () => {
    fake = await FakeBroker.start(coordinator("Stable", () => fake!.port).script);
    const { code, out } = await groups(["--describe", "--group", "g"]);
    expect(code).toBe(0);
    expect(out[0]).toBe("Consumer group 'g' is Stable with 1 member(s).");
    expect(out.slice(1).map((line) => line.split(/\s+/))).toEqual([
      [
        "GROUP",
        "TOPIC",
        "PARTITION",
        "CURRENT-OFFSET",
        "LOG-END-OFFSET",
        "LAG",
        "CONSUMER-ID",
        "HOST",
        "CLIENT-ID",
      ],
      ["g", "orders", "0", "60", "100", "40", "m-1", "/127.0.0.1", "app"],
      ["g", "orders", "1", "-", "40", "-", "m-1", "/127.0.0.1", "app"],
    ]);
  });

  it("--reset-offsets plans without committing by default (dry run)", async () => {
    const scripted = coordinator("Stable", () => fake!.port);
    fake = await FakeBroker.start(scripted.script);
    const { code, out } = await groups([
      "--reset-offsets",
      "--group",
      "g",
      "--topic",
      "orders",
      "--shift-by",
      "-10",
    ]);
    expect(code).toBe(0);
    expect(out.map((line) => line.split(/\s+/).join(" "))).toEqual([
      "GROUP TOPIC PARTITION NEW-OFFSET",
      "g orders 0 50",
      "g orders 1 30",
      "(dry run: nothing committed; add --execute to commit these offsets)",
    ]);
    expect(scripted.commits).toEqual([]);
  });

  it("--reset-offsets --execute commits from outside the group when it is Empty", async () => {
    const scripted = coordinator("Empty", () => fake!.port);
    fake = await FakeBroker.start(scripted.script);
    const { code } = await groups([
      "--reset-offsets",
      "--group",
      "g",
      "--topic",
      "orders:1",
      "--to-earliest",
      "--execute",
    ]);
    expect(code).toBe(0);
    expect(scripted.commits).toHaveLength(1);
    expect(scripted.commits[0]).toMatchObject({
      groupId: "g",
      generationId: -1,
      memberId: "",
      topics: [{ name: "orders", partitions: [{ partitionIndex: 1, committedOffset: 0 }] }],
    });
  });

  it("--reset-offsets --execute refuses an active group", async () => {
    const scripted = coordinator("Stable", () => fake!.port);
    fake = await FakeBroker.start(scripted.script);
    const { code, err } = await groups([
      "--reset-offsets",
      "--group",
      "g",
      "--topic",
      "orders",
      "--to-latest",
      "--execute",
    ]);
    expect(code).toBe(1);
    expect(err[0]).toBe(
      "runnel groups: offsets of group 'g' can only be reset while it is inactive, but it is Stable",
    );
    expect(scripted.commits).toEqual([]);
  });

  it.each([
    [["--describe"], "--group is required with --describe"],
    [["--list", "--group", "g"], "--group cannot be used with --list"],
    [
      ["--reset-offsets", "--group", "g", "--to-earliest"],
      "--reset-offsets needs --topic T (repeatable) or --all-topics",
    ],
    [
      ["--reset-offsets", "--group", "g", "--topic", "orders"],
      "--reset-offsets needs exactly one of",
    ],
    [
      ["--reset-offsets", "--group", "g", "--topic", "orders", "--to-datetime", "yesterday"],
      "--to-datetime: cannot read 'yesterday' as a time",
    ],
  ])("%j is a usage error", async (args, message) => {
    fake = await FakeBroker.start(coordinator("Empty", () => fake!.port).script);
    const { code, err } = await groups(args);
    expect(code).toBe(2);
    expect(err[0]).toContain(message);
  });

  it("reports a missing coordinator by its Kafka error", async () => {
    fake = await FakeBroker.start((request) =>
      request.api === "FindCoordinator"
        ? {
            api: "FindCoordinator",
            body: {
              ...t,
              errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
              errorMessage: null,
              nodeId: -1,
              host: "",
              port: -1,
            },
          }
        : "silent",
    );
    const { code, err } = await groups(["--describe", "--group", "g"]);
    expect(code).toBe(1);
    expect(err[0]).toBe(
      "runnel groups: coordinator of group g: COORDINATOR_NOT_AVAILABLE (The coordinator is not available.)",
    );
  });
});

describe("runnel groups against a broker", () => {
  it("lists and describes a real group with its lag, and resets it once inactive", async () => {
    const broker = await BrokerProcess.start({ overrides: singleNodeProperties });
    const run = async (args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runGroups(["--bootstrap-server", broker.bootstrap, ...args], {
        out: (line) => out.push(line),
        err: (line) => err.push(line),
      });
      return { code, out, err };
    };
    try {
      await kcat(broker, ["-P", "-t", "lagged", "-p", "0"], { input: "a\nb\nc\nd\n" });
      // A group member reads to the end and commits on close (-e: exit at the end).
      await kcat(broker, [
        "-G",
        "g-real",
        "-X",
        "auto.offset.reset=earliest",
        "-e",
        "-q",
        "lagged",
      ]);
      await kcat(broker, ["-P", "-t", "lagged", "-p", "0"], { input: "e\nf\n" });
      expect(await run(["--list"])).toEqual({ code: 0, out: ["g-real"], err: [] });
      const described = await run(["--describe", "--group", "g-real"]);
      expect(described.code).toBe(0);
      expect(described.out[0]).toBe("Consumer group 'g-real' is Empty with 0 member(s).");
      expect(described.out[2]?.split(/\s+/)).toEqual([
        "g-real",
        "lagged",
        "0",
        "4",
        "6",
        "2",
        "-",
        "-",
        "-",
      ]);
      const reset = await run([
        "--reset-offsets",
        "--group",
        "g-real",
        "--topic",
        "lagged",
        "--to-earliest",
        "--execute",
      ]);
      expect(reset.code).toBe(0);
      const after = await run(["--describe", "--group", "g-real"]);
      expect(after.out[2]?.split(/\s+/).slice(3, 6)).toEqual(["0", "6", "6"]);
    } finally {
      await broker.dispose();
    }
  }, 30_000);
});
