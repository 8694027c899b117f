// The node's peer links: a listener for connections other nodes open to it, and one outgoing link
// per peer for what it sends (so messages to one peer arrive in send order). Every loss of what
// was in flight reaches the node as `peer-unreachable`; the core decides when to retry.

import net from "node:net";
import { assert } from "../../core/assert.ts";
import type { NodeId } from "../../core/ids.ts";
import type { PeerMessage } from "../../core/peer-message.ts";
import type { Logger } from "../logger.ts";
import type { PeerSink } from "../node-host.ts";
import { encodePeerFrame } from "./codec/codec.ts";
import { InboundConnection, type InboundOwner } from "./inbound-connection.ts";
import {
  type PeerAddress,
  type PeerInput,
  type PeerLinksOptions,
  type ResolvedLinkOptions,
  resolveLinkOptions,
} from "./link-options.ts";
import { OutboundLink, type OutboundOwner, type OutboundStatus } from "./outbound-link.ts";

/** Distinct unaddressed nodes remembered for the once-per-node warning. */
const WARNED_NODES_MAX = 1000;

export interface PeerLinkStats {
  readonly messagesSent: number;
  readonly messagesReceived: number;
  /** peer-unreachable inputs handed to the node. */
  readonly unreachableReported: number;
  readonly handshakesRefused: number;
  readonly inboundConnections: number;
}

