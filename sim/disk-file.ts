// One simulated file: what the page cache holds, what the medium holds, and the writes in between.
// Invariant: `cached` equals `durable` with the `unsynced` writes applied in order; a crash keeps
// `durable` plus some prefix of those writes, which is exactly what a real page cache can lose.

import { assert } from "../core/assert.ts";

/** A byte array that grows by doubling; bytes past `length` are zero. */
export class GrowableBytes {
  #buffer: Uint8Array;
  #length = 0;

  constructor(initial?: Uint8Array) {
    this.#buffer = new Uint8Array(Math.max(64, initial?.length ?? 0));
    if (initial !== undefined) this.write(0, initial);
  }

  get length(): number {
    return this.#length;
  }

  /** Writes `bytes` at `position`, zero-filling any gap after the current end (a sparse hole). */
  write(position: number, bytes: Uint8Array): void {
    assert(Number.isSafeInteger(position) && position >= 0, `write position ${position}`);
    const end = position + bytes.length;
    this.#reserve(end);
    this.#buffer.set(bytes, position);
    this.#length = Math.max(this.#length, end);
  }

  truncate(size: number): void {
    assert(size >= 0 && size <= this.#length, `truncate to ${size} of ${this.#length}`);
    this.#buffer.fill(0, size, this.#length);
    this.#length = size;
  }

  /** A copy of [start, end) clipped to the content. */
  copy(start = 0, end = this.#length): Uint8Array {
    return this.#buffer.slice(Math.min(start, this.#length), Math.min(end, this.#length));
  }

  xorByte(position: number, mask: number): void {
    assert(position >= 0 && position < this.#length, `xor at ${position} of ${this.#length}`);
    this.#buffer[position] = (this.#buffer[position] ?? 0) ^ mask;
  }

  #reserve(capacity: number): void {
    if (capacity <= this.#buffer.length) return;
    let size = this.#buffer.length;
    while (size < capacity) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = grown;
  }
}

export interface PendingWrite {
  readonly position: number;
  readonly bytes: Uint8Array;
}

export class SimFile {
  /** What reads see: the page cache. */
  readonly cached: GrowableBytes;
  /** What survives a crash; null while the directory entry itself is not durable. */
  durable: GrowableBytes | null;
  /** Writes since the last successful sync, in issue order, each already applied to `cached`. */
  unsynced: PendingWrite[] = [];
  /**
   * Changes that were not appends (a write before the end, a truncate, a flipped bit): a reader
   * that parsed a prefix may extend its parse while this stays the same (checks read incrementally).
   */
  rewrites = 0;

  constructor(durable: GrowableBytes | null, cached: GrowableBytes) {
    this.cached = cached;
    this.durable = durable;
  }

  static created(): SimFile {
    return new SimFile(null, new GrowableBytes());
  }

  /** Records a write. One starting past the end is widened to start at the end with zeros, so
   * every pending write is contiguous with what precedes it and a crash never leaves a hole. */
  write(position: number, bytes: Uint8Array): void {
    const end = this.cached.length;
    if (position < end) this.rewrites++;
    const pending =
      position <= end ? { position, bytes: bytes.slice() } : widen(end, position, bytes);
    this.cached.write(pending.position, pending.bytes);
    this.unsynced.push(pending);
  }

  sync(): void {
    const durable = this.durable ?? new GrowableBytes();
    for (const pending of this.unsynced) durable.write(pending.position, pending.bytes);
    assert(durable.length === this.cached.length, "sync left durable and cached lengths apart");
    this.durable = durable;
    this.unsynced = [];
  }

  /** A truncate is durable when it completes: both views shrink, pending writes are clipped. */
  truncate(size: number): void {
    this.rewrites++;
    this.cached.truncate(size);
    const durable = this.durable;
    if (durable !== null && durable.length > size) durable.truncate(size);
    this.unsynced = this.unsynced
      .filter((pending) => pending.position < size)
      .map((pending) => ({
        position: pending.position,
        bytes: pending.bytes.subarray(0, Math.min(pending.bytes.length, size - pending.position)),
      }));
  }

  /** Bytes still unsynced, for reports. */
  get unsyncedBytes(): number {
    return this.unsynced.reduce((sum, pending) => sum + pending.bytes.length, 0);
  }
}

function widen(end: number, position: number, bytes: Uint8Array): PendingWrite {
  const widened = new Uint8Array(position - end + bytes.length);
  widened.set(bytes, position - end);
  return { position: end, bytes: widened };
}

/** The file a crash leaves: the durable bytes plus `keepWhole` pending writes and `keepBytes`
 * bytes of the next one. */
export function afterCrash(file: SimFile, keepWhole: number, keepBytes: number): GrowableBytes {
  const base = file.durable ?? new GrowableBytes();
  const survivor = new GrowableBytes(base.copy());
  assert(keepWhole <= file.unsynced.length, "kept more writes than were pending");
  for (let i = 0; i < keepWhole; i++) {
    const pending = file.unsynced[i]!;
    survivor.write(pending.position, pending.bytes);
  }
  const torn = file.unsynced[keepWhole];
  if (torn !== undefined && keepBytes > 0) {
    survivor.write(torn.position, torn.bytes.subarray(0, keepBytes));
  }
  return survivor;
}
