// The simulated network: TCP-like connections between nodes (one per server pair, one per client and
// server). Invariants: per connection and direction, messages arrive in the order sent, each at most
// once; a broken connection loses what it carried and both ends that knew of it are told.

import { assert } from "../core/assert.ts";
import type { ConnectionId, NodeId } from "../core/ids.ts";
import { connectionId } from "../core/ids.ts";
import type { Input } from "../core/node.ts";
import type { PeerMessage } from "../core/peer-message.ts";
import type { ClientRequest, ClientResponse } from "../core/protocol/index.ts";
import type {
  Connection,
  Delivery,
  Direction,
  Message,
  NetItem,
  NetworkHost,
} from "./network-connection.ts";
import { Block, Links, type NetworkParams, quantizeMs } from "./network-links.ts";
import { bodyOf, type Payload, type SizeOf, toInput } from "./network-payload.ts";
import type { SimRng } from "./prng.ts";
import type { ConnectionKind, MessageKind, SimTraceEvent } from "./trace-format.ts";

export type { Connection, Delivery, NetItem, NetworkHost } from "./network-connection.ts";

export class Network {
  readonly links: Links;
  readonly #host: NetworkHost;
  readonly #sizeOf: SizeOf;
  readonly #n: number;
  readonly #peer: (Connection | undefined)[];
  readonly #client: (Connection | undefined)[];
  readonly #byId = new Map<number, Connection>();
  /** Break notices scheduled and not yet stepped, by their input object. */
  readonly #notices = new Map<Input, { readonly conn: Connection; readonly end: 0 | 1 }>();
  /** [client, server] of every client connection ever opened, to judge late responses. */
  readonly #clientEnds = new Map<number, readonly [NodeId, NodeId]>();
  #nextConnection = 1;
  #nextMessage = 1;

  constructor(
    host: NetworkHost,
    endpoints: readonly NodeId[],
    params: NetworkParams,
    rng: SimRng,
    sizeOf: SizeOf,
  ) {
    this.#host = host;
    this.links = new Links(endpoints, params, rng);
    this.#sizeOf = sizeOf;
    this.#n = endpoints.length;
    this.#peer = new Array(this.#n * this.#n).fill(undefined);
    this.#client = new Array(this.#n * this.#n).fill(undefined);
  }

  /** Connections not yet broken, oldest first. */
  get openConnections(): number {
    return this.#byId.size;
  }

