// A load generator for Kafka-protocol brokers that is not the bottleneck: Produce requests are
// encoded once (runtime/protocol's encodeRequest, a record batch of N records) and written again
// and again with many requests in flight on one connection; answers are matched in order and their
// error codes checked. A consumer fetches the partition back, counting batches from their headers.

import net from "node:net";
import { encodeBatch } from "../../core/log/record-batch-encode.ts";
import { decodeResponse, encodeRequest } from "../../runtime/protocol/frame.ts";
import { FrameSplitter } from "../../runtime/protocol/frame-splitter.ts";

export interface ProduceLoad {
  readonly port: number;
  readonly topic: string;
  readonly recordBytes: number;
  readonly recordsPerBatch: number;
  readonly acks: -1 | 1;
  /** Requests written but not yet answered. */
  readonly inFlight: number;
  /** Stop after this many requests. */
  readonly requests: number;
  /** Open loop: send one request every this many ms (latency runs); undefined = as fast as acked. */
  readonly intervalMs?: number;
}

export interface ProduceResult {
  readonly seconds: number;
  readonly records: number;
  readonly payloadBytes: number;
  /** Per request: ms from write to answer. */
  readonly latenciesMs: Float64Array;
  /** performance.now() at which each request was written. */
  readonly sentAt: Float64Array;
}

const PRODUCE_VERSION = 7;
const FETCH_VERSION = 11;

/** `count` distinct frames of one produce request (correlation ids 0..count-1). */
function produceFrames(load: ProduceLoad, count: number): Uint8Array[] {
  const value = new Uint8Array(load.recordBytes);
  for (let i = 0; i < value.length; i++) value[i] = 97 + (i % 26);
  const batch = encodeBatch({
    baseTimestamp: Date.now(),
    records: Array.from({ length: load.recordsPerBatch }, () => ({ key: null, value })),
  });
  return Array.from({ length: count }, (_, correlationId) =>
    encodeRequest(
      {
        api: "Produce",
        clientId: "runnel-bench",
        body: {
          transactionalId: null,
          acks: load.acks,
          timeoutMs: 30_000,
          topicData: [{ name: load.topic, partitionData: [{ index: 0, records: batch }] }],
          legacyMessageSet: false,
        },
      },
      PRODUCE_VERSION,
      correlationId,
    ),
  );
}

export function produce(load: ProduceLoad): Promise<ProduceResult> {
  const frames = produceFrames(load, Math.min(256, Math.max(64, load.inFlight * 2)));
  const latencies = new Float64Array(load.requests);
  const sentAt = new Float64Array(load.requests);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port: load.port, noDelay: true });
    const splitter = new FrameSplitter(1 << 24);
    let sent = 0;
    let answered = 0;
    let started = 0;
    let timer: NodeJS.Timeout | undefined;
    const fail = (error: Error) => {
      if (timer !== undefined) clearInterval(timer);
      socket.destroy();
      reject(error);
    };
    const send = () => {
      const frame = frames[sent % frames.length]!;
      sentAt[sent] = performance.now();
      sent++;
      return socket.write(frame);
    };
    const pump = () => {
      while (sent < load.requests && sent - answered < load.inFlight) {
        if (!send()) return; // wait for drain
      }
    };
    socket.on("drain", () => {
      if (load.intervalMs === undefined) pump();
    });
    socket.once("connect", () => {
      started = performance.now();
      if (load.intervalMs === undefined) {
        pump();
        return;
      }
      // Open loop: requests leave on a schedule whatever the answers do (bounded by load.requests).
      const interval = load.intervalMs;
      timer = setInterval(
        () => {
          const due = Math.min(
            load.requests,
            Math.floor((performance.now() - started) / interval) + 1,
          );
          while (sent < due) send();
          if (sent >= load.requests) clearInterval(timer);
        },
        Math.max(1, Math.floor(interval)),
      );
    });
    socket.on("data", (chunk) => {
      const out = splitter.push(chunk);
      if (!out.ok) return fail(new Error("bad frame from the broker"));
      for (const frame of out.value) {
        const decoded = decodeResponse("Produce", PRODUCE_VERSION, frame);
        if (!decoded.ok) return fail(new Error("undecodable Produce answer"));
        const response = decoded.value.response;
        const partition =
          response.api === "Produce"
            ? response.body.responses[0]?.partitionResponses[0]
            : undefined;
        if (partition?.errorCode !== 0) {
          return fail(new Error(`produce error ${partition?.errorCode} at request ${answered}`));
        }
        latencies[answered] = performance.now() - sentAt[answered]!;
        answered++;
      }
      if (answered === load.requests) {
        const seconds = (performance.now() - started) / 1000;
        socket.destroy();
        const records = load.requests * load.recordsPerBatch;
        resolve({
          seconds,
          records,
          payloadBytes: records * load.recordBytes,
          latenciesMs: latencies,
          sentAt,
        });
        return;
      }
      if (load.intervalMs === undefined) pump();
    });
    socket.on("error", fail);
  });
}

