// What travels on the simulated network and how it becomes a node's input: peer messages, client
// requests and responses. Also the default size estimate that bandwidth limits charge for a message.

import { assertNever } from "../core/assert.ts";
import type { ConnectionId, NodeId } from "../core/ids.ts";
import type { Input } from "../core/node.ts";
import type { PeerMessage } from "../core/peer-message.ts";
import type { ClientRequest, ClientResponse } from "../core/protocol/index.ts";

export type Payload =
  | { readonly kind: "peer"; readonly message: PeerMessage }
  | { readonly kind: "request"; readonly correlationId: number; readonly request: ClientRequest }
  | {
      readonly kind: "response";
      readonly correlationId: number;
      readonly response: ClientResponse;
    };

/** Estimates a payload's size in bytes (bandwidth limits use it). */
export type SizeOf = (payload: Payload) => number;

/** The input the receiving node sees (`connection` names the client connection). */
export function toInput(connection: ConnectionId, from: NodeId, payload: Payload): Input {
  switch (payload.kind) {
    case "peer":
      return { type: "peer-message", from, message: payload.message };
    case "request":
      return {
        type: "client-request",
        connection,
        correlationId: payload.correlationId,
        request: payload.request,
      };
    case "response":
      return {
        type: "client-response",
        from,
        correlationId: payload.correlationId,
        response: payload.response,
      };
    default:
      return assertNever(payload, "payload");
  }
}

/** What the trace shows of a payload. */
export function bodyOf(payload: Payload): unknown {
  switch (payload.kind) {
    case "peer":
      return payload.message;
    case "request":
      return { correlationId: payload.correlationId, request: payload.request };
    case "response":
      return { correlationId: payload.correlationId, response: payload.response };
    default:
      return assertNever(payload, "payload");
  }
}

/** A structural size estimate: byte arrays and strings by length, 8 bytes a number, a small frame. */
export function estimatePayloadSize(payload: Payload): number {
  return 16 + estimateValue(payload, 0);
}

function estimateValue(value: unknown, depth: number): number {
  if (depth > 32) return 0;
  switch (typeof value) {
    case "string":
      return value.length;
    case "number":
    case "bigint":
      return 8;
    case "boolean":
      return 1;
    case "object": {
      if (value === null) return 1;
      if (value instanceof Uint8Array) return value.byteLength;
      let total = 0;
      const items =
        Array.isArray(value) || value instanceof Set
          ? value
          : value instanceof Map
            ? value.values()
            : Object.values(value);
      for (const item of items) total += estimateValue(item, depth + 1);
      return total;
    }
    default:
      return 0;
  }
}
