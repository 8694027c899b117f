// The metadata log: entries in segment files under __cluster_metadata-0/, an epoch cache, and a
// bounded in-memory tail. Appends are synced in groups (one sync round in flight; appends made
// meanwhile wait for the next); syncedEndOffset only moves when a round of the current log
// generation completes, so it never counts bytes a crash could lose.

import { assert } from "../../assert.ts";
import type { DiskResult } from "../../disk.ts";
import type { DiskIo } from "../../disk-io.ts";
import type { Epoch, Offset } from "../../ids.ts";
import { limits } from "../../limits.ts";
import { err, ok, type Result } from "../../result.ts";
import type { RaftRecord } from "../records.ts";
import type { RaftConfig } from "./config.ts";
import { type EntryFrame, encodeEntries, scanEntries } from "./entry-codec.ts";
import { EpochCache } from "./epoch-cache.ts";
import { SegmentIndex } from "./segments.ts";
import type { SnapshotId } from "./snapshot-codec.ts";

export interface TailEntry {
  readonly offset: Offset;
  readonly epoch: Epoch;
  readonly bytes: Uint8Array;
}

/** What recovery found on disk, handed to load(). */
export interface RecoveredLog {
  readonly logStartOffset: Offset;
  readonly snapshot: SnapshotId | undefined;
  readonly segments: readonly {
    readonly baseOffset: Offset;
    readonly positions: number[];
    readonly size: number;
  }[];
  readonly epochStarts: readonly { readonly epoch: Epoch; readonly start: Offset }[];
  readonly tail: readonly TailEntry[];
}

export interface MetadataLogDeps {
  readonly config: RaftConfig;
  readonly diskIo: DiskIo;
  /** syncedEndOffset moved up. */
  readonly onSynced: () => void;
  /** A disk operation on the log failed: the node must stop (Kafka halts on a failed log dir). */
  readonly onFailure: (reason: string) => void;
}

export class MetadataLog {
  readonly epochs = new EpochCache();
  readonly #index = new SegmentIndex();
  readonly #deps: MetadataLogDeps;
  #logStartOffset: Offset = 0;
  #logEndOffset: Offset = 0;
  #syncedEndOffset: Offset = 0;
  /** Bumped by every truncation: a sync issued before it says nothing about the new tail. */
  #generation = 0;
  #tail: TailEntry[] = [];
  #tailBytes = 0;
  #snapshot: SnapshotId | undefined;
  /** Segment files appended to since their last sync was issued, in append order. */
  readonly #dirty = new Set<string>();
  #syncing = false;

  constructor(deps: MetadataLogDeps) {
    this.#deps = deps;
  }

  get logStartOffset(): Offset {
    return this.#logStartOffset;
  }
  get logEndOffset(): Offset {
    return this.#logEndOffset;
  }
  get syncedEndOffset(): Offset {
    return this.#syncedEndOffset;
  }
  get snapshot(): SnapshotId | undefined {
    return this.#snapshot;
  }
  get lastEpoch(): Epoch {
    return this.epochs.lastEpoch();
  }
  get tailBytes(): number {
    return this.#tailBytes;
  }
  get segmentCount(): number {
    return this.#index.segments.length;
  }

