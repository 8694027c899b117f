// The Jepsen-style Kafka workload as a pure generator: given an Rng and rates, it yields in time
// order what each simulated client does (sends of unique values, polls, reassignments, crashes and
// restarts), and the final reads the liveness phase runs. Every value is sent once; every client
// incarnation gets a fresh process id. Memory is O(clients), whatever the duration.
//
// Wiring (for the simulator):
//   const w = new Workload(rng, workloadProfiles.light(durationMs));
//   for each `start-client` event: build a SimProducer/SimConsumer for `slot` (node id of your
//     choosing, e.g. 1000 + slot) with `processId`, client configs from the profile, w.keyMap;
//     step it with {type:"start"}.
//   `producer` / `consumer` events: client.apply(atMs, command) and carry out its effects.
//   `crash-client`: effects of client.crash(atMs), then drop the node object and its connections
//     (nothing in flight may reach the next incarnation: it reuses correlation ids); a later
//     `start-client` for the same slot brings that new incarnation.
//   When w.next() returns undefined the workload is over; stop faults, heal, then run the events
//     of w.finalReads(atMs) and wait for the final reader's view().finalPolls.state === "done".
//   Create the topics of w.keyMap.topics() before the first event.

import { assert } from "../assert.ts";
import type { Millis } from "../ids.ts";
import type { Rng } from "../rng.ts";
import type { ConsumerConfig, ProducerConfig } from "./client-config.ts";
import type { ConsumerCommand } from "./consumer.ts";
import type { ProcessId } from "./history.ts";
import type { ProducerCommand } from "./producer.ts";
import type { SendRecord } from "./producer-ops.ts";
import { KeyMap, type KeyMapConfig } from "./workload-keys.ts";
import { type GroupWorkloadParams, slotGroup, type WorkloadKind } from "./workload-kinds.ts";

export interface WorkloadParams {
  readonly keys: KeyMapConfig;
  readonly producers: number;
  readonly consumers: number;
  /** Send ops per simulated second, over all producers (each a Poisson process). */
  readonly sendsPerSecond: number;
  /** Records per send op, drawn uniformly from 1..this. */
  readonly recordsPerSendMax: number;
  /** Poll ops per simulated second, over all consumers. */
  readonly pollsPerSecond: number;
  /** Reassignments (assign to a random subset of keys) per simulated second, over all consumers. */
  readonly assignsPerSecond: number;
  /** Client crashes per simulated second; each crashed client restarts after restartDelayMs. */
  readonly crashesPerSecond: number;
  readonly restartDelayMs: Millis;
  /** Ops happen in [startMs, startMs + durationMs). */
  readonly startMs: Millis;
  readonly durationMs: Millis;
  /** Suggested client settings for this profile (the simulator may override them). */
  readonly producerConfig: Partial<ProducerConfig>;
  readonly consumerConfig: Partial<ConsumerConfig>;
  /** The workload kind (workload-kinds.ts); absent: the default Jepsen workload. */
  readonly kind?: WorkloadKind;
  /** Groups workload: how consumers form groups and what befalls them. */
  readonly groups?: GroupWorkloadParams;
}

export type ClientKind = "producer" | "consumer";

/** A client slot: producers are 0..producers-1, consumers follow, the final reader is last. */
export interface ClientSlot {
  readonly slot: number;
  readonly kind: ClientKind;
}

export type WorkloadEvent =
  | {
      readonly type: "start-client";
      readonly atMs: Millis;
      readonly client: ClientSlot;
      readonly processId: ProcessId;
    }
  | {
      readonly type: "producer";
      readonly atMs: Millis;
      readonly slot: number;
      readonly command: ProducerCommand;
    }
  | {
      readonly type: "consumer";
      readonly atMs: Millis;
      readonly slot: number;
      readonly command: ConsumerCommand;
    }
  | { readonly type: "crash-client"; readonly atMs: Millis; readonly client: ClientSlot };

