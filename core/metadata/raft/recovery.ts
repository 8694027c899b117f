// Recovery of the metadata log dir at start: list it, drop leftovers of interrupted atomic writes,
// read the quorum-state and the newest valid snapshot, then read every segment in bounded chunks,
// checking CRCs and offsets, and cut the log at the first torn or corrupt entry.

import type { DirEntry, DiskOp, DiskResult } from "../../disk.ts";
import type { DiskIo } from "../../disk-io.ts";
import type { Epoch, Offset } from "../../ids.ts";
import { limits } from "../../limits.ts";
import type { Outbox } from "../../outbox.ts";
import type { RaftConfig } from "./config.ts";
import { scanEntries } from "./entry-codec.ts";
import {
  classifyFile,
  METADATA_DIR,
  QUORUM_STATE_FILE,
  segmentPath,
  snapshotPath,
} from "./files.ts";
import type { RecoveredLog, TailEntry } from "./metadata-log.ts";
import { decodeElectionState, type ElectionState } from "./quorum-state-codec.ts";
import { decodeSnapshot } from "./snapshot-codec.ts";
import type { SnapshotFile } from "./snapshot-store.ts";

export interface RecoveryResult {
  readonly election: ElectionState | undefined;
  readonly snapshot: { readonly file: SnapshotFile; readonly state: Uint8Array } | undefined;
  readonly log: RecoveredLog;
  readonly truncatedBytes: number;
}

interface SegmentScan {
  readonly baseOffset: Offset;
  readonly path: string;
  readonly fileSize: number;
  readonly positions: number[];
  position: number;
}

export class Recovery {
  readonly #config: RaftConfig;
  readonly #diskIo: DiskIo;
  readonly #outbox: Outbox;
  readonly #done: (result: RecoveryResult) => void;
  readonly #fail: (reason: string) => void;
  #election: ElectionState | undefined;
  #snapshot: RecoveryResult["snapshot"];
  #segmentFiles: { baseOffset: Offset; size: number }[] = [];
  #scanned: SegmentScan[] = [];
  #epochStarts: { epoch: Epoch; start: Offset }[] = [];
  #tail: TailEntry[] = [];
  #tailHead = 0;
  #tailBytes = 0;
  #epochBeforeStart: Epoch | undefined;
  #truncatedBytes = 0;

  constructor(
    config: RaftConfig,
    diskIo: DiskIo,
    outbox: Outbox,
    done: (result: RecoveryResult) => void,
    fail: (reason: string) => void,
  ) {
    this.#config = config;
    this.#diskIo = diskIo;
    this.#outbox = outbox;
    this.#done = done;
    this.#fail = fail;
  }

