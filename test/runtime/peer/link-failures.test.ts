// Peer links over 127.0.0.1 when things fail: a restarted peer is reached again, a broken link is
// reported at both ends, a node of another cluster or an unknown id is refused at the handshake,
// the reconnect backoff stays bounded, a full queue resets the link, and bad bytes close only
// their own connection.

import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { nodeId } from "../../../core/ids.ts";
import { encodePeerFrame } from "../../../runtime/peer/codec/codec.ts";
import { decodeAnswer, encodeHello } from "../../../runtime/peer/codec/handshake.ts";
import { FrameSplitter } from "../../../runtime/protocol/frame-splitter.ts";
import {
  closeAll,
  deadPort,
  type Endpoint,
  introduce,
  messagesFrom,
  numbered,
  settle,
  startEndpoint,
  unreachableCount,
  waitFor,
} from "./support/link-harness.ts";

afterEach(closeAll);

/** Sends numbered messages every 10 ms until `to` has received one (bounded by count). */
async function sendUntilDelivered(from: Endpoint, to: Endpoint, first: number): Promise<number> {
  for (let i = 0; i < 300; i++) {
    from.links.send(to.id, numbered(first + i, from.id));
    await settle(10);
    if (messagesFrom(to, from.id).length > 0) return i + 1;
  }
  throw new Error(`node ${to.id} never received a message from node ${from.id}`);
}

describe("a peer restarts", () => {
  it("both ends hear peer-unreachable, and the link comes back on the next sends", async () => {
    const a = await startEndpoint(1);
    let b = await startEndpoint(2);
    introduce([a, b]);
    a.links.send(b.id, numbered(0, a.id));
    b.links.send(a.id, numbered(0, b.id));
    await waitFor(() => a.inputs.length === 1 && b.inputs.length === 1, "one message each way");

    const port = b.links.address.port;
    await b.links.close();
    // a's outgoing link broke (its messages in flight are lost) and so did b's link to a.
    await waitFor(() => unreachableCount(a, b.id) >= 1, "a to hear b is unreachable");
    expect(a.links.status(b.id)).toMatchObject({ state: "backoff", failures: 1 });

    b = await startEndpoint(2, { listen: { host: "127.0.0.1", port } });
    b.links.setPeerAddress(a.id, a.links.address);
    const attempts = await sendUntilDelivered(a, b, 100);
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(a.links.status(b.id)).toMatchObject({ state: "open", failures: 0 });
    // What arrives after the restart is a suffix of what was sent, in order.
    const ids = messagesFrom(b, a.id).map((m) => m.correlationId);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(ids.every((id) => id >= 100)).toBe(true);
    await sendUntilDelivered(b, a, 0);
  });

  it("the receiving end hears peer-unreachable when the sender's link breaks", async () => {
    const [a, b] = [await startEndpoint(1), await startEndpoint(2)];
    introduce([a, b]);
    a.links.send(b.id, numbered(0, a.id));
    await waitFor(() => b.inputs.length === 1, "the message");
    await a.links.close();
    await waitFor(() => unreachableCount(b, a.id) === 1, "b to hear a is unreachable");
    expect(b.links.stats.inboundConnections).toBe(0);
  });
});

