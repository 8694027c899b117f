// A naive model of the broker's idempotent producer state for the fake cluster: per (producer id,
// partition) the epoch, the last sequence and the last five batches (Kafka's dedupe window).
// Answers what a Kafka leader answers: the original offset for a duplicate, OUT_OF_ORDER_SEQUENCE_
// NUMBER for a gap, INVALID_PRODUCER_EPOCH for an older epoch; a newer epoch starts at sequence 0.

import { ErrorCode } from "../../../../core/error-codes.ts";

interface Window {
  epoch: number;
  lastSequence: number;
  readonly batches: { base: number; last: number; offset: number }[];
}

export type ProducerCheck =
  | { readonly type: "append" }
  | { readonly type: "duplicate"; readonly offset: number }
  | { readonly type: "error"; readonly errorCode: number };

export class FakeProducerState {
  readonly #windows = new Map<string, Window>();
  #nextProducerId = 1000;
  /** Every duplicate answered (a retry the window caught). */
  duplicates = 0;

  newProducerId(): number {
    return this.#nextProducerId++;
  }

  /** Forgets every producer of a partition (a leader that lost the state). */
  forget(partitionKey: string): void {
    for (const key of [...this.#windows.keys()]) {
      if (key.endsWith(`/${partitionKey}`)) this.#windows.delete(key);
    }
  }

  check(
    partitionKey: string,
    pid: number,
    epoch: number,
    base: number,
    count: number,
  ): ProducerCheck {
    const w = this.#windows.get(`${pid}/${partitionKey}`);
    const last = base + count - 1;
    if (w === undefined || epoch > w.epoch) {
      if (base !== 0 && w !== undefined)
        return { type: "error", errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
      if (base !== 0) return { type: "error", errorCode: ErrorCode.UNKNOWN_PRODUCER_ID };
      return { type: "append" };
    }
    if (epoch < w.epoch) return { type: "error", errorCode: ErrorCode.INVALID_PRODUCER_EPOCH };
    const dup = w.batches.find((b) => b.base === base && b.last === last);
    if (dup !== undefined) {
      this.duplicates++;
      return { type: "duplicate", offset: dup.offset };
    }
    if (base !== w.lastSequence + 1) {
      return { type: "error", errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
    }
    return { type: "append" };
  }

  appended(
    partitionKey: string,
    pid: number,
    epoch: number,
    base: number,
    count: number,
    offset: number,
  ): void {
    const key = `${pid}/${partitionKey}`;
    let w = this.#windows.get(key);
    if (w === undefined || epoch > w.epoch) {
      w = { epoch, lastSequence: -1, batches: [] };
      this.#windows.set(key, w);
    }
    w.lastSequence = base + count - 1;
    w.batches.push({ base, last: base + count - 1, offset });
    if (w.batches.length > 5) w.batches.shift();
  }
}
