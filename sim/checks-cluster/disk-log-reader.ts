// Reads the logs on a simulated disk for the per-step checks, incrementally: a segment file already
// parsed is extended from where its parse stopped while the disk says its bytes only grew (same file
// object, no rewrite); anything else parses it again. Each parse of a file gets a new generation, so
// a check can tell "the same bytes, maybe more" from "other bytes".

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
  file: object;
  rewrites: number;
  /** Where the parse stopped: the start of the first incomplete or unreadable item. */
  parsedEnd: number;
  readonly items: T[];
  readonly generation: number;
}

/** The facts of a folder's segments, oldest first, and a token that changes unless they only grew. */
export interface FolderFacts<T> {
  readonly files: readonly (readonly T[])[];
  /** Path and parse generation of each segment: equal or extended tokens mean appended facts only. */
  readonly token: string;
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

export class DiskLogReader {
  readonly #disk: SimDisk;
  readonly #batches = new Map<string, FileMemo<BatchFact>>();
  readonly #entries = new Map<string, FileMemo<EntryFact>>();
  readonly #folders = new Map<string, { version: number; paths: string[] }>();
  #nextGeneration = 1;

  constructor(disk: SimDisk) {
    this.#disk = disk;
  }

  partitionBatches(topic: string, partition: number): FolderFacts<BatchFact> {
    return this.#folder(`${topic}-${partition}`, this.#batches, parseBatches);
  }

  metadataEntries(folder: string): FolderFacts<EntryFact> {
    return this.#folder(folder, this.#entries, parseEntries);
  }

  #folder<T>(folder: string, memos: Map<string, FileMemo<T>>, parse: Parser<T>): FolderFacts<T> {
    const files: T[][] = [];
    let token = "";
    for (const path of this.#segments(folder)) {
      const memo = this.#read(path, memos, parse);
      if (memo === undefined) continue;
      files.push(memo.items);
      token += `${path}#${memo.generation};`;
    }
    return { files, token };
  }

  /** The segment files of a folder (names %020d.log sort by base offset), listed again on change. */
  #segments(folder: string): string[] {
    const version = this.#disk.pathsVersion;
    const known = this.#folders.get(folder);
    if (known !== undefined && known.version === version) return known.paths;
    const prefix = `${folder}/`;
    const paths = this.#disk
      .files()
      .filter(
        (f) => f.startsWith(prefix) && f.endsWith(".log") && !f.slice(prefix.length).includes("/"),
      )
      .sort();
    this.#folders.set(folder, { version, paths });
    return paths;
  }

  #read<T>(
    path: string,
    memos: Map<string, FileMemo<T>>,
    parse: Parser<T>,
  ): FileMemo<T> | undefined {
    const revision = this.#disk.revision(path);
    if (revision === undefined) {
      memos.delete(path);
      return undefined;
    }
    let memo = memos.get(path);
    const grewOnly =
      memo !== undefined &&
      memo.file === revision.file &&
      memo.rewrites === revision.rewrites &&
      revision.length >= memo.parsedEnd;
    if (memo === undefined || !grewOnly) {
      memo = {
        file: revision.file,
        rewrites: revision.rewrites,
        parsedEnd: 0,
        items: [],
        generation: this.#nextGeneration++,
      };
      memos.set(path, memo);
    }
    if (revision.length > memo.parsedEnd) {
      const bytes = this.#disk.cachedBytesFrom(path, memo.parsedEnd) ?? new Uint8Array(0);
      memo.parsedEnd = parse(bytes, memo.parsedEnd, memo.items);
    }
    return memo;
  }
}
