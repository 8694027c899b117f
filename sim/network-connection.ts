// The shapes the simulated network is made of: a connection with its two directions, the messages
// they carry, the events the network schedules, and what it needs from the world that hosts it.
// Invariant: a direction's in-flight messages are in send order, and its held ones come after them.

import type { NodeId } from "../core/ids.ts";
import type { Input } from "../core/node.ts";
import type { Block } from "./network-links.ts";
import type { Payload } from "./network-payload.ts";
import type { ConnectionKind, SimTraceEvent } from "./trace-format.ts";

export interface Message {
  readonly id: number;
  readonly payload: Payload;
  /** Estimated only when a bandwidth limit needs it (estimating every message costs time). */
  size: number | undefined;
}

export interface Direction {
  readonly link: number;
  readonly inflight: Message[];
  head: number;
  readonly held: Message[];
  lastAt: number;
  epoch: number;
  block: Block | "handshake";
}

export interface Connection {
  readonly id: number;
  readonly kind: ConnectionKind;
  /** [initiator, acceptor]; for client connections [client, server]. */
  readonly ends: readonly [NodeId, NodeId];
  readonly dirs: readonly [Direction, Direction];
  readonly openedAt: number;
  /** The incarnation of each end when the connection was made. */
  readonly incarnations: readonly [number, number];
  /** Per end: whether it has stepped the input telling it of the break (or never needed one). */
  readonly noticed: [boolean, boolean];
  /** Per end: whether it has sent on the connection (then it must hear of a break). */
  readonly used: [boolean, boolean];
  state: "connecting" | "open" | "closed";
  checkAt: number;
}

export type NetItem =
  | {
      readonly type: "deliver";
      readonly conn: Connection;
      readonly dir: 0 | 1;
      readonly epoch: number;
    }
  | { readonly type: "check"; readonly conn: Connection };

/** What the network needs from the world. */
export interface NetworkHost {
  readonly now: number;
  schedule(time: number, item: NetItem): void;
  /** Delivers `input` to `node` soon (dropped if it is down, queued if paused). */
  notify(node: NodeId, input: Input): void;
  trace(node: NodeId | undefined, event: SimTraceEvent): void;
  /** Whether `node`'s process exists (up or paused): only then does it accept connections. */
  isRunning(node: NodeId): boolean;
  /** The node's current incarnation (a restarted process never inherits a dead connection). */
  incarnation(node: NodeId): number;
  /** Whether message bodies go into the trace. */
  readonly traceBodies: boolean;
}

export interface Delivery {
  readonly to: NodeId;
  readonly input: Input;
}
