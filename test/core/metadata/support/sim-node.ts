// One simulated member: its disk, its log model (for the checker), its current incarnation's
// RaftCore with the Outbox and DiskIo it writes to, and the marks it emitted.

import type { DiskOp } from "../../../../core/disk.ts";
import { DiskIo } from "../../../../core/disk-io.ts";
import type { RaftCore, RaftView } from "../../../../core/metadata/raft/raft-core.ts";
import { Outbox } from "../../../../core/outbox.ts";
import { LogModel } from "./log-model.ts";
import type { MemDisk } from "./mem-disk.ts";

/** Small sizes so that short runs roll segments, take snapshots and read from disk. */
export const testRaftSizes = {
  segmentBytes: 512,
  snapshotThresholdBytes: 1_500,
  readChunkBytes: 128,
  tailCacheBytes: 256,
  fetchMaxBytes: 300,
  fetchSnapshotMaxBytes: 16,
} as const;

export class SimNode {
  readonly id: number;
  readonly disk: MemDisk;
  readonly model = new LogModel();
  alive = false;
  incarnation = 0;
  outbox = new Outbox();
  diskIo = new DiskIo(this.outbox);
  core: RaftCore | undefined;
  diskFreeAt = 0;
  /** Disk ops issued and not yet run (a crash drops them). */
  pendingDisk: DiskOp[] = [];
  maxReadBytes = 0;
  readonly marks = new Map<string, number>();

  constructor(id: number, disk: MemDisk) {
    this.id = id;
    this.disk = disk;
  }

  view(): RaftView {
    return this.core!.view();
  }
}