export class PeerLinks implements PeerSink, OutboundOwner, InboundOwner {
  readonly nodeId: NodeId;
  readonly clusterId: string;
  readonly options: ResolvedLinkOptions;
  readonly logger: Logger;
  readonly #server: net.Server;
  readonly #onInput: (input: PeerInput) => void;
  readonly #addresses = new Map<NodeId, PeerAddress>();
  readonly #outbound = new Map<NodeId, OutboundLink>();
  /** Every inbound connection, handshaking or open. */
  readonly #inbound = new Set<InboundConnection>();
  /** The open inbound connection of each peer (a newer one replaces an older one). */
  readonly #inboundFrom = new Map<NodeId, InboundConnection>();
  /** Peers whose unreachability is reported on the next turn (refusals inside send()). */
  readonly #deferred = new Set<NodeId>();
  #deferredImmediate: NodeJS.Immediate | undefined;
  /** Nodes already warned about (no address); cleared when it reaches its bound. */
  readonly #warnedNoAddress = new Set<NodeId>();
  #closed = false;
  #stats = {
    messagesSent: 0,
    messagesReceived: 0,
    unreachableReported: 0,
    handshakesRefused: 0,
    inboundConnections: 0,
  };

  private constructor(options: PeerLinksOptions, server: net.Server) {
    this.nodeId = options.nodeId;
    this.clusterId = options.clusterId;
    this.options = resolveLinkOptions(options);
    this.logger = options.logger.with({ component: "peer-links" });
    this.#onInput = options.onInput;
    this.#server = server;
    for (const [id, address] of options.peers) {
      if (id !== this.nodeId) this.#addresses.set(id, address);
    }
  }

  /** Starts listening on `options.listen`; resolves once the port is bound. */
  static async listen(options: PeerLinksOptions): Promise<PeerLinks> {
    const server = net.createServer();
    const links = new PeerLinks(options, server);
    server.on("connection", (socket) => links.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.listen.port, options.listen.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", (error) =>
      links.logger.error("peer listener failed", { error: error.message }),
    );
    links.logger.info("peer listener started", { ...links.address });
    return links;
  }

  /** The bound address (the real port when `listen.port` was 0). */
  get address(): PeerAddress {
    const bound = this.#server.address();
    assert(bound !== null && typeof bound === "object", "the peer listener is bound");
    return { host: bound.address, port: bound.port };
  }

  get stats(): PeerLinkStats {
    return { ...this.#stats, inboundConnections: this.#inboundFrom.size };
  }

  /** The outgoing link to `peer`, if one was ever used. */
  status(peer: NodeId): OutboundStatus | undefined {
    return this.#outbound.get(peer)?.status;
  }

  /** Learns or changes a peer's address (e.g. a broker that registered after start). */
  setPeerAddress(peer: NodeId, address: PeerAddress): void {
    assert(peer !== this.nodeId, "a node is not its own peer");
    this.#addresses.set(peer, address);
    this.#outbound.get(peer)?.setAddress(address);
  }

  isKnownNode(id: NodeId): boolean {
    return this.#addresses.has(id);
  }

  /** PeerSink: never blocks, never throws for the network's sake; a loss comes back as input. */
  send(to: NodeId, message: PeerMessage): void {
    assert(to !== this.nodeId, `node ${to} sent a peer message to itself`);
    if (this.#closed) return;
    let link = this.#outbound.get(to);
    if (link === undefined) {
      const address = this.#addresses.get(to);
      if (address === undefined) {
        // The core retries on its own backoff: warn once per node, not once per retry.
        const level = this.#warnedNoAddress.has(to) ? "debug" : "warn";
        if (this.#warnedNoAddress.size >= WARNED_NODES_MAX) this.#warnedNoAddress.clear();
        this.#warnedNoAddress.add(to);
        this.logger[level]("message to a node with no known address", { to, type: message.type });
        this.unreachable(to, true);
        return;
      }
      link = new OutboundLink(to, address, this);
      this.#outbound.set(to, link);
    }
    const frame = encodePeerFrame(message);
    if (frame.length - 4 > this.options.frameBytesMax) {
      this.logger.error("peer message larger than the frame limit", {
        to,
        type: message.type,
        bytes: frame.length,
      });
      this.unreachable(to, true);
      return;
    }
    this.#stats.messagesSent++;
    link.send(frame);
  }

  /** Reports a loss: at once from socket events, on the next turn from inside send(). */
  unreachable(peer: NodeId, deferred: boolean): void {
    if (this.#closed) return;
    if (!deferred) {
      this.#deferred.delete(peer);
      this.#deliver({ type: "peer-unreachable", peer });
      return;
    }
    this.#deferred.add(peer);
    this.#deferredImmediate ??= setImmediate(() => {
      this.#deferredImmediate = undefined;
      const peers = [...this.#deferred];
      this.#deferred.clear();
      for (const p of peers) this.#deliver({ type: "peer-unreachable", peer: p });
    });
  }

  #deliver(input: PeerInput): void {
    if (this.#closed) return;
    if (input.type === "peer-unreachable") this.#stats.unreachableReported++;
    else this.#stats.messagesReceived++;
    this.#onInput(input);
  }

  #accept(socket: net.Socket): void {
    const handshaking = this.#inbound.size - this.#inboundFrom.size;
    if (this.#closed || handshaking >= this.options.inboundHandshakesMax) {
      this.logger.warn("peer connection dropped", { handshaking, closed: this.#closed });
      socket.destroy();
      return;
    }
    this.#inbound.add(new InboundConnection(socket, this));
  }

  accepted(connection: InboundConnection): void {
    const from = connection.from;
    assert(from !== undefined, "an accepted connection knows its peer");
    const older = this.#inboundFrom.get(from);
    this.#inboundFrom.set(from, connection);
    this.logger.info("peer connected", { from });
    if (older !== undefined) {
      // The peer reconnected (it restarted, or its old connection is half-open): what the old
      // connection carried is lost, which the node hears before any message of the new one.
      older.close("replaced by a newer connection from the same node");
    }
  }

  message(from: NodeId, message: PeerMessage): void {
    this.#deliver({ type: "peer-message", from, message });
  }

  closed(connection: InboundConnection): void {
    this.#inbound.delete(connection);
    const from = connection.from;
    if (from === undefined) return;
    if (this.#inboundFrom.get(from) === connection) this.#inboundFrom.delete(from);
    this.unreachable(from, false);
  }

  rejected(): void {
    this.#stats.handshakesRefused++;
  }

  /** Stops listening, drops every connection and timer; no input is delivered afterwards. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#deferredImmediate !== undefined) clearImmediate(this.#deferredImmediate);
    this.#deferredImmediate = undefined;
    this.#deferred.clear();
    for (const link of this.#outbound.values()) link.close();
    for (const connection of [...this.#inbound]) connection.close("peer links closed");
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    assert(this.#inbound.size === 0, "every inbound connection is closed");
  }
}
