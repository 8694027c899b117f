// Snapshot files of the metadata log (KIP-630): taking one (temp, sync, rename, then drop older
// files), serving chunks of the latest to followers, and writing a fetched one before install.
// A snapshot id is published only once its rename completed: it is durable when anyone sees it.

import { assert } from "../../assert.ts";
import type { DiskOp, DiskResult } from "../../disk.ts";
import type { DiskIo } from "../../disk-io.ts";
import { err, ok, type Result } from "../../result.ts";
import { snapshotPartPath, snapshotPath } from "./files.ts";
import type { SnapshotId } from "./snapshot-codec.ts";

export interface SnapshotFile {
  readonly id: SnapshotId;
  readonly size: number;
}

export class SnapshotStore {
  readonly #diskIo: DiskIo;
  readonly #onFailure: (reason: string) => void;
  /** Durable snapshot files, oldest first; the last is the latest. */
  #files: SnapshotFile[] = [];
  #writing = false;

  constructor(diskIo: DiskIo, onFailure: (reason: string) => void) {
    this.#diskIo = diskIo;
    this.#onFailure = onFailure;
  }

  get latest(): SnapshotFile | undefined {
    return this.#files.at(-1);
  }

  get writing(): boolean {
    return this.#writing;
  }

  loaded(file: SnapshotFile): void {
    this.#files = [file];
  }

  /** Writes a whole snapshot file atomically; `done` runs once it is durable under its name. */
  write(id: SnapshotId, bytes: Uint8Array, done: () => void): void {
    assert(!this.#writing, "one snapshot write at a time");
    this.#writing = true;
    const part = snapshotPartPath(id.endOffset, id.epoch);
    this.#submit({ type: "write", path: part, position: 0, bytes }, () => {
      this.#publish(id, bytes.length, done);
    });
  }

  /** Appends a chunk of a fetched snapshot to its part file. */
  writeChunk(id: SnapshotId, position: number, bytes: Uint8Array): void {
    const part = snapshotPartPath(id.endOffset, id.epoch);
    this.#submit({ type: "write", path: part, position, bytes }, () => {});
  }

  /** A fetched snapshot's part file is whole: make it durable and publish it. */
  completeFetched(id: SnapshotId, size: number, done: () => void): void {
    assert(!this.#writing, "snapshot write already under way");
    this.#writing = true;
    this.#publish(id, size, done);
  }

  #publish(id: SnapshotId, size: number, done: () => void): void {
    const part = snapshotPartPath(id.endOffset, id.epoch);
    this.#submit({ type: "sync", path: part }, () => {
      const rename = { type: "rename", from: part, to: snapshotPath(id.endOffset, id.epoch) };
      this.#submit(rename as DiskOp, () => {
        this.#writing = false;
        const older = this.#files.filter((f) => !sameId(f.id, id));
        this.#files = [{ id, size }];
        done();
        for (const f of older) {
          this.#submit(
            { type: "delete", path: snapshotPath(f.id.endOffset, f.id.epoch) },
            () => {},
          );
        }
      });
    });
  }

  /** Bytes [position, position + maxBytes) of the latest snapshot file, if `id` is still it. */
  readChunk(
    id: SnapshotId,
    position: number,
    maxBytes: number,
    done: (r: Result<Uint8Array, string>) => void,
  ): void {
    const file = this.latest;
    assert(file !== undefined && sameId(file.id, id), "read of a snapshot that is not the latest");
    assert(position >= 0 && position <= file.size, `snapshot position ${position}`);
    const length = Math.min(maxBytes, file.size - position);
    const path = snapshotPath(id.endOffset, id.epoch);
    this.#diskIo.submit({ type: "read", path, position, length }, (r) => {
      if (!r.ok || r.type !== "read") done(err(`snapshot read failed: ${r.ok ? r.type : r.code}`));
      else if (r.bytes.length !== length) done(err(`snapshot read ${r.bytes.length} of ${length}`));
      else done(ok(r.bytes));
    });
  }

  #submit(op: DiskOp, next: () => void): void {
    this.#diskIo.submit(op, (r: DiskResult) => {
      if (r.ok) next();
      else this.#onFailure(`snapshot ${op.type} failed: ${r.code} ${r.message}`);
    });
  }
}

export function sameId(a: SnapshotId | undefined, b: SnapshotId | undefined): boolean {
  return a !== undefined && b !== undefined && a.endOffset === b.endOffset && a.epoch === b.epoch;
}
