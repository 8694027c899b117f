// The broker's side of producer id blocks (Kafka's RPCProducerIdManager): ids are claimed from the
// current block; at 90% of it the next block is asked of the controller, so InitProducerId rarely
// waits; with no id left the answer is COORDINATOR_LOAD_IN_PROGRESS (retriable) until a block comes.

import { assert } from "../assert.ts";
import { lastProducerIdOf, type ProducerIdsBlock } from "./producer-id-blocks.ts";

/** Kafka's ProducerIdManager.PidPrefetchThreshold. */
export const PREFETCH_THRESHOLD = 0.9;

export type ProducerIdClaim =
  | { readonly type: "id"; readonly producerId: number }
  | { readonly type: "wait" };

export class ProducerIdManager {
  #current: ProducerIdsBlock | undefined;
  #nextId = 0;
  #prefetched: ProducerIdsBlock | undefined;
  #requestInFlight = false;
  /** Set when the controller should be asked for a block; the broker clears it by asking. */
  #wantBlock = true;

  /** Whether the broker should send AllocateProducerIds now (then call `requested`). */
  get wantsBlock(): boolean {
    return this.#wantBlock && !this.#requestInFlight && this.#prefetched === undefined;
  }

  requested(): void {
    assert(!this.#requestInFlight, "one AllocateProducerIds at a time");
    this.#requestInFlight = true;
  }

  /** The controller's answer. Blocks only move forward. */
  onBlock(block: ProducerIdsBlock): void {
    this.#requestInFlight = false;
    this.#wantBlock = false;
    const floor = this.#prefetched ?? this.#current;
    assert(
      floor === undefined || block.firstProducerId > lastProducerIdOf(floor),
      "blocks overlap",
    );
    if (this.#current === undefined || this.#nextId > lastProducerIdOf(this.#current)) {
      this.#current = block;
      this.#nextId = block.firstProducerId;
    } else {
      this.#prefetched = block;
    }
  }

  /** The request failed (timeout, stale broker epoch): ask again later. */
  onBlockFailed(): void {
    this.#requestInFlight = false;
    this.#wantBlock = true;
  }

  claim(): ProducerIdClaim {
    if (this.#current === undefined || this.#nextId > lastProducerIdOf(this.#current)) {
      if (this.#prefetched === undefined) {
        this.#wantBlock = true;
        return { type: "wait" };
      }
      this.#current = this.#prefetched;
      this.#nextId = this.#current.firstProducerId;
      this.#prefetched = undefined;
    }
    const producerId = this.#nextId++;
    const prefetchAt =
      this.#current.firstProducerId + Math.floor(this.#current.size * PREFETCH_THRESHOLD);
    if (producerId === prefetchAt) this.#wantBlock = true;
    return { type: "id", producerId };
  }
}
