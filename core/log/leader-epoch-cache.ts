// The leader epoch cache (KIP-101): for each leader epoch, the first offset written in it.
// Invariant: epochs and start offsets both strictly increase, and every entry's start offset
// belongs to a batch of the log (entries at or past the log end offset are removed on truncation).

import { assert } from "../assert.ts";
import { limits } from "../limits.ts";
import { err, ok, type Result } from "../result.ts";
import { parseOffset, sealText, unsealText } from "./checkpoint-text.ts";
import type { Crc32c } from "./crc32c.ts";

export interface EpochEntry {
  readonly epoch: number;
  readonly startOffset: number;
}

/** Kafka's answer when the epoch is unknown (UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET). */
export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1;

export class LeaderEpochCache {
  #entries: EpochEntry[];

  constructor(entries: readonly EpochEntry[] = []) {
    this.#entries = [...entries];
    this.checkInvariants();
  }

  entries(): readonly EpochEntry[] {
    return this.#entries;
  }

  latestEpoch(): number {
    return this.#entries.at(-1)?.epoch ?? UNDEFINED_EPOCH;
  }

  /** Records that `epoch` starts at `startOffset` if it is newer than every known epoch. */
  assign(epoch: number, startOffset: number): boolean {
    assert(Number.isSafeInteger(epoch) && epoch >= 0, `leader epoch ${epoch}`);
    const last = this.#entries.at(-1);
    if (last !== undefined && epoch <= last.epoch) return false;
    // An epoch with no batch of its own (its entry only marks the log start offset) gives way.
    while ((this.#entries.at(-1)?.startOffset ?? -1) >= startOffset) this.#entries.pop();
    assert(this.#entries.length < limits.logLeaderEpochEntriesMax, "leader epoch cache full");
    this.#entries.push({ epoch, startOffset });
    return true;
  }

  /** Removes epochs that start at or after `endOffset` (the log was truncated to it). */
  truncateFromEnd(endOffset: number): boolean {
    const kept = this.#entries.filter((entry) => entry.startOffset < endOffset);
    const changed = kept.length !== this.#entries.length;
    this.#entries = kept;
    return changed;
  }

  /** Forgets epochs wholly below `startOffset`; the one in force there now starts there. */
  truncateFromStart(startOffset: number): boolean {
    let first = 0;
    while (
      first + 1 < this.#entries.length &&
      this.#entries[first + 1]!.startOffset <= startOffset
    ) {
      first++;
    }
    const kept = this.#entries.slice(first);
    const head = kept[0];
    if (head !== undefined && head.startOffset < startOffset) {
      kept[0] = { epoch: head.epoch, startOffset };
    }
    const changed = first > 0 || kept[0] !== this.#entries[0];
    this.#entries = kept;
    return changed;
  }

  clear(): boolean {
    const changed = this.#entries.length > 0;
    this.#entries = [];
    return changed;
  }

  /**
   * OffsetsForLeaderEpoch: the largest epoch <= `requested` and the offset where it ended (the
   * start of the next epoch, or the log end offset when it is the latest).
   */
  endOffsetFor(requested: number, logEndOffset: number): { epoch: number; endOffset: number } {
    const undefinedAnswer = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    if (requested === UNDEFINED_EPOCH) return undefinedAnswer;
    if (requested === this.latestEpoch()) return { epoch: requested, endOffset: logEndOffset };
    const higher = this.#entries.find((entry) => entry.epoch > requested);
    if (higher === undefined) return undefinedAnswer;
    const floor = this.#entries.findLast((entry) => entry.epoch <= requested);
    return { epoch: floor?.epoch ?? requested, endOffset: higher.startOffset };
  }

  /** The epoch in force at `offset`, or UNDEFINED_EPOCH before the first entry. */
  epochAt(offset: number): number {
    return this.#entries.findLast((entry) => entry.startOffset <= offset)?.epoch ?? UNDEFINED_EPOCH;
  }

  checkInvariants(): void {
    for (let i = 1; i < this.#entries.length; i++) {
      const previous = this.#entries[i - 1]!;
      const entry = this.#entries[i]!;
      assert(entry.epoch > previous.epoch, `leader epochs not increasing at ${i}`);
      assert(
        entry.startOffset > previous.startOffset,
        `epoch start offsets not increasing at ${i}`,
      );
    }
  }
}

/** Kafka's leader-epoch-checkpoint text (version 0, count, `epoch offset` lines) plus a CRC line. */
export function encodeLeaderEpochCheckpoint(
  entries: readonly EpochEntry[],
  crc: Crc32c,
): Uint8Array {
  const lines = ["0", String(entries.length), ...entries.map((e) => `${e.epoch} ${e.startOffset}`)];
  return sealText(lines, crc);
}

export function decodeLeaderEpochCheckpoint(
  bytes: Uint8Array,
  crc: Crc32c,
): Result<EpochEntry[], string> {
  const lines = unsealText(bytes, crc);
  if (!lines.ok) return lines;
  const [version, countText, ...rest] = lines.value;
  if (version !== "0") return err(`unknown version ${JSON.stringify(version)}`);
  const count = parseOffset(countText);
  if (count === undefined || count !== rest.length) return err("entry count mismatch");
  const entries: EpochEntry[] = [];
  for (const line of rest) {
    const [epochText, offsetText, extra] = line.split(" ");
    const epoch = parseOffset(epochText);
    const startOffset = parseOffset(offsetText);
    if (epoch === undefined || startOffset === undefined || extra !== undefined) {
      return err(`bad line ${JSON.stringify(line)}`);
    }
    const last = entries.at(-1);
    if (last !== undefined && (epoch <= last.epoch || startOffset <= last.startOffset)) {
      return err(`entries out of order at ${JSON.stringify(line)}`);
    }
    entries.push({ epoch, startOffset });
  }
  return ok(entries);
}
