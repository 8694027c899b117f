// Peer links over 127.0.0.1 when nothing fails: lazy connection on first send, delivery in send
// order per pair (two and three endpoints, both directions at once, large and small frames), two
// NodeHosts talking through them, and close() leaving no socket, server or timer behind.

import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Millis, NodeId } from "../../../core/ids.ts";
import { nodeId } from "../../../core/ids.ts";
import type { Effect, Input, Node, NodeView } from "../../../core/node.ts";
import type { PeerMessage } from "../../../core/peer-message.ts";
import { Logger } from "../../../runtime/logger.ts";
import { NodeHost } from "../../../runtime/node-host.ts";
import {
  closeAll,
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

const correlationIds = (messages: readonly PeerMessage[]) => messages.map((m) => m.correlationId);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("delivery", () => {
  it("connects lazily: no connection before the first send", async () => {
    const [a, b] = [await startEndpoint(1), await startEndpoint(2)];
    introduce([a, b]);
    await settle();
    expect(a.links.status(b.id)).toBeUndefined();
    expect(b.links.stats.inboundConnections).toBe(0);
    a.links.send(b.id, numbered(0, a.id));
    expect(a.links.status(b.id)?.state).toBe("connecting");
    await waitFor(() => messagesFrom(b, a.id).length === 1, "the first message");
    expect(a.links.status(b.id)?.state).toBe("open");
    expect(b.inputs).toEqual([{ type: "peer-message", from: a.id, message: numbered(0, a.id) }]);
  });

  it("two endpoints: both directions at once, every message once, in send order", async () => {
    const [a, b] = [await startEndpoint(1), await startEndpoint(2)];
    introduce([a, b]);
    const n = 2000;
    for (const i of range(n)) {
      a.links.send(b.id, numbered(i, a.id));
      b.links.send(a.id, numbered(i, b.id));
      // Some sends land while the link is connecting, some once it is open.
      if (i % 500 === 0) await settle(2);
    }
    await waitFor(
      () => messagesFrom(b, a.id).length === n && messagesFrom(a, b.id).length === n,
      "every message",
    );
    expect(correlationIds(messagesFrom(b, a.id))).toEqual(range(n));
    expect(correlationIds(messagesFrom(a, b.id))).toEqual(range(n));
    expect(unreachableCount(a, b.id) + unreachableCount(b, a.id)).toBe(0);
    expect(a.links.status(b.id)).toMatchObject({ state: "open", failures: 0 });
  });

  it("large frames (records past the socket's buffers) keep their order and bytes", async () => {
    const [a, b] = [await startEndpoint(1), await startEndpoint(2)];
    introduce([a, b]);
    const sizes = [0, 1, 1023, 1024, 70_000, 3_000_000, 5, 1_000_000];
    const sent = sizes.map((size, i): PeerMessage => {
      const records = new Uint8Array(size).map((_, j) => (j * 31 + i) & 0xff);
      return {
        type: "raft-fetch-response",
        correlationId: i,
        errorCode: 0,
        epoch: 3,
        leaderId: a.id,
        highWatermark: size,
        logStartOffset: 0,
        records,
      };
    });
    for (const m of sent) a.links.send(b.id, m);
    await waitFor(() => messagesFrom(b, a.id).length === sent.length, "the large frames");
    // Compared field by field: a deep equality walks 4 MB one element at a time.
    const received = messagesFrom(b, a.id);
    const bytesOf = (m: PeerMessage) => (m.type === "raft-fetch-response" ? m.records : undefined);
    expect(received.map((m) => ({ ...m, records: null }))).toEqual(
      sent.map((m) => ({ ...m, records: null })),
    );
    for (const [i, m] of received.entries()) {
      expect(Buffer.compare(bytesOf(m)!, bytesOf(sent[i]!)!), `records of message ${i}`).toBe(0);
    }
    await waitFor(() => a.links.status(b.id)?.pendingBytes === 0, "the kernel to take it all");
  });

  it("three endpoints: each receiver sees each sender's messages in order", async () => {
    const nodes = [await startEndpoint(1), await startEndpoint(2), await startEndpoint(3)];
    introduce(nodes);
    const n = 300;
    for (const i of range(n)) {
      for (const from of nodes) {
        for (const to of nodes) if (to !== from) from.links.send(to.id, numbered(i, from.id));
      }
    }
    await waitFor(
      () => nodes.every((to) => to.inputs.length === 2 * n),
      "300 messages from each of two peers at each node",
    );
    for (const to of nodes) {
      for (const from of nodes) {
        if (to === from) continue;
        expect(correlationIds(messagesFrom(to, from.id))).toEqual(range(n));
      }
    }
    expect(nodes.map((x) => x.links.stats.inboundConnections)).toEqual([2, 2, 2]);
  });
});

/** Answers every raft-vote-request with a granted vote; counts the answers it receives. */
class VoterNode implements Node {
  readonly id: NodeId;
  readonly granted: NodeId[] = [];
  readonly unreachable: NodeId[] = [];
  readonly #peers: readonly NodeId[];

  constructor(id: NodeId, peers: readonly NodeId[]) {
    this.id = id;
    this.#peers = peers;
  }

  step(_now: Millis, input: Input): readonly Effect[] {
    if (input.type === "start") {
      return this.#peers.map((to) => ({
        type: "send",
        to,
        message: {
          type: "raft-vote-request",
          correlationId: 1,
          epoch: 1,
          candidateId: this.id,
          lastEpoch: 0,
          lastEndOffset: 0,
          preVote: false,
        },
      }));
    }
    if (input.type === "peer-unreachable") this.unreachable.push(input.peer);
    if (input.type !== "peer-message") return [];
    const m = input.message;
    if (m.type === "raft-vote-response" && m.voteGranted) this.granted.push(input.from);
    if (m.type !== "raft-vote-request") return [];
    return [
      {
        type: "send",
        to: input.from,
        message: {
          type: "raft-vote-response",
          correlationId: m.correlationId,
          errorCode: 0,
          epoch: m.epoch,
          voteGranted: true,
          preVote: false,
        },
      },
    ];
  }

  nextWakeup(): Millis | undefined {
    return undefined;
  }

  view(): NodeView {
    return { nodeId: this.id, kind: "voter" };
  }

  checkInvariants(): void {}
}

