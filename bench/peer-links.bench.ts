// Peer links over 127.0.0.1 (both ends in this process): messages per second for small Raft
// fetches and MB/s for 1 MiB fetch responses, each as a ratio to raw TCP carrying the same frames,
// pre-encoded and only split on arrival (the baseline). Run: npx tsx bench/peer-links.bench.ts

import net from "node:net";
import { performance } from "node:perf_hooks";
import { nodeId } from "../core/ids.ts";
import type { PeerMessage } from "../core/peer-message.ts";
import { Logger } from "../runtime/logger.ts";
import { encodePeerFrame } from "../runtime/peer/codec/codec.ts";
import type { PeerInput } from "../runtime/peer/link-options.ts";
import { PeerLinks } from "../runtime/peer/links.ts";
import { FrameSplitter } from "../runtime/protocol/frame-splitter.ts";

const ROUNDS = 5;
/** Bytes a sender lets wait for the kernel before it pauses. */
const WINDOW_BYTES = 32 << 20;
const silent = new Logger({ level: "error", json: false, write: () => {} });

const small: PeerMessage = {
  type: "raft-fetch-request",
  correlationId: 123_456,
  epoch: 7,
  replicaId: nodeId(1),
  fetchOffset: 1_000_000,
  lastFetchedEpoch: 7,
  maxWaitMs: 500,
  maxBytes: 1_048_576,
};
const large: PeerMessage = {
  type: "raft-fetch-response",
  correlationId: 1,
  errorCode: 0,
  epoch: 7,
  leaderId: nodeId(2),
  highWatermark: 1_000_000,
  logStartOffset: 0,
  records: new Uint8Array(1 << 20).fill(7),
};

interface Case {
  readonly name: string;
  readonly message: PeerMessage;
  readonly count: number;
  /** Sends per event-loop turn (the large ones stay well inside the per-peer queue bound). */
  readonly perTurn: number;
}
const cases: Case[] = [
  { name: "raft-fetch-request", message: small, count: 200_000, perTurn: 500 },
  { name: "raft-fetch-response, 1 MiB records", message: large, count: 200, perTurn: 8 },
];

/** A promise resolved by `done()`, rejected after 60 s so a lost message cannot hang the run. */
function completion(what: string): { finished: Promise<void>; done: () => void } {
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not finish in 60 s`)), 60_000);
    done = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  return { finished, done };
}

/** Sends `count` copies through PeerLinks; ms until the last one is delivered. */
async function viaLinks(c: Case): Promise<number> {
  let received = 0;
  const { finished, done } = completion(`links: ${c.name}`);
  const onInput = (input: PeerInput) => {
    if (input.type === "peer-message" && ++received === c.count) done();
  };
  const listen = { host: "127.0.0.1", port: 0 };
  const base = { clusterId: "bench", listen, logger: silent, peers: new Map() };
  const a = await PeerLinks.listen({ ...base, nodeId: nodeId(1), onInput: () => {} });
  const b = await PeerLinks.listen({ ...base, nodeId: nodeId(2), onInput });
  a.setPeerAddress(b.nodeId, b.address);
  b.setPeerAddress(a.nodeId, a.address);
  const start = performance.now();
  // In slices, as a node's steps would: one turn's sends leave in one write. The sender waits
  // while WINDOW_BYTES are not yet in the kernel, as a replica fetcher's one request in flight
  // would (flooding past the per-peer queue bound resets the link, by design).
  for (let sent = 0; sent < c.count; ) {
    for (let i = 0; i < c.perTurn && sent < c.count; i++, sent++) a.send(b.nodeId, c.message);
    await new Promise((resolve) => setImmediate(resolve));
    while ((a.status(b.nodeId)?.pendingBytes ?? 0) > WINDOW_BYTES) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await finished;
  const ms = performance.now() - start;
  await Promise.all([a.close(), b.close()]);
  return ms;
}

/** The same frames, pre-encoded, over a plain socket; the receiver only splits them. */
async function viaRawTcp(c: Case): Promise<number> {
  const frame = encodePeerFrame(c.message);
  let received = 0;
  const { finished, done } = completion(`raw: ${c.name}`);
  const server = net.createServer((socket) => {
    const splitter = new FrameSplitter(1 << 30);
    socket.on("data", (chunk) => {
      const frames = splitter.push(chunk);
      if (!frames.ok) return;
      received += frames.value.length;
      if (received === c.count) done();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  const socket = net.connect({ host: "127.0.0.1", port });
  socket.setNoDelay(true);
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  const start = performance.now();
  for (let sent = 0; sent < c.count; ) {
    socket.cork();
    for (let i = 0; i < c.perTurn && sent < c.count; i++, sent++) socket.write(frame);
    socket.uncork();
    await new Promise((resolve) => setImmediate(resolve));
    while (socket.writableLength > WINDOW_BYTES) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await finished;
  const ms = performance.now() - start;
  socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return ms;
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const rows: string[] = [];
  for (const c of cases) {
    await viaLinks(c); // warm-up
    await viaRawTcp(c);
    const links: number[] = [];
    const raw: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Interleaved, so a noisy neighbour hurts both alike.
      links.push(await viaLinks(c));
      raw.push(await viaRawTcp(c));
    }
    const [l, r] = [median(links), median(raw)];
    const bytes = encodePeerFrame(c.message).length * c.count;
    const rate = (ms: number) =>
      c.count >= 10_000
        ? `${((c.count / ms) * 1000).toFixed(0)} msg/s`
        : `${(bytes / ms / 1000).toFixed(0)} MB/s`;
    rows.push(`| ${c.name} | ${c.count} | ${rate(l)} | ${rate(r)} | ${(r / l).toFixed(2)} |`);
  }
  console.log(`Peer links on 127.0.0.1, median of ${ROUNDS} interleaved rounds\n`);
  console.log("| message | count | PeerLinks | raw TCP (baseline) | links / raw |");
  console.log("|---|---|---|---|---|");
  for (const row of rows) console.log(row);
}

await main();