  load(recovered: RecoveredLog): void {
    this.#logStartOffset = recovered.logStartOffset;
    this.#snapshot = recovered.snapshot;
    this.epochs.reset(recovered.logStartOffset, recovered.snapshot?.epoch ?? 0);
    for (const s of recovered.segments) this.#index.load(s.baseOffset, s.positions, s.size);
    for (const e of recovered.epochStarts) this.epochs.append(e.epoch, e.start);
    this.#logEndOffset = this.#index.endOffset(recovered.logStartOffset);
    assert(this.#logEndOffset >= this.#logStartOffset, "recovered log ends below its start");
    this.#tail = [...recovered.tail];
    this.#tailBytes = this.#tail.reduce((sum, e) => sum + e.bytes.length, 0);
    assert(this.#tail.length === 0 || this.#tail.at(-1)!.offset === this.#logEndOffset - 1, "tail");
    // Bytes read back may still sit in a page cache: sync the last segment before counting them.
    const last = this.#index.segments.at(-1);
    this.#syncedEndOffset = last === undefined ? this.#logEndOffset : last.baseOffset;
    if (last !== undefined) {
      this.#dirty.add(last.path);
      this.#syncRound();
    }
  }

  /** Appends whole encoded entries (a leader's new records or a follower's fetched bytes). */
  appendEncoded(bytes: Uint8Array, frames: readonly EntryFrame[]): void {
    assert(frames.length > 0, "empty append");
    assert(frames[0]!.offset === this.#logEndOffset, `append at ${frames[0]!.offset} not at LEO`);
    const { segment } = this.#index.activeFor(this.#logEndOffset, this.#deps.config.segmentBytes);
    for (const f of frames) {
      assert(f.offset === this.#logEndOffset, `entry ${f.offset} out of order`);
      this.epochs.append(f.epoch, f.offset);
      segment.positions.push(segment.size + f.start - frames[0]!.start);
      const entryBytes = bytes.slice(f.start, f.end);
      this.#tail.push({ offset: f.offset, epoch: f.epoch, bytes: entryBytes });
      this.#tailBytes += entryBytes.length;
      this.#logEndOffset++;
    }
    const span = bytes.subarray(frames[0]!.start, frames.at(-1)!.end);
    segment.size += span.length;
    this.#deps.diskIo.submit({ type: "append", path: segment.path, bytes: span.slice() }, (r) =>
      this.#check(r, "append"),
    );
    this.#dirty.add(segment.path);
    this.#syncRound();
  }

  /** Encodes and appends records in `epoch`; returns the offset of the first. */
  appendRecords(epoch: Epoch, records: readonly RaftRecord[]): Offset {
    const first = this.#logEndOffset;
    const { bytes, frames } = encodeEntries(epoch, first, records, this.#deps.config.crc);
    for (const f of frames) {
      assert(f.end - f.start <= limits.metadataEntryBytesMax, `entry ${f.offset} over limit`);
    }
    this.appendEncoded(bytes, frames);
    return first;
  }

  /** Group commit: syncs every dirty segment; the round's last sync publishes the offset. */
  #syncRound(): void {
    if (this.#syncing || this.#dirty.size === 0) return;
    this.#syncing = true;
    const paths = [...this.#dirty];
    this.#dirty.clear();
    const endOffset = this.#logEndOffset;
    const generation = this.#generation;
    paths.forEach((path, i) => {
      this.#deps.diskIo.submit({ type: "sync", path }, (r) => {
        if (!this.#check(r, "sync") || i < paths.length - 1) return;
        this.#syncing = false;
        const synced = Math.min(endOffset, this.#logEndOffset);
        if (generation === this.#generation && synced > this.#syncedEndOffset) {
          this.#syncedEndOffset = synced;
          this.#deps.onSynced();
        }
        this.#syncRound();
      });
    });
  }

  #check(result: DiskResult, what: string): boolean {
    if (result.ok) return true;
    this.#deps.onFailure(`metadata log ${what} failed: ${result.code} ${result.message}`);
    return false;
  }

  /** Removes entries at and above `offset` (divergence with the leader, KIP-595). */
  truncateTo(offset: Offset): void {
    assert(offset >= this.#logStartOffset, `truncate to ${offset} below log start`);
    assert(offset <= this.#logEndOffset, `truncate to ${offset} above log end`);
    if (offset === this.#logEndOffset) return;
    const { deleted, cut } = this.#index.truncate(offset);
    for (const s of deleted) this.#deleteSegment(s.path);
    if (cut !== undefined)
      this.#submit({ type: "truncate", path: cut.path, size: cut.size }, "cut");
    this.epochs.truncateFromEnd(offset);
    while (this.#tail.length > 0 && this.#tail.at(-1)!.offset >= offset) {
      this.#tailBytes -= this.#tail.pop()!.bytes.length;
    }
    this.#logEndOffset = offset;
    this.#syncedEndOffset = Math.min(this.#syncedEndOffset, offset);
    this.#generation++;
  }

  /** A deleted file needs no sync (a sync already issued runs first: the disk is FIFO). */
  #deleteSegment(path: string): void {
    this.#dirty.delete(path);
    this.#submit({ type: "delete", path }, "delete");
  }

  #submit(op: Parameters<DiskIo["submit"]>[0], what: string): void {
    this.#deps.diskIo.submit(op, (r) => this.#check(r, what));
  }

  /** A snapshot ending at `id.endOffset` is durable: the log may start there. */
  advanceLogStart(id: SnapshotId): void {
    assert(id.endOffset <= this.#logEndOffset, "snapshot beyond the log end");
    assert(this.epochs.epochAt(id.endOffset - 1) === id.epoch, "snapshot epoch differs from log");
    this.#snapshot = id;
    if (id.endOffset <= this.#logStartOffset) return;
    for (const s of this.#index.dropBelow(id.endOffset)) this.#deleteSegment(s.path);
    this.epochs.truncateFromStart(id.endOffset, id.epoch, this.#logEndOffset);
    this.#logStartOffset = id.endOffset;
    this.#dropTailBelow(id.endOffset);
  }

  /** The log does not contain the snapshot: drop it all and start over at the snapshot's end. */
  resetTo(id: SnapshotId): void {
    for (const s of this.#index.clear()) this.#deleteSegment(s.path);
    this.#snapshot = id;
    this.#logStartOffset = id.endOffset;
    this.#logEndOffset = id.endOffset;
    this.#syncedEndOffset = id.endOffset;
    this.epochs.reset(id.endOffset, id.epoch);
    this.#tail = [];
    this.#tailBytes = 0;
    this.#generation++;
  }

  /** True when the entry at `offset` (or the snapshot ending after it) has `epoch`. */
  contains(offset: Offset, epoch: Epoch): boolean {
    if (offset < this.#logStartOffset - 1 || offset >= this.#logEndOffset) return false;
    return this.epochs.epochAt(offset) === epoch;
  }

  /** The entry at `offset` if it is still in the in-memory tail. */
  tailEntry(offset: Offset): TailEntry | undefined {
    const head = this.#tail[0];
    if (head === undefined || offset < head.offset) return undefined;
    return this.#tail[offset - head.offset];
  }

  /**
   * Whole entries from `from` (at least one, about maxBytes), from the tail or a disk read. The
   * callback may run before read() returns. Bytes that fail their CRC come back as an error.
   */
  read(from: Offset, maxBytes: number, done: (r: Result<Uint8Array, string>) => void): void {
    assert(from >= this.#logStartOffset && from < this.#logEndOffset, `read at ${from}`);
    if (this.tailEntry(from) !== undefined) {
      done(ok(this.#readTail(from, maxBytes)));
      return;
    }
    const range = this.#index.range(from, maxBytes);
    assert(range !== undefined, `offset ${from} in no segment`);
    const op = {
      type: "read",
      path: range.segment.path,
      position: range.position,
      length: range.length,
    } as const;
    this.#deps.diskIo.submit(op, (r) => {
      if (!r.ok || r.type !== "read") {
        done(err(`read failed: ${r.ok ? r.type : r.code}`));
        return;
      }
      const scan = scanEntries(r.bytes, this.#deps.config.crc, 0, r.bytes.length, from);
      const count = range.toOffset - range.fromOffset;
      if (scan.stop.type !== "end" || scan.frames.length !== count) {
        done(err(`read at ${from}: ${scan.stop.type} after ${scan.frames.length} of ${count}`));
        return;
      }
      done(ok(r.bytes));
    });
  }

  #readTail(from: Offset, maxBytes: number): Uint8Array {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let o = from; o < this.#logEndOffset; o++) {
      const e = this.tailEntry(o)!;
      if (parts.length > 0 && total + e.bytes.length > maxBytes) break;
      parts.push(e.bytes);
      total += e.bytes.length;
    }
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    return bytes;
  }

  /** Evicts tail entries below `keepFrom` while the tail is over its byte budget. */
  trimTail(keepFrom: Offset): void {
    let drop = 0;
    let bytes = this.#tailBytes;
    while (drop < this.#tail.length && bytes > this.#deps.config.tailCacheBytes) {
      const e = this.#tail[drop]!;
      if (e.offset >= keepFrom) break;
      bytes -= e.bytes.length;
      drop++;
    }
    if (drop > 0) {
      this.#tail.splice(0, drop);
      this.#tailBytes = bytes;
    }
  }

  #dropTailBelow(offset: Offset): void {
    let drop = 0;
    while (drop < this.#tail.length && this.#tail[drop]!.offset < offset) {
      this.#tailBytes -= this.#tail[drop]!.bytes.length;
      drop++;
    }
    this.#tail.splice(0, drop);
  }

  /** Log bytes at or above `offset`: what a snapshot there would let go. */
  bytesFrom(offset: Offset): number {
    return this.#index.bytesFrom(offset);
  }

  checkInvariants(): void {
    assert(this.#logStartOffset <= this.#logEndOffset, "log start above log end");
    assert(this.#syncedEndOffset <= this.#logEndOffset, "synced end above log end");
    assert(this.#index.endOffset(this.#logStartOffset) === this.#logEndOffset, "index end");
    const head = this.#tail[0];
    assert(head === undefined || head.offset >= this.#logStartOffset, "tail below log start");
  }
}
