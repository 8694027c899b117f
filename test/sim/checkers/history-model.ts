// A deliberately simple, correct Kafka for the checker's property tests: per key an append-only log
// with random (sparse) offset gaps; producers that may pipeline sends, fail, time out and crash;
// consumers that assign, poll from their positions, auto-commit and crash; and a final reader.
// One planted fault (drop, duplicate, swap) turns it into a broken Kafka of a known kind.

import type {
  HistoryKey,
  HistoryOp,
  OffsetValue,
  SendMicroOp,
} from "../../../core/client/history.ts";
import { HistoryBuilder } from "./history-builder.ts";

export type PlantedFault = "none" | "drop" | "duplicate" | "swap";

export interface ModelParams {
  readonly keys: number;
  readonly producers: number;
  readonly consumers: number;
  /** Offset of the first record of every key (0, or 2^50 to prove sparse offsets cost nothing). */
  readonly baseOffset: number;
  /** Largest random gap between consecutive offsets (0 = dense). */
  readonly gapMax: number;
  readonly fault: PlantedFault;
  /** The entropy stream: every decision of the model takes the next number. */
  readonly choices: readonly number[];
}

interface PendingSend {
  readonly opId: number;
  readonly sends: SendMicroOp[];
  readonly outcome: "ok" | "info" | "fail";
}

interface Consumer {
  process: number;
  readonly positions: Map<HistoryKey, number>;
}

export class ModelRun {
  readonly #p: ModelParams;
  readonly #h = new HistoryBuilder();
  readonly #logs: OffsetValue[][];
  readonly #nextOffset: number[];
  readonly #committed = new Map<HistoryKey, number>();
  #cursor = 0;
  #nextValue = 1;
  #nextProcess = 0;
  #faultPlanted = false;
  readonly #producers: { process: number; pending: PendingSend[] }[] = [];
  readonly #consumers: Consumer[] = [];

  constructor(params: ModelParams) {
    this.#p = params;
    this.#logs = Array.from({ length: params.keys }, () => []);
    this.#nextOffset = Array.from({ length: params.keys }, () => params.baseOffset);
    for (let i = 0; i < params.producers; i++)
      this.#producers.push({ process: this.#nextProcess++, pending: [] });
    for (let i = 0; i < params.consumers; i++) this.#consumers.push(this.#newConsumer());
  }

  #draw(max: number): number {
    const choice = this.#p.choices[this.#cursor++ % this.#p.choices.length] ?? 0;
    return (choice + this.#cursor * 7919) % max;
  }

  /** Plays every choice, then a final reader that reads every key from the start. */
  history(): HistoryOp[] {
    const steps = this.#p.choices.length;
    for (let step = 0; step < steps; step++) {
      if (this.#p.fault !== "none" && !this.#faultPlanted && step >= steps / 2) this.#plant();
      this.#step();
    }
    if (this.#p.fault !== "none" && !this.#faultPlanted) this.#plant();
    this.#finalRead();
    return this.#h.ops;
  }

  #step(): void {
    const action = this.#draw(20);
    const producer = this.#producers[this.#draw(this.#producers.length)]!;
    const consumer = this.#consumers[this.#draw(this.#consumers.length)]!;
    if (action < 6) this.#invokeSend(producer);
    else if (action < 11) this.#completeSend(producer);
    else if (action < 17) this.#poll(consumer);
    else if (action === 17) this.#assign(consumer);
    else if (action === 18) this.#crashConsumer(consumer);
    else this.#crashProducer(producer);
  }

  #append(key: HistoryKey, value: number): number {
    const offset = this.#nextOffset[key]!;
    this.#logs[key]!.push([offset, value]);
    const gap = this.#p.gapMax > 0 && this.#draw(3) === 0 ? this.#draw(this.#p.gapMax) : 0;
    this.#nextOffset[key] = offset + 1 + gap;
    return offset;
  }

