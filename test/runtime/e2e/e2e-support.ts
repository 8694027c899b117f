// Helpers of the end-to-end tests: running kcat (librdkafka) with bounded time, and a raw client
// on runtime/admin's connection for what no real client shows (the stored record batches).

import { spawn } from "node:child_process";
import { ErrorCode } from "../../../core/error-codes.ts";
import { AdminClient } from "../../../runtime/admin/admin-client.ts";
import { KafkaConnection } from "../../../runtime/admin/connection.ts";
import type { BrokerProcess } from "../../support/broker-process.ts";

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs a command with `input` on stdin; SIGKILLed after `timeoutMs` (then code is null). */
export function run(
  command: string,
  args: readonly string[],
  options: { input?: string | Buffer; timeoutMs?: number; onStderr?: (all: string) => void } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => {
      err.push(chunk);
      options.onStderr?.(Buffer.concat(err).toString("utf8"));
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
    child.stdin.on("error", () => undefined); // kcat may exit before reading all of stdin
    child.stdin.end(options.input ?? "");
  });
}

/** kcat against `broker`; fails the test with kcat's stderr when it does not exit 0. */
export async function kcat(
  broker: BrokerProcess,
  args: readonly string[],
  options: { input?: string | Buffer; timeoutMs?: number; allowFailure?: boolean } = {},
): Promise<RunResult> {
  const result = await run("kcat", ["-b", broker.bootstrap, ...args], options);
  if (options.allowFailure !== true && result.code !== 0) {
    throw new Error(
      `kcat ${args.join(" ")} exited ${result.code ?? result.signal}\n${result.stderr}`,
    );
  }
  return result;
}

/** Creates a topic through the admin client (auto-creation would pick num.partitions). */
export async function createTopic(
  broker: BrokerProcess,
  name: string,
  partitions = 1,
  configs: Record<string, string> = {},
): Promise<void> {
  const admin = await AdminClient.connect(broker.bootstrap);
  try {
    await admin.createTopic({ name, partitions, replicationFactor: 1, configs });
  } finally {
    admin.close();
  }
}

export interface StoredBatch {
  readonly baseOffset: number;
  readonly recordCount: number;
  /** Attribute bits 0-2: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd. */
  readonly codec: number;
}

/**
 * The record batches of partition 0 of `topic` as the broker serves them (Fetch from offset 0
 * until the high watermark), read from their v2 headers without decompressing anything.
 */
export async function storedBatches(broker: BrokerProcess, topic: string): Promise<StoredBatch[]> {
  const connection = await KafkaConnection.connect({ host: broker.host, port: broker.port });
  const batches: StoredBatch[] = [];
  try {
    let offset = 0;
    for (let round = 0; round < 1_000; round++) {
      const answer = await connection.send("Fetch", fetchBody(topic, offset));
      const data = answer.responses[0]?.partitions[0];
      if (data === undefined || data.errorCode !== ErrorCode.NONE) {
        throw new Error(`fetch ${topic} at ${offset}: error ${data?.errorCode}`);
      }
      const fetched = parseBatches(data.records ?? new Uint8Array(0));
      const fresh = fetched.filter((b) => b.baseOffset + b.recordCount > offset);
      batches.push(...fresh);
      const last = fresh.at(-1);
      if (last !== undefined) offset = last.baseOffset + last.recordCount;
      if (offset >= data.highWatermark) return batches;
    }
    throw new Error(`fetching ${topic} did not reach its high watermark`);
  } finally {
    connection.close();
  }
}

function fetchBody(topic: string, fetchOffset: number) {
  return {
    replicaId: -1,
    maxWaitMs: 100,
    minBytes: 1,
    maxBytes: 8 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic,
        partitions: [
          {
            partition: 0,
            currentLeaderEpoch: -1,
            fetchOffset,
            logStartOffset: -1,
            partitionMaxBytes: 8 << 20,
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: "",
  };
}

/** Whole v2 batches in `bytes` (a trailing partial batch is ignored, as clients do). */
function parseBatches(bytes: Uint8Array): StoredBatch[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out: StoredBatch[] = [];
  let at = 0;
  while (at + 61 <= bytes.length) {
    const length = view.getInt32(at + 8);
    if (at + 12 + length > bytes.length) break;
    out.push({
      baseOffset: Number(view.getBigInt64(at)),
      codec: view.getInt16(at + 21) & 7,
      recordCount: view.getInt32(at + 57),
    });
    at += 12 + length;
  }
  return out;
}
