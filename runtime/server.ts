// The Kafka wire-protocol listener: TCP connections, frames, one request at a time per connection
// with responses in order (pipelined requests wait their turn), acks=0 produces answered by
// silence, ApiVersions answered here. A malformed frame closes only its own connection.

import net from "node:net";
import { assert } from "../core/assert.ts";
import type { ConnectionId, NodeId } from "../core/ids.ts";
import { connectionId } from "../core/ids.ts";
import { limits } from "../core/limits.ts";
import type { ClientResponse } from "../core/protocol/index.ts";
import type { Logger } from "./logger.ts";
import type { ConnectionSink, NodeHost } from "./node-host.ts";
import { apiVersionsResponse } from "./protocol/api-versions.ts";
import { describeDecodeError } from "./protocol/decode-error.ts";
import {
  type DecodedRequest,
  decodeRequest,
  encodeResponse,
  encodeResponseParts,
  type RequestHeader,
} from "./protocol/frame.ts";
import { FrameReceiver } from "./protocol/frame-receiver.ts";
import type { FrameAllocator } from "./protocol/frame-splitter.ts";
import { withOwnReads } from "./socket-reads.ts";

/** A request body is read or copied whole into this: no zero-filling first. */
const unzeroedFrame: FrameAllocator = (n) => Buffer.allocUnsafe(n);

/** Answers gathered in one turn before they are flushed anyway. */
const FLUSH_AFTER_WRITES = 4;

export interface ServerOptions {
  readonly host: string;
  readonly port: number;
  readonly logger: Logger;
  readonly connectionsMax?: number;
  /** socket.request.max.bytes */
  readonly requestBytesMax?: number;
  /** Bytes of requests read but not yet answered, per connection, before reading pauses. */
  readonly queuedBytesMax?: number;
  /** Bytes written but not yet flushed to a slow reader before reading from it pauses. */
  readonly writeBufferBytesMax?: number;
}

interface Connection {
  readonly id: ConnectionId;
  readonly socket: net.Socket;
  readonly receiver: FrameReceiver;
  readonly queue: { request: DecodedRequest; bytes: number }[];
  queuedBytes: number;
  inFlight: RequestHeader | undefined;
  closed: boolean;
  /** Writes are being gathered until the end of the current call stack. */
  corked: boolean;
  /** Writes gathered since the socket was last flushed. */
  corkedWrites: number;
}

export class KafkaServer implements ConnectionSink {
  readonly #options: ServerOptions;
  readonly #connections = new Map<ConnectionId, Connection>();
  readonly #server: net.Server;
  #host: NodeHost | undefined;
  #nextId = 1;