describe("the handshake refuses", () => {
  it("a node of another cluster: nothing is delivered, the dialer hears why", async () => {
    const a = await startEndpoint(1);
    const c = await startEndpoint(3, { clusterId: "another-cluster" });
    introduce([a, c]);
    c.links.send(a.id, numbered(0, c.id));
    await waitFor(() => unreachableCount(c, a.id) === 1, "c to hear a is unreachable");
    expect(c.links.status(a.id)?.lastError).toMatch(/refused: wrong-cluster/);
    expect(a.links.stats.handshakesRefused).toBe(1);
    expect(a.inputs).toEqual([]);
    expect(a.logLines.join("\n")).toMatch(/refused a peer connection.*wrong-cluster/);
  });

  it("a node id missing from the address map, and a node claiming the acceptor's own id", async () => {
    const a = await startEndpoint(1);
    const stranger = await startEndpoint(9);
    const impostor = await startEndpoint(1, { peers: new Map([[nodeId(2), a.links.address]]) });
    stranger.links.setPeerAddress(a.id, a.links.address);
    stranger.links.send(a.id, numbered(0, stranger.id));
    impostor.links.send(nodeId(2), numbered(0, impostor.id));
    await waitFor(
      () => unreachableCount(stranger, a.id) === 1 && unreachableCount(impostor, nodeId(2)) === 1,
      "both dialers to be refused",
    );
    expect(stranger.links.status(a.id)?.lastError).toMatch(/unknown-node/);
    expect(impostor.links.status(nodeId(2))?.lastError).toMatch(/own-node-id/);
    expect(a.inputs).toEqual([]);
  });
});

describe("unreachable peers", () => {
  it("a node with no known address is reported unreachable on the next turn", async () => {
    const a = await startEndpoint(1);
    a.links.send(nodeId(7), numbered(0, a.id));
    a.links.send(nodeId(7), numbered(1, a.id));
    expect(a.inputs).toEqual([]);
    await settle();
    expect(a.inputs).toEqual([{ type: "peer-unreachable", peer: nodeId(7) }]);
    // One warning for the node, not one per retry.
    expect(a.logLines.filter((line) => line.includes("no known address"))).toHaveLength(1);
  });

  it("a dead port: each attempt fails, sends during the backoff are refused, the wait stays bounded", async () => {
    const backoff = { initialMs: 4, maxMs: 40, jitter: 0.2 };
    const a = await startEndpoint(1, {
      peers: new Map([[nodeId(2), { host: "127.0.0.1", port: await deadPort() }]]),
      backoff,
    });
    const waits: number[] = [];
    for (let i = 0; i < 400 && (a.links.status(nodeId(2))?.failures ?? 0) < 8; i++) {
      a.links.send(nodeId(2), numbered(i, a.id));
      await settle(3);
      const status = a.links.status(nodeId(2))!;
      if (status.state === "backoff" && waits.at(-1) !== status.backoffMs)
        waits.push(status.backoffMs);
    }
    const status = a.links.status(nodeId(2))!;
    expect(status.failures).toBeGreaterThanOrEqual(8);
    expect(status.lastError).toMatch(/ECONNREFUSED/);
    expect(Math.max(...waits)).toBeLessThanOrEqual(backoff.maxMs);
    // By the 4th failure the doubling (4, 8, 16, 32, ...) has reached the cap's neighbourhood.
    expect(status.backoffMs).toBeGreaterThanOrEqual(backoff.maxMs * (1 - backoff.jitter));
    // Every failed attempt and every refused send is reported; refusals outnumber attempts.
    const reported = unreachableCount(a, nodeId(2));
    expect(reported).toBeGreaterThan(status.failures);
  });

  it("a full queue resets the link: what waited is dropped and reported once", async () => {
    const [a, b] = [await startEndpoint(1, { queueMessagesMax: 5 }), await startEndpoint(2)];
    introduce([a, b]);
    // All within one turn: the link is still connecting, so the sixth message finds it full.
    for (let i = 0; i < 10; i++) a.links.send(b.id, numbered(i, a.id));
    expect(a.links.status(b.id)).toMatchObject({ state: "backoff", failures: 1 });
    expect(a.links.status(b.id)?.lastError).toMatch(/send queue full/);
    await settle(30);
    expect(unreachableCount(a, b.id)).toBe(1);
    expect(messagesFrom(b, a.id)).toEqual([]);
    // After the backoff the link works again.
    await sendUntilDelivered(a, b, 100);
    expect(messagesFrom(b, a.id)[0]?.correlationId).toBeGreaterThanOrEqual(100);
  });
});

