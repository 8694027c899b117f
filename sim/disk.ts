// The simulated disk: in-memory files with a page cache, seeded latency, crashes that lose unsynced
// bytes or tear the last writes, and injected faults (EIO, ENOSPC, failed fsync, bit rot). It keeps
// the contract in core/disk.ts; every random choice is a named draw from the injected Rng.

import { assert, assertNever } from "../core/assert.ts";
import {
  type DirEntry,
  type DiskErrorCode,
  type DiskOp,
  type DiskOpType,
  type DiskResult,
  isValidDiskPath,
} from "../core/disk.ts";
import type { Rng } from "../core/rng.ts";
import {
  type CrashReport,
  type DiskErrorEpisode,
  defaultSimDiskConfig,
  noDiskFaults,
  type SimDiskConfig,
  type SimDiskLatency,
  type SimDiskStats,
} from "./disk-config.ts";
import { afterCrash, GrowableBytes, SimFile } from "./disk-file.ts";

export {
  type CrashReport,
  type DiskErrorEpisode,
  defaultSimDiskConfig,
  noDiskFaults,
  type SimDiskConfig,
  type SimDiskFaults,
  type SimDiskLatency,
  type SimDiskStats,
} from "./disk-config.ts";

function emptyOpCounts(): Record<DiskOpType, number> {
  return { append: 0, write: 0, sync: 0, read: 0, truncate: 0, delete: 0, rename: 0, list: 0 };
}

const done: DiskResult = { ok: true, type: "done" };

function failure(code: DiskErrorCode, message: string): DiskResult {
  return { ok: false, code, message };
}

export class SimDisk {
  readonly #rng: Rng;
  #config: SimDiskConfig;
  readonly #files = new Map<string, SimFile>();
  /** Paths whose bytes or existence changed since the last takeChangedPaths(). */
  #changed = new Set<string>();
  readonly #dirs = new Set<string>();
  #ops = emptyOpCounts();
  #bytesRead = 0;
  #bytesReadByPath = new Map<string, number>();
  #bytesWritten = 0;
  #failures = 0;
  #latencyFactor = 1;
  #episode: DiskErrorEpisode = "none";