export interface ConsumeResult {
  readonly seconds: number;
  readonly records: number;
  readonly bytes: number;
}

/**
 * Fetches partition 0 of `topic` from offset 0 until `records` records were seen, one Fetch in
 * flight (as consumers do). `onBatch` hears each new batch's base offset and record count.
 */
export function consume(options: {
  readonly port: number;
  readonly topic: string;
  readonly records: number;
  readonly maxBytes?: number;
  readonly onBatch?: (baseOffset: number, count: number) => void;
}): Promise<ConsumeResult> {
  const maxBytes = options.maxBytes ?? 8 << 20;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port: options.port, noDelay: true });
    const splitter = new FrameSplitter(1 << 28);
    let offset = 0;
    let records = 0;
    let bytes = 0;
    let correlationId = 0;
    let started = 0;
    const fetchNext = () => {
      socket.write(
        encodeRequest(
          {
            api: "Fetch",
            clientId: "runnel-bench",
            body: {
              replicaId: -1,
              maxWaitMs: 500,
              minBytes: 1,
              maxBytes,
              isolationLevel: 0,
              sessionId: 0,
              sessionEpoch: -1,
              topics: [
                {
                  topic: options.topic,
                  partitions: [
                    {
                      partition: 0,
                      currentLeaderEpoch: -1,
                      fetchOffset: offset,
                      logStartOffset: -1,
                      partitionMaxBytes: maxBytes,
                    },
                  ],
                },
              ],
              forgottenTopicsData: [],
              rackId: "",
            },
          },
          FETCH_VERSION,
          correlationId++,
        ),
      );
    };
    socket.once("connect", () => {
      started = performance.now();
      fetchNext();
    });
    socket.on("data", (chunk) => {
      const out = splitter.push(chunk);
      if (!out.ok) return void reject(new Error("bad frame from the broker"));
      for (const frame of out.value) {
        const decoded = decodeResponse("Fetch", FETCH_VERSION, frame);
        if (!decoded.ok) return void reject(new Error("undecodable Fetch answer"));
        const response = decoded.value.response;
        const data =
          response.api === "Fetch" ? response.body.responses[0]?.partitions[0] : undefined;
        if (data === undefined || data.errorCode !== 0) {
          socket.destroy();
          return void reject(new Error(`fetch error ${data?.errorCode} at offset ${offset}`));
        }
        const batches = data.records ?? new Uint8Array(0);
        bytes += batches.length;
        const view = new DataView(batches.buffer, batches.byteOffset, batches.length);
        for (let at = 0; at + 61 <= batches.length; ) {
          const length = view.getInt32(at + 8);
          if (at + 12 + length > batches.length) break;
          const base = Number(view.getBigInt64(at));
          const count = view.getInt32(at + 57);
          if (base + count > offset) {
            records += base + count - Math.max(base, offset);
            options.onBatch?.(base, count);
            offset = base + count;
          }
          at += 12 + length;
        }
      }
      if (records >= options.records) {
        socket.destroy();
        resolve({ seconds: (performance.now() - started) / 1000, records, bytes });
        return;
      }
      // One Fetch in flight: ask again only once its answer is whole (it spans many chunks).
      if (out.value.length > 0) fetchNext();
    });
    socket.on("error", reject);
  });
}

/** The p-th percentile (0..100) of `values`. */
export function percentile(values: Float64Array, p: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
