// The TCP listener against a small test node on 127.0.0.1: responses leave in request order even
// when the node answers later requests first; ApiVersions is answered by the runtime (v0 layout
// for an unknown version); acks=0 gets no response; a malformed or oversized frame closes only
// its own connection while the others keep being served.

import net from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ErrorCode } from "../../core/error-codes.ts";
import type { ConnectionId, Millis } from "../../core/ids.ts";
import { nodeId } from "../../core/ids.ts";
import type { Effect, Input, Node, NodeView } from "../../core/node.ts";
import type { ClientRequest, ClientResponse } from "../../core/protocol/index.ts";
import { Logger } from "../../runtime/logger.ts";
import { NodeHost } from "../../runtime/node-host.ts";
import { decodeResponse, encodeRequest } from "../../runtime/protocol/frame.ts";
import { FrameSplitter } from "../../runtime/protocol/frame-splitter.ts";
import { KafkaServer } from "../../runtime/server.ts";

/** Answers Metadata after `delayMs` = 50 - 10 * (number of topics asked), so later ones first. */
class DelayingNode implements Node {
  readonly pending: {
    at: Millis;
    connection: ConnectionId;
    correlationId: number;
    name: string;
  }[] = [];
  readonly produced: number[] = [];

  step(now: Millis, input: Input): readonly Effect[] {
    if (input.type === "client-request") {
      const request = input.request;
      if (request.api === "Produce") {
        this.produced.push(input.correlationId);
        return [];
      }
      if (request.api === "Metadata") {
        const name = request.body.topics?.[0]?.name ?? "";
        const delay = 50 - 10 * Number(name.slice(1));
        this.pending.push({
          at: now + delay,
          connection: input.connection,
          correlationId: input.correlationId,
          name,
        });
      }
      return [];
    }
    if (input.type !== "timer") return [];
    const due = this.pending.filter((p) => p.at <= now);
    this.pending.splice(0, this.pending.length, ...this.pending.filter((p) => p.at > now));
    // Answer only the in-flight request's turn: the server holds later requests back.
    return due.map((p) => ({
      type: "respond",
      connection: p.connection,
      correlationId: p.correlationId,
      response: metadataResponse(p.name),
    }));
  }

  nextWakeup(): Millis | undefined {
    return this.pending.length === 0 ? undefined : Math.min(...this.pending.map((p) => p.at));
  }

  view(): NodeView {
    return { nodeId: nodeId(1), kind: "test" };
  }

  checkInvariants(): void {}
}

function metadataResponse(name: string): ClientResponse {
  return {
    api: "Metadata",
    body: {
      throttleTimeMs: 0,
      brokers: [],
      clusterId: null,
      controllerId: 1,
      topics: [{ errorCode: 0, name, isInternal: false, partitions: [] }],
    },
  };
}

function metadataRequest(name: string): ClientRequest {
  return {
    api: "Metadata",
    clientId: "test",
    body: { topics: [{ name }], allowAutoTopicCreation: false },
  };
}

/** A raw client: collects response frames from one socket. */
class RawClient {
  readonly socket: net.Socket;
  readonly frames: Uint8Array[] = [];
  closed = false;
  readonly #splitter = new FrameSplitter(1 << 20);

  constructor(port: number) {
    this.socket = net.connect(port, "127.0.0.1");
    this.socket.on("data", (chunk) => {
      const frames = this.#splitter.push(chunk);
      if (frames.ok) this.frames.push(...frames.value);
    });
    this.socket.on("close", () => {
      this.closed = true;
    });
    this.socket.on("error", () => {});
  }

  async waitFor(predicate: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (predicate()) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`timed out waiting for ${what}`);
  }
}

