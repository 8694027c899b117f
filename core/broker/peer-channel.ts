// How broker components talk to other nodes: a `send` effect to a peer, or — when the addressee is
// this very node (the active controller co-located with its broker, combined mode) — a local
// mailbox drained at the end of the step, so no handler ever runs inside another one.

import { assert } from "../assert.ts";
import type { NodeId } from "../ids.ts";
import type { Outbox } from "../outbox.ts";
import type { PeerMessage } from "../peer-message.ts";

/** Messages one step may address to its own node (each answer may beget one more). */
const LOCAL_MESSAGES_PER_STEP_MAX = 100_000;

export class PeerChannel {
  readonly #self: NodeId;
  readonly #outbox: Outbox;
  readonly #local: PeerMessage[] = [];
  #nextCorrelationId = 1;

  constructor(self: NodeId, outbox: Outbox) {
    this.#self = self;
    this.#outbox = outbox;
  }

  /** A correlation id unique among this process's peer requests. */
  nextCorrelationId(): number {
    const id = this.#nextCorrelationId++;
    assert(id <= Number.MAX_SAFE_INTEGER, "peer correlation ids exhausted");
    return id;
  }

  send(to: NodeId, message: PeerMessage): void {
    if (to === this.#self) {
      assert(this.#local.length < LOCAL_MESSAGES_PER_STEP_MAX, "local mailbox over its limit");
      this.#local.push(message);
      return;
    }
    this.#outbox.push({ type: "send", to, message });
  }

  /** Delivers what this node sent itself, in order, including what those deliveries send. */
  drainLocal(deliver: (message: PeerMessage) => void): void {
    let delivered = 0;
    while (this.#local.length > 0) {
      const message = this.#local.shift();
      if (message === undefined) break;
      assert(++delivered <= LOCAL_MESSAGES_PER_STEP_MAX, "local messages did not quiesce");
      deliver(message);
    }
  }

  get pendingLocal(): number {
    return this.#local.length;
  }
}
