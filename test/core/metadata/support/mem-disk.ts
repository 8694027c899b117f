// An in-memory disk for one node with the semantics of core/disk.ts: writes sit in a page cache
// until a sync of that file; a crash keeps only synced bytes, plus (maybe) a torn prefix of the
// unsynced tail; truncate, delete and rename are durable when they run. Files never synced vanish.

import type { DirEntry, DiskOp, DiskResult } from "../../../../core/disk.ts";
import { crc32c } from "../../../../core/log/crc32c.ts";
import { QUORUM_STATE_FILE } from "../../../../core/metadata/raft/files.ts";
import { decodeElectionState } from "../../../../core/metadata/raft/quorum-state-codec.ts";

interface MemFile {
  bytes: Uint8Array;
  /** Durable content; undefined when the file (its directory entry) was never made durable. */
  synced: Uint8Array | undefined;
}

export interface MemDiskOptions {
  /** Test-only fault: syncs of files whose path matches report success but do nothing. */
  readonly lyingSync?: (path: string) => boolean;
}

export class MemDisk {
  readonly files = new Map<string, MemFile>();
  /** When set, every append, write and sync fails with EIO (a dying disk). */
  failing = false;
  readonly #options: MemDiskOptions;

  constructor(options: MemDiskOptions = {}) {
    this.#options = options;
  }

  execute(op: DiskOp): DiskResult {
    if (this.failing && (op.type === "append" || op.type === "write" || op.type === "sync")) {
      return { ok: false, code: "EIO", message: `${op.type} ${op.path}` };
    }
    switch (op.type) {
      case "append": {
        const f = this.#file(op.path);
        f.bytes = concat(f.bytes, op.bytes);
        return { ok: true, type: "done" };
      }
      case "write": {
        const f = this.#file(op.path);
        const end = Math.max(f.bytes.length, op.position + op.bytes.length);
        const next = new Uint8Array(end);
        next.set(f.bytes);
        next.set(op.bytes, op.position);
        f.bytes = next;
        return { ok: true, type: "done" };
      }
      case "sync": {
        const f = this.files.get(op.path);
        if (f === undefined) return { ok: false, code: "ENOENT", message: op.path };
        if (this.#options.lyingSync?.(op.path) !== true) f.synced = f.bytes.slice();
        return { ok: true, type: "done" };
      }
      case "read": {
        const f = this.files.get(op.path);
        if (f === undefined) return { ok: false, code: "ENOENT", message: op.path };
        return {
          ok: true,
          type: "read",
          bytes: f.bytes.slice(op.position, op.position + op.length),
        };
      }
      case "truncate": {
        const f = this.files.get(op.path);
        if (f === undefined) return { ok: false, code: "ENOENT", message: op.path };
        if (op.size > f.bytes.length) return { ok: false, code: "EIO", message: "grow" };
        f.bytes = f.bytes.slice(0, op.size);
        if (f.synced !== undefined)
          f.synced = f.synced.slice(0, Math.min(op.size, f.synced.length));
        return { ok: true, type: "done" };
      }
      case "delete":
        this.files.delete(op.path);
        return { ok: true, type: "done" };
      case "rename": {
        const f = this.files.get(op.from);
        if (f === undefined) return { ok: false, code: "ENOENT", message: op.from };
        this.files.delete(op.from);
        // The rename is durable, so the entry is; the bytes keep whatever durability they had.
        this.files.set(op.to, { bytes: f.bytes, synced: f.synced ?? new Uint8Array(0) });
        return { ok: true, type: "done" };
      }
      case "list":
        return { ok: true, type: "list", entries: this.#list(op.dir) };
    }
  }

  #file(path: string): MemFile {
    let f = this.files.get(path);
    if (f === undefined) {
      f = { bytes: new Uint8Array(0), synced: undefined };
      this.files.set(path, f);
    }
    return f;
  }

  #list(dir: string): DirEntry[] {
    const prefix = `${dir}/`;
    const entries: DirEntry[] = [];
    for (const [path, f] of this.files) {
      if (path.startsWith(prefix) && !path.slice(prefix.length).includes("/")) {
        entries.push({ name: path.slice(prefix.length), kind: "file", size: f.bytes.length });
      }
    }
    return entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** A power loss: unsynced bytes go, except maybe a torn prefix of what extends the synced. */
  crash(tornFraction: () => number): void {
    for (const [path, f] of [...this.files]) {
      if (f.synced === undefined) {
        this.files.delete(path);
        continue;
      }
      const synced = f.synced;
      const extends_ = f.bytes.length > synced.length && startsWith(f.bytes, synced);
      const keep = extends_ ? Math.floor((f.bytes.length - synced.length) * tornFraction()) : 0;
      f.bytes = f.bytes.slice(0, synced.length + keep);
      if (keep === 0) f.bytes = synced.slice();
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** A vote may leave only once the synced quorum-state records it (or a later epoch). */
export function voteIsDurable(disk: MemDisk, epoch: number, candidate: number): boolean {
  const synced = disk.files.get(QUORUM_STATE_FILE)?.synced;
  const state = synced === undefined ? undefined : decodeElectionState(synced, crc32c);
  if (state?.ok !== true) return false;
  return (
    state.value.epoch > epoch || (state.value.epoch === epoch && state.value.votedFor === candidate)
  );
}
