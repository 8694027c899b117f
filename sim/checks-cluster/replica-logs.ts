// Log matching across replicas, read from the simulated disks: below its own high watermark every
// replica of a partition holds exactly the leader's record batches (same offsets, same CRC), and
// below its own Raft high watermark every metadata quorum member holds the same entries as every
// other. Only what a process sees is read (page cache included); down nodes are skipped.

import type { BrokerView } from "../../core/broker/broker-view.ts";
import type { NodeId } from "../../core/ids.ts";
import { crc32c } from "../../core/log/crc32c.ts";
import { batchSizeBytes, readBatchHeader } from "../../core/log/record-batch.ts";
import { scanEntries } from "../../core/metadata/raft/entry-codec.ts";
import { METADATA_DIR } from "../../core/metadata/raft/files.ts";
import type { SimDisk } from "../disk.ts";

interface BatchFact {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly crc: number;
  readonly epoch: number;
}

/** The segment files of a folder, in base-offset order (names are %020d.log). */
function segments(disk: SimDisk, folder: string): string[] {
  const prefix = `${folder}/`;
  return disk
    .files()
    .filter(
      (f) => f.startsWith(prefix) && f.endsWith(".log") && !f.slice(prefix.length).includes("/"),
    )
    .sort();
}

/**
 * Every whole record batch of a partition's segments, in order, from headers alone (the stored
 * CRC tells two batches apart; the log itself validates it on every read and at recovery).
 */
export function partitionBatches(disk: SimDisk, topic: string, partition: number): BatchFact[] {
  const out: BatchFact[] = [];
  for (const path of segments(disk, `${topic}-${partition}`)) {
    const bytes = disk.cachedBytes(path);
    if (bytes === undefined) continue;
    let at = 0;
    while (at < bytes.length) {
      const header = readBatchHeader(bytes, at);
      if (!header.ok) break;
      const size = batchSizeBytes(header.value);
      if (size <= 0 || at + size > bytes.length) break;
      const h = header.value;
      out.push({
        baseOffset: h.baseOffset,
        lastOffset: h.baseOffset + h.lastOffsetDelta,
        crc: h.crc,
        epoch: h.partitionLeaderEpoch,
      });
      at += size;
    }
  }
  return out;
}

/** Metadata log entries as offset -> "epoch:crc". */
function metadataEntries(disk: SimDisk): Map<number, string> {
  const out = new Map<number, string>();
  for (const path of segments(disk, METADATA_DIR)) {
    const bytes = disk.cachedBytes(path);
    if (bytes === undefined) continue;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const frame of scanEntries(bytes, crc32c).frames) {
      out.set(frame.offset, `${frame.epoch}:${view.getUint32(frame.start + 4)}`);
    }
  }
  return out;
}

export interface ReplicaLogsOptions {
  readonly disks: ReadonlyMap<NodeId, SimDisk>;
  /** Partitions where the contract permits divergence below the HW (after an unclean election). */
  readonly excused: (topic: string, partition: number) => boolean;
}

/** Compares every up replica with its partition's leader; the first mismatch, or undefined. */
export function checkReplicaLogs(
  views: readonly BrokerView[],
  options: ReplicaLogsOptions,
): string | undefined {
  // The reference is the leader the newest registration names (highest partition epoch among the
  // views), when that broker itself leads in that epoch: a stale leader's log may hold an
  // uncommitted tail that the partition has moved past.
  const newest = new Map<string, { leader: number; leaderEpoch: number; partitionEpoch: number }>();
  for (const v of views) {
    for (const p of v.partitions) {
      const key = `${p.topic}\u0000${p.partition}`;
      const known = newest.get(key);
      if (known === undefined || known.partitionEpoch < p.partitionEpoch) newest.set(key, p);
    }
  }
  const leaders = new Map<string, { view: BrokerView; epoch: number }>();
  for (const [key, n] of newest) {
    const view = views.find((v) => v.nodeId === n.leader);
    const own = view?.partitions.find((p) => `${p.topic}\u0000${p.partition}` === key);
    if (view === undefined || own === undefined) continue;
    if (own.role !== "leader" || own.status !== "online" || own.leaderEpoch !== n.leaderEpoch) {
      continue;
    }
    leaders.set(key, { view, epoch: n.leaderEpoch });
  }
  for (const [key, leader] of leaders) {
    const [topic = "", partitionText = "0"] = key.split("\u0000");
    const partition = Number(partitionText);
    if (options.excused(topic, partition)) continue;
    const leaderDisk = options.disks.get(leader.view.nodeId);
    if (leaderDisk === undefined) continue;
    const reference = new Map<number, BatchFact>();
    for (const b of partitionBatches(leaderDisk, topic, partition)) reference.set(b.baseOffset, b);
    const leaderStart = leader.view.partitions.find(
      (p) => p.topic === topic && p.partition === partition,
    )?.logStartOffset;
    for (const v of views) {
      if (v.nodeId === leader.view.nodeId) continue;
      const replica = v.partitions.find((p) => p.topic === topic && p.partition === partition);
      if (replica === undefined || replica.status !== "online") continue;
      const disk = options.disks.get(v.nodeId);
      if (disk === undefined) continue;
      for (const b of partitionBatches(disk, topic, partition)) {
        if (b.lastOffset >= replica.highWatermark) break;
        if (b.baseOffset < (leaderStart ?? 0)) continue;
        const ref = reference.get(b.baseOffset);
        if (ref === undefined || ref.crc !== b.crc || ref.lastOffset !== b.lastOffset) {
          const theirs =
            ref === undefined
              ? "none"
              : `[${ref.baseOffset}..${ref.lastOffset}] crc ${ref.crc} epoch ${ref.epoch}`;
          return `${topic}-${partition}: broker ${v.nodeId} holds batch [${b.baseOffset}..${b.lastOffset}] crc ${b.crc} epoch ${b.epoch} below its HW ${replica.highWatermark}; leader ${leader.view.nodeId} (epoch ${leader.epoch}) holds ${theirs}`;
        }
      }
    }
  }
  return checkMetadataLogs(views, options.disks);
}

/** Raft log matching: entries below each member's HW agree with every other member's. */
function checkMetadataLogs(
  views: readonly BrokerView[],
  disks: ReadonlyMap<NodeId, SimDisk>,
): string | undefined {
  const committed: { node: NodeId; entries: Map<number, string>; hw: number }[] = [];
  for (const v of views) {
    const disk = disks.get(v.nodeId);
    if (disk === undefined || v.raft.role === "recovering") continue;
    committed.push({ node: v.nodeId, entries: metadataEntries(disk), hw: v.raft.highWatermark });
  }
  for (let i = 0; i < committed.length; i++) {
    for (let j = i + 1; j < committed.length; j++) {
      const a = committed[i]!;
      const b = committed[j]!;
      const bound = Math.min(a.hw, b.hw);
      for (const [offset, fact] of a.entries) {
        if (offset >= bound) continue;
        const other = b.entries.get(offset);
        if (other !== undefined && other !== fact) {
          return `metadata log entry ${offset} differs below the high watermark: node ${a.node} has ${fact}, node ${b.node} has ${other}`;
        }
      }
    }
  }
  return undefined;
}
