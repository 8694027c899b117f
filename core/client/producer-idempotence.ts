// The idempotent producer's state (Java's TransactionManager without transactions): the producer
// id and epoch from InitProducerId, per-partition sequence numbers handed to batches in drain
// order, and the epoch bump that restarts every sequence at 0 after a gap. Keeps: a (producer id,
// epoch, partition, sequence) is never reused for other records, and a batch that may be in the
// log under one epoch is never sent again under another (that would be a duplicate).

import { assert } from "../assert.ts";
import { ErrorCode, errorName } from "../error-codes.ts";
import type { Millis } from "../ids.ts";
import { topicPartitionKey } from "../ids.ts";
import { limits } from "../limits.ts";
import type { Outbox } from "../outbox.ts";
import type { InitProducerIdResponse } from "../protocol/index.ts";
import type { Rng } from "../rng.ts";
import type { ProducerConfig } from "./client-config.ts";
import { backoffMs, type ClientNetwork } from "./client-network.ts";
import type { MetadataCache } from "./metadata-cache.ts";
import type { ProducerBatch } from "./producer-batch.ts";
import type { ProducerHistory } from "./producer-history.ts";

/** Kafka's short epoch: at the top, the producer asks for a fresh producer id instead. */
const EPOCH_MAX = 32_767;

export type IdempotenceTag = { readonly type: "init-producer-id"; readonly opId: number };

export interface IdempotenceParts<Tag> {
  readonly config: ProducerConfig;
  readonly rng: Rng;
  readonly network: ClientNetwork<Tag>;
  readonly metadata: MetadataCache;
  readonly outbox: Outbox;
  readonly history: ProducerHistory;
  readonly wrap: (tag: IdempotenceTag) => Tag;
  /** An op id no send op uses (the history's ops of one process share one id space). */
  readonly reserveOpId: () => number;
}

export class ProducerIdempotence<Tag> {
  readonly #p: IdempotenceParts<Tag>;
  producerId = -1;
  producerEpoch = -1;
  #initInFlight = false;
  #initFailures = 0;
  #initBackoffUntilMs: Millis = 0;
  /** Why a new identity is needed before more batches go out, or undefined. */
  #pending: "init" | "epoch-bump" | "reset" | undefined = "init";
  readonly #nextSequence = new Map<string, number>();
  /** The last sequence the broker acknowledged per partition (this epoch), -1 for none. */
  readonly #lastAcked = new Map<string, number>();
  /**
   * Java's unresolved sequences: per partition, the last sequence of a batch given up with an
   * unknown outcome. A later batch's acknowledgement proves it was written; an out-of-order answer
   * to the batch right after it proves the gap; an idle partition cannot tell, and bumps.
   */
  readonly #unresolved = new Map<string, number>();

  constructor(parts: IdempotenceParts<Tag>) {
    this.#p = parts;
  }

  /** Batches may be sequenced and sent: an identity is known and no bump is due. */
  get ready(): boolean {
    return this.#pending === undefined && this.producerId >= 0;
  }

  get bumpPending(): boolean {
    return this.#pending === "epoch-bump" || this.#pending === "reset";
  }

  /**
   * Gives a batch leaving the accumulator its identity and sequence. A batch sent before under an
   * older identity is resequenced only if no attempt can have appended it; otherwise it must not
   * go out again (returns false: the caller settles it as unknown).
   */
  stamp(batch: ProducerBatch): boolean {
    assert(this.ready, "stamping a batch without an identity");
    const current =
      batch.producerId === this.producerId && batch.producerEpoch === this.producerEpoch;
    if (batch.baseSequence >= 0 && current) return true;
    if (batch.baseSequence >= 0 && batch.maybeAppended) {
      this.#p.outbox.mark("producer-idempotent-batch-dropped-after-bump");
      return false;
    }
    const key = topicPartitionKey(batch.topic, batch.partition);
    const next = this.#nextSequence.get(key) ?? 0;
    batch.baseSequence = next;
    batch.producerId = this.producerId;
    batch.producerEpoch = this.producerEpoch;
    batch.encoded = undefined;
    // Sequences wrap at Int32.MAX_VALUE, as Kafka's do.
    this.#nextSequence.set(key, (next + batch.records.length) % 2_147_483_648);
    return true;
  }

