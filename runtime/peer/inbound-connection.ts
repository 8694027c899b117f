// One connection a peer opened to this node: its hello is checked (cluster id, a known node id, a
// common codec version) and answered before any message is read; then each frame is decoded and
// handed on as coming from that node. Bad bytes close this connection only.

import type net from "node:net";
import { assert } from "../../core/assert.ts";
import type { NodeId } from "../../core/ids.ts";
import type { PeerMessage } from "../../core/peer-message.ts";
import type { Logger } from "../logger.ts";
import { describeDecodeError } from "../protocol/decode-error.ts";
import { FrameSplitter } from "../protocol/frame-splitter.ts";
import { decodePeerFrame, peerCodecVersions } from "./codec/codec.ts";
import { answerHello, decodeHello, encodeAnswer, HANDSHAKE_BYTES_MAX } from "./codec/handshake.ts";
import { describePeerDecodeError } from "./codec/peer-decode-error.ts";
import type { ResolvedLinkOptions } from "./link-options.ts";
import { KEEPALIVE_IDLE_MS } from "./outbound-link.ts";

/** What an inbound connection needs from its owner. */
export interface InboundOwner {
  readonly nodeId: NodeId;
  readonly clusterId: string;
  readonly options: ResolvedLinkOptions;
  readonly logger: Logger;
  isKnownNode(id: NodeId): boolean;
  /** The hello was accepted: messages from `from` follow on this connection. */
  accepted(connection: InboundConnection): void;
  message(from: NodeId, message: PeerMessage): void;
  /** The connection is gone (after `accepted` or not); called once. */
  closed(connection: InboundConnection): void;
  rejected(): void;
}

type InboundState =
  | { readonly type: "handshake"; readonly splitter: FrameSplitter }
  | {
      readonly type: "open";
      readonly from: NodeId;
      readonly version: number;
      readonly splitter: FrameSplitter;
    }
  /** The answer refused the hello; waiting for the dialer to hang up. */
  | { readonly type: "refused" }
  | { readonly type: "closed" };

/** How long a refused connection waits for the dialer to read the answer and hang up. */
const REFUSED_LINGER_MS = 1000;

export class InboundConnection {
  readonly #socket: net.Socket;
  readonly #owner: InboundOwner;
  #state: InboundState = { type: "handshake", splitter: new FrameSplitter(HANDSHAKE_BYTES_MAX) };
  #setupTimer: NodeJS.Timeout | undefined;
  /** Set when the hello is accepted, kept after close so the owner knows whose link broke. */
  #from: NodeId | undefined;

  constructor(socket: net.Socket, owner: InboundOwner) {
    this.#socket = socket;
    this.#owner = owner;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, KEEPALIVE_IDLE_MS);
    const timeoutMs = owner.options.connectionSetupTimeoutMs;
    this.#setupTimer = setTimeout(() => this.close(`no hello within ${timeoutMs} ms`), timeoutMs);
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    socket.on("error", (error) => this.close(error.message));
    socket.on("close", () => this.close("connection closed by the peer"));
  }

  /** The node on the other end, once its hello is accepted (still known after close). */
  get from(): NodeId | undefined {
    return this.#from;
  }

  get isOpen(): boolean {
    return this.#state.type === "open";
  }

  /** Closes the socket; the owner hears `closed` once. */
  close(reason: string): void {
    if (this.#state.type === "closed") return;
    const from = this.#from;
    this.#state = { type: "closed" };
    clearTimeout(this.#setupTimer);
    this.#socket.destroy();
    this.#owner.logger.debug("inbound peer connection closed", { from, reason });
    this.#owner.closed(this);
  }

  #onData(chunk: Uint8Array): void {
    const state = this.#state;
    if (state.type === "closed" || state.type === "refused") return;
    const frames = state.splitter.push(chunk);
    if (!frames.ok) {
      this.#refuse(`bad frame: ${describeDecodeError(frames.error)}`);
      return;
    }
    if (state.type === "handshake") {
      this.#onHandshake(frames.value, state.splitter);
      return;
    }
    for (const frame of frames.value) {
      const decoded = decodePeerFrame(frame);
      if (!decoded.ok || decoded.value.version !== state.version) {
        const why = decoded.ok
          ? `version ${decoded.value.version}`
          : describePeerDecodeError(decoded.error);
        this.#refuse(`undecodable message from node ${state.from}: ${why}`);
        return;
      }
      this.#owner.message(state.from, decoded.value.message);
      // The owner may have closed this connection (links closed while delivering).
      if (this.#state.type !== "open") return;
    }
  }

  /** The dialer waits for the answer, so the hello is the only frame before it. */
  #onHandshake(frames: readonly Uint8Array[], handshake: FrameSplitter): void {
    const [frame, ...more] = frames;
    if (frame === undefined) return;
    if (more.length > 0 || handshake.bufferedBytes > 0) {
      this.#refuse("bytes after the hello, before the answer");
      return;
    }
    const hello = decodeHello(frame);
    if (!hello.ok) {
      this.#refuse(describePeerDecodeError(hello.error));
      return;
    }
    const self = {
      nodeId: this.#owner.nodeId,
      clusterId: this.#owner.clusterId,
      versions: peerCodecVersions,
    };
    const answer = answerHello(hello.value, self, (id) => this.#owner.isKnownNode(id));
    if (answer.type === "reject") {
      this.#owner.logger.warn("refused a peer connection", {
        from: hello.value.nodeId,
        reason: answer.reason,
        detail: answer.detail,
      });
      this.#owner.rejected();
      // end() lets the answer reach the dialer before the connection closes.
      this.#state = { type: "refused" };
      this.#socket.end(encodeAnswer(answer));
      clearTimeout(this.#setupTimer);
      this.#setupTimer = setTimeout(() => this.close("refused"), REFUSED_LINGER_MS);
      return;
    }
    clearTimeout(this.#setupTimer);
    this.#setupTimer = undefined;
    this.#socket.write(encodeAnswer(answer));
    const splitter = new FrameSplitter(this.#owner.options.frameBytesMax);
    this.#from = hello.value.nodeId;
    this.#state = { type: "open", from: hello.value.nodeId, version: answer.version, splitter };
    assert(this.isOpen && this.#from !== undefined, "an accepted connection knows its peer");
    this.#owner.accepted(this);
  }

  #refuse(reason: string): void {
    this.#owner.logger.warn("closing a peer connection", { from: this.from, reason });
    this.close(reason);
  }
}
