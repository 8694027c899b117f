// How RuntimeDisk reports failures: OS error codes mapped to the disk contract's (core/disk.ts),
// anything unexpected as EIO with the original message kept for the operator.

import { DiskErrorCode, type DiskOp, type DiskResult } from "../core/disk.ts";

export function notFound(path: string): DiskResult {
  return { ok: false, code: "ENOENT", message: `no file ${path}` };
}

export function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}

/** OS error codes the contract names, and the nearest contract code for a few relatives. */
const CODE_MAP: Readonly<Record<string, DiskErrorCode>> = {
  EIO: DiskErrorCode.EIO,
  ENOSPC: DiskErrorCode.ENOSPC,
  EDQUOT: DiskErrorCode.ENOSPC,
  EFBIG: DiskErrorCode.ENOSPC,
  ENOENT: DiskErrorCode.ENOENT,
  ENOTDIR: DiskErrorCode.ENOENT,
  EACCES: DiskErrorCode.EACCES,
  EPERM: DiskErrorCode.EACCES,
  EROFS: DiskErrorCode.EACCES,
};

/** Anything unexpected becomes EIO, carrying the original message for the operator. */
export function toDiskError(error: unknown, op: DiskOp): DiskResult {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const mapped = code === undefined ? undefined : CODE_MAP[code];
  return { ok: false, code: mapped ?? DiskErrorCode.EIO, message: `${op.type}: ${message}` };
}