/** Client settings that suit simulated time: faults are seconds long, runs a minute or so. */
const simProducer = {
  lingerMs: 5,
  requestTimeoutMs: 2_000,
  deliveryTimeoutMs: 10_000,
  retryBackoffMs: 50,
} as const;
const simConsumer = (fetchMaxWaitMs: Millis) =>
  ({
    autoOffsetReset: "earliest",
    fetchMaxWaitMs,
    pollTimeoutMs: 100,
    requestTimeoutMs: 2_000,
    retryBackoffMs: 50,
  }) as const;

/**
 * Request rates measured against the model cluster of the tests (6 partitions led by 3 brokers):
 * light makes about 20 Produce and 20 Fetch requests per simulated second (an idle consumer
 * long-polls each leader every fetch.max.wait.ms); heavy about 400 of each.
 */
export const workloadProfiles = {
  light: (durationMs: Millis): WorkloadParams => ({
    keys: { keyCount: 6, partitionsPerTopic: 6, topicPrefix: "jepsen-" },
    producers: 2,
    consumers: 2,
    sendsPerSecond: 20,
    recordsPerSendMax: 1,
    pollsPerSecond: 20,
    assignsPerSecond: 0.2,
    crashesPerSecond: 0.05,
    restartDelayMs: 1_000,
    startMs: 0,
    durationMs,
    producerConfig: simProducer,
    consumerConfig: simConsumer(500),
  }),
  heavy: (durationMs: Millis): WorkloadParams => ({
    keys: { keyCount: 6, partitionsPerTopic: 6, topicPrefix: "jepsen-" },
    producers: 4,
    consumers: 2,
    sendsPerSecond: 400,
    recordsPerSendMax: 2,
    pollsPerSecond: 400,
    assignsPerSecond: 0.5,
    crashesPerSecond: 0.1,
    restartDelayMs: 1_000,
    startMs: 0,
    durationMs,
    producerConfig: simProducer,
    consumerConfig: simConsumer(100),
  }),
} as const;

type Stream = "send" | "poll" | "assign" | "crash" | "pause" | "close";
const streams: readonly Stream[] = ["send", "poll", "assign", "crash", "pause", "close"];
/** A closed consumer process is torn down this long after close() (its LeaveGroup goes out). */
const closeTeardownMs = 100;

export class Workload {
  readonly params: WorkloadParams;
  readonly keyMap: KeyMap;
  readonly #rng: Rng;
  readonly #endMs: Millis;
  /** When each stream fires next (Infinity when its rate is 0). */
  readonly #nextAt = new Map<Stream, Millis>();
  /** Slots that are down, with the time they restart. */
  readonly #restartAt = new Map<number, Millis>();
  readonly #pending: WorkloadEvent[] = [];
  /** Events due later than the one that caused them (a close's teardown), by time. */
  readonly #later: WorkloadEvent[] = [];
  #nextValue = 0;
  #nextProcessId = 0;
  #started = false;

  constructor(rng: Rng, params: WorkloadParams) {
    assert(params.producers >= 1 && params.consumers >= 0, "a workload needs a producer");
    assert(params.durationMs >= 0 && params.recordsPerSendMax >= 1, "bad workload parameters");
    this.params = params;
    this.keyMap = new KeyMap(params.keys);
    this.#rng = rng;
    this.#endMs = params.startMs + params.durationMs;
    for (const stream of streams) this.#nextAt.set(stream, this.#gap(stream, params.startMs));
  }

  get slots(): number {
    return this.params.producers + this.params.consumers;
  }

  /** The final reader's slot: a fresh consumer that reads every key from the beginning. */
  get finalSlot(): number {
    return this.slots;
  }

  kindOf(slot: number): ClientKind {
    assert(slot >= 0 && slot <= this.slots, `slot ${slot} out of range`);
    return slot < this.params.producers ? "producer" : "consumer";
  }