  constructor(rng: Rng, config: Partial<SimDiskConfig> = {}) {
    this.#rng = rng;
    this.#config = { ...defaultSimDiskConfig, ...config };
    assert(this.#config.capacityBytes > 0, "disk capacity must be positive");
  }

  get config(): SimDiskConfig {
    return this.#config;
  }

  /** A latency for `op`: base by kind + exponential tail + a rare spike. */
  latencyMs(op: DiskOp): number {
    const l = this.#config.latency;
    const tail = -l.tailMeanMs * Math.log(1 - this.#rng.float("disk-latency-tail"));
    const spike = this.#rng.chance("disk-latency-spike", l.spikeProbability) ? l.spikeMs : 0;
    return (baseLatencyMs(op, l) + tail + spike) * this.#latencyFactor;
  }

  /**
   * The quiet phase began for this disk: no new fault from now on (no I/O errors, failed syncs,
   * corrupted reads, bit rot or latency spikes). Base latencies and their tail stay; a crash still
   * loses or tears unsynced writes, as any crash does.
   */
  endFaults(): void {
    const { tornWriteProbability, unsyncedFileVanishProbability } = this.#config.faults;
    this.#config = {
      ...this.#config,
      latency: { ...this.#config.latency, spikeProbability: 0 },
      faults: { ...noDiskFaults, tornWriteProbability, unsyncedFileVanishProbability },
    };
  }

  /** A stall episode multiplies every latency drawn from now on (1 restores it). */
  setLatencyFactor(factor: number): void {
    assert(factor > 0 && Number.isFinite(factor), `latency factor ${factor}`);
    this.#latencyFactor = factor;
  }

  /** An error episode: every operation fails with EIO, or every growing write with ENOSPC. */
  setErrorEpisode(episode: DiskErrorEpisode): void {
    this.#episode = episode;
  }

  /** Applies `op` now (the world calls this when the drawn latency has elapsed). */
  execute(op: DiskOp): DiskResult {
    this.#ops[op.type]++;
    const result = this.#executeOnce(op);
    if (!result.ok) this.#failures++;
    return result;
  }

  #executeOnce(op: DiskOp): DiskResult {
    assertPaths(op);
    if (this.#episode === "eio") return failure("EIO", `I/O error episode on ${op.type}`);
    if (op.type === "sync") return this.#sync(op.path);
    if (this.#rng.chance("disk-io-error", this.#config.faults.ioErrorProbability)) {
      return failure("EIO", `injected I/O error on ${op.type}`);
    }
    switch (op.type) {
      case "append":
        return this.#write(op.path, this.#files.get(op.path)?.cached.length ?? 0, op.bytes);
      case "write":
        return this.#write(op.path, op.position, op.bytes);
      case "read":
        return this.#read(op.path, op.position, op.length);
      case "truncate":
        return this.#truncate(op.path, op.size);
      case "delete":
        this.#changed.add(op.path);
        return this.#files.delete(op.path) ? done : failure("ENOENT", `no file ${op.path}`);
      case "rename":
        return this.#rename(op.from, op.to);
      case "list":
        return { ok: true, type: "list", entries: this.#list(op.dir) };
      default:
        return assertNever(op, "disk operation");
    }
  }

  #write(path: string, position: number, bytes: Uint8Array): DiskResult {
    const file = this.#files.get(path);
    const growth = Math.max(0, position + bytes.length - (file?.cached.length ?? 0));
    const full = this.#episode === "enospc" && growth > 0;
    if (full || this.usedBytes() + growth > this.#config.capacityBytes) {
      return failure("ENOSPC", `no space for ${growth} more bytes`);
    }
    const target = file ?? this.#create(path);
    target.write(position, bytes);
    this.#changed.add(path);
    this.#bytesWritten += bytes.length;
    return done;
  }

  #create(path: string): SimFile {
    const file = SimFile.created();
    this.#files.set(path, file);
    for (const dir of parentsOf(path)) this.#dirs.add(dir);
    return file;
  }

  #sync(path: string): DiskResult {
    const file = this.#files.get(path);
    if (file === undefined) return failure("ENOENT", `no file ${path}`);
    if (this.#rng.chance("disk-sync-failure", this.#config.faults.syncFailureProbability)) {
      return failure("EIO", `injected fsync failure on ${path}`);
    }
    file.sync();
    return done;
  }

