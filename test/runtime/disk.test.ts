// RuntimeDisk on real files in a temporary folder: the shared disk contract (sync and queued
// variants, and with a tiny descriptor cache), then what only real files show: the fsyncs each
// operation makes, OS error mapping, descriptor bounds, and the queued variant's ordering; `run`
// (the host's path) with its fsync off the event loop, grouped, sticky on failure, safe on close.

import * as nodeFs from "node:fs";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DiskOp, DiskResult } from "../../core/disk.ts";
import { type DiskFs, RuntimeDisk, type RuntimeDiskOptions } from "../../runtime/disk.ts";
import { type ContractDisk, diskContractSuite, fromSyncDisk } from "../support/disk-contract.ts";

const bytes = (...values: number[]) => Uint8Array.from(values);
const done: DiskResult = { ok: true, type: "done" };

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "runnel-disk-"));
}

function contractDisk(options: RuntimeDiskOptions, queued: boolean): ContractDisk {
  const dir = tempDir();
  const disk = new RuntimeDisk(join(dir, "data"), options);
  const close = () => {
    disk.close();
    rmSync(dir, { recursive: true, force: true });
  };
  if (!queued) return fromSyncDisk(disk, close);
  return {
    submit(op) {
      let resolve!: (result: DiskResult) => void;
      const settled = new Promise<DiskResult>((r) => {
        resolve = r;
      });
      disk.submit(op, resolve); // outside the executor, so a bad path throws synchronously
      return settled;
    },
    close,
  };
}