  #rate(stream: Stream): number {
    const p = this.params;
    if (stream === "send") return p.sendsPerSecond;
    if (stream === "poll") return p.consumers === 0 ? 0 : p.pollsPerSecond;
    if (stream === "assign") return p.consumers === 0 ? 0 : p.assignsPerSecond;
    if (stream === "pause") return p.consumers === 0 ? 0 : (p.groups?.pausesPerSecond ?? 0);
    if (stream === "close") return p.consumers === 0 ? 0 : (p.groups?.closesPerSecond ?? 0);
    return p.crashesPerSecond;
  }

  /** The next time of a Poisson stream: an exponential gap with mean 1000/rate ms. */
  #gap(stream: Stream, from: Millis): Millis {
    const rate = this.#rate(stream);
    if (rate <= 0) return Number.POSITIVE_INFINITY;
    const u = this.#rng.float(`workload-${stream}-gap`);
    return from + Math.max(1, Math.round((-Math.log(1 - u) * 1_000) / rate));
  }

  /** The next event in time order, or undefined once the workload's duration is over. */
  next(): WorkloadEvent | undefined {
    if (!this.#started) this.#startAll();
    for (;;) {
      const queued = this.#pending.shift();
      if (queued !== undefined) return queued;
      const restart = this.#earliestRestart();
      const [stream, at] = this.#earliestStream();
      const later = this.#later[0];
      if (later !== undefined && later.atMs <= at && later.atMs <= (restart?.atMs ?? at)) {
        this.#later.shift();
        if (later.atMs < this.#endMs) return later;
        continue;
      }
      if (restart !== undefined && restart.atMs <= at && restart.atMs < this.#endMs) {
        this.#restartAt.delete(restart.slot);
        this.#start(restart.slot, restart.atMs);
        continue;
      }
      if (at >= this.#endMs) return undefined;
      this.#nextAt.set(stream, this.#gap(stream, at));
      this.#fire(stream, at);
    }
  }

  #startAll(): void {
    this.#started = true;
    for (let slot = 0; slot < this.slots; slot++) this.#start(slot, this.params.startMs);
  }

  /** A new incarnation of `slot`; a consumer begins with every key assigned. */
  #start(slot: number, atMs: Millis): void {
    const client = { slot, kind: this.kindOf(slot) };
    this.#pending.push({ type: "start-client", atMs, client, processId: this.#nextProcessId++ });
    if (client.kind !== "consumer") return;
    if (slotGroup(this.params, slot) !== undefined) {
      const topics = this.keyMap.topics().map((t) => t.name);
      this.#pending.push({ type: "consumer", atMs, slot, command: { type: "subscribe", topics } });
      return;
    }
    const command = { type: "assign", keys: this.keyMap.keys(), seekToBeginning: false } as const;
    this.#pending.push({ type: "consumer", atMs, slot, command });
  }

  #earliestRestart(): { slot: number; atMs: Millis } | undefined {
    let best: { slot: number; atMs: Millis } | undefined;
    for (const [slot, atMs] of this.#restartAt) {
      if (best === undefined || atMs < best.atMs) best = { slot, atMs };
    }
    return best;
  }

  #earliestStream(): [Stream, Millis] {
    let best: [Stream, Millis] = ["send", this.#nextAt.get("send")!];
    for (const stream of streams) {
      const at = this.#nextAt.get(stream)!;
      if (at < best[1]) best = [stream, at];
    }
    return best;
  }

  /** A live slot of `kind` drawn uniformly, or undefined when all are down. */
  #pick(kind: ClientKind | undefined, name: string): number | undefined {
    const live: number[] = [];
    for (let slot = 0; slot < this.slots; slot++) {
      if (this.#restartAt.has(slot)) continue;
      if (kind === undefined || this.kindOf(slot) === kind) live.push(slot);
    }
    return live.length === 0 ? undefined : live[this.#rng.int(name, live.length)];
  }

  #fire(stream: Stream, atMs: Millis): void {
    switch (stream) {
      case "send": {
        const slot = this.#pick("producer", "workload-send-producer");
        if (slot === undefined) return;
        const count = 1 + this.#rng.int("workload-send-records", this.params.recordsPerSendMax);
        const records: SendRecord[] = [];
        for (let i = 0; i < count; i++) {
          const key = this.#rng.int("workload-send-key", this.params.keys.keyCount);
          records.push({ key, value: this.#nextValue++ });
        }
        this.#pending.push({ type: "producer", atMs, slot, command: { type: "send", records } });
        return;
      }
      case "poll": {
        const slot = this.#pick("consumer", "workload-poll-consumer");
        if (slot === undefined) return;
        this.#pending.push({ type: "consumer", atMs, slot, command: { type: "poll" } });
        // Jepsen commits after a subscribed poll; here what was consumed before this one.
        const group = slotGroup(this.params, slot);
        if (group !== undefined && !group.autoCommit) {
          this.#pending.push({ type: "consumer", atMs, slot, command: { type: "commit" } });
        }
        return;
      }
      case "pause": {
        const slot = this.#pick("consumer", "workload-pause-consumer");
        const longMs = this.params.groups?.longPauseMs ?? 0;
        if (slot === undefined || longMs <= 0) return;
        const long = this.#rng.chance("workload-pause-long", 0.5);
        const durationMs = long ? longMs : Math.max(1, Math.round(longMs / 8));
        this.#pending.push({
          type: "consumer",
          atMs,
          slot,
          command: { type: "pause", durationMs },
        });
        return;
      }
      case "close": {
        const slot = this.#pick("consumer", "workload-close-consumer");
        if (slot === undefined) return;
        this.#pending.push({ type: "consumer", atMs, slot, command: { type: "close" } });
        const client = { slot, kind: "consumer" } as const;
        this.#addLater({ type: "crash-client", atMs: atMs + closeTeardownMs, client });
        this.#restartAt.set(slot, atMs + Math.max(this.params.restartDelayMs, closeTeardownMs + 1));
        return;
      }
      case "assign": {
        const slot = this.#pick("consumer", "workload-assign-consumer");
        if (slot === undefined) return;
        const keys = this.keyMap
          .keys()
          .filter((_, i) => i === 0 || this.#rng.chance("workload-assign-key", 0.5));
        const first = this.#rng.int("workload-assign-rotate", this.params.keys.keyCount);
        const rotated = keys.map((k) => (k + first) % this.params.keys.keyCount);
        const command = { type: "assign", keys: rotated, seekToBeginning: false } as const;
        this.#pending.push({ type: "consumer", atMs, slot, command });
        return;
      }
      case "crash": {
        const slot = this.#pick(undefined, "workload-crash-client");
        if (slot === undefined) return;
        this.#pending.push({
          type: "crash-client",
          atMs,
          client: { slot, kind: this.kindOf(slot) },
        });
        this.#restartAt.set(slot, atMs + this.params.restartDelayMs);
      }
    }
  }

  #addLater(event: WorkloadEvent): void {
    assert(this.#later.length < this.slots + 1, "one teardown per slot at most");
    const at = this.#later.findIndex((e) => e.atMs > event.atMs);
    this.#later.splice(at === -1 ? this.#later.length : at, 0, event);
  }

  /** Values handed out so far: every send's values are 0..valuesSent-1, each exactly once. */
  get valuesSent(): number {
    return this.#nextValue;
  }

  /**
   * The liveness phase's reader (Jepsen's final polls): a fresh consumer process that assigns
   * every key from the beginning and polls until it reaches each key's high watermark.
   */
  finalReads(atMs: Millis): WorkloadEvent[] {
    const client = { slot: this.finalSlot, kind: "consumer" } as const;
    const keys = this.keyMap.keys();
    return [
      { type: "start-client", atMs, client, processId: this.#nextProcessId++ },
      {
        type: "consumer",
        atMs,
        slot: client.slot,
        command: { type: "assign", keys, seekToBeginning: true },
      },
      { type: "consumer", atMs, slot: client.slot, command: { type: "final-polls" } },
    ];
  }
}