  /** A correct broker appends when the request arrives, in send order; the ack comes later. */
  #invokeSend(producer: { process: number; pending: PendingSend[] }): void {
    if (producer.pending.length >= 2) return;
    const outcome = (["ok", "ok", "ok", "ok", "info", "fail"] as const)[this.#draw(6)]!;
    const count = 1 + this.#draw(2);
    const sends: SendMicroOp[] = [];
    for (let i = 0; i < count; i++) {
      const key = this.#draw(this.#p.keys);
      const value = this.#nextValue++;
      const appended = outcome === "ok" || (outcome === "info" && this.#draw(2) === 0);
      sends.push({ key, value, offset: appended ? this.#append(key, value) : null });
    }
    const invoked = sends.map((s) => ({ ...s, offset: null }));
    const opId = this.#h.invoke(producer.process, { type: "send", sends: invoked });
    producer.pending.push({ opId, sends, outcome });
  }

  #completeSend(producer: { process: number; pending: PendingSend[] }): void {
    const op = producer.pending.shift();
    if (op === undefined) return;
    const sends = op.sends.map((s) => ({ ...s, offset: op.outcome === "ok" ? s.offset : null }));
    this.#h.complete(producer.process, op.opId, op.outcome, { type: "send", sends });
  }

  #crashProducer(producer: { process: number; pending: PendingSend[] }): void {
    for (const op of producer.pending.splice(0)) {
      const sends = op.sends.map((s) => ({ ...s, offset: null }));
      this.#h.complete(producer.process, op.opId, "info", { type: "send", sends });
    }
    this.#h.crash(producer.process);
    producer.process = this.#nextProcess++;
  }

  #newConsumer(): Consumer {
    const consumer: Consumer = { process: this.#nextProcess++, positions: new Map() };
    this.#assign(consumer);
    return consumer;
  }

  /** Keys kept keep their position; new keys resume from the committed offset, else the start. */
  #assign(consumer: Consumer): void {
    const keys = Array.from({ length: this.#p.keys }, (_, k) => k).filter(() => this.#draw(3) > 0);
    for (const key of [...consumer.positions.keys()]) {
      if (!keys.includes(key)) consumer.positions.delete(key);
    }
    for (const key of keys) {
      if (!consumer.positions.has(key)) {
        consumer.positions.set(key, this.#committed.get(key) ?? this.#p.baseOffset);
      }
    }
    this.#h.assign(consumer.process, keys);
  }

  /** Auto-commit first (the previous poll's positions), then read up to 4 records per key. */
  #poll(consumer: Consumer): void {
    if (this.#draw(2) === 0 && consumer.positions.size > 0) {
      const offsets = Object.fromEntries(consumer.positions);
      this.#h.commit(consumer.process, offsets);
      for (const [key, offset] of consumer.positions) this.#committed.set(key, offset);
    }
    const reads: Record<number, OffsetValue[]> = {};
    for (const [key, position] of consumer.positions) {
      const records = this.#logs[key]!.filter(([offset]) => offset >= position).slice(
        0,
        1 + this.#draw(4),
      );
      if (records.length === 0) continue;
      reads[key] = records;
      consumer.positions.set(key, records.at(-1)![0] + 1);
    }
    this.#h.poll(consumer.process, reads);
  }

  #crashConsumer(consumer: Consumer): void {
    this.#h.crash(consumer.process);
    consumer.process = this.#nextProcess++;
    consumer.positions.clear();
    this.#assign(consumer);
  }

  /** Plants the fault with a send of its own, by a producer process of its own. */
  #plant(): void {
    this.#faultPlanted = true;
    const process = this.#nextProcess++;
    const key = this.#p.choices.length % this.#p.keys; // not drawn: the rest of the run is unchanged
    const v1 = this.#nextValue++;
    const v2 = this.#nextValue++;
    if (this.#p.fault === "drop") {
      // Acknowledged at an offset the log never holds, then a later value that readers do see.
      const dropped = this.#nextOffset[key]!;
      this.#nextOffset[key] = dropped + 1;
      this.#h.send(process, [[key, v1, dropped]]);
      this.#h.send(process, [[key, v2, this.#append(key, v2)]]);
    } else if (this.#p.fault === "duplicate") {
      // A retried append without idempotence: the value lands twice, acknowledged once.
      const offset = this.#append(key, v1);
      this.#append(key, v1);
      this.#h.send(process, [[key, v1, offset]]);
    } else if (this.#p.fault === "swap") {
      // Acknowledged offsets disagree with the log: two values stored in each other's place.
      const o1 = this.#append(key, v2);
      const o2 = this.#append(key, v1);
      this.#h.send(process, [
        [key, v1, o1],
        [key, v2, o2],
      ]);
    }
  }

  #finalRead(): void {
    const process = this.#nextProcess++;
    const keys = Array.from({ length: this.#p.keys }, (_, k) => k);
    this.#h.assign(process, keys, true);
    for (const key of keys) {
      const log = this.#logs[key]!;
      for (let i = 0; i < log.length; i += 50)
        this.#h.poll(process, { [key]: log.slice(i, i + 50) });
    }
  }
}
