// The disk contract shared by sim/disk.ts and runtime/disk.ts. A node asks for disk work with a
// `disk` effect and learns the outcome from a `disk-done` input: durability is an input.
//
// Semantics every disk implements (the simulator enforces them, the runtime provides them):
// - Operations of one node complete in the order they were issued (a disk is a FIFO queue).
// - `append` and `write` create the file (and its parent folders) if missing. Their bytes sit in the
//   page cache until a later `sync` of that file completes; a crash before then may lose them, or
//   keep any prefix of the last unsynced write (a torn write).
// - `sync` makes the file's bytes and its directory entry durable.
// - `truncate`, `delete` and `rename` are durable when they complete (the runtime fsyncs the folder).
//   `rename` atomically replaces `to`. `truncate` may only shrink.
// - `read` returns up to `length` bytes from `position` (fewer at end of file). A synced byte can
//   still read back wrong (bit rot, latent sector errors): callers validate CRCs.
// - `list` returns the entries of one folder, files with their sizes; a missing folder is empty.
// Paths are relative to the node's data folder, '/'-separated, never absolute, never '..'.

export type DiskOp =
  | { readonly type: "append"; readonly path: string; readonly bytes: Uint8Array }
  | {
      readonly type: "write";
      readonly path: string;
      readonly position: number;
      readonly bytes: Uint8Array;
    }
  | { readonly type: "sync"; readonly path: string }
  | {
      readonly type: "read";
      readonly path: string;
      readonly position: number;
      readonly length: number;
    }
  | { readonly type: "truncate"; readonly path: string; readonly size: number }
  | { readonly type: "delete"; readonly path: string }
  | { readonly type: "rename"; readonly from: string; readonly to: string }
  | { readonly type: "list"; readonly dir: string };

export type DiskOpType = DiskOp["type"];

export interface DirEntry {
  readonly name: string;
  readonly kind: "file" | "dir";
  /** Bytes in the file as the disk sees it now (page cache included); 0 for folders. */
  readonly size: number;
}

/** Environment failures, named as the OS names them; core decides what each means. */
export const DiskErrorCode = {
  EIO: "EIO",
  ENOSPC: "ENOSPC",
  ENOENT: "ENOENT",
  EACCES: "EACCES",
} as const;
export type DiskErrorCode = (typeof DiskErrorCode)[keyof typeof DiskErrorCode];

export type DiskResult =
  | { readonly ok: true; readonly type: "done" }
  | { readonly ok: true; readonly type: "read"; readonly bytes: Uint8Array }
  | { readonly ok: true; readonly type: "list"; readonly entries: readonly DirEntry[] }
  | { readonly ok: false; readonly code: DiskErrorCode; readonly message: string };

export function isValidDiskPath(path: string): boolean {
  if (path.length === 0 || path.includes("\\")) return false;
  // Every "/"-separated part is non-empty and neither "." nor "..", without splitting (hot path).
  for (let start = 0; start <= path.length; ) {
    let end = path.indexOf("/", start);
    if (end === -1) end = path.length;
    const length = end - start;
    if (length === 0) return false;
    if (
      path.charCodeAt(start) === 46 &&
      (length === 1 || (length === 2 && path.charCodeAt(start + 1) === 46))
    ) {
      return false;
    }
    start = end + 1;
  }
  return true;
}
