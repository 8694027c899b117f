// The node contract (DESIGN §1): one `step(now, input)` per thing that happens, returning the
// effects the world must carry out, in order. Time is always an argument; nothing here does I/O.

import type { DiskOp, DiskResult } from "./disk.ts";
import type { ConnectionId, DiskOpId, Millis, NodeId } from "./ids.ts";
import type { PeerMessage } from "./peer-message.ts";
import type { ClientRequest, ClientResponse } from "./protocol/index.ts";
import type { TraceEvent } from "./trace.ts";

/** Everything that can happen to a node. */
export type Input =
  /** The process started (first boot or restart): recover from disk, then serve. */
  | { readonly type: "start" }
  /** `now` reached `nextWakeup()`. */
  | { readonly type: "timer" }
  | { readonly type: "peer-message"; readonly from: NodeId; readonly message: PeerMessage }
  /** The link to a peer broke or could not be made; messages in flight on it are lost. */
  | { readonly type: "peer-unreachable"; readonly peer: NodeId }
  /** A client request on one of this node's connections. */
  | {
      readonly type: "client-request";
      readonly connection: ConnectionId;
      readonly correlationId: number;
      readonly request: ClientRequest;
    }
  | { readonly type: "connection-closed"; readonly connection: ConnectionId }
  /** A simulated client's request was answered by node `from`. */
  | {
      readonly type: "client-response";
      readonly from: NodeId;
      readonly correlationId: number;
      readonly response: ClientResponse;
    }
  /** A simulated client's connection to `to` broke: requests in flight on it have no answer. */
  | { readonly type: "client-connection-lost"; readonly to: NodeId }
  | { readonly type: "disk-done"; readonly id: DiskOpId; readonly result: DiskResult };

export type InputType = Input["type"];

/** Everything a node may ask the world to do. */
export type Effect =
  | { readonly type: "send"; readonly to: NodeId; readonly message: PeerMessage }
  | {
      readonly type: "respond";
      readonly connection: ConnectionId;
      readonly correlationId: number;
      readonly response: ClientResponse;
    }
  /** A simulated client sends a request to node `to`; the answer comes back as client-response. */
  | {
      readonly type: "request";
      readonly to: NodeId;
      readonly correlationId: number;
      readonly request: ClientRequest;
    }
  | { readonly type: "close"; readonly connection: ConnectionId; readonly reason: string }
  | { readonly type: "disk"; readonly id: DiskOpId; readonly op: DiskOp }
  | { readonly type: "trace"; readonly event: TraceEvent };

export type EffectType = Effect["type"];

/** A read-only snapshot of a node for checkers and the viewer. Each node kind extends it. */
export interface NodeView {
  readonly nodeId: NodeId;
  readonly kind: string;
}

export interface Node<View extends NodeView = NodeView> {
  /** Total: every Input is handled. Asserts stay on; a failed one is a bug. */
  step(now: Millis, input: Input): readonly Effect[];
  /** When to call step(now, {type: "timer"}); undefined when nothing is scheduled. */
  nextWakeup(): Millis | undefined;
  view(): View;
  /** The node's own invariants; the simulator calls it after every step. Throws AssertionFailure. */
  checkInvariants(): void;
}
