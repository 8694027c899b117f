// Truncate, delete and rename off the event loop, for RuntimeDisk's pipeline: the checks that
// answer at once (no such file) run now, the syscalls and the fsyncs that make the operation
// durable (the file for a truncate, then the folders whose entries changed) in the thread pool.

import type * as nodeFs from "node:fs";
import { assert, assertNever } from "../core/assert.ts";
import type { DiskResult } from "../core/disk.ts";
import { notFound, toDiskError } from "./disk-errors.ts";
import type { DiskDone, SlowOp } from "./disk-pipeline.ts";

/** What a slow operation needs of the disk that owns the descriptors and the durability state. */
export interface SlowOpsHost {
  readonly fs: Pick<typeof nodeFs, "fstatSync" | "ftruncate" | "fsync" | "unlink" | "rename">;
  readonly closed: boolean;
  abs(path: string): string;
  /** The descriptor of an existing file (kept open), or undefined. */
  existingFd(path: string): number | undefined;
  isFile(path: string): boolean;
  /** Closes the cached descriptor of `path`. */
  forget(path: string): void;
  makeParents(path: string): void;
  /** Keeps `path`'s descriptor open while in use off the loop (undefined: released). */
  holdDescriptor(path: string | undefined): void;
  /** After close(): closes a held descriptor; true when the disk is closed. */
  releaseAfterClose(): boolean;
  /** Bookkeeping once the entry changed: sticky sync failures follow the file, folders dirty. */
  deleted(path: string): void;
  renamed(from: string, to: string): void;
  /** Fsyncs the dirty folders leading to `paths` off the loop, then answers. */
  syncFolders(paths: readonly string[], op: SlowOp, done: DiskDone): void;
}

/** The answer now (missing file, bad arguments), or undefined and `done` later. */
export function startSlowOp(host: SlowOpsHost, op: SlowOp, done: DiskDone): DiskResult | undefined {
  const fail = (error: Error) => done(toDiskError(error, op));
  switch (op.type) {
    case "truncate":
      return startTruncate(host, op, done);
    case "delete": {
      if (!host.isFile(op.path)) return notFound(op.path);
      host.forget(op.path);
      host.fs.unlink(host.abs(op.path), (error) => {
        if (host.closed) return;
        if (error !== null) return fail(error);
        host.deleted(op.path);
        host.syncFolders([op.path], op, done);
      });
      return undefined;
    }
    case "rename": {
      if (!host.isFile(op.from)) return notFound(op.from);
      host.forget(op.from);
      host.forget(op.to);
      host.makeParents(op.to);
      host.fs.rename(host.abs(op.from), host.abs(op.to), (error) => {
        if (host.closed) return;
        if (error !== null) return fail(error);
        host.renamed(op.from, op.to);
        host.syncFolders([op.to, op.from], op, done);
      });
      return undefined;
    }
    default:
      return assertNever(op, "slow disk operation");
  }
}

function startTruncate(
  host: SlowOpsHost,
  op: Extract<SlowOp, { type: "truncate" }>,
  done: DiskDone,
): DiskResult | undefined {
  assert(Number.isSafeInteger(op.size) && op.size >= 0, `truncate size ${op.size}`);
  const fd = host.existingFd(op.path);
  if (fd === undefined) return notFound(op.path);
  const current = host.fs.fstatSync(fd).size;
  assert(op.size <= current, `truncate of ${op.path} to ${op.size} would grow it from ${current}`);
  // The descriptor is in use off the loop: neither evicted nor closed meanwhile.
  host.holdDescriptor(op.path);
  host.fs.ftruncate(fd, op.size, (truncateError) => {
    if (host.releaseAfterClose()) return;
    if (truncateError !== null) {
      host.holdDescriptor(undefined);
      done(toDiskError(truncateError, op));
      return;
    }
    // Durable on completion: the new size is file metadata, flushed by an fsync of the file.
    host.fs.fsync(fd, (syncError) => {
      if (host.releaseAfterClose()) return;
      host.holdDescriptor(undefined);
      if (syncError !== null) done(toDiskError(syncError, op));
      else host.syncFolders([op.path], op, done);
    });
  });
  return undefined;
}