  constructor(options: ServerOptions) {
    this.#options = options;
    // Paused on accept: the socket is re-wrapped to read into arrays of our choosing first.
    this.#server = net.createServer({ noDelay: true, pauseOnConnect: true }, (socket) =>
      this.#accept(socket),
    );
  }

  /** The node that answers requests; set before listen(). */
  attach(host: NodeHost): void {
    this.#host = host;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  listen(): Promise<net.AddressInfo> {
    return new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(this.#options.port, this.#options.host, () => {
        this.#server.off("error", reject);
        resolve(this.#server.address() as net.AddressInfo);
      });
    });
  }

  /** Stops accepting, closes every connection and waits for the listener to close. */
  shutdown(): Promise<void> {
    for (const connection of this.#connections.values()) this.#drop(connection, "server closing");
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  respond(id: ConnectionId, correlationId: number, response: ClientResponse): void {
    const connection = this.#connections.get(id);
    if (connection === undefined || connection.closed) return;
    const header = connection.inFlight;
    if (header === undefined || header.correlationId !== correlationId) {
      // The core answers only the request in flight on a connection; anything else is a bug.
      throw new Error(
        `response ${correlationId} on connection ${id} is not for the request in flight`,
      );
    }
    connection.inFlight = undefined;
    // Fetched record batches go out as the log holds them (parts, one writev), never copied.
    for (const part of encodeResponseParts(header, response)) this.#write(connection, part);
    this.#dispatch(connection);
  }

  close(id: ConnectionId, reason: string): void {
    const connection = this.#connections.get(id);
    if (connection !== undefined) this.#drop(connection, reason);
  }

  #accept(accepted: net.Socket): void {
    const max = this.#options.connectionsMax ?? limits.connectionsMax;
    if (this.#connections.size >= max) {
      this.#options.logger.warn("connection refused: too many connections", { max });
      accepted.destroy();
      return;
    }
    const id = connectionId(this.#nextId++);
    const receiver = new FrameReceiver(
      this.#options.requestBytesMax ?? limits.requestBytesMax,
      unzeroedFrame,
    );
    // Reads land where the receiver says: a large request straight in its own array.
    const socket = withOwnReads(accepted, {
      buffer: () => receiver.target(),
      callback: (n) => {
        this.#receive(connection, n);
        return true;
      },
    });
    const connection: Connection = {
      id,
      socket,
      receiver,
      queue: [],
      queuedBytes: 0,
      inFlight: undefined,
      closed: false,
      corked: false,
      corkedWrites: 0,
    };
    this.#connections.set(id, connection);
    socket.on("drain", () => this.#maybeResume(connection));
    socket.on("error", (error) =>
      this.#options.logger.debug("socket error", { connection: id, error: error.message }),
    );
    socket.on("close", () => this.#forget(connection));
  }

  #receive(connection: Connection, bytesRead: number): void {
    if (connection.closed) return;
    const frames = connection.receiver.received(bytesRead);
    if (!frames.ok) {
      this.#drop(connection, describeDecodeError(frames.error));
      return;
    }
    for (const frame of frames.value) {
      const decoded = decodeRequest(frame);
      if (!decoded.ok) {
        this.#drop(connection, describeDecodeError(decoded.error));
        return;
      }
      connection.queue.push({ request: decoded.value, bytes: frame.length });
      connection.queuedBytes += frame.length;
    }
    this.#dispatch(connection);
    this.#maybePause(connection);
  }

  /** Hands the next queued request to the node, if none is in flight. */
  #dispatch(connection: Connection): void {
    while (!connection.closed && connection.inFlight === undefined) {
      const next = connection.queue.shift();
      if (next === undefined) break;
      connection.queuedBytes -= next.bytes;
      const { header, request } = next.request;
      if (request.api === "ApiVersions") {
        const body = apiVersionsResponse(header.apiVersion);
        this.#write(connection, encodeResponse(header, { api: "ApiVersions", body }));
        continue;
      }
      const host = this.#host;
      assert(host !== undefined, "server has no node attached");
      // acks=0: Kafka sends no response at all, so the next request may go at once.
      const silent = request.api === "Produce" && request.body.acks === 0;
      if (!silent) connection.inFlight = header;
      host.deliver({
        type: "client-request",
        connection: connection.id,
        correlationId: header.correlationId,
        request,
      });
    }
    this.#maybeResume(connection);
  }

  #write(connection: Connection, bytes: Uint8Array): void {
    // Answers produced in one turn of the event loop (pipelined requests arriving in several
    // chunks, answered one after another) leave in one write: corked until the loop's check
    // phase. A write(2) per small answer cost a fifth of the broker's time under produce load.
    if (!connection.corked) {
      connection.corked = true;
      connection.socket.cork();
      setImmediate(() => {
        connection.corked = false;
        connection.corkedWrites = 0;
        connection.socket.uncork();
      });
    }
    connection.socket.write(bytes);
    // A turn may answer a client's whole window of pipelined requests: let the first answers go
    // early so that it sends more while the rest are worked on, instead of waiting for all.
    if (++connection.corkedWrites >= FLUSH_AFTER_WRITES) {
      connection.corkedWrites = 0;
      connection.socket.uncork();
      connection.socket.cork();
    }
    this.#maybePause(connection);
  }

  #maybePause(connection: Connection): void {
    const queuedMax = this.#options.queuedBytesMax ?? 64 * 1024 * 1024;
    const writeMax = this.#options.writeBufferBytesMax ?? 16 * 1024 * 1024;
    if (connection.queuedBytes > queuedMax || connection.socket.writableLength > writeMax) {
      connection.socket.pause();
    }
  }

  #maybeResume(connection: Connection): void {
    const queuedMax = this.#options.queuedBytesMax ?? 64 * 1024 * 1024;
    const writeMax = this.#options.writeBufferBytesMax ?? 16 * 1024 * 1024;
    if (connection.closed || !connection.socket.isPaused()) return;
    if (connection.queuedBytes <= queuedMax && connection.socket.writableLength <= writeMax) {
      connection.socket.resume();
    }
  }

  #drop(connection: Connection, reason: string): void {
    if (connection.closed) return;
    this.#options.logger.info("closing connection", { connection: connection.id, reason });
    connection.socket.destroy();
    this.#forget(connection);
  }

  #forget(connection: Connection): void {
    if (!this.#connections.has(connection.id)) return;
    connection.closed = true;
    connection.queue.length = 0;
    this.#connections.delete(connection.id);
    this.#host?.deliver({ type: "connection-closed", connection: connection.id });
  }
}

/** The address clients should use, for the "how to connect" hint. */
export function describeListener(address: net.AddressInfo, nodeId: NodeId): string {
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `node ${nodeId} listening on ${host}:${address.port}`;
}
