// The disk contract of core/disk.ts as one reusable suite, run against every disk (runtime/disk.ts
// on real files, sim/disk.ts in memory), so the core meets the same semantics in both worlds.
// Crash behaviour is simulator-only and tested there; this suite covers what every disk promises.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DirEntry, DiskOp, DiskResult } from "../../core/disk.ts";

/** A disk under test: `submit` settles when `op` completes; completions come in issue order. */
export interface ContractDisk {
  /** Must throw synchronously (an assert) for a bad path, before any promise exists. */
  submit(op: DiskOp): Promise<DiskResult>;
  close?(): void | Promise<void>;
}

/** Adapts a disk with a synchronous `execute(op)` (RuntimeDisk, SimDisk) to the suite. */
export function fromSyncDisk(
  disk: { execute(op: DiskOp): DiskResult },
  close?: () => void,
): ContractDisk {
  return {
    submit: (op) => Promise.resolve(disk.execute(op)),
    ...(close === undefined ? {} : { close }),
  };
}

const bytes = (...values: number[]) => Uint8Array.from(values);
const text = (value: string) => new TextEncoder().encode(value);

function readBytes(result: DiskResult): Uint8Array {
  if (!result.ok || result.type !== "read")
    throw new Error(`expected read bytes, got ${JSON.stringify(result)}`);
  return result.bytes;
}

function listEntries(result: DiskResult): readonly DirEntry[] {
  if (!result.ok || result.type !== "list")
    throw new Error(`expected a listing, got ${JSON.stringify(result)}`);
  return result.entries;
}

function errorCode(result: DiskResult): string {
  return result.ok ? "ok" : result.code;
}

