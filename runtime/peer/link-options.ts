// What peer links are configured with, and the bounds that keep them finite: the frame size, the
// bytes and messages waiting per peer, the handshakes pending at once, the setup timeout and the
// reconnect backoff. Defaults follow Kafka's where Kafka has one.

import { assert } from "../../core/assert.ts";
import type { NodeId } from "../../core/ids.ts";
import { limits } from "../../core/limits.ts";
import type { Input } from "../../core/node.ts";
import type { Logger } from "../logger.ts";
import { type BackoffPolicy, defaultBackoff } from "./backoff.ts";

export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

/** The inputs links hand to the node host. */
export type PeerInput = Extract<Input, { type: "peer-message" } | { type: "peer-unreachable" }>;

export interface PeerLinksOptions {
  readonly nodeId: NodeId;
  readonly clusterId: string;
  /** Where this node accepts peer connections (its controller listener; port 0 picks one). */
  readonly listen: PeerAddress;
  /** Every other node's peer address; only these ids may connect, only these can be sent to. */
  readonly peers: ReadonlyMap<NodeId, PeerAddress>;
  /** Called with every message received and every link failure (NodeHost.deliver). */
  readonly onInput: (input: PeerInput) => void;
  readonly logger: Logger;
  /** The largest frame sent or accepted (socket.request.max.bytes). */
  readonly frameBytesMax?: number;
  /** Bytes waiting to reach the kernel for one peer before the link is reset. */
  readonly queueBytesMax?: number;
  /** Messages waiting to reach the kernel for one peer before the link is reset. */
  readonly queueMessagesMax?: number;
  /** TCP connect plus handshake (Kafka's socket.connection.setup.timeout.ms is 10 s). */
  readonly connectionSetupTimeoutMs?: number;
  /** Inbound connections that have not finished their handshake; more are closed at once. */
  readonly inboundHandshakesMax?: number;
  readonly backoff?: BackoffPolicy;
  /** Uniform in [0, 1): the backoff jitter (tests pin it). */
  readonly random?: () => number;
}

export interface ResolvedLinkOptions {
  readonly frameBytesMax: number;
  readonly queueBytesMax: number;
  readonly queueMessagesMax: number;
  readonly connectionSetupTimeoutMs: number;
  readonly inboundHandshakesMax: number;
  readonly backoff: BackoffPolicy;
  readonly random: () => number;
}

export function resolveLinkOptions(options: PeerLinksOptions): ResolvedLinkOptions {
  const resolved: ResolvedLinkOptions = {
    frameBytesMax: options.frameBytesMax ?? limits.requestBytesMax,
    queueBytesMax: options.queueBytesMax ?? 2 * limits.requestBytesMax,
    queueMessagesMax: options.queueMessagesMax ?? 10_000,
    connectionSetupTimeoutMs: options.connectionSetupTimeoutMs ?? 10_000,
    inboundHandshakesMax: options.inboundHandshakesMax ?? 64,
    backoff: options.backoff ?? defaultBackoff,
    random: options.random ?? Math.random,
  };
  assert(resolved.frameBytesMax >= 64, `frameBytesMax ${resolved.frameBytesMax} is too small`);
  assert(
    resolved.queueBytesMax >= resolved.frameBytesMax,
    "queueBytesMax must hold at least one frame of frameBytesMax",
  );
  assert(resolved.queueMessagesMax >= 1 && resolved.inboundHandshakesMax >= 1, "bounds >= 1");
  assert(resolved.connectionSetupTimeoutMs >= 1, "connectionSetupTimeoutMs >= 1");
  return resolved;
}
