// One node's outgoing connection to one peer: connected lazily on the first send, a hello and the
// peer's answer before any message, frames in send order, and on any failure everything waiting
// is dropped, the owner told (peer-unreachable) and sends refused until the backoff has passed.

import net from "node:net";
import { assert } from "../../core/assert.ts";
import type { NodeId } from "../../core/ids.ts";
import type { Logger } from "../logger.ts";
import { describeDecodeError } from "../protocol/decode-error.ts";
import { FrameSplitter } from "../protocol/frame-splitter.ts";
import { backoffDelayMs } from "./backoff.ts";
import { PEER_CODEC_VERSION, peerCodecVersions } from "./codec/codec.ts";
import { decodeAnswer, encodeHello, HANDSHAKE_BYTES_MAX } from "./codec/handshake.ts";
import { describePeerDecodeError } from "./codec/peer-decode-error.ts";
import type { PeerAddress, ResolvedLinkOptions } from "./link-options.ts";

/** Frames below this size are joined into one buffer per turn; larger ones are not copied. */
const JOIN_BYTES_MAX = 65_536;

/** One buffer holding `parts` back to back. */
function concat(parts: readonly Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  assert(at === size, "joined frames fill the buffer");
  return out;
}

/** Idle time before TCP keepalive probes start, on both ends of a peer connection. */
export const KEEPALIVE_IDLE_MS = 5000;

export type OutboundState = "idle" | "connecting" | "open" | "backoff" | "closed";

export interface OutboundStatus {
  readonly state: OutboundState;
  /** Consecutive failed attempts (0 once a handshake succeeds). */
  readonly failures: number;
  /** Messages and bytes sent but not yet handed to the kernel. */
  readonly pendingMessages: number;
  readonly pendingBytes: number;
  /** The wait chosen after the last failure (what `backoff` lasts). */
  readonly backoffMs: number;
  readonly lastError: string | undefined;
}

/** What a link needs from its owner. */
export interface OutboundOwner {
  readonly nodeId: NodeId;
  readonly clusterId: string;
  readonly options: ResolvedLinkOptions;
  readonly logger: Logger;
  /** The link lost or refused messages; `deferred` when called from inside send(). */
  unreachable(peer: NodeId, deferred: boolean): void;
}

export class OutboundLink {
  readonly peer: NodeId;
  #address: PeerAddress;
  readonly #owner: OutboundOwner;
  #state: OutboundState = "idle";
  #socket: net.Socket | undefined;
  #splitter: FrameSplitter | undefined;
  #setupTimer: NodeJS.Timeout | undefined;
  #uncork: NodeJS.Immediate | undefined;
  /** Frames sent while connecting, written once the peer accepts the hello. */
  #queue: Uint8Array[] = [];
  /** Frames of this event-loop turn, written together when it ends. */
  #batch: Uint8Array[] = [];
  #pendingMessages = 0;
  #pendingBytes = 0;
  #failures = 0;
  #backoffUntil = 0;
  #backoffMs = 0;
  #lastError: string | undefined;
  /** Bumped whenever the socket is dropped, so late callbacks of an old socket do nothing. */
  #generation = 0;

  constructor(peer: NodeId, address: PeerAddress, owner: OutboundOwner) {
    assert(peer !== owner.nodeId, `a link from node ${peer} to itself`);
    this.peer = peer;
    this.#address = address;
    this.#owner = owner;
  }

  get status(): OutboundStatus {
    return {
      state: this.#state,
      failures: this.#failures,
      pendingMessages: this.#pendingMessages,
      pendingBytes: this.#pendingBytes,
      backoffMs: this.#backoffMs,
      lastError: this.#lastError,
    };
  }