export function diskContractSuite(
  name: string,
  makeDisk: () => ContractDisk | Promise<ContractDisk>,
): void {
  describe(`disk contract: ${name}`, () => {
    let disk: ContractDisk;
    const run = (op: DiskOp) => disk.submit(op);
    const read = async (path: string, position = 0, length = 1 << 20) =>
      readBytes(await run({ type: "read", path, position, length }));
    const list = async (dir: string) => listEntries(await run({ type: "list", dir }));

    beforeEach(async () => {
      disk = await makeDisk();
    });
    afterEach(async () => {
      await disk.close?.();
    });

    it("append creates the file and its parent folders", async () => {
      expect(
        await run({ type: "append", path: "t-0/00000000000000000000.log", bytes: text("abc") }),
      ).toEqual({
        ok: true,
        type: "done",
      });
      expect(await list("")).toEqual([{ name: "t-0", kind: "dir", size: 0 }]);
      expect(await list("t-0")).toEqual([
        { name: "00000000000000000000.log", kind: "file", size: 3 },
      ]);
      expect(await read("t-0/00000000000000000000.log")).toEqual(text("abc"));
    });

    it("append adds at the end; write overwrites in place and zero-fills a gap past the end", async () => {
      await run({ type: "append", path: "f", bytes: bytes(1, 2, 3) });
      await run({ type: "append", path: "f", bytes: bytes(4) });
      expect(await read("f")).toEqual(bytes(1, 2, 3, 4));
      await run({ type: "write", path: "f", position: 1, bytes: bytes(9, 9) });
      expect(await read("f")).toEqual(bytes(1, 9, 9, 4));
      await run({ type: "write", path: "f", position: 6, bytes: bytes(7) });
      expect(await read("f")).toEqual(bytes(1, 9, 9, 4, 0, 0, 7));
      await run({ type: "write", path: "new/g", position: 2, bytes: bytes(5) });
      expect(await read("new/g")).toEqual(bytes(0, 0, 5));
    });

    it("read returns up to length bytes from position, fewer at the end, none past it", async () => {
      await run({ type: "append", path: "d/f", bytes: bytes(0, 1, 2, 3, 4, 5) });
      expect(await read("d/f", 2, 3)).toEqual(bytes(2, 3, 4));
      expect(await read("d/f", 4, 100)).toEqual(bytes(4, 5));
      expect(await read("d/f", 6, 10)).toEqual(bytes());
      expect(await read("d/f", 50, 10)).toEqual(bytes());
      expect(await read("d/f", 0, 0)).toEqual(bytes());
    });

    it("a read result is a copy: later writes do not change it", async () => {
      await run({ type: "append", path: "f", bytes: bytes(1, 2) });
      const before = await read("f");
      await run({ type: "write", path: "f", position: 0, bytes: bytes(8, 8) });
      expect(before).toEqual(bytes(1, 2));
    });

    it("operations on a missing file fail with ENOENT; a missing folder lists as empty", async () => {
      expect(errorCode(await run({ type: "read", path: "nope", position: 0, length: 1 }))).toBe(
        "ENOENT",
      );
      expect(errorCode(await run({ type: "sync", path: "a/nope" }))).toBe("ENOENT");
      expect(errorCode(await run({ type: "truncate", path: "nope", size: 0 }))).toBe("ENOENT");
      expect(errorCode(await run({ type: "delete", path: "nope" }))).toBe("ENOENT");
      expect(errorCode(await run({ type: "rename", from: "nope", to: "other" }))).toBe("ENOENT");
      expect(await list("missing")).toEqual([]);
      expect(await list("missing/deeper")).toEqual([]);
    });

    it("sync of an existing file completes", async () => {
      await run({ type: "append", path: "t-0/a.log", bytes: bytes(1) });
      expect(await run({ type: "sync", path: "t-0/a.log" })).toEqual({ ok: true, type: "done" });
      expect(await read("t-0/a.log")).toEqual(bytes(1));
    });

    it("truncate shrinks the file (and to its own size is a no-op)", async () => {
      await run({ type: "append", path: "f", bytes: bytes(1, 2, 3, 4) });
      expect(await run({ type: "truncate", path: "f", size: 4 })).toEqual({
        ok: true,
        type: "done",
      });
      await run({ type: "truncate", path: "f", size: 2 });
      expect(await read("f")).toEqual(bytes(1, 2));
      expect(await list("")).toEqual([{ name: "f", kind: "file", size: 2 }]);
      await run({ type: "append", path: "f", bytes: bytes(5) });
      expect(await read("f")).toEqual(bytes(1, 2, 5));
      await run({ type: "truncate", path: "f", size: 0 });
      expect(await read("f")).toEqual(bytes());
    });

    it("delete removes the file", async () => {
      await run({ type: "append", path: "t-0/a", bytes: bytes(1) });
      await run({ type: "append", path: "t-0/b", bytes: bytes(2) });
      expect(await run({ type: "delete", path: "t-0/a" })).toEqual({ ok: true, type: "done" });
      expect((await list("t-0")).map((e) => e.name)).toEqual(["b"]);
      expect(errorCode(await run({ type: "read", path: "t-0/a", position: 0, length: 1 }))).toBe(
        "ENOENT",
      );
      await run({ type: "append", path: "t-0/a", bytes: bytes(3) });
      expect(await read("t-0/a")).toEqual(bytes(3));
    });

    it("rename moves the file, replacing the target, and creates the target's folders", async () => {
      await run({ type: "append", path: "t-0/x.tmp", bytes: bytes(1, 2) });
      await run({ type: "append", path: "t-0/x", bytes: bytes(9) });
      expect(await run({ type: "rename", from: "t-0/x.tmp", to: "t-0/x" })).toEqual({
        ok: true,
        type: "done",
      });
      expect(await read("t-0/x")).toEqual(bytes(1, 2));
      expect((await list("t-0")).map((e) => e.name)).toEqual(["x"]);
      await run({ type: "rename", from: "t-0/x", to: "u-1/y" });
      expect(await read("u-1/y")).toEqual(bytes(1, 2));
      expect(await list("t-0")).toEqual([]);
      await run({ type: "append", path: "u-1/y", bytes: bytes(3) });
      expect(await read("u-1/y")).toEqual(bytes(1, 2, 3));
    });

    it("list returns files with their sizes and folders, sorted by name", async () => {
      await run({ type: "append", path: "b", bytes: bytes(1, 2) });
      await run({ type: "append", path: "a-1/f", bytes: bytes(1) });
      await run({ type: "append", path: "a-0/f", bytes: bytes() });
      await run({ type: "append", path: "B", bytes: bytes(1, 2, 3) });
      expect(await list("")).toEqual([
        { name: "B", kind: "file", size: 3 },
        { name: "a-0", kind: "dir", size: 0 },
        { name: "a-1", kind: "dir", size: 0 },
        { name: "b", kind: "file", size: 2 },
      ]);
      expect(await list("a-0")).toEqual([{ name: "f", kind: "file", size: 0 }]);
    });

    it("operations complete in the order they were issued", async () => {
      const order: number[] = [];
      const ops: DiskOp[] = [];
      for (let i = 0; i < 40; i++) {
        ops.push({ type: "append", path: `p-${i % 3}/log`, bytes: bytes(i) });
        if (i % 5 === 4)
          ops.push({ type: "read", path: `p-${i % 3}/log`, position: 0, length: 100 });
        if (i % 13 === 12) ops.push({ type: "sync", path: `p-${i % 3}/log` });
      }
      const pending = ops.map(async (op, index) => {
        const result = await disk.submit(op);
        order.push(index);
        return result;
      });
      const results = await Promise.all(pending);
      expect(order).toEqual(ops.map((_op, index) => index));
      expect(results.every((r) => r.ok)).toBe(true);
      // The read issued right after an append sees it.
      const firstRead = results[5];
      expect(firstRead?.ok && firstRead.type === "read" && [...firstRead.bytes]).toEqual([1, 4]);
      expect(await read("p-0/log")).toEqual(bytes(...Array.from({ length: 14 }, (_v, k) => 3 * k)));
    });

    it.each<[string, DiskOp]>([
      ["an absolute path", { type: "append", path: "/etc/passwd", bytes: bytes(1) }],
      ["a '..' component", { type: "read", path: "t-0/../../x", position: 0, length: 1 }],
      ["an empty path", { type: "sync", path: "" }],
      ["an empty component", { type: "delete", path: "t-0//a" }],
      ["a backslash", { type: "rename", from: "a", to: "b\\c" }],
      ["a '.' folder", { type: "list", dir: "." }],
    ])("a bad path is a bug and asserts: %s", (_name, op) => {
      expect(() => disk.submit(op)).toThrow(/path|rename|folder/);
    });
  });
}