describe("with NodeHost", () => {
  it("two hosted nodes exchange votes through their links", async () => {
    const ids = [nodeId(1), nodeId(2)] as const;
    const nodes = ids.map(
      (id) =>
        new VoterNode(
          id,
          ids.filter((x) => x !== id),
        ),
    );
    const hosts: NodeHost[] = [];
    const endpoints: Endpoint[] = [];
    const silent = new Logger({ level: "error", json: false, write: () => {} });
    for (const [i, node] of nodes.entries()) {
      // Inputs go to the host, as the broker wires it.
      const endpoint = await startEndpoint(ids[i]!, {}, (input) => hosts[i]!.deliver(input));
      endpoints.push(endpoint);
      hosts.push(
        new NodeHost(node, {
          disk: { execute: () => ({ ok: true, type: "done" }) },
          connections: { respond: () => {}, close: () => {} },
          peers: endpoint.links,
          logger: silent,
        }),
      );
    }
    introduce(endpoints);
    for (const host of hosts) host.start();
    await waitFor(() => nodes.every((n) => n.granted.length === 1), "both votes granted");
    expect(nodes.map((n) => n.granted)).toEqual([[ids[1]], [ids[0]]]);
    expect(nodes.map((n) => n.unreachable)).toEqual([[], []]);
    for (const host of hosts) host.stop();
  });
});

describe("close", () => {
  it("leaves no socket, server or timer behind, stops listening, and delivers nothing more", async () => {
    const kinds = ["TCPSocketWrap", "TCPServerWrap", "Timeout", "Immediate"];
    const count = () => {
      const active = process.getActiveResourcesInfo();
      return Object.fromEntries(kinds.map((k) => [k, active.filter((r) => r === k).length]));
    };
    await settle();
    const before = count();
    const nodes = [await startEndpoint(1), await startEndpoint(2), await startEndpoint(3)];
    introduce(nodes);
    for (const from of nodes) {
      for (const to of nodes) if (to !== from) from.links.send(to.id, numbered(1, from.id));
    }
    await waitFor(() => nodes.every((x) => x.inputs.length === 2), "a message from each peer");
    const port = nodes[0]!.links.address.port;
    const delivered = nodes.map((x) => x.inputs.length);
    await closeAll();
    await settle(50);
    expect(nodes.map((x) => x.inputs.length)).toEqual(delivered);
    const after = count();
    // Timers of the test runner may come and go; nothing of ours may remain.
    for (const kind of kinds) expect(after[kind], kind).toBeLessThanOrEqual(before[kind]!);
    const refused = await new Promise<string>((resolve) => {
      const socket = net.connect({ host: "127.0.0.1", port });
      socket.on("connect", () => {
        socket.destroy();
        resolve("connected");
      });
      socket.on("error", (error) => resolve((error as NodeJS.ErrnoException).code ?? "error"));
    });
    expect(refused).toBe("ECONNREFUSED");
    // Sending after close is a no-op, not an error.
    nodes[0]!.links.send(nodes[1]!.id, numbered(2, nodes[0]!.id));
    await settle();
    expect(nodes[0]!.inputs.length).toBe(delivered[0]);
  });
});
