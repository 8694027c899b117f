// A node's metadata log as the checker sees it: rebuilt from the disk ops the node issues (append,
// truncate, delete of segment files, decoded with the core's codec) and, after a crash, from the
// bytes that survived on its disk. Offset → (epoch, record key) of every retained entry.

import type { DiskOp } from "../../../../core/disk.ts";
import { crc32c } from "../../../../core/log/crc32c.ts";
import { readEntryRecord, scanEntries } from "../../../../core/metadata/raft/entry-codec.ts";
import { classifyFile, METADATA_DIR } from "../../../../core/metadata/raft/files.ts";
import type { MemDisk } from "./mem-disk.ts";
import { recordKey } from "./test-state-machine.ts";

export interface ModelEntry {
  readonly offset: number;
  readonly epoch: number;
  readonly key: string;
  readonly position: number;
  readonly path: string;
}

export class LogModel {
  readonly entries = new Map<number, ModelEntry>();
  readonly #files = new Map<string, { size: number; offsets: number[] }>();

  static isSegment(path: string): boolean {
    const name = path.slice(METADATA_DIR.length + 1);
    return path.startsWith(`${METADATA_DIR}/`) && classifyFile(name).type === "segment";
  }

  /** Applies an op the node issued; returns the entries it added. */
  onDiskOp(op: DiskOp): ModelEntry[] {
    if (op.type === "append" && LogModel.isSegment(op.path)) return this.#append(op.path, op.bytes);
    if (op.type === "truncate" && LogModel.isSegment(op.path)) this.#truncate(op.path, op.size);
    if (op.type === "delete" && LogModel.isSegment(op.path)) this.#truncate(op.path, 0, true);
    return [];
  }

  #append(path: string, bytes: Uint8Array): ModelEntry[] {
    let file = this.#files.get(path);
    if (file === undefined) {
      file = { size: 0, offsets: [] };
      this.#files.set(path, file);
    }
    const added: ModelEntry[] = [];
    const scan = scanEntries(bytes, crc32c);
    for (const frame of scan.frames) {
      const decoded = readEntryRecord(bytes, frame);
      if (!decoded.ok) break;
      const entry = {
        offset: frame.offset,
        epoch: frame.epoch,
        key: recordKey(decoded.value.record),
        position: file.size + frame.start,
        path,
      };
      this.entries.set(entry.offset, entry);
      file.offsets.push(entry.offset);
      added.push(entry);
    }
    file.size += bytes.length;
    return added;
  }

  #truncate(path: string, size: number, remove = false): void {
    const file = this.#files.get(path);
    if (file === undefined) return;
    file.offsets = file.offsets.filter((o) => {
      const e = this.entries.get(o);
      if (e === undefined || e.path !== path) return false;
      if (e.position < size) return true;
      this.entries.delete(o);
      return false;
    });
    file.size = Math.min(file.size, size);
    if (remove) this.#files.delete(path);
  }

  /** After a crash: the log is whatever whole, valid entries the surviving bytes hold. */
  rebuild(disk: MemDisk): ModelEntry[] {
    this.entries.clear();
    this.#files.clear();
    const paths = [...disk.files.keys()].filter((p) => LogModel.isSegment(p)).sort();
    const added: ModelEntry[] = [];
    for (const path of paths) added.push(...this.#append(path, disk.files.get(path)!.bytes));
    return added;
  }

  minOffset(): number | undefined {
    let min: number | undefined;
    for (const o of this.entries.keys()) if (min === undefined || o < min) min = o;
    return min;
  }
}
