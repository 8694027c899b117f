// Small rules RuntimeDisk applies to every operation: paths are the disk contract's (a bad one is a
// bug in the caller, so it asserts), sizes are non-negative integers, and read buffers are plain
// arrays the caller may keep.

import { assert } from "../core/assert.ts";
import { type DiskOp, isValidDiskPath } from "../core/disk.ts";

/** Large reads skip zero-filling (every byte is overwritten, or the short tail is cut off). */
const UNZEROED_READ_MIN = 64 * 1024;

/** A plain Uint8Array (never a pooled Buffer: callers may keep it and use its .buffer). */
export function readBuffer(length: number): Uint8Array {
  if (length < UNZEROED_READ_MIN) return new Uint8Array(length);
  const raw = Buffer.allocUnsafeSlow(length);
  return new Uint8Array(raw.buffer, raw.byteOffset, length);
}

export function assertPaths(op: DiskOp): void {
  if (op.type === "rename") {
    assert(isValidDiskPath(op.from) && isValidDiskPath(op.to), `bad rename ${op.from} -> ${op.to}`);
  } else if (op.type === "list") {
    assert(op.dir === "" || isValidDiskPath(op.dir), `bad folder "${op.dir}"`);
  } else {
    assert(isValidDiskPath(op.path), `bad disk path "${op.path}"`);
  }
}

export function assertNonNegative(value: number, what: string): void {
  assert(
    Number.isSafeInteger(value) && value >= 0,
    `${what} ${value} must be a non-negative integer`,
  );
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash === -1 ? "" : path.slice(0, slash);
}