  /** Sends one whole frame, or refuses it (peer-unreachable) while backing off or when full. */
  send(frame: Uint8Array): void {
    if (this.#state === "closed") return;
    if (this.#state === "backoff") {
      if (performance.now() < this.#backoffUntil) {
        this.#owner.unreachable(this.peer, true);
        return;
      }
      this.#state = "idle";
    }
    const { queueMessagesMax, queueBytesMax } = this.#owner.options;
    if (
      this.#pendingMessages + 1 > queueMessagesMax ||
      this.#pendingBytes + frame.length > queueBytesMax
    ) {
      const what = `${this.#pendingMessages} messages, ${this.#pendingBytes} bytes`;
      this.#fail(`send queue full (${what} waiting)`, true);
      return;
    }
    this.#pendingMessages++;
    this.#pendingBytes += frame.length;
    if (this.#state === "open") this.#write(frame);
    else this.#queue.push(frame);
    if (this.#state === "idle") this.#connect();
  }

  /** A new address: a connection to the old one is dropped (its messages are lost). */
  setAddress(address: PeerAddress): void {
    if (address.host === this.#address.host && address.port === this.#address.port) return;
    this.#address = address;
    if (this.#state === "connecting" || this.#state === "open")
      this.#fail("address changed", false);
  }

  /** Drops everything without telling anyone: the node is shutting down. */
  close(): void {
    this.#teardown();
    this.#state = "closed";
  }

  #connect(): void {
    assert(this.#state === "idle" && this.#socket === undefined, "connect from idle only");
    this.#state = "connecting";
    const generation = ++this.#generation;
    const current = () => generation === this.#generation;
    const { host, port } = this.#address;
    const socket = net.connect({ host, port });
    socket.setNoDelay(true);
    // A peer that vanished without a FIN is noticed by keepalive probes, not only when full.
    socket.setKeepAlive(true, KEEPALIVE_IDLE_MS);
    this.#socket = socket;
    this.#splitter = new FrameSplitter(HANDSHAKE_BYTES_MAX);
    const timeoutMs = this.#owner.options.connectionSetupTimeoutMs;
    this.#setupTimer = setTimeout(() => {
      if (current()) this.#fail(`connection setup timed out after ${timeoutMs} ms`, false);
    }, timeoutMs);
    socket.on("connect", () => {
      if (!current()) return;
      const hello = encodeHello({
        minVersion: peerCodecVersions[0]!,
        maxVersion: peerCodecVersions.at(-1)!,
        nodeId: this.#owner.nodeId,
        clusterId: this.#owner.clusterId,
      });
      socket.write(hello);
    });
    socket.on("data", (chunk: Buffer) => {
      if (current()) this.#onData(chunk);
    });
    socket.on("error", (error) => {
      if (current()) this.#fail(error.message, false);
    });
    socket.on("close", () => {
      if (current()) this.#fail("connection closed by the peer", false);
    });
  }

  /** The peer's answer to the hello; after it the peer never sends anything. */
  #onData(chunk: Uint8Array): void {
    if (this.#state !== "connecting") {
      this.#fail(`${chunk.length} unexpected bytes from the peer after its answer`, false);
      return;
    }
    const frames = this.#splitter!.push(chunk);
    if (!frames.ok) {
      this.#fail(`bad handshake answer: ${describeDecodeError(frames.error)}`, false);
      return;
    }
    const [frame, ...more] = frames.value;
    if (frame === undefined) return;
    if (more.length > 0 || this.#splitter!.bufferedBytes > 0) {
      this.#fail("bytes after the handshake answer", false);
      return;
    }
    const answer = decodeAnswer(frame);
    if (!answer.ok) {
      this.#fail(describePeerDecodeError(answer.error), false);
      return;
    }
    if (answer.value.type === "reject") {
      this.#fail(`refused: ${answer.value.reason} (${answer.value.detail})`, false, "warn");
      return;
    }
    if (answer.value.version !== PEER_CODEC_VERSION) {
      this.#fail(`the peer chose codec version ${answer.value.version}`, false, "warn");
      return;
    }
    this.#opened();
  }

  #opened(): void {
    clearTimeout(this.#setupTimer);
    this.#setupTimer = undefined;
    this.#splitter = undefined;
    this.#state = "open";
    if (this.#failures > 0 || this.#lastError !== undefined) {
      this.#owner.logger.info("peer link up", { peer: this.peer, afterFailures: this.#failures });
    }
    this.#failures = 0;
    this.#lastError = undefined;
    const queued = this.#queue;
    this.#queue = [];
    for (const frame of queued) this.#write(frame);
  }

  /** Takes one frame for the socket; the frames of one event-loop turn leave in one write. */
  #write(frame: Uint8Array): void {
    assert(this.#state === "open" && this.#socket !== undefined, "write on an open link only");
    this.#batch.push(frame);
    this.#uncork ??= setImmediate(() => {
      this.#uncork = undefined;
      this.#flush();
    });
  }

  /**
   * Small frames are joined into one buffer (one stream write instead of one per message);
   * large ones go by reference. Each write's callback releases what it carried from the bound.
   */
  #flush(): void {
    const socket = this.#socket;
    if (socket === undefined || this.#batch.length === 0) return;
    const generation = this.#generation;
    const frames = this.#batch;
    this.#batch = [];
    const release = (messages: number, bytes: number) => (error?: Error | null) => {
      if (generation !== this.#generation || error) return;
      this.#pendingMessages -= messages;
      this.#pendingBytes -= bytes;
      assert(this.#pendingMessages >= 0 && this.#pendingBytes >= 0, "pending counts stay >= 0");
    };
    socket.cork();
    let joined: Uint8Array[] = [];
    let joinedBytes = 0;
    const writeJoined = () => {
      if (joined.length === 0) return;
      socket.write(concat(joined, joinedBytes), release(joined.length, joinedBytes));
      joined = [];
      joinedBytes = 0;
    };
    for (const frame of frames) {
      if (frame.length >= JOIN_BYTES_MAX) {
        writeJoined();
        socket.write(frame, release(1, frame.length));
      } else {
        joined.push(frame);
        joinedBytes += frame.length;
        if (joinedBytes >= JOIN_BYTES_MAX) writeJoined();
      }
    }
    writeJoined();
    socket.uncork();
  }

  /** Drops the socket and what waits, backs off, tells the owner. */
  #fail(reason: string, deferred: boolean, level: "info" | "warn" = "info"): void {
    if (this.#state === "closed") return;
    const wasOpen = this.#state === "open";
    const lost = this.#pendingMessages;
    this.#teardown();
    this.#failures++;
    const options = this.#owner.options;
    this.#backoffMs = backoffDelayMs(options.backoff, this.#failures, options.random());
    this.#backoffUntil = performance.now() + this.#backoffMs;
    this.#state = "backoff";
    this.#lastError = reason;
    const fields = { peer: this.peer, reason, lost, backoffMs: this.#backoffMs };
    if (wasOpen) this.#owner.logger[level]("peer link down", fields);
    else if (this.#failures === 1 || level === "warn") {
      this.#owner.logger[level]("peer link failed", fields);
    } else
      this.#owner.logger.debug("peer link failed again", { ...fields, failures: this.#failures });
    this.#owner.unreachable(this.peer, deferred);
  }

  #teardown(): void {
    this.#generation++;
    clearTimeout(this.#setupTimer);
    this.#setupTimer = undefined;
    if (this.#uncork !== undefined) clearImmediate(this.#uncork);
    this.#uncork = undefined;
    this.#socket?.destroy();
    this.#socket = undefined;
    this.#splitter = undefined;
    this.#queue = [];
    this.#batch = [];
    this.#pendingMessages = 0;
    this.#pendingBytes = 0;
  }
}
