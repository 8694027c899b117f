// Where a group's coordinator is (Java's AbstractCoordinator.lookupCoordinator): FindCoordinator to
// the least loaded broker, one at a time, with exponential backoff after failures. Keeps: at most
// one lookup in flight, and none while the coordinator is known.

import { ErrorCode } from "../error-codes.ts";
import type { Millis, NodeId } from "../ids.ts";
import type { Outbox } from "../outbox.ts";
import type { FindCoordinatorResponse } from "../protocol/index.ts";
import type { Rng } from "../rng.ts";
import type { CommonClientConfig } from "./client-config.ts";
import { backoffMs, type ClientNetwork } from "./client-network.ts";
import type { GroupTag } from "./group-requests.ts";
import type { MetadataCache } from "./metadata-cache.ts";

export interface LookupParts<Tag> {
  readonly config: CommonClientConfig;
  readonly rng: Rng;
  readonly network: ClientNetwork<Tag>;
  readonly metadata: MetadataCache;
  readonly outbox: Outbox;
  readonly wrap: (tag: GroupTag) => Tag;
}

export class CoordinatorLookup<Tag> {
  readonly #p: LookupParts<Tag>;
  readonly #key: string;
  readonly #maxInFlight: number;
  coordinator: NodeId | undefined;
  #inFlight = false;
  #failures = 0;
  #backoffUntilMs: Millis = 0;

  constructor(parts: LookupParts<Tag>, key: string, maxInFlight: number) {
    this.#p = parts;
    this.#key = key;
    this.#maxInFlight = maxInFlight;
  }

  maybeSend(now: Millis): void {
    if (this.coordinator !== undefined || this.#inFlight || now < this.#backoffUntilMs) return;
    const network = this.#p.network;
    const candidates = this.#p.metadata
      .candidateNodes()
      .filter((n) => network.canSend(now, n, this.#maxInFlight));
    const node = network.leastLoadedNode(now, candidates);
    if (node === undefined) return;
    const body = { key: this.#key, keyType: 0 };
    const tag = this.#p.wrap({ type: "find-coordinator" });
    network.send(now, this.#p.outbox, node, body, "FindCoordinator", tag);
    this.#inFlight = true;
  }

  /** The answer, or undefined for a lookup lost with its connection. */
  onResponse(now: Millis, body: FindCoordinatorResponse | undefined): void {
    this.#inFlight = false;
    if (body !== undefined && body.errorCode === ErrorCode.NONE && body.nodeId >= 0) {
      this.coordinator = body.nodeId as NodeId;
      this.#failures = 0;
      this.#p.outbox.mark("consumer-coordinator-found");
      return;
    }
    // COORDINATOR_NOT_AVAILABLE while __consumer_offsets has no leader, or a lost request.
    this.#p.outbox.mark("consumer-find-coordinator-retry");
    this.#failures++;
    const c = this.#p.config;
    const wait = backoffMs(
      this.#p.rng,
      "consumer-find-coordinator-backoff",
      c.retryBackoffMs,
      c.retryBackoffMaxMs,
      this.#failures,
    );
    this.#backoffUntilMs = now + wait;
  }

  /** When a lookup may go out again, if the coordinator is unknown and one is due later. */
  nextWakeup(now: Millis): Millis | undefined {
    if (this.coordinator !== undefined || this.#inFlight) return undefined;
    return this.#backoffUntilMs > now ? this.#backoffUntilMs : undefined;
  }
}