diskContractSuite("RuntimeDisk.execute", () => contractDisk({}, false));
diskContractSuite("RuntimeDisk.submit", () => contractDisk({}, true));
diskContractSuite("RuntimeDisk with two cached descriptors", () =>
  contractDisk({ openFilesMax: 2 }, true),
);
diskContractSuite("RuntimeDisk.run", () => {
  const dir = tempDir();
  const disk = new RuntimeDisk(join(dir, "data"), { openFilesMax: 2 });
  return {
    submit(op) {
      let resolve!: (result: DiskResult) => void;
      const settled = new Promise<DiskResult>((r) => {
        resolve = r;
      });
      const now = disk.run(op, resolve);
      if (now !== undefined) resolve(now);
      return settled;
    },
    close() {
      disk.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

/** Real fs, observed: which paths were fsynced, which descriptors are open, with injectable failures. */
class RecordingFs {
  readonly synced: string[] = [];
  readonly fdPaths = new Map<number, string>();
  fail: { call: keyof DiskFs; error: unknown } | null = null;
  writeChunkMax = Number.POSITIVE_INFINITY;
  readonly fs: DiskFs;

  constructor(root: string) {
    const relative = (path: string) => (path === root ? "." : path.slice(root.length + 1));
    const maybeFail = (call: keyof DiskFs) => {
      if (this.fail?.call === call) {
        const { error } = this.fail;
        this.fail = null;
        throw error;
      }
    };
    this.fs = {
      ...nodeFs,
      openSync: ((path: string, flags: string) => {
        maybeFail("openSync");
        const fd = nodeFs.openSync(path, flags);
        this.fdPaths.set(fd, relative(path));
        return fd;
      }) as DiskFs["openSync"],
      closeSync: (fd: number) => {
        this.fdPaths.delete(fd);
        nodeFs.closeSync(fd);
      },
      open: ((path: string, flags: string, callback: (e: Error | null, fd: number) => void) => {
        nodeFs.open(path, flags, (error, fd) => {
          if (error === null) this.fdPaths.set(fd, relative(path));
          callback(error, fd);
        });
      }) as DiskFs["open"],
      close: ((fd: number, callback: (error: Error | null) => void) => {
        this.fdPaths.delete(fd);
        nodeFs.close(fd, callback);
      }) as DiskFs["close"],
      fsyncSync: (fd: number) => {
        maybeFail("fsyncSync");
        this.synced.push(this.fdPaths.get(fd) ?? `fd ${fd}`);
        nodeFs.fsyncSync(fd);
      },
      fsync: ((fd: number, callback: (error: Error | null) => void) => {
        if (this.fail?.call === "fsync") {
          const { error } = this.fail;
          this.fail = null;
          setImmediate(() => callback(error as Error));
          return;
        }
        this.synced.push(this.fdPaths.get(fd) ?? `fd ${fd}`);
        nodeFs.fsync(fd, callback);
      }) as DiskFs["fsync"],
      writeSync: ((
        fd: number,
        buffer: Uint8Array,
        offset: number,
        length: number,
        position: number,
      ) => {
        maybeFail("writeSync");
        return nodeFs.writeSync(fd, buffer, offset, Math.min(length, this.writeChunkMax), position);
      }) as DiskFs["writeSync"],
    };
  }

  takeSynced(): string[] {
    return this.synced.splice(0);
  }
}

function osError(code: string, message = `${code}: simulated`): Error {
  return Object.assign(new Error(message), { code });
}

describe("RuntimeDisk on real files", () => {
  let dir: string;
  let root: string;
  let recording: RecordingFs;
  let disk: RuntimeDisk;
  const make = (options: RuntimeDiskOptions = {}) => {
    disk?.close();
    disk = new RuntimeDisk(root, { fs: recording.fs, ...options });
    return disk;
  };

  beforeEach(() => {
    dir = tempDir();
    root = join(dir, "data");
    recording = new RecordingFs(root);
    make();
  });
  afterEach(() => {
    disk.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lays files out under the data folder in Kafka's <topic>-<partition>/ shape", () => {
    disk.execute({
      type: "append",
      path: "orders-0/00000000000000000000.log",
      bytes: bytes(1, 2, 3),
    });
    const file = join(root, "orders-0", "00000000000000000000.log");
    expect([...readFileSync(file)]).toEqual([1, 2, 3]);
  });

  it("sync fsyncs the file, then the folders whose entries it created", () => {
    disk.execute({ type: "append", path: "t-0/a.log", bytes: bytes(1) });
    expect(recording.takeSynced()).toEqual([]); // appends stay in the page cache
    expect(disk.execute({ type: "sync", path: "t-0/a.log" })).toEqual(done);
    expect(recording.takeSynced()).toEqual(["t-0/a.log", "t-0", "."]);
    disk.execute({ type: "append", path: "t-0/a.log", bytes: bytes(2) });
    disk.execute({ type: "sync", path: "t-0/a.log" });
    expect(recording.takeSynced()).toEqual(["t-0/a.log"]);
    disk.execute({ type: "append", path: "t-0/b.index", bytes: bytes(3) });
    disk.execute({ type: "sync", path: "t-0/b.index" });
    expect(recording.takeSynced()).toEqual(["t-0/b.index", "t-0"]);
  });

  it("rename, delete and truncate are durable on completion", () => {
    disk.execute({ type: "append", path: "t-0/a.tmp", bytes: bytes(1, 2, 3) });
    disk.execute({ type: "sync", path: "t-0/a.tmp" });
    recording.takeSynced();
    disk.execute({ type: "rename", from: "t-0/a.tmp", to: "t-0/a" });
    expect(recording.takeSynced()).toEqual(["t-0"]);
    disk.execute({ type: "rename", from: "t-0/a", to: "u-1/a" });
    expect(recording.takeSynced()).toEqual(["u-1", ".", "t-0"]);
    disk.execute({ type: "truncate", path: "u-1/a", size: 1 });
    expect(recording.takeSynced()).toEqual(["u-1/a"]);
    disk.execute({ type: "delete", path: "u-1/a" });
    expect(recording.takeSynced()).toEqual(["u-1"]);
  });

  it.each([
    ["ENOSPC", "writeSync", "ENOSPC"],
    ["EDQUOT", "writeSync", "ENOSPC"],
    ["EIO", "writeSync", "EIO"],
    ["EACCES", "openSync", "EACCES"],
    ["EPERM", "openSync", "EACCES"],
    ["EROFS", "openSync", "EACCES"],
    ["EMFILE", "openSync", "EIO"],
  ] as const)("maps %s from %s to %s", (code, call, expected) => {
    recording.fail = { call, error: osError(code) };
    const result = disk.execute({ type: "append", path: "t-0/a", bytes: bytes(1) });
    expect(result.ok ? "ok" : result.code).toBe(expected);
    expect(result.ok ? "" : result.message).toContain(code);
  });

  it("maps an error without a code to EIO and keeps its message", () => {
    recording.fail = { call: "writeSync", error: new Error("boom") };
    expect(disk.execute({ type: "append", path: "a", bytes: bytes(1) })).toEqual({
      ok: false,
      code: "EIO",
      message: "append: boom",
    });
    recording.fail = { call: "writeSync", error: "not even an Error" };
    const result = disk.execute({ type: "append", path: "a", bytes: bytes(1) });
    expect(result.ok ? "" : result.message).toContain("not even an Error");
  });

  it("a failed fsync is sticky until the file is replaced", () => {
    disk.execute({ type: "append", path: "t-0/a", bytes: bytes(1) });
    recording.fail = { call: "fsyncSync", error: osError("EIO") };
    expect(disk.execute({ type: "sync", path: "t-0/a" })).toMatchObject({ ok: false, code: "EIO" });
    expect(disk.execute({ type: "sync", path: "t-0/a" })).toMatchObject({ ok: false, code: "EIO" });
    disk.execute({ type: "append", path: "t-0/b", bytes: bytes(2) });
    disk.execute({ type: "rename", from: "t-0/b", to: "t-0/a" });
    expect(disk.execute({ type: "sync", path: "t-0/a" })).toEqual(done);
    recording.fail = { call: "fsyncSync", error: osError("EIO") };
    disk.execute({ type: "sync", path: "t-0/a" });
    disk.execute({ type: "delete", path: "t-0/a" });
    disk.execute({ type: "append", path: "t-0/a", bytes: bytes(3) });
    expect(disk.execute({ type: "sync", path: "t-0/a" })).toEqual(done);
  });

  it("finishes writes that the OS accepts in pieces", () => {
    recording.writeChunkMax = 3;
    const payload = Uint8Array.from({ length: 20 }, (_v, i) => i);
    disk.execute({ type: "append", path: "f", bytes: payload });
    disk.execute({ type: "write", path: "f", position: 18, bytes: payload.subarray(0, 5) });
    expect([...readFileSync(join(root, "f"))]).toEqual([...payload.subarray(0, 18), 0, 1, 2, 3, 4]);
  });

  it("keeps at most openFilesMax descriptors and closes them all on close()", () => {
    make({ openFilesMax: 3 });
    for (let i = 0; i < 10; i++)
      disk.execute({ type: "append", path: `p-${i}/log`, bytes: bytes(i) });
    expect(disk.openFiles).toBe(3);
    expect(recording.fdPaths.size).toBe(3);
    for (let i = 0; i < 10; i++) {
      const result = disk.execute({ type: "read", path: `p-${i}/log`, position: 0, length: 10 });
      expect(result).toEqual({ ok: true, type: "read", bytes: bytes(i) });
      expect(recording.fdPaths.size).toBeLessThanOrEqual(3);
    }
    disk.close();
    expect(recording.fdPaths.size).toBe(0);
    expect(() => disk.execute({ type: "sync", path: "p-0/log" })).toThrow(/after close/);
  });

  it("closes the descriptor of a file it deletes or renames", () => {
    disk.execute({ type: "append", path: "a", bytes: bytes(1) });
    disk.execute({ type: "append", path: "b", bytes: bytes(1) });
    expect([...recording.fdPaths.values()].sort()).toEqual(["a", "b"]);
    disk.execute({ type: "delete", path: "a" });
    disk.execute({ type: "rename", from: "b", to: "c" });
    expect([...recording.fdPaths.values()]).toEqual([]);
  });

  it("treats a folder as no such file for read, sync, delete and rename", () => {
    disk.execute({ type: "append", path: "t-0/a", bytes: bytes(1) });
    const ops: DiskOp[] = [
      { type: "read", path: "t-0", position: 0, length: 1 },
      { type: "sync", path: "t-0" },
      { type: "delete", path: "t-0" },
      { type: "rename", from: "t-0", to: "u-0" },
      { type: "read", path: "t-0/a/b", position: 0, length: 1 },
    ];
    for (const op of ops) expect(disk.execute(op)).toMatchObject({ ok: false, code: "ENOENT" });
    expect(disk.execute({ type: "list", dir: "t-0/a" })).toEqual({
      ok: true,
      type: "list",
      entries: [],
    });
  });

  it("a large read is a plain array of its own holding exactly the file's bytes", () => {
    const big = new Uint8Array(200 * 1024).map((_, i) => i % 251);
    disk.execute({ type: "append", path: "big", bytes: big });
    const read = disk.execute({ type: "read", path: "big", position: 1000, length: 1 << 20 });
    expect(read.ok && read.type === "read").toBe(true);
    if (!read.ok || read.type !== "read") return;
    expect(read.bytes.constructor).toBe(Uint8Array);
    expect(read.bytes.byteOffset).toBe(0);
    expect(read.bytes.buffer.byteLength).toBe(big.length - 1000);
    expect(read.bytes).toEqual(big.subarray(1000));
  });

  it("asserts when truncate would grow a file (a bug in the caller)", () => {
    disk.execute({ type: "append", path: "f", bytes: bytes(1) });
    expect(() => disk.execute({ type: "truncate", path: "f", size: 2 })).toThrow(/grow/);
  });

  it("submit completes later, in order, and drops queued work on close()", async () => {
    const seen: string[] = [];
    disk.submit({ type: "append", path: "f", bytes: bytes(1) }, () => seen.push("append"));
    disk.submit({ type: "read", path: "f", position: 0, length: 5 }, (r) => {
      seen.push(r.ok && r.type === "read" ? `read ${[...r.bytes]}` : "read failed");
      // Work submitted from a completion joins the same FIFO.
      disk.submit({ type: "sync", path: "f" }, (s) => seen.push(`sync ${s.ok}`));
    });
    expect(seen).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(["append", "read 1", "sync true"]);
    disk.submit({ type: "sync", path: "f" }, () => seen.push("sync"));
    expect(() => disk.execute({ type: "sync", path: "f" })).toThrow(/overtake/);
    await new Promise((resolve) => setImmediate(resolve));
    expect(disk.execute({ type: "sync", path: "f" })).toEqual(done);
    disk.submit({ type: "append", path: "f", bytes: bytes(2) }, () => seen.push("never"));
    disk.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toHaveLength(4);
  });

  /** Issues `op` through run(); resolves with its answer, noting whether it came at once. */
  const runOp = (op: DiskOp, seen: string[], name: string) => {
    const now = disk.run(op, (r) => seen.push(`${name}${r.ok ? "" : ` ${r.code}`}`));
    if (now !== undefined) seen.push(`${name} now${now.ok ? "" : ` ${now.code}`}`);
  };
  const settle = async (seen: string[], count: number) => {
    for (let i = 0; i < 200 && seen.length < count; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };

  it("run: a sync goes off the loop; syncs issued meanwhile share one more fsync", async () => {
    const seen: string[] = [];
    runOp({ type: "append", path: "t-0/a.log", bytes: bytes(1) }, seen, "w1");
    runOp({ type: "sync", path: "t-0/a.log" }, seen, "s1");
    runOp({ type: "append", path: "t-0/a.log", bytes: bytes(2) }, seen, "w2");
    runOp({ type: "sync", path: "t-0/a.log" }, seen, "s2");
    runOp({ type: "append", path: "t-0/a.log", bytes: bytes(3) }, seen, "w3");
    runOp({ type: "sync", path: "t-0/a.log" }, seen, "s3");
    expect(seen).toEqual(["w1 now"]);
    // Written at once, into the page cache, while the first fsync is in flight.
    expect([...readFileSync(join(root, "t-0", "a.log"))]).toEqual([1, 2, 3]);
    expect(() => disk.execute({ type: "sync", path: "t-0/a.log" })).toThrow(/overtake/);
    await settle(seen, 6);
    expect(seen).toEqual(["w1 now", "s1", "w2", "s2", "w3", "s3"]);
    expect(disk.groupCommitStats).toEqual({ fsyncs: 2, syncsAnswered: 3 });
    // The first sync also made the new folder and file entries durable.
    expect(recording.takeSynced()).toEqual(["t-0/a.log", "t-0", ".", "t-0/a.log"]);
    expect(disk.execute({ type: "sync", path: "t-0/a.log" })).toEqual(done);
  });

  it("run: rename, delete and truncate go off the loop, durable when answered, in order", async () => {
    const seen: string[] = [];
    disk.execute({ type: "append", path: "t-0/a.tmp", bytes: bytes(1, 2, 3) });
    disk.execute({ type: "sync", path: "t-0/a.tmp" });
    recording.takeSynced();
    runOp({ type: "rename", from: "t-0/a.tmp", to: "u-1/a" }, seen, "mv");
    runOp({ type: "append", path: "u-1/a", bytes: bytes(4) }, seen, "w");
    runOp({ type: "truncate", path: "u-1/a", size: 2 }, seen, "trunc");
    runOp({ type: "read", path: "u-1/a", position: 0, length: 9 }, seen, "r");
    runOp({ type: "delete", path: "t-0/gone" }, seen, "missing");
    runOp({ type: "delete", path: "u-1/a" }, seen, "rm");
    // Nothing behind the rename ran yet (the rename itself may have, in the thread pool): the
    // append waits for its answer.
    expect(seen).toEqual([]);
    const sizeOf = (...path: string[]) => statSync(join(root, ...path), { throwIfNoEntry: false });
    const size = (sizeOf("u-1", "a") ?? sizeOf("t-0", "a.tmp") ?? sizeOf("u-1", "a"))?.size;
    expect(size).toBe(3);
    await settle(seen, 6);
    expect(seen).toEqual(["mv", "w", "trunc", "r", "missing ENOENT", "rm"]);
    expect(recording.takeSynced()).toEqual(["u-1", ".", "t-0", "u-1/a", "u-1"]);
    expect(existsSync(join(root, "u-1", "a"))).toBe(false);
    expect(disk.execute({ type: "list", dir: "t-0" })).toEqual({
      ok: true,
      type: "list",
      entries: [],
    });
  });

  it("run: a failed fsync off the loop is sticky, and a missing file answers at once", async () => {
    const seen: string[] = [];
    runOp({ type: "append", path: "f", bytes: bytes(1) }, seen, "w");
    recording.fail = { call: "fsync", error: osError("EIO") };
    runOp({ type: "sync", path: "f" }, seen, "s1");
    runOp({ type: "sync", path: "nothing" }, seen, "s-missing");
    await settle(seen, 3);
    expect(seen).toEqual(["w now", "s1 EIO", "s-missing ENOENT"]);
    runOp({ type: "sync", path: "f" }, seen, "s2");
    expect(seen.at(-1)).toBe("s2 now EIO");
  });

  it("run: the descriptor being fsynced is not evicted, and close() waits to close it", async () => {
    make({ openFilesMax: 1 });
    const seen: string[] = [];
    runOp({ type: "append", path: "a", bytes: bytes(1) }, seen, "wa");
    runOp({ type: "sync", path: "a" }, seen, "sa");
    runOp({ type: "append", path: "b", bytes: bytes(2) }, seen, "wb");
    runOp({ type: "append", path: "c", bytes: bytes(3) }, seen, "wc");
    const fdOfA = [...recording.fdPaths].find(([, path]) => path === "a")?.[0];
    expect(fdOfA).toBeDefined();
    await settle(seen, 4);
    expect(seen).toEqual(["wa now", "sa", "wb", "wc"]);
    runOp({ type: "sync", path: "c" }, seen, "sc");
    disk.close();
    // The fsync in flight still holds its descriptor; it is closed once the fsync returns.
    expect([...recording.fdPaths.values()]).toEqual(["c"]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(recording.fdPaths.size).toBe(0);
    expect(seen).toHaveLength(4);
  });
});
