// What the clients saw, as facts the fault contract is judged on: each value at each offset, when
// (trace seq) a broker served it or acknowledged it, and how many Produce requests carried it.
// Invariant: facts only accumulate; each is stamped with the seq current when it was observed,
// which orders it against the broker's crashes (a crash breaks connections, so nothing served
// before a crash is delivered after it).

import type { KeyMap } from "../../core/client/workload-keys.ts";
import { decodeInt } from "../../core/client/workload-keys.ts";
import {
  batchSizeBytes,
  Compression,
  type RecordBatchHeader,
  readBatchHeader,
  recordSectionOf,
} from "../../core/log/record-batch.ts";
import { walkRecordSection } from "../../core/log/record-walk.ts";
import type { FetchResponse, ProduceRequest } from "../../core/protocol/index.ts";

export type ObservationKind = "ack" | "served";

/** A value seen at an offset of a key: acknowledged there, or served there to a consumer. */
export interface Observation {
  readonly key: number;
  readonly offset: number;
  readonly seq: number;
  readonly kind: ObservationKind;
}

/** The whole batches in `bytes` (a short last batch is a fetch cut at maxBytes). */
export function batchesOf(
  bytes: Uint8Array | null,
): { position: number; header: RecordBatchHeader }[] {
  const batches: { position: number; header: RecordBatchHeader }[] = [];
  if (bytes === null) return batches;
  let at = 0;
  while (at < bytes.length) {
    const read = readBatchHeader(bytes, at);
    if (!read.ok || read.value.batchLength < 49) break;
    const size = batchSizeBytes(read.value);
    if (at + size > bytes.length) break;
    batches.push({ position: at, header: read.value });
    at += size;
  }
  return batches;
}

/**
 * Workload values of the batches in `bytes`, with their offsets (undecodable records skipped): what
 * decodeRecords gives for each whole batch, a batch it rejects skipped whole. The batch is walked
 * first (record-walk accepts exactly what decodeRecords does, allocating nothing), then each value
 * is read where the walk vouched for it: no record objects for the records of every fetch.
 */
export function valuesOf(bytes: Uint8Array | null): { offset: number; value: number }[] {
  const out: { offset: number; value: number }[] = [];
  if (bytes === null) return out;
  for (const { position, header } of batchesOf(bytes)) {
    if (header.compression !== Compression.none) continue;
    const section = recordSectionOf(bytes, header, position);
    if (!walkRecordSection(section, header).ok) continue;
    const reader = new SectionReader(section);
    for (let i = 0; i < header.recordCount; i++) {
      const length = reader.varint();
      const recordEnd = reader.pos + length;
      reader.pos++; // attributes
      reader.skipVarint(); // timestampDelta
      const offsetDelta = reader.varint();
      const keyLength = reader.varint();
      if (keyLength > 0) reader.pos += keyLength;
      const valueLength = reader.varint();
      const value = valueLength < 0 ? null : section.subarray(reader.pos, reader.pos + valueLength);
      const decoded = decodeInt(value);
      if (decoded !== undefined)
        out.push({ offset: header.baseOffset + offsetDelta, value: decoded });
      reader.pos = recordEnd;
    }
  }
  return out;
}

/** Zigzag varints of a records section already walked (so every read is in bounds and valid). */
class SectionReader {
  pos = 0;
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  varint(): number {
    let raw = 0;
    for (let shift = 0; ; shift += 7) {
      const b = this.#bytes[this.pos++]!;
      raw |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return (raw >>> 1) ^ -(raw & 1);
    }
  }

  skipVarint(): void {
    while ((this.#bytes[this.pos++]! & 0x80) !== 0) {}
  }
}

export class Observations {
  readonly #keyMap: KeyMap;
  readonly #byValue = new Map<number, Observation[]>();
  /** Produce requests that carried each value, once more than one did (the client resent it). */
  readonly #sends = new Map<number, number>();
  /** Batches seen in Produce requests, by identity (CRC, length, count, timestamp): times sent. */
  readonly #batches = new Map<string, number>();
  #served = 0;

  constructor(keyMap: KeyMap) {
    this.#keyMap = keyMap;
  }

  /**
   * A producer sent a Produce request (first send or retry). A batch is decoded only when it is
   * sent again (a resend carries the very same bytes), so first sends cost a header read.
   */
  produceRequest(request: ProduceRequest): void {
    for (const topic of request.topicData) {
      for (const data of topic.partitionData) {
        const bytes = data.records;
        if (bytes === null) continue;
        for (const { position, header: h } of batchesOf(bytes)) {
          const id = `${h.crc}:${h.batchLength}:${h.recordCount}:${h.baseTimestamp}`;
          const times = (this.#batches.get(id) ?? 0) + 1;
          this.#batches.set(id, times);
          if (times < 2) continue;
          const size = 12 + h.batchLength;
          for (const { value } of valuesOf(bytes.subarray(position, position + size))) {
            this.#sends.set(value, times);
          }
        }
      }
    }
  }

  /** A consumer received a Fetch response: every record in it was in the log when served. */
  fetchResponse(response: FetchResponse, seq: number): void {
    for (const topic of response.responses) {
      for (const p of topic.partitions) {
        if (p.records === null || p.records.length === 0) continue;
        const key = this.#keyMap.keyOf(topic.topic, p.partitionIndex);
        if (key === undefined) continue;
        for (const { offset, value } of valuesOf(p.records)) {
          this.#add(value, { key, offset, seq, kind: "served" });
          this.#served++;
        }
      }
    }
  }

  /** A producer learned that `value` was appended at `offset` of `key`. */
  ack(key: number, value: number, offset: number, seq: number): void {
    this.#add(value, { key, offset, seq, kind: "ack" });
  }

  #add(value: number, observation: Observation): void {
    const list = this.#byValue.get(value);
    if (list === undefined) this.#byValue.set(value, [observation]);
    else {
      const last = list[list.length - 1]!;
      // Consecutive fetches return the same record again and again: keep the latest sighting.
      if (
        last.key === observation.key &&
        last.offset === observation.offset &&
        last.kind === observation.kind
      ) {
        list[list.length - 1] = observation;
      } else list.push(observation);
    }
  }

  of(value: number): readonly Observation[] {
    return this.#byValue.get(value) ?? [];
  }

  /** Produce requests that carried `value`: 2 or more for a resent one, else at most 1. */
  sendsOf(value: number): number {
    return this.#sends.get(value) ?? 1;
  }

  values(): IterableIterator<[number, readonly Observation[]]> {
    return this.#byValue.entries();
  }

  get servedRecords(): number {
    return this.#served;
  }
}