describe("KafkaServer", () => {
  let server: KafkaServer;
  let host: NodeHost;
  let node: DelayingNode;
  let port: number;
  const clients: RawClient[] = [];
  const silent = new Logger({ level: "error", json: false, write: () => {} });

  beforeEach(async () => {
    node = new DelayingNode();
    server = new KafkaServer({ host: "127.0.0.1", port: 0, logger: silent, requestBytesMax: 4096 });
    host = new NodeHost(node, {
      disk: { execute: () => ({ ok: true, type: "done" }) },
      connections: server,
      logger: silent,
    });
    server.attach(host);
    port = (await server.listen()).port;
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.socket.destroy();
    host.stop();
    await server.shutdown();
  });

  function connect(): RawClient {
    const client = new RawClient(port);
    clients.push(client);
    return client;
  }

  it("answers pipelined requests in request order", async () => {
    const client = connect();
    for (let i = 0; i < 4; i++)
      client.socket.write(encodeRequest(metadataRequest(`t${i}`), 6, 100 + i));
    await client.waitFor(() => client.frames.length === 4, "four responses");
    const decoded = client.frames.map((frame) => decodeResponse("Metadata", 6, frame));
    expect(decoded.map((d) => d.ok && d.value.correlationId)).toEqual([100, 101, 102, 103]);
  });

  it("answers ApiVersions itself, in the v0 layout for an unknown version", async () => {
    const client = connect();
    const request: ClientRequest = {
      api: "ApiVersions",
      clientId: "t",
      body: { clientSoftwareName: "t", clientSoftwareVersion: "1" },
    };
    client.socket.write(encodeRequest(request, 3, 7));
    const unknown = encodeRequest(request, 0, 8);
    new DataView(unknown.buffer, unknown.byteOffset).setInt16(6, 99); // api version 99
    client.socket.write(unknown);
    await client.waitFor(() => client.frames.length === 2, "two responses");
    const v3 = decodeResponse("ApiVersions", 3, client.frames[0]!);
    const v0 = decodeResponse("ApiVersions", 0, client.frames[1]!);
    expect(
      v3.ok && v3.value.response.api === "ApiVersions" && v3.value.response.body.errorCode,
    ).toBe(0);
    expect(
      v0.ok && v0.value.response.api === "ApiVersions" && v0.value.response.body.errorCode,
    ).toBe(ErrorCode.UNSUPPORTED_VERSION);
  });

  it("sends nothing for acks=0 and serves the next request at once", async () => {
    const client = connect();
    const produce: ClientRequest = {
      api: "Produce",
      clientId: "t",
      body: {
        transactionalId: null,
        acks: 0,
        timeoutMs: 1000,
        topicData: [],
        legacyMessageSet: false,
      },
    };
    client.socket.write(encodeRequest(produce, 7, 1));
    client.socket.write(encodeRequest(metadataRequest("t4"), 6, 2));
    await client.waitFor(() => client.frames.length === 1, "the metadata response");
    const decoded = decodeResponse("Metadata", 6, client.frames[0]!);
    expect(decoded.ok && decoded.value.correlationId).toBe(2);
    expect(node.produced).toEqual([1]);
  });

  it.each([
    ["an oversized frame", new Uint8Array([0, 1, 0, 0])],
    ["a negative length", new Uint8Array([0xff, 0xff, 0xff, 0xff])],
    ["an unknown api key", new Uint8Array([0, 0, 0, 10, 0x7f, 0x00, 0, 0, 0, 0, 0, 1, 0, 0])],
    ["a truncated body", new Uint8Array([0, 0, 0, 10, 0, 3, 0, 6, 0, 0, 0, 1, 0, 9])],
  ])("closes a connection that sends %s, and keeps serving others", async (_what, bytes) => {
    const bad = connect();
    const good = connect();
    bad.socket.write(bytes);
    await bad.waitFor(() => bad.closed, "the bad connection to close");
    good.socket.write(encodeRequest(metadataRequest("t4"), 6, 5));
    await good.waitFor(() => good.frames.length === 1, "the good connection's response");
    expect(good.closed).toBe(false);
  });
});