  sendPeer(from: NodeId, to: NodeId, message: PeerMessage): void {
    assert(from !== to, `node ${from} sent a peer message to itself`);
    const i = this.links.indexOf(from);
    const j = this.links.indexOf(to);
    const slot = i < j ? i * this.#n + j : j * this.#n + i;
    let conn = this.#peer[slot];
    const payload: Payload = { kind: "peer", message };
    if (conn !== undefined && this.#deadSocket(conn, from, payload)) return;
    if (conn === undefined || conn.state === "closed") {
      conn = this.#open("peer", from, to);
      this.#peer[slot] = conn;
    }
    this.#enqueue(conn, conn.ends[0] === from ? 0 : 1, payload);
  }

  sendRequest(client: NodeId, server: NodeId, correlationId: number, request: ClientRequest): void {
    assert(client !== server, `node ${client} sent a request to itself`);
    const slot = this.links.key(client, server);
    let conn = this.#client[slot];
    const payload: Payload = { kind: "request", correlationId, request };
    if (conn !== undefined && this.#deadSocket(conn, client, payload)) return;
    if (conn === undefined || conn.state === "closed") {
      conn = this.#open("client", client, server);
      this.#client[slot] = conn;
    }
    this.#enqueue(conn, 0, payload);
  }

  /**
   * A server answers on one of its client connections. An answer on a connection that has since
   * broken is dropped (a legal race); one on a connection that was never the server's is a bug.
   */
  respond(
    server: NodeId,
    id: ConnectionId,
    correlationId: number,
    response: ClientResponse,
  ): "sent" | "dropped" | "foreign" {
    const ends = this.#clientEnds.get(id);
    if (ends === undefined || ends[1] !== server) return "foreign";
    const conn = this.#byId.get(id);
    if (conn === undefined) {
      const msg = this.#nextMessage++;
      const event = {
        type: "net-drop",
        msg,
        from: server,
        to: ends[0],
        conn: id,
        reason: "connection closed",
      } as const;
      this.#host.trace(server, event);
      return "dropped";
    }
    this.#enqueue(conn, 1, { kind: "response", correlationId, response });
    return "sent";
  }

  /** A server closes a client connection (abortive: nothing in flight survives). */
  close(server: NodeId, id: ConnectionId, reason: string): "closed" | "gone" | "foreign" {
    const ends = this.#clientEnds.get(id);
    if (ends === undefined || ends[1] !== server) return "foreign";
    const conn = this.#byId.get(id);
    if (conn === undefined) return "gone";
    this.#break(conn, `closed by server: ${reason}`, server);
    return "closed";
  }

  /** Breaks every connection of `node` (it crashed, or a fault says so); `peer` narrows it. */
  breakAll(node: NodeId, reason: string, peer?: NodeId, silent?: NodeId): number {
    let broken = 0;
    for (const conn of [...this.#byId.values()]) {
      const [a, b] = conn.ends;
      if (a !== node && b !== node) continue;
      if (peer !== undefined && a !== peer && b !== peer) continue;
      this.#break(conn, reason, silent);
      broken++;
    }
    return broken;
  }

  /**
   * A node writes to a connection that broke before it was told: the message is lost, as on a
   * dead socket. Only once it has stepped the notice does its next send open a new connection.
   */
  #deadSocket(conn: Connection, from: NodeId, payload: Payload): boolean {
    if (conn.state !== "closed") return false;
    const end = conn.ends[0] === from ? 0 : 1;
    if (conn.noticed[end] || conn.incarnations[end] !== this.#host.incarnation(from)) return false;
    const to = conn.ends[1 - end]!;
    const msg = this.#nextMessage++;
    this.#host.trace(from, {
      type: "net-send",
      msg,
      from,
      to,
      conn: conn.id,
      kind: payload.kind,
      at: null,
      body: this.#host.traceBodies ? bodyOf(payload) : undefined,
    });
    this.#host.trace(from, {
      type: "net-drop",
      msg,
      from,
      to,
      conn: conn.id,
      reason: "connection broken, not yet noticed",
    });
    return true;
  }

  /** The world calls this as `input` (a break notice) is stepped by its node. */
  noticed(input: Input): void {
    const pending = this.#notices.get(input);
    if (pending === undefined) return;
    this.#notices.delete(input);
    pending.conn.noticed[pending.end] = true;
  }

  /** Notices still waiting for a node that crashed are moot: its next process starts fresh. */
  forgetNotices(node: NodeId): void {
    for (const [input, pending] of [...this.#notices]) {
      if (pending.conn.ends[pending.end] === node) this.#notices.delete(input);
    }
  }

  /** Re-reads what blocks each direction after a partition, clog or exemption changed. */
  reblock(): void {
    const breakMs = this.links.params.partitionBreakMs;
    for (const conn of [...this.#byId.values()]) {
      if (conn.state !== "open") continue;
      let partitioned = false;
      for (const dir of [0, 1] as const) {
        const d = conn.dirs[dir];
        const block = this.links.block(d.link);
        if (block === Block.partition) partitioned = true;
        this.#setBlock(conn, dir, block);
      }
      if (partitioned) this.#scheduleCheck(conn, this.#host.now + breakMs);
    }
  }

  /** The head message of a direction arrives; undefined when the event went stale. */
  deliver(item: Extract<NetItem, { type: "deliver" }>): Delivery | undefined {
    const { conn, dir } = item;
    const d = conn.dirs[dir];
    if (conn.state === "closed" || item.epoch !== d.epoch) return undefined;
    const msg = d.inflight[d.head];
    assert(msg !== undefined, "delivery without a message in flight");
    d.inflight[d.head++] = undefined as unknown as Message;
    if (d.head === d.inflight.length) {
      d.inflight.length = 0;
      d.head = 0;
    }
    const from = conn.ends[dir];
    const to = conn.ends[1 - dir]!;
    this.#host.trace(to, { type: "net-deliver", msg: msg.id, from, to, conn: conn.id });
    return { to, input: toInput(connectionId(conn.id), from, msg.payload) };
  }

  /** A connection's timer: handshake done, connect timeout, or partition break delay. False: stale. */
  check(conn: Connection): boolean {
    if (conn.state === "closed" || conn.checkAt !== this.#host.now) return false;
    conn.checkAt = -1;
    const partitioned = conn.dirs.some((d) => this.links.block(d.link) === Block.partition);
    if (conn.state === "open") {
      if (partitioned) this.#break(conn, "partitioned");
      return true;
    }
    if (!this.#host.isRunning(conn.ends[1])) {
      this.#break(conn, "connection refused");
      return true;
    }
    if (partitioned) {
      const deadline = conn.openedAt + this.links.params.connectTimeoutMs;
      if (this.#host.now >= deadline) this.#break(conn, "connect timeout");
      else this.#scheduleCheck(conn, deadline);
      return true;
    }
    conn.state = "open";
    for (const dir of [0, 1] as const)
      this.#setBlock(conn, dir, this.links.block(conn.dirs[dir].link));
    return true;
  }

  #open(kind: ConnectionKind, from: NodeId, to: NodeId): Connection {
    const now = this.#host.now;
    const forward = this.links.key(from, to);
    const backward = this.links.key(to, from);
    // A handshake costs one round trip before the first byte of data.
    const handshake = Math.max(
      0.001,
      quantizeMs(this.links.sampleLatency(forward) + this.links.sampleLatency(backward)),
    );
    const dir = (link: number): Direction => ({
      link,
      inflight: [],
      head: 0,
      held: [],
      lastAt: now,
      epoch: 0,
      block: "handshake",
    });
    const conn: Connection = {
      id: this.#nextConnection++,
      kind,
      ends: [from, to],
      dirs: [dir(forward), dir(backward)],
      openedAt: now,
      incarnations: [this.#host.incarnation(from), this.#host.incarnation(to)],
      noticed: [false, false],
      used: [false, false],
      state: "connecting",
      checkAt: -1,
    };
    this.#byId.set(conn.id, conn);
    if (kind === "client") this.#clientEnds.set(conn.id, [from, to]);
    this.#host.trace(from, { type: "conn-open", conn: conn.id, from, to, kind });
    this.#scheduleCheck(conn, now + handshake);
    return conn;
  }

  #enqueue(conn: Connection, dir: 0 | 1, payload: Payload): void {
    const d = conn.dirs[dir];
    conn.used[dir] = true;
    const msg: Message = {
      id: this.#nextMessage++,
      payload,
      size: this.links.limited(d.link) ? this.#sizeOf(payload) : undefined,
    };
    const held = d.block !== Block.none;
    if (held) d.held.push(msg);
    const at = held ? null : this.#transmit(conn, dir, msg);
    const from = conn.ends[dir];
    const event: SimTraceEvent = {
      type: "net-send",
      msg: msg.id,
      from,
      to: conn.ends[1 - dir]!,
      conn: conn.id,
      kind: payload.kind as MessageKind,
      size: msg.size,
      at,
      body: this.#host.traceBodies ? bodyOf(payload) : undefined,
    };
    this.#host.trace(from, event);
  }

  #transmit(conn: Connection, dir: 0 | 1, msg: Message): number {
    const d = conn.dirs[dir];
    if (msg.size === undefined && this.links.limited(d.link)) msg.size = this.#sizeOf(msg.payload);
    const at = Math.max(this.links.arrival(d.link, this.#host.now, msg.size ?? 0), d.lastAt);
    d.lastAt = at;
    d.inflight.push(msg);
    this.#host.schedule(at, { type: "deliver", conn, dir, epoch: d.epoch });
    return at;
  }

  #setBlock(conn: Connection, dir: 0 | 1, block: Block): void {
    const d = conn.dirs[dir];
    if (d.block === block) return;
    const wasFlowing = d.block === Block.none;
    d.block = block;
    if (wasFlowing) {
      assert(d.held.length === 0, "a flowing direction holds nothing");
      // Everything still on the wire is caught by the block and waits, in order, before the rest.
      d.held.unshift(...d.inflight.slice(d.head));
      d.inflight.length = 0;
      d.head = 0;
      d.epoch++;
      d.lastAt = this.#host.now;
    } else if (block === Block.none) {
      const released = d.held.splice(0, d.held.length);
      for (const msg of released) this.#transmit(conn, dir, msg);
    }
  }

  #scheduleCheck(conn: Connection, at: number): void {
    if (conn.checkAt >= 0 && conn.checkAt <= at) return;
    conn.checkAt = at;
    this.#host.schedule(at, { type: "check", conn });
  }

  /** Closes `conn`, drops what it carried, tells each end that knew of it (except `silent`). */
  #break(conn: Connection, reason: string, silent?: NodeId): void {
    const wasOpen = conn.state === "open";
    conn.state = "closed";
    this.#byId.delete(conn.id);
    const [a, b] = conn.ends;
    let lost = 0;
    for (const dir of [0, 1] as const) {
      const d = conn.dirs[dir];
      const from = conn.ends[dir];
      const to = conn.ends[1 - dir]!;
      for (const msg of [...d.inflight.slice(d.head), ...d.held]) {
        this.#host.trace(from, { type: "net-drop", msg: msg.id, from, to, conn: conn.id, reason });
        lost++;
      }
      d.inflight.length = 0;
      d.held.length = 0;
      d.head = 0;
    }
    this.#host.trace(undefined, {
      type: "conn-break",
      conn: conn.id,
      from: a,
      to: b,
      reason,
      lost,
    });
    // The acceptor hears of a connection once it is open, or once it has sent on it.
    const tell = (end: 0 | 1, knew: boolean, input: Input) => {
      const node = conn.ends[end];
      if (!knew || node === silent || !this.#host.isRunning(node)) {
        conn.noticed[end] = true;
        return;
      }
      this.#notices.set(input, { conn, end });
      this.#host.notify(node, input);
    };
    if (conn.kind === "peer") {
      tell(0, true, { type: "peer-unreachable", peer: b });
      tell(1, wasOpen || conn.used[1], { type: "peer-unreachable", peer: a });
    } else {
      tell(0, true, { type: "client-connection-lost", to: b });
      tell(1, wasOpen, { type: "connection-closed", connection: connectionId(conn.id) });
    }
  }
}
