// What the producer and the consumer do alike around their own requests: a clock that never goes
// back (nor runs after a crash), routing inputs, giving up on late answers and timed-out requests,
// and refreshing metadata after a loss. Each keeps its own order of calls and random draws.

import { assert, assertNever } from "../assert.ts";
import type { Millis, NodeId } from "../ids.ts";
import type { Input } from "../node.ts";
import type { Outbox } from "../outbox.ts";
import type { ClientResponse } from "../protocol/index.ts";
import type { Rng } from "../rng.ts";
import type { CommonClientConfig } from "./client-config.ts";
import { ClientNetwork, type InFlight } from "./client-network.ts";
import { MetadataCache } from "./metadata-cache.ts";

/** The client's own request tags besides the Metadata request every client sends. */
export type OwnTag<Tag> = Exclude<Tag, { readonly type: "metadata" }>;

/** Where a client takes its inputs (made once, so routing allocates nothing per step). */
export interface ClientInputHandlers<Tag> {
  response(now: Millis, from: NodeId, correlationId: number, response: ClientResponse): void;
  connectionLost(now: Millis, lost: readonly InFlight<Tag>[]): void;
}

export class ClientPlumbing<Tag extends { readonly type: string }> {
  /** "producer 7": who asserts speak of. */
  readonly #who: string;
  readonly network: ClientNetwork<Tag>;
  readonly metadata: MetadataCache;
  readonly #outbox: Outbox;
  readonly #rng: Rng;
  #lastNow: Millis = 0;
  #crashed = false;

  constructor(who: string, config: CommonClientConfig, rng: Rng, outbox: Outbox) {
    this.#who = who;
    this.network = new ClientNetwork<Tag>(config);
    this.metadata = new MetadataCache(config, rng);
    this.#outbox = outbox;
    this.#rng = rng;
  }

  /** The time of the latest call. */
  get lastNow(): Millis {
    return this.#lastNow;
  }

  get crashed(): boolean {
    return this.#crashed;
  }

  /** Every call into the client moves its clock: never back, never after the crash. */
  advance(now: Millis): void {
    assert(!this.#crashed, `${this.#who} used after its crash`);
    assert(now >= this.#lastNow, `time went backwards: ${now} < ${this.#lastNow}`);
    this.#lastNow = now;
  }

  crash(): void {
    this.#crashed = true;
  }

  /** Answers and lost connections go to the client; clients have no peers or disks. */
  route(now: Millis, input: Input, on: ClientInputHandlers<Tag>): void {
    switch (input.type) {
      case "start":
      case "timer":
        break;
      case "client-response":
        on.response(now, input.from, input.correlationId, input.response);
        break;
      case "client-connection-lost":
        on.connectionLost(now, this.network.connectionLost(now, input.to, this.#rng));
        break;
      case "peer-message":
      case "peer-unreachable":
      case "client-request":
      case "connection-closed":
      case "disk-done":
        assert(false, `${this.#who} got ${input.type}: clients have no peers or disks`);
        break;
      default:
        assertNever(input, "input");
    }
  }

  /** The request an answer belongs to; undefined (marked) when it was already given up on. */
  answered(from: NodeId, correlationId: number): InFlight<Tag> | undefined {
    const entry = this.network.complete(from, correlationId);
    if (entry === undefined) this.#outbox.mark("client-late-response-ignored");
    return entry;
  }

  /** Requests past request.timeout.ms are lost like a broken connection's, node by node. */
  expire(now: Millis, onLost: (lost: readonly InFlight<Tag>[]) => void): void {
    for (const { lost } of this.network.expire(now, this.#rng)) {
      this.#outbox.mark("client-request-timed-out");
      onLost(lost);
    }
  }

  /**
   * Requests lost (outcome unknown): a Metadata request backs off, the client's own go to `own` in
   * order; then, as anything was lost, metadata is refreshed before asking again.
   */
  lose(
    now: Millis,
    lost: readonly InFlight<Tag>[],
    own: (entry: InFlight<OwnTag<Tag>>) => void,
  ): void {
    for (const entry of lost) {
      if (entry.tag.type === "metadata") this.metadata.onFailure(now);
      else own(entry as InFlight<OwnTag<Tag>>);
    }
    if (lost.length > 0) this.metadata.requestUpdate("connection-lost", this.#outbox);
  }

  /** The earliest of the network's, the metadata's and the client's `own` wakeups after now. */
  nextWakeup(own: readonly (Millis | undefined)[]): Millis | undefined {
    const now = this.#lastNow;
    const candidates = [
      this.network.nextDeadline(),
      this.network.nextBackoffEnd(now),
      this.metadata.nextWakeup(now),
      ...own,
    ];
    let earliest: Millis | undefined;
    for (const at of candidates) {
      if (at !== undefined && at > now && (earliest === undefined || at < earliest)) earliest = at;
    }
    return earliest;
  }
}
