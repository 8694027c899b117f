// Committed offsets per (group, topic, partition): only values whose OffsetCommit record is
// committed in __consumer_offsets (or was replayed from it) live here. Bounded per coordinator.

import { assert } from "../assert.ts";
import type { OffsetCommitValue } from "./coordinator-records.ts";

export interface StoredOffset {
  readonly topic: string;
  readonly partition: number;
  readonly value: OffsetCommitValue;
}

export class OffsetStore {
  /** group -> "topic\0partition" -> offset, in commit order. */
  readonly #byGroup = new Map<string, Map<string, StoredOffset>>();
  readonly #maxOffsets: number;
  #count = 0;
  /** "group\0topic\0partition" -> commits of it whose append is in flight. */
  readonly #pending = new Map<string, number>();

  constructor(maxOffsets: number) {
    assert(Number.isSafeInteger(maxOffsets) && maxOffsets > 0, `maxOffsets ${maxOffsets}`);
    this.#maxOffsets = maxOffsets;
  }

  get size(): number {
    return this.#count;
  }

  get(group: string, topic: string, partition: number): StoredOffset | undefined {
    return this.#byGroup.get(group)?.get(key(topic, partition));
  }

  has(group: string, topic: string, partition: number): boolean {
    return this.get(group, topic, partition) !== undefined;
  }

  /** Whether `extra` new keys would still fit (existing keys are replaced in place). */
  canAdd(extra: number): boolean {
    return this.#count + extra <= this.#maxOffsets;
  }

  put(group: string, topic: string, partition: number, value: OffsetCommitValue): void {
    let offsets = this.#byGroup.get(group);
    if (offsets === undefined) {
      offsets = new Map();
      this.#byGroup.set(group, offsets);
    }
    const k = key(topic, partition);
    if (!offsets.has(k)) {
      assert(this.#count < this.#maxOffsets, `more than ${this.#maxOffsets} committed offsets`);
      this.#count++;
    }
    offsets.set(k, { topic, partition, value });
  }

  delete(group: string, topic: string, partition: number): boolean {
    const offsets = this.#byGroup.get(group);
    if (offsets === undefined || !offsets.delete(key(topic, partition))) return false;
    this.#count--;
    if (offsets.size === 0) this.#byGroup.delete(group);
    return true;
  }

  deleteGroup(group: string): number {
    const offsets = this.#byGroup.get(group);
    if (offsets === undefined) return 0;
    this.#byGroup.delete(group);
    this.#count -= offsets.size;
    assert(this.#count >= 0, "offset count went negative");
    return offsets.size;
  }

  /** A commit of this partition is being appended (retention must not expire it meanwhile). */
  addPending(group: string, topic: string, partition: number, delta: 1 | -1): void {
    const k = `${group}\u0000${key(topic, partition)}`;
    const next = (this.#pending.get(k) ?? 0) + delta;
    assert(next >= 0, "pending commit count went negative");
    if (next === 0) this.#pending.delete(k);
    else this.#pending.set(k, next);
  }

  hasPending(group: string, topic: string, partition: number): boolean {
    return this.#pending.has(`${group}\u0000${key(topic, partition)}`);
  }

  /** The group's offsets, topics then partitions ascending (a deterministic answer order). */
  offsetsOf(group: string): StoredOffset[] {
    const offsets = this.#byGroup.get(group);
    if (offsets === undefined) return [];
    return [...offsets.values()].sort((a, b) =>
      a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition,
    );
  }

  countOf(group: string): number {
    return this.#byGroup.get(group)?.size ?? 0;
  }

  groups(): IterableIterator<string> {
    return this.#byGroup.keys();
  }

  checkInvariants(): void {
    let total = 0;
    for (const offsets of this.#byGroup.values()) {
      assert(offsets.size > 0, "an empty offset map is kept");
      total += offsets.size;
    }
    assert(total === this.#count && total <= this.#maxOffsets, "offset count is exact and bounded");
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