/** A hand-driven dialer: says hello as node `id` of `clusterId`, then sends raw bytes. */
async function rawPeer(port: number, id: number, clusterId = "test-cluster") {
  const socket = net.connect({ host: "127.0.0.1", port });
  const splitter = new FrameSplitter(1024);
  const answers: string[] = [];
  let closed = false;
  socket.on("data", (chunk) => {
    const frames = splitter.push(chunk);
    for (const frame of frames.ok ? frames.value : []) {
      const answer = decodeAnswer(frame);
      answers.push(answer.ok ? answer.value.type : "bad");
    }
  });
  socket.on("close", () => {
    closed = true;
  });
  socket.on("error", () => {});
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  socket.write(encodeHello({ minVersion: 1, maxVersion: 1, nodeId: nodeId(id), clusterId }));
  await waitFor(() => answers.length === 1, "the handshake answer");
  return { socket, answers, isClosed: () => closed };
}

describe("bad bytes from a peer", () => {
  it.each([
    ["an unknown message type", Uint8Array.of(0, 0, 0, 2, 1, 99)],
    ["an unknown codec version", Uint8Array.of(0, 0, 0, 2, 9, 1)],
    ["a frame size past the limit", Uint8Array.of(0x7f, 0xff, 0xff, 0xff)],
    ["a truncated message", Uint8Array.of(0, 0, 0, 3, 1, 1, 0x80)],
  ])("%s closes that connection only; other links keep delivering", async (_name, bytes) => {
    const [a, b] = [await startEndpoint(1), await startEndpoint(3)];
    introduce([a, b]);
    a.links.setPeerAddress(nodeId(2), { host: "127.0.0.1", port: 1 });
    const raw = await rawPeer(a.links.address.port, 2);
    expect(raw.answers).toEqual(["accept"]);
    raw.socket.write(encodePeerFrame(numbered(0, nodeId(2))));
    raw.socket.write(bytes);
    await waitFor(raw.isClosed, "the connection to close");
    expect(a.inputs).toEqual([
      { type: "peer-message", from: nodeId(2), message: numbered(0, nodeId(2)) },
      { type: "peer-unreachable", peer: nodeId(2) },
    ]);
    b.links.send(a.id, numbered(5, b.id));
    await waitFor(() => messagesFrom(a, b.id).length === 1, "b's message");
  });

  it("a Kafka request on the peer port is closed without an answer", async () => {
    const a = await startEndpoint(1);
    const socket = net.connect({ host: "127.0.0.1", port: a.links.address.port });
    let closed = false;
    let received = 0;
    socket.on("data", (chunk) => {
      received += chunk.length;
    });
    socket.on("close", () => {
      closed = true;
    });
    socket.on("error", () => {});
    // ApiVersions v3 request header: size, api key 18, version 3, correlation id 1, client id "k".
    socket.write(Uint8Array.of(0, 0, 0, 11, 0, 18, 0, 3, 0, 0, 0, 1, 0, 1, 0x6b));
    await waitFor(() => closed, "the connection to close");
    expect(received).toBe(0);
    expect(a.inputs).toEqual([]);
  });

  it("a newer connection from the same node replaces the older one, which is reported first", async () => {
    const a = await startEndpoint(1);
    a.links.setPeerAddress(nodeId(2), { host: "127.0.0.1", port: 1 });
    const first = await rawPeer(a.links.address.port, 2);
    const second = await rawPeer(a.links.address.port, 2);
    await waitFor(first.isClosed, "the older connection to close");
    second.socket.write(encodePeerFrame(numbered(1, nodeId(2))));
    await waitFor(() => a.inputs.length === 2, "the message on the newer connection");
    expect(a.inputs).toEqual([
      { type: "peer-unreachable", peer: nodeId(2) },
      { type: "peer-message", from: nodeId(2), message: numbered(1, nodeId(2)) },
    ]);
    second.socket.destroy();
    await waitFor(() => a.inputs.length === 3, "the newer connection's loss");
    expect(a.links.stats.inboundConnections).toBe(0);
  });
});
