// The disk contract of core/disk.ts on real files under one data folder, with node:fs. Owns every
// file descriptor of the node (a bounded LRU) and the fsyncs that make each operation as durable
// as the contract says: `sync` flushes the file and any directory entries created since.
//
// Ordering: `execute` runs one operation with synchronous fs calls and returns its result, so
// operations complete in the order they are issued. `submit` queues an operation and calls `done`
// later (never inside `submit`), draining the queue strictly in FIFO order on a macrotask; it is
// what a node's driver uses, so that a completion never re-enters the step that issued it. Mixing
// them is allowed only while nothing submitted is pending (asserted), so the FIFO holds either way.
// `run` is the host's path: synchronous like `execute`, except that a sync goes off the event loop
// with group commit (runtime/disk-pipeline.ts), later operations answered in order behind it.
//
// Failed fsync is sticky: Linux may drop the dirty pages it could not write and report success to
// a later fsync, so once a sync of a file fails every later sync of it fails too (EIO) until the
// file is deleted or replaced by a rename. Core decides what that means (Kafka halts the log dir).

import * as nodeFs from "node:fs";
import { join } from "node:path";
import { AssertionFailure, assert, assertNever } from "../core/assert.ts";
import type { DirEntry, DiskOp, DiskResult } from "../core/disk.ts";
import { errorCode, notFound, toDiskError } from "./disk-errors.ts";
import { type DiskDone, DiskPipeline, type SlowOp } from "./disk-pipeline.ts";
import { assertNonNegative, assertPaths, parentOf, readBuffer } from "./disk-rules.ts";
import { type SlowOpsHost, startSlowOp } from "./disk-slow-ops.ts";
import { type Folder, fsyncFolders } from "./folder-sync.ts";

/** The synchronous node:fs calls RuntimeDisk makes; tests inject a facade to observe or fail them. */
export type DiskFs = Pick<
  typeof nodeFs,
  | "openSync"
  | "closeSync"
  | "readSync"
  | "writeSync"
  | "fsyncSync"
  | "fsync"
  | "fstatSync"
  | "ftruncateSync"
  | "mkdirSync"
  | "renameSync"
  | "unlinkSync"
  | "lstatSync"
  | "readdirSync"
  | "statSync"
  | "open"
  | "close"
  | "rename"
  | "unlink"
  | "ftruncate"
>;

export interface RuntimeDiskOptions {
  /** Open file descriptors kept for reuse (least recently used are closed first). */
  readonly openFilesMax?: number;
  readonly fs?: DiskFs;
}

export type { DiskDone };

const DEFAULT_OPEN_FILES_MAX = 256;
const DONE: DiskResult = { ok: true, type: "done" };

interface OpenFile {
  readonly fd: number;
}

export class RuntimeDisk {
  readonly #root: string;
  readonly #fs: DiskFs;
  readonly #openFilesMax: number;
  /** path -> descriptor, least recently used first (Map keeps insertion order). */
  readonly #open = new Map<string, OpenFile>();
  /** Folders ("" is the data folder) holding entries created or removed since they were last fsynced. */
  readonly #dirtyDirs = new Set<string>();
  /** Files whose fsync failed: their durability is unknown, so later syncs fail too. */
  readonly #syncFailed = new Set<string>();
  readonly #queue: { op: DiskOp; done: DiskDone }[] = [];
  #draining = false;
  #closed = false;
  readonly #pipeline: DiskPipeline;
  readonly #slowOpsHost: SlowOpsHost;
  /** The file an fsync off the loop is using: its descriptor is neither evicted nor closed. */
  #syncingPath: string | undefined;
  /** A descriptor whose close() waits for the fsync off the loop that still uses it. */
  #closeAfterSync: number | undefined;

