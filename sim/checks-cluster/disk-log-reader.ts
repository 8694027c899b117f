// Reads the logs on a simulated disk for the per-step checks, incrementally: the disk hands over
// the paths it changed, a segment file already parsed is extended from where its parse stopped
// while the disk says its bytes only grew (same file object, no rewrite), anything else parses it
// again. A folder's facts carry an id that changes unless its files only grew or new ones were
// added after the last, so a check can tell "the same facts, maybe more" from "other facts".

import { crc32c } from "../../core/log/crc32c.ts";
import { batchSizeBytes, readBatchHeader } from "../../core/log/record-batch.ts";
import { scanEntries } from "../../core/metadata/raft/entry-codec.ts";
import type { SimDisk } from "../disk.ts";

/** One record batch of a partition's log, from its header. */
export interface BatchFact {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly crc: number;
  readonly epoch: number;
}

/** One metadata log entry: its offset and "epoch:crc". */
export interface EntryFact {
  readonly offset: number;
  readonly fact: string;
}

interface FileMemo<T> {
  readonly file: object;
  readonly rewrites: number;
  /** Where the parse stopped: the start of the first incomplete or unreadable item. */
  parsedEnd: number;
  readonly items: T[];
}

/** A folder's segments, oldest first: each file's facts (arrays that only grow) and the id. */
export interface FolderFacts<T> {
  readonly files: (readonly T[])[];
  /** Changes unless every file kept its facts and new facts or files were only appended. */
  readonly id: number;
}

interface FolderState<T> {
  readonly paths: string[];
  readonly memos: (FileMemo<T> | undefined)[];
  readonly files: T[][];
  id: number;
}

type Parser<T> = (bytes: Uint8Array, base: number, items: T[]) => number;

/** Batch headers from `bytes` (which start at file position `base`); returns where parsing stopped. */
const parseBatches: Parser<BatchFact> = (bytes, base, items) => {
  let at = 0;
  while (at < bytes.length) {
    const header = readBatchHeader(bytes, at);
    if (!header.ok) break;
    const size = batchSizeBytes(header.value);
    if (size <= 0 || at + size > bytes.length) break;
    const h = header.value;
    items.push({
      baseOffset: h.baseOffset,
      lastOffset: h.baseOffset + h.lastOffsetDelta,
      crc: h.crc,
      epoch: h.partitionLeaderEpoch,
    });
    at += size;
  }
  return base + at;
};

const parseEntries: Parser<EntryFact> = (bytes, base, items) => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const scan = scanEntries(bytes, crc32c);
  for (const frame of scan.frames) {
    items.push({ offset: frame.offset, fact: `${frame.epoch}:${view.getUint32(frame.start + 4)}` });
  }
  return base + scan.validEnd;
};

/** The folder of a segment path `folder/name.log` (one level deep), or undefined. */
function folderOf(path: string): string | undefined {
  const slash = path.indexOf("/");
  if (slash < 0 || !path.endsWith(".log") || path.indexOf("/", slash + 1) >= 0) return undefined;
  return path.slice(0, slash);
}

export class DiskLogReader {
  readonly #disk: SimDisk;
  readonly #batchFolders = new Map<string, FolderState<BatchFact>>();
  readonly #entryFolders = new Map<string, FolderState<EntryFact>>();
  #nextId = 1;

  constructor(disk: SimDisk) {
    this.#disk = disk;
    disk.takeChangedPaths(); // what exists now is read when a folder is first asked for
  }

  partitionBatches(topic: string, partition: number): FolderFacts<BatchFact> {
    this.#absorb();
    return this.#folder(`${topic}-${partition}`, this.#batchFolders, parseBatches);
  }

  metadataEntries(folder: string): FolderFacts<EntryFact> {
    this.#absorb();
    return this.#folder(folder, this.#entryFolders, parseEntries);
  }

  /** Applies the disk's changes since the last call to the folders already read. */
  #absorb(): void {
    for (const path of this.#disk.takeChangedPaths()) {
      const folder = folderOf(path);
      if (folder === undefined) continue;
      const batches = this.#batchFolders.get(folder);
      if (batches !== undefined) this.#changed(batches, path, parseBatches);
      const entries = this.#entryFolders.get(folder);
      if (entries !== undefined) this.#changed(entries, path, parseEntries);
    }
  }

  #folder<T>(
    folder: string,
    states: Map<string, FolderState<T>>,
    parse: Parser<T>,
  ): FolderFacts<T> {
    let state = states.get(folder);
    if (state === undefined) {
      state = { paths: [], memos: [], files: [], id: this.#nextId++ };
      for (const path of this.#disk.files()) {
        if (folderOf(path) === folder) this.#changed(state, path, parse);
      }
      states.set(folder, state);
    }
    return state;
  }

  /** One path of the folder changed (bytes, creation, deletion): keep the state true to the disk. */
  #changed<T>(state: FolderState<T>, path: string, parse: Parser<T>): void {
    let index = lowerBound(state.paths, path);
    const listed = state.paths[index] === path;
    const revision = this.#disk.revision(path);
    if (revision === undefined) {
      if (!listed) return;
      state.paths.splice(index, 1);
      state.memos.splice(index, 1);
      state.files.splice(index, 1);
      state.id = this.#nextId++;
      return;
    }
    if (!listed) {
      if (index < state.paths.length) state.id = this.#nextId++; // not after the last: reorders
      state.paths.splice(index, 0, path);
      state.memos.splice(index, 0, undefined);
      state.files.splice(index, 0, []);
    }
    index = lowerBound(state.paths, path);
    let memo = state.memos[index];
    const grewOnly =
      memo !== undefined &&
      memo.file === revision.file &&
      memo.rewrites === revision.rewrites &&
      revision.length >= memo.parsedEnd;
    if (memo === undefined || !grewOnly) {
      if (memo !== undefined) state.id = this.#nextId++;
      memo = { file: revision.file, rewrites: revision.rewrites, parsedEnd: 0, items: [] };
      state.memos[index] = memo;
      state.files[index] = memo.items;
    }
    if (revision.length > memo.parsedEnd) {
      const before = memo.items.length;
      const bytes = this.#disk.cachedBytesFrom(path, memo.parsedEnd) ?? new Uint8Array(0);
      memo.parsedEnd = parse(bytes, memo.parsedEnd, memo.items);
      // Readers extend only the last file; facts added to an earlier one make them read again.
      if (memo.items.length > before && index < state.paths.length - 1) state.id = this.#nextId++;
    }
  }
}

/** The index of the first element >= `key` in sorted `list`. */
function lowerBound(list: readonly string[], key: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