  start(): void {
    this.#submit({ type: "list", dir: METADATA_DIR }, (r) => {
      if (r.type !== "list") return;
      this.#classify(r.entries);
    });
  }

  #submit(op: DiskOp, next: (result: DiskResult & { ok: true }) => void): void {
    this.#diskIo.submit(op, (r) => {
      if (r.ok) next(r);
      else this.#fail(`metadata recovery ${op.type} failed: ${r.code} ${r.message}`);
    });
  }

  #delete(path: string): void {
    this.#submit({ type: "delete", path }, () => {});
  }

  #classify(entries: readonly DirEntry[]): void {
    const snapshots: SnapshotFile[] = [];
    let quorumStateSize: number | undefined;
    const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of sorted) {
      if (entry.kind !== "file") continue;
      const file = classifyFile(entry.name);
      if (file.type === "temporary") this.#delete(`${METADATA_DIR}/${entry.name}`);
      else if (file.type === "quorum-state") quorumStateSize = entry.size;
      else if (file.type === "segment") {
        this.#segmentFiles.push({ baseOffset: file.baseOffset, size: entry.size });
      } else if (file.type === "snapshot") {
        snapshots.push({ id: { endOffset: file.endOffset, epoch: file.epoch }, size: entry.size });
      }
    }
    this.#segmentFiles.sort((a, b) => a.baseOffset - b.baseOffset);
    snapshots.sort((a, b) => b.id.endOffset - a.id.endOffset || b.id.epoch - a.id.epoch);
    this.#readQuorumState(quorumStateSize, () => this.#readSnapshot(snapshots));
  }

  #readQuorumState(size: number | undefined, next: () => void): void {
    if (size === undefined) {
      next();
      return;
    }
    this.#submit({ type: "read", path: QUORUM_STATE_FILE, position: 0, length: size }, (r) => {
      if (r.type !== "read") return;
      const decoded = decodeElectionState(r.bytes, this.#config.crc);
      // A vote that cannot be read could be cast twice: refuse to take part rather than guess.
      if (!decoded.ok) {
        this.#fail(`quorum-state unreadable: ${decoded.error}`);
        return;
      }
      this.#election = decoded.value;
      next();
    });
  }

  /** Newest first; a snapshot that fails its CRC is deleted and the next one tried. */
  #readSnapshot(candidates: SnapshotFile[]): void {
    const file = candidates.shift();
    if (file === undefined) {
      this.#startSegments();
      return;
    }
    const path = snapshotPath(file.id.endOffset, file.id.epoch);
    if (file.size > limits.metadataSnapshotBytesMax + 64) {
      this.#rejectSnapshot(path, candidates, "snapshot too large");
      return;
    }
    const bytes = new Uint8Array(file.size);
    const readFrom = (position: number): void => {
      if (position >= file.size) {
        const decoded = decodeSnapshot(bytes, this.#config.crc);
        const id = decoded.ok ? decoded.value.id : undefined;
        if (!decoded.ok || id?.endOffset !== file.id.endOffset || id.epoch !== file.id.epoch) {
          this.#rejectSnapshot(path, candidates, decoded.ok ? "id mismatch" : decoded.error);
          return;
        }
        this.#snapshot = { file, state: decoded.value.state };
        for (const older of candidates)
          this.#delete(snapshotPath(older.id.endOffset, older.id.epoch));
        this.#startSegments();
        return;
      }
      const length = Math.min(this.#config.readChunkBytes, file.size - position);
      this.#submit({ type: "read", path, position, length }, (r) => {
        if (r.type !== "read") return;
        if (r.bytes.length === 0) {
          this.#rejectSnapshot(path, candidates, "short snapshot file");
          return;
        }
        bytes.set(r.bytes, position);
        readFrom(position + r.bytes.length);
      });
    };
    readFrom(0);
  }

  #rejectSnapshot(path: string, rest: SnapshotFile[], reason: string): void {
    this.#outbox.mark("raft-recovery-snapshot-rejected");
    this.#outbox.trace({
      type: "raft-truncated",
      epoch: 0,
      logEndOffset: 0,
      reason: `snapshot ${path} rejected: ${reason}`,
    });
    this.#delete(path);
    this.#readSnapshot(rest);
  }

  get #logStartOffset(): Offset {
    return this.#snapshot?.file.id.endOffset ?? 0;
  }

  #startSegments(): void {
    const logStart = this.#logStartOffset;
    const files = this.#segmentFiles;
    // Segments wholly below the snapshot are leftovers of an interrupted cleanup.
    while (files.length > 1 && files[1]!.baseOffset <= logStart) {
      this.#delete(segmentPath(files.shift()!.baseOffset));
    }
    const first = files[0];
    if (first !== undefined && first.baseOffset > logStart) {
      this.#outbox.mark("raft-recovery-log-gap");
      this.#dropSegmentsFrom(0);
    }
    this.#scanSegment(0);
  }

  #dropSegmentsFrom(index: number): void {
    const dropped = this.#segmentFiles.splice(index);
    for (const f of dropped.reverse()) {
      this.#truncatedBytes += f.size;
      this.#delete(segmentPath(f.baseOffset));
    }
  }

  #scanSegment(index: number): void {
    const file = this.#segmentFiles[index];
    if (file === undefined) {
      this.#finish();
      return;
    }
    const previous = this.#scanned.at(-1);
    const expected = previous === undefined ? file.baseOffset : nextOffset(previous);
    if (file.baseOffset !== expected) {
      this.#outbox.mark("raft-recovery-log-gap");
      this.#dropSegmentsFrom(index);
      this.#finish();
      return;
    }
    const scan: SegmentScan = {
      baseOffset: file.baseOffset,
      path: segmentPath(file.baseOffset),
      fileSize: file.size,
      positions: [],
      position: 0,
    };
    this.#readChunk(index, scan, this.#config.readChunkBytes);
  }

  #readChunk(index: number, scan: SegmentScan, length: number): void {
    if (scan.position >= scan.fileSize) {
      this.#segmentDone(index, scan);
      return;
    }
    const op = { type: "read", path: scan.path, position: scan.position, length } as const;
    this.#submit(op, (r) => {
      if (r.type !== "read") return;
      const bytes = r.bytes;
      const result = scanEntries(bytes, this.#config.crc, 0, bytes.length, nextOffset(scan));
      let validEnd = result.validEnd;
      for (const frame of result.frames) {
        if (!this.#accept(frame.offset, frame.epoch, bytes.subarray(frame.start, frame.end))) {
          validEnd = frame.start;
          break;
        }
        scan.positions.push(scan.position + frame.start);
      }
      const cutShort = validEnd < result.validEnd || result.stop.type === "corrupt";
      scan.position += validEnd;
      const stop = result.stop;
      if (!cutShort && stop.type === "partial" && scan.position + stop.needBytes <= scan.fileSize) {
        this.#readChunk(index, scan, Math.max(this.#config.readChunkBytes, stop.needBytes));
      } else if (!cutShort && stop.type === "end" && bytes.length > 0) {
        this.#readChunk(index, scan, this.#config.readChunkBytes);
      } else if (scan.position < scan.fileSize) {
        this.#cutTail(index, scan, cutShort ? "corrupt entry" : "torn tail");
      } else {
        this.#segmentDone(index, scan);
      }
    });
  }

  /** Tracks epochs and the tail for one valid entry; false when its epoch goes backwards. */
  #accept(offset: Offset, epoch: Epoch, bytes: Uint8Array): boolean {
    const logStart = this.#logStartOffset;
    if (offset === logStart - 1) this.#epochBeforeStart = epoch;
    if (offset < logStart) return true;
    const last = this.#epochStarts.at(-1);
    if (last !== undefined && epoch < last.epoch) return false;
    if (last === undefined || last.epoch !== epoch)
      this.#epochStarts.push({ epoch, start: offset });
    this.#tail.push({ offset, epoch, bytes: bytes.slice() });
    this.#tailBytes += bytes.length;
    while (this.#tailBytes > this.#config.tailCacheBytes && this.#tailHead < this.#tail.length) {
      this.#tailBytes -= this.#tail[this.#tailHead]!.bytes.length;
      this.#tailHead++;
    }
    if (this.#tailHead > 1024 && this.#tailHead * 2 > this.#tail.length) {
      this.#tail = this.#tail.slice(this.#tailHead);
      this.#tailHead = 0;
    }
    return true;
  }

  #cutTail(index: number, scan: SegmentScan, reason: string): void {
    this.#outbox.mark(reason === "torn tail" ? "raft-recovery-torn-tail" : "raft-recovery-corrupt");
    this.#truncatedBytes += scan.fileSize - scan.position;
    if (scan.positions.length === 0) this.#delete(scan.path);
    else this.#submit({ type: "truncate", path: scan.path, size: scan.position }, () => {});
    this.#dropSegmentsFrom(index + 1);
    if (scan.positions.length > 0) this.#scanned.push(scan);
    this.#finish();
  }

  #segmentDone(index: number, scan: SegmentScan): void {
    if (scan.positions.length === 0) {
      this.#delete(scan.path);
      this.#dropSegmentsFrom(index + 1);
      this.#finish();
      return;
    }
    this.#scanned.push(scan);
    this.#scanSegment(index + 1);
  }

  #finish(): void {
    const logStart = this.#logStartOffset;
    const last = this.#scanned.at(-1);
    const logEnd = last === undefined ? logStart : nextOffset(last);
    const first = this.#scanned[0];
    const snapshot = this.#snapshot?.file.id;
    const consistent =
      snapshot === undefined ||
      first === undefined ||
      (logEnd >= logStart &&
        (first.baseOffset === logStart || this.#epochBeforeStart === snapshot.epoch));
    if (!consistent) {
      // The log was being replaced by a fetched snapshot when the node stopped: finish that.
      this.#outbox.mark("raft-recovery-log-replaced-by-snapshot");
      for (const s of [...this.#scanned].reverse()) {
        this.#truncatedBytes += s.fileSize;
        this.#delete(s.path);
      }
      this.#scanned = [];
      this.#epochStarts = [];
      this.#tail = [];
      this.#tailHead = 0;
    }
    this.#done({
      election: this.#election,
      snapshot: this.#snapshot,
      log: {
        logStartOffset: logStart,
        snapshot,
        segments: this.#scanned.map((s) => ({
          baseOffset: s.baseOffset,
          positions: s.positions,
          size: s.position,
        })),
        epochStarts: this.#epochStarts,
        tail: this.#tail.slice(this.#tailHead),
      },
      truncatedBytes: this.#truncatedBytes,
    });
  }
}

function nextOffset(scan: SegmentScan): Offset {
  return scan.baseOffset + scan.positions.length;
}