  constructor(dataDir: string, options: RuntimeDiskOptions = {}) {
    this.#root = dataDir;
    this.#fs = options.fs ?? nodeFs;
    this.#openFilesMax = options.openFilesMax ?? DEFAULT_OPEN_FILES_MAX;
    assert(this.#openFilesMax >= 1, `openFilesMax ${this.#openFilesMax} must be >= 1`);
    this.#fs.mkdirSync(dataDir, { recursive: true });
    this.#pipeline = new DiskPipeline({
      runNow: (op) => this.#executeNow(op),
      syncOffLoop: (path, done) => this.#syncOffLoop(path, done),
      slowOffLoop: (op, done) => this.#slowOffLoop(op, done),
    });
    this.#slowOpsHost = this.#makeSlowOpsHost();
  }

  #makeSlowOpsHost(): SlowOpsHost {
    const disk = this;
    return {
      fs: this.#fs,
      get closed() {
        return disk.#closed;
      },
      abs: (path) => this.#abs(path),
      existingFd: (path) => this.#existing(path)?.fd,
      isFile: (path) => this.#isFile(path),
      forget: (path) => this.#forget(path),
      makeParents: (path) => this.#makeParents(path),
      holdDescriptor: (path) => {
        this.#syncingPath = path;
      },
      releaseAfterClose: () => {
        if (!this.#closed) return false;
        this.#syncingPath = undefined;
        return this.#releaseAfterClose();
      },
      deleted: (path) => {
        this.#syncFailed.delete(path);
        this.#dirtyDirs.add(parentOf(path));
      },
      renamed: (from, to) => {
        if (this.#syncFailed.delete(from)) this.#syncFailed.add(to);
        else this.#syncFailed.delete(to);
        this.#dirtyDirs.add(parentOf(from));
        this.#dirtyDirs.add(parentOf(to));
      },
      syncFolders: (paths, op, done) => this.#syncFoldersOffLoop(paths, op, done),
    };
  }

  /** fsyncs run off the event loop, and the sync operations they answered (group commit). */
  get groupCommitStats(): { readonly fsyncs: number; readonly syncsAnswered: number } {
    return this.#pipeline.stats;
  }

  /** Descriptors currently open (for tests and metrics). */
  get openFiles(): number {
    return this.#open.size;
  }

  /** Runs `op` now, synchronously. A bad path is a bug (assert); OS failures are error values. */
  execute(op: DiskOp): DiskResult {
    assert(this.#queue.length === 0, "execute() would overtake operations already submitted");
    assert(this.#pipeline.idle, "execute() would overtake operations still running");
    return this.#executeNow(op);
  }

  /**
   * Runs `op` and returns its result, or returns undefined and calls `later` once every operation
   * issued before it completed: a sync (fsync off the event loop, shared by every sync of that file
   * issued meanwhile), or anything issued while one is pending. `later` never runs inside `run`.
   */
  run(op: DiskOp, later: DiskDone): DiskResult | undefined {
    assert(this.#queue.length === 0, "run() would overtake operations already submitted");
    assertPaths(op);
    return this.#pipeline.run(op, later);
  }

  #executeNow(op: DiskOp): DiskResult {
    assert(!this.#closed, "disk used after close()");
    assertPaths(op);
    try {
      return this.#run(op);
    } catch (error) {
      if (error instanceof AssertionFailure) throw error;
      return toDiskError(error, op);
    }
  }

  /** Queues `op`; `done` runs on a later macrotask, after every operation submitted before it. */
  submit(op: DiskOp, done: DiskDone): void {
    assert(!this.#closed, "disk used after close()");
    assertPaths(op);
    assert(this.#pipeline.idle, "submit() would overtake operations still running");
    this.#queue.push({ op, done });
    if (!this.#draining) {
      this.#draining = true;
      setImmediate(() => this.#drain());
    }
  }

  #drain(): void {
    // Completions may submit more work; it joins the same FIFO and runs in this drain.
    try {
      let next = this.#queue.shift();
      while (next !== undefined && !this.#closed) {
        next.done(this.#executeNow(next.op));
        next = this.#queue.shift();
      }
    } finally {
      // A throwing `done` is a bug that ends the process; until then the FIFO keeps its order.
      this.#draining = this.#queue.length > 0 && !this.#closed;
      if (this.#draining) setImmediate(() => this.#drain());
    }
  }

  /** Closes every descriptor; operations still queued are dropped, as if the process stopped. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    this.#pipeline.close();
    const syncing = this.#syncingPath;
    if (syncing !== undefined) {
      // The fsync off the loop still uses this descriptor: it closes it when it returns.
      this.#closeAfterSync = this.#open.get(syncing)?.fd;
      this.#open.delete(syncing);
    }
    for (const path of [...this.#open.keys()]) this.#forget(path);
  }

  /** The pipeline's fsync: sticky failures and missing files answer at once (as `#sync` does). */
  #syncOffLoop(path: string, done: DiskDone): DiskResult | undefined {
    assert(!this.#closed, "disk used after close()");
    assert(this.#syncingPath === undefined, "one fsync off the loop at a time");
    let file: OpenFile | undefined;
    try {
      file = this.#existing(path);
    } catch (error) {
      if (error instanceof AssertionFailure) throw error;
      return toDiskError(error, { type: "sync", path });
    }
    if (file === undefined) return notFound(path);
    if (this.#syncFailed.has(path)) {
      return { ok: false, code: "EIO", message: `an earlier fsync of ${path} failed` };
    }
    this.#syncingPath = path;
    this.#fs.fsync(file.fd, (error) => {
      this.#syncingPath = undefined;
      if (this.#releaseAfterClose()) return;
      if (error !== null) {
        // A failure is sticky; success goes on to the folders whose new entries it must cover.
        this.#syncFailed.add(path);
        done(toDiskError(error, { type: "sync", path }));
        return;
      }
      this.#syncFoldersOffLoop([path], { type: "sync", path }, done);
    });
    return undefined;
  }

  /**
   * A truncate, delete or rename for the pipeline: its checks run now (a missing file answers at
   * once, as the synchronous path does), its syscalls and folder fsyncs off the loop.
   */
  #slowOffLoop(op: SlowOp, done: DiskDone): DiskResult | undefined {
    assert(!this.#closed, "disk used after close()");
    assert(this.#syncingPath === undefined, "one operation off the loop at a time");
    try {
      return startSlowOp(this.#slowOpsHost, op, done);
    } catch (error) {
      if (error instanceof AssertionFailure) throw error;
      return toDiskError(error, op);
    }
  }

  /** After close(): closes the descriptor an operation off the loop kept open; true if closed. */
  #releaseAfterClose(): boolean {
    if (!this.#closed) return false;
    const fd = this.#closeAfterSync;
    this.#closeAfterSync = undefined;
    if (fd !== undefined) this.#fs.closeSync(fd);
    return true;
  }

  /** Fsyncs, off the loop, the dirty folders leading to each of `paths` (deepest first), then done. */
  #syncFoldersOffLoop(paths: readonly string[], op: DiskOp, done: DiskDone): void {
    const folders: Folder[] = [];
    for (const path of paths) {
      for (const name of this.#dirtyFoldersOf(path)) {
        if (!folders.some((f) => f.name === name))
          folders.push({ name, absolute: this.#abs(name) });
      }
    }
    fsyncFolders(
      this.#fs,
      folders,
      (name) => this.#dirtyDirs.delete(name),
      () => this.#closed,
      (error) => done(error === null ? DONE : toDiskError(error, op)),
    );
  }

  #run(op: DiskOp): DiskResult {
    switch (op.type) {
      case "append":
        return this.#write(op.path, null, op.bytes);
      case "write":
        assertNonNegative(op.position, "write position");
        return this.#write(op.path, op.position, op.bytes);
      case "sync":
        return this.#sync(op.path);
      case "read":
        return this.#read(op.path, op.position, op.length);
      case "truncate":
        return this.#truncate(op.path, op.size);
      case "delete":
        return this.#delete(op.path);
      case "rename":
        return this.#rename(op.from, op.to);
      case "list":
        return { ok: true, type: "list", entries: this.#list(op.dir) };
      default:
        return assertNever(op, "disk operation");
    }
  }

  #abs(path: string): string {
    return path === "" ? this.#root : join(this.#root, ...path.split("/"));
  }

  /** The descriptor of an existing file, or undefined when there is none (ENOENT). */
  #existing(path: string): OpenFile | undefined {
    const cached = this.#open.get(path);
    if (cached !== undefined) {
      this.#open.delete(path);
      this.#open.set(path, cached);
      return cached;
    }
    try {
      return this.#remember(path, this.#fs.openSync(this.#abs(path), "r+"));
    } catch (error) {
      // A folder at `path` is "no such file", as in the simulator.
      if (errorCode(error) === "ENOENT" || errorCode(error) === "EISDIR") return undefined;
      throw error;
    }
  }

  /** The descriptor of `path`, creating the file and its parent folders when missing. */
  #openOrCreate(path: string): OpenFile {
    const existing = this.#existing(path);
    if (existing !== undefined) return existing;
    this.#makeParents(path);
    const fd = this.#fs.openSync(this.#abs(path), "wx+");
    this.#dirtyDirs.add(parentOf(path));
    return this.#remember(path, fd);
  }

  #remember(path: string, fd: number): OpenFile {
    const file = { fd };
    this.#open.set(path, file);
    while (this.#open.size > this.#openFilesMax) {
      // The descriptor an fsync off the loop is using stays open (briefly one over the bound).
      const oldest = [...this.#open.keys()].find((p) => p !== this.#syncingPath && p !== path);
      if (oldest === undefined) break;
      this.#forget(oldest);
    }
    return file;
  }

  /** Closes the cached descriptor of `path` (before it is deleted, renamed or evicted). */
  #forget(path: string): void {
    const file = this.#open.get(path);
    if (file === undefined) return;
    this.#open.delete(path);
    this.#fs.closeSync(file.fd);
  }

  /** Creates missing ancestors of `path`, marking each new folder's parent for a later fsync. */
  #makeParents(path: string): void {
    const parts = path.split("/").slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      try {
        this.#fs.mkdirSync(this.#abs(dir));
        this.#dirtyDirs.add(parentOf(dir));
      } catch (error) {
        if (errorCode(error) !== "EEXIST") throw error;
      }
    }
  }

  #write(path: string, position: number | null, bytes: Uint8Array): DiskResult {
    const { fd } = this.#openOrCreate(path);
    let at = position ?? this.#fs.fstatSync(fd).size;
    let offset = 0;
    while (offset < bytes.length) {
      const written = this.#fs.writeSync(fd, bytes, offset, bytes.length - offset, at);
      assert(written > 0, `write of ${path} made no progress`);
      offset += written;
      at += written;
    }
    return DONE;
  }

  #sync(path: string): DiskResult {
    const file = this.#existing(path);
    if (file === undefined) return notFound(path);
    if (this.#syncFailed.has(path)) {
      return { ok: false, code: "EIO", message: `an earlier fsync of ${path} failed` };
    }
    try {
      this.#fs.fsyncSync(file.fd);
    } catch (error) {
      this.#syncFailed.add(path);
      throw error;
    }
    this.#syncDirsOf(path);
    return DONE;
  }

  /** Makes the directory entries leading to `path` durable, deepest folder first. */
  #syncDirsOf(path: string): void {
    for (const dir of this.#dirtyFoldersOf(path)) this.#fsyncDir(dir);
  }

  /** The folders leading to `path` with entries not yet durable, deepest first. */
  #dirtyFoldersOf(path: string): string[] {
    const parts = path.split("/");
    const dirty: string[] = [];
    for (let i = parts.length - 1; i >= 0; i--) {
      const dir = parts.slice(0, i).join("/");
      if (this.#dirtyDirs.has(dir)) dirty.push(dir);
    }
    return dirty;
  }

  #fsyncDir(dir: string): void {
    const fd = this.#fs.openSync(this.#abs(dir), "r");
    try {
      this.#fs.fsyncSync(fd);
    } finally {
      this.#fs.closeSync(fd);
    }
    this.#dirtyDirs.delete(dir);
  }

  #read(path: string, position: number, length: number): DiskResult {
    assertNonNegative(position, "read position");
    assertNonNegative(length, "read length");
    const file = this.#existing(path);
    if (file === undefined) return notFound(path);
    const size = this.#fs.fstatSync(file.fd).size;
    const bytes = readBuffer(Math.max(0, Math.min(length, size - position)));
    let offset = 0;
    while (offset < bytes.length) {
      const read = this.#fs.readSync(
        file.fd,
        bytes,
        offset,
        bytes.length - offset,
        position + offset,
      );
      if (read === 0) break; // the file shrank under us: return what exists
      offset += read;
    }
    return {
      ok: true,
      type: "read",
      bytes: offset === bytes.length ? bytes : bytes.slice(0, offset),
    };
  }

  #truncate(path: string, size: number): DiskResult {
    assertNonNegative(size, "truncate size");
    const file = this.#existing(path);
    if (file === undefined) return notFound(path);
    const current = this.#fs.fstatSync(file.fd).size;
    assert(size <= current, `truncate of ${path} to ${size} would grow it from ${current}`);
    this.#fs.ftruncateSync(file.fd, size);
    // Durable on completion: the new size is file metadata, flushed by fsync of the file itself.
    this.#fs.fsyncSync(file.fd);
    this.#syncDirsOf(path);
    return DONE;
  }

  #delete(path: string): DiskResult {
    if (!this.#isFile(path)) return notFound(path);
    this.#forget(path);
    this.#fs.unlinkSync(this.#abs(path));
    this.#syncFailed.delete(path);
    this.#dirtyDirs.add(parentOf(path));
    this.#syncDirsOf(path);
    return DONE;
  }

  #rename(from: string, to: string): DiskResult {
    if (!this.#isFile(from)) return notFound(from);
    this.#forget(from);
    this.#forget(to);
    this.#makeParents(to);
    this.#fs.renameSync(this.#abs(from), this.#abs(to));
    if (this.#syncFailed.delete(from)) this.#syncFailed.add(to);
    else this.#syncFailed.delete(to);
    this.#dirtyDirs.add(parentOf(from));
    this.#dirtyDirs.add(parentOf(to));
    this.#syncDirsOf(to);
    this.#syncDirsOf(from);
    return DONE;
  }

  /** Only files are deleted or renamed (as in the simulator): a folder is "no such file". */
  #isFile(path: string): boolean {
    try {
      return this.#fs.lstatSync(this.#abs(path)).isFile();
    } catch (error) {
      if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") return false;
      throw error;
    }
  }

  #list(dir: string): DirEntry[] {
    let names: nodeFs.Dirent[];
    try {
      names = this.#fs.readdirSync(this.#abs(dir), { withFileTypes: true });
    } catch (error) {
      const code = errorCode(error);
      if (code === "ENOENT" || code === "ENOTDIR") return [];
      throw error;
    }
    const entries: DirEntry[] = [];
    for (const entry of names) {
      const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) entries.push({ name: entry.name, kind: "dir", size: 0 });
      else if (entry.isFile()) {
        entries.push({
          name: entry.name,
          kind: "file",
          size: this.#fs.statSync(this.#abs(path)).size,
        });
      }
    }
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