  acked(batch: ProducerBatch): void {
    if (!this.#current(batch)) return;
    const key = topicPartitionKey(batch.topic, batch.partition);
    const last = batch.baseSequence + batch.records.length - 1;
    if (last > (this.#lastAcked.get(key) ?? -1)) this.#lastAcked.set(key, last);
    const unresolved = this.#unresolved.get(key);
    if (unresolved !== undefined && batch.baseSequence > unresolved) {
      this.#p.outbox.mark("producer-idempotent-sequence-resolved");
      this.#unresolved.delete(key);
    }
  }

  #current(batch: ProducerBatch): boolean {
    return batch.producerEpoch === this.producerEpoch && batch.producerId === this.producerId;
  }

  /**
   * Whether the broker must have expected this batch: its predecessors are acknowledged, or it
   * follows an unresolved batch (then an out-of-order answer proves that batch missing).
   */
  isNextExpected(batch: ProducerBatch): boolean {
    const key = topicPartitionKey(batch.topic, batch.partition);
    if (batch.baseSequence === (this.#lastAcked.get(key) ?? -1) + 1) return true;
    const unresolved = this.#unresolved.get(key);
    return unresolved !== undefined && batch.baseSequence === unresolved + 1;
  }

  /** A sent batch was given up: a hole if certainly not appended, else unresolved. */
  gaveUp(batch: ProducerBatch): void {
    if (batch.baseSequence < 0 || !this.#current(batch)) return;
    if (!batch.maybeAppended) {
      this.requestBump("sequence-gap");
      return;
    }
    const key = topicPartitionKey(batch.topic, batch.partition);
    const last = batch.baseSequence + batch.records.length - 1;
    this.#unresolved.set(key, Math.max(last, this.#unresolved.get(key) ?? -1));
    this.#p.outbox.mark("producer-idempotent-sequence-unresolved");
  }

  /**
   * A partition with nothing in flight and nothing sequenced queued: an unresolved sequence
   * there stays unknown forever, so (as Java does) the epoch is bumped.
   */
  partitionIdle(topic: string, partition: number): void {
    const key = topicPartitionKey(topic, partition);
    const unresolved = this.#unresolved.get(key);
    if (unresolved === undefined) return;
    this.#unresolved.delete(key);
    if ((this.#lastAcked.get(key) ?? -1) >= unresolved) return;
    this.requestBump("unresolved-sequence");
  }

  /** A sequence gap or a lost producer state: bump the epoch once nothing is in flight. */
  requestBump(reason: string): void {
    if (this.#pending !== undefined) return;
    this.#p.outbox.mark(`producer-idempotent-bump-${reason}`);
    this.#pending = this.producerEpoch >= EPOCH_MAX ? "reset" : "epoch-bump";
  }

  /** The broker knows a newer epoch of our id, or the id is unusable: start over with a new one. */
  requestReset(reason: string): void {
    if (this.#pending === "init" || this.#pending === "reset") return;
    this.#p.outbox.mark(`producer-idempotent-reset-${reason}`);
    this.#pending = "reset";
  }

  /**
   * Java's bumpIdempotentEpochAndResetIdIfNeeded: with nothing in flight, a local epoch bump (or,
   * for a reset, a fresh InitProducerId); every partition's sequences restart at 0.
   */
  maybeRenew(now: Millis, batchesInFlight: number): void {
    const pending = this.#pending;
    if (pending === undefined || batchesInFlight > 0) return;
    if (pending === "epoch-bump") {
      const opId = this.#p.history.invokeProducerId(
        this.#p.outbox,
        now,
        this.#p.reserveOpId(),
        "epoch-bump",
      );
      this.producerEpoch++;
      this.#restartSequences();
      this.#pending = undefined;
      this.#p.history.completeProducerId(
        this.#p.outbox,
        now,
        opId,
        "ok",
        this.producerId,
        this.producerEpoch,
      );
      return;
    }
    this.#maybeSendInit(now, pending);
  }

  #restartSequences(): void {
    this.#nextSequence.clear();
    this.#lastAcked.clear();
    this.#unresolved.clear();
  }

  #maybeSendInit(now: Millis, reason: "init" | "reset"): void {
    if (this.#initInFlight || now < this.#initBackoffUntilMs) return;
    const network = this.#p.network;
    const candidates = this.#p.metadata
      .candidateNodes()
      .filter((n) => network.canSend(now, n, limits.clientInFlightPerConnectionMax));
    const node = network.leastLoadedNode(now, candidates);
    if (node === undefined) return;
    const opId = this.#p.history.invokeProducerId(
      this.#p.outbox,
      now,
      this.#p.reserveOpId(),
      reason,
    );
    const body = { transactionalId: null, transactionTimeoutMs: 60_000 };
    network.send(
      now,
      this.#p.outbox,
      node,
      body,
      "InitProducerId",
      this.#p.wrap({ type: "init-producer-id", opId }),
    );
    this.#initInFlight = true;
  }

  onInitProducerId(now: Millis, opId: number, body: InitProducerIdResponse | undefined): void {
    this.#initInFlight = false;
    const outbox = this.#p.outbox;
    if (body !== undefined && body.errorCode === ErrorCode.NONE && body.producerId >= 0) {
      this.producerId = body.producerId;
      this.producerEpoch = body.producerEpoch;
      this.#restartSequences();
      this.#pending = undefined;
      this.#initFailures = 0;
      this.#p.history.completeProducerId(
        outbox,
        now,
        opId,
        "ok",
        body.producerId,
        body.producerEpoch,
      );
      return;
    }
    outbox.mark("producer-init-producer-id-retry");
    const error = body === undefined ? "NETWORK_EXCEPTION" : errorName(body.errorCode);
    this.#p.history.completeProducerId(
      outbox,
      now,
      opId,
      body === undefined ? "info" : "fail",
      -1,
      -1,
      error,
    );
    this.#initFailures++;
    const c = this.#p.config;
    const wait = backoffMs(
      this.#p.rng,
      "producer-init-producer-id-backoff",
      c.retryBackoffMs,
      c.retryBackoffMaxMs,
      this.#initFailures,
    );
    this.#initBackoffUntilMs = now + wait;
  }

  nextWakeup(now: Millis): Millis | undefined {
    if (this.#pending === undefined || this.#initInFlight) return undefined;
    return this.#initBackoffUntilMs > now ? this.#initBackoffUntilMs : undefined;
  }

  checkInvariants(): void {
    assert(this.#pending !== undefined || this.producerId >= 0, "ready without a producer id");
    assert(this.#nextSequence.size <= limits.clientPartitionsMax, "sequences bounded");
  }
}