  #read(path: string, position: number, length: number): DiskResult {
    assert(Number.isSafeInteger(position) && position >= 0, `read position ${position}`);
    assert(Number.isSafeInteger(length) && length >= 0, `read length ${length}`);
    const file = this.#files.get(path);
    if (file === undefined) return failure("ENOENT", `no file ${path}`);
    this.#maybeRot(path, file, position, length);
    const bytes = file.cached.copy(position, position + length);
    this.#bytesRead += bytes.length;
    this.#bytesReadByPath.set(path, (this.#bytesReadByPath.get(path) ?? 0) + bytes.length);
    const flips = this.#config.faults.readBitFlipProbability;
    if (bytes.length > 0 && this.#rng.chance("disk-read-corruption", flips)) {
      const bit = this.#rng.int("disk-read-corruption-position", bytes.length * 8);
      bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) ^ (1 << (bit & 7));
    }
    return { ok: true, type: "read", bytes };
  }

  /** Bit rot surfaces on read, only in synced bytes, and stays. */
  #maybeRot(path: string, file: SimFile, position: number, length: number): void {
    const durableEnd = Math.min(file.durable?.length ?? 0, position + length);
    if (durableEnd <= position) return;
    if (!this.#rng.chance("disk-bit-rot", this.#config.faults.bitRotProbability)) return;
    this.#changed.add(path);
    const bit = this.#rng.int("disk-bit-rot-position", (durableEnd - position) * 8);
    flipBit(file, position + (bit >> 3), 1 << (bit & 7));
  }

  #truncate(path: string, size: number): DiskResult {
    const file = this.#files.get(path);
    if (file === undefined) return failure("ENOENT", `no file ${path}`);
    assert(size <= file.cached.length, `truncate of ${path} may only shrink`);
    file.truncate(size);
    this.#changed.add(path);
    return done;
  }

  #rename(from: string, to: string): DiskResult {
    const file = this.#files.get(from);
    if (file === undefined) return failure("ENOENT", `no file ${from}`);
    this.#files.delete(from);
    this.#changed.add(from);
    this.#changed.add(to);
    // The new directory entry is durable; content never synced is durable as zero bytes.
    file.durable ??= new GrowableBytes();
    this.#files.delete(to);
    this.#files.set(to, file);
    for (const dir of parentsOf(to)) this.#dirs.add(dir);
    return done;
  }

  #list(dir: string): DirEntry[] {
    const prefix = dir === "" ? "" : `${dir}/`;
    const entries: DirEntry[] = [];
    for (const [path, file] of this.#files) {
      const rest = path.slice(prefix.length);
      if (path.startsWith(prefix) && !rest.includes("/")) {
        entries.push({ name: rest, kind: "file", size: file.cached.length });
      }
    }
    for (const path of this.#dirs) {
      const rest = path.slice(prefix.length);
      if (path.startsWith(prefix) && rest.length > 0 && !rest.includes("/")) {
        entries.push({ name: rest, kind: "dir", size: 0 });
      }
    }
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The process died: unsynced bytes are lost, the last writes may survive torn. */
  crash(): CrashReport {
    const faults = this.#config.faults;
    const vanished: string[] = [];
    const torn: { path: string; keptBytes: number; lostBytes: number }[] = [];
    let lostBytes = 0;
    for (const path of this.#files.keys()) this.#changed.add(path);
    for (const path of [...this.#files.keys()].sort()) {
      const file = this.#files.get(path)!;
      const pendingBytes = file.unsyncedBytes;
      if (file.durable === null) {
        if (this.#rng.chance("disk-unsynced-file-vanish", faults.unsyncedFileVanishProbability)) {
          this.#files.delete(path);
          vanished.push(path);
          lostBytes += pendingBytes;
          continue;
        }
      }
      if (file.unsynced.length === 0) continue;
      let keepWhole = 0;
      let keepBytes = 0;
      if (this.#rng.chance("disk-torn-write", faults.tornWriteProbability)) {
        keepWhole = this.#rng.int("disk-torn-write-count", file.unsynced.length);
        const next = file.unsynced[keepWhole]!;
        keepBytes = this.#rng.int("disk-torn-write-length", next.bytes.length + 1);
      }
      const survivor = afterCrash(file, keepWhole, keepBytes);
      const kept = keptBytes(file, keepWhole, keepBytes);
      if (kept > 0) torn.push({ path, keptBytes: kept, lostBytes: pendingBytes - kept });
      lostBytes += pendingBytes - kept;
      this.#files.set(path, new SimFile(survivor, new GrowableBytes(survivor.copy())));
    }
    return { vanished, torn, lostBytes };
  }

  /** Every file and folder is gone (a replaced disk). */
  wipe(): void {
    for (const path of this.#files.keys()) this.#changed.add(path);
    this.#files.clear();
    this.#dirs.clear();
  }

  // Inspection helpers for tests and tools.

  /** Paths of all files, sorted. */
  files(): string[] {
    return [...this.#files.keys()].sort();
  }

  exists(path: string): boolean {
    return this.#files.has(path);
  }

  /** What reads of `path` return now (page cache included); undefined when there is no file. */
  cachedBytes(path: string): Uint8Array | undefined {
    return this.#files.get(path)?.cached.copy();
  }

  /**
   * Which file object `path` names now, how many non-append changes it has seen and its length:
   * while the object and the count stay the same, bytes already read are unchanged (a crash or a
   * rename puts another object there).
   */
  revision(
    path: string,
  ): { readonly file: object; readonly rewrites: number; readonly length: number } | undefined {
    const file = this.#files.get(path);
    return file === undefined
      ? undefined
      : { file, rewrites: file.rewrites, length: file.cached.length };
  }

  /** A copy of what reads of `path` return from `start` on. */
  cachedBytesFrom(path: string, start: number): Uint8Array | undefined {
    return this.#files.get(path)?.cached.copy(start);
  }

  /**
   * The paths whose bytes or existence changed since the last call (for one incremental reader:
   * the set is handed over and starts empty again).
   */
  takeChangedPaths(): Set<string> {
    const changed = this.#changed;
    this.#changed = new Set();
    return changed;
  }

  /** What a crash would keep of `path` if no torn write survived; undefined when none. */
  durableBytes(path: string): Uint8Array | undefined {
    const file = this.#files.get(path);
    if (file === undefined) return undefined;
    return file.durable?.copy() ?? new Uint8Array(0);
  }

  /** Whether `path` has writes that a crash could lose. */
  hasUnsynced(path: string): boolean {
    return (this.#files.get(path)?.unsynced.length ?? 0) > 0;
  }

  /** Plants a lasting corruption: XORs `mask` into the byte at `position` of `path`. */
  corrupt(path: string, position: number, mask = 0x01): void {
    const file = this.#files.get(path);
    assert(file !== undefined, `no file ${path} to corrupt`);
    assert(mask > 0 && mask < 256, `corruption mask ${mask}`);
    flipBit(file, position, mask);
    this.#changed.add(path);
  }

  usedBytes(): number {
    let total = 0;
    for (const file of this.#files.values()) total += file.cached.length;
    return total;
  }

  stats(): SimDiskStats {
    return {
      ops: { ...this.#ops },
      bytesRead: this.#bytesRead,
      bytesReadByPath: Object.fromEntries(this.#bytesReadByPath),
      bytesWritten: this.#bytesWritten,
      failures: this.#failures,
    };
  }

  resetStats(): void {
    this.#ops = emptyOpCounts();
    this.#bytesRead = 0;
    this.#bytesReadByPath = new Map();
    this.#bytesWritten = 0;
    this.#failures = 0;
  }
}

function baseLatencyMs(op: DiskOp, l: SimDiskLatency): number {
  switch (op.type) {
    case "read":
      return l.readMs;
    case "append":
    case "write":
      return l.writeMs;
    case "sync":
      return l.syncMs;
    case "truncate":
    case "delete":
    case "rename":
    case "list":
      return l.metadataMs;
    default:
      return assertNever(op, "disk operation");
  }
}

function assertPaths(op: DiskOp): void {
  if (op.type === "rename") {
    assert(isValidDiskPath(op.from) && isValidDiskPath(op.to), `bad rename ${op.from} ${op.to}`);
  } else if (op.type === "list") {
    assert(op.dir === "" || isValidDiskPath(op.dir), `bad folder ${op.dir}`);
  } else {
    assert(isValidDiskPath(op.path), `bad disk path ${op.path}`);
  }
}

function parentsOf(path: string): string[] {
  const parts = path.split("/");
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join("/"));
}

function keptBytes(file: SimFile, keepWhole: number, keepBytes: number): number {
  let kept = keepBytes;
  for (let i = 0; i < keepWhole; i++) kept += file.unsynced[i]!.bytes.length;
  return kept;
}

function flipBit(file: SimFile, position: number, mask: number): void {
  file.rewrites++;
  file.cached.xorByte(position, mask);
  const durable = file.durable;
  if (durable !== null && position < durable.length) durable.xorByte(position, mask);
}
