// Log matching across replicas, read from the simulated disks: below its own high watermark every
// replica of a partition holds exactly the leader's record batches (same offsets, same CRC), and
// below its own Raft high watermark every metadata quorum member holds the same entries as every
// other. Only what a process sees is read (page cache included); down nodes are skipped.

import type { BrokerView } from "../../core/broker/broker-view.ts";
import type { NodeId } from "../../core/ids.ts";
import { logFolder } from "../../core/log/log-files.ts";
import { METADATA_DIR } from "../../core/metadata/raft/files.ts";
import type { SimDisk } from "../disk.ts";
import {
  type BatchFact,
  DiskLogReader,
  type EntryFact,
  type FolderFacts,
} from "./disk-log-reader.ts";

export interface ReplicaLogsOptions {
  readonly disks: ReadonlyMap<NodeId, SimDisk>;
  /** Partitions where the contract permits divergence below the HW (after an unclean election). */
  readonly excused: (topic: string, partition: number) => boolean;
  /**
   * Whether the node's disk still has a truncate, delete or rename of the folder queued: its disk
   * then shows batches the process has already cut away (a follower truncates, then appends the
   * leader's batches at the same offsets at once). Such a log is compared once that completes.
   */
  readonly shrinkPending?: (node: NodeId, folder: string) => boolean;
}

/** Compares every up replica with its partition's leader; the first mismatch, or undefined. */
export function checkReplicaLogs(
  views: readonly BrokerView[],
  options: ReplicaLogsOptions,
): string | undefined {
  return new ReplicaLogChecker(options).check(views);
}

/** What one replica was verified against: below `below`, while neither log changed but by growth. */
interface Verified {
  readonly leader: string;
  readonly leaderId: number;
  readonly replicaId: number;
  readonly below: number;
}

/**
 * The same checks kept across steps (the cluster runs it after every one): each replica's batches
 * and each pair of quorum members' entries are compared once, from where the last comparison
 * ended, as long as both logs only grew since; any other change (a truncation, a crash, a
 * rewrite, a new leader) compares them again from the start.
 */
export class ReplicaLogChecker {
  readonly #options: ReplicaLogsOptions;
  readonly #readers = new Map<NodeId, DiskLogReader>();
  readonly #verified = new Map<string, Verified>();
  readonly #references = new Map<string, FactIndex<BatchFact>>();
  readonly #metadata = new Map<NodeId, FactIndex<EntryFact>>();
  /** Per pair of quorum members: the index generations compared, and the offset compared below. */
  readonly #pairs = new Map<string, { a: number; b: number; below: number }>();

  constructor(options: ReplicaLogsOptions) {
    this.#options = options;
  }

  #reader(node: NodeId): DiskLogReader | undefined {
    let reader = this.#readers.get(node);
    const disk = this.#options.disks.get(node);
    if (disk === undefined) return undefined;
    if (reader === undefined) {
      reader = new DiskLogReader(disk);
      this.#readers.set(node, reader);
    }
    return reader;
  }

  check(views: readonly BrokerView[]): string | undefined {
    for (const [key, leader] of servingLeaders(views)) {
      const [topic = "", partitionText = "0"] = key.split("\u0000");
      const partition = Number(partitionText);
      if (this.#options.excused(topic, partition)) continue;
      const folder = logFolder(topic, partition);
      const pending = (node: NodeId) => this.#options.shrinkPending?.(node, folder) === true;
      if (pending(leader.view.nodeId)) continue;
      const leaderReader = this.#reader(leader.view.nodeId);
      if (leaderReader === undefined) continue;
      const leaderFacts = leaderReader.partitionBatches(topic, partition);
      const reference = this.#reference(`${leader.view.nodeId}\u0000${key}`, leaderFacts);
      const leaderStart = leader.view.partitions.find(
        (p) => p.topic === topic && p.partition === partition,
      )?.logStartOffset;
      const leaderId = `${leader.view.nodeId}@${leader.epoch}`;
      for (const v of views) {
        if (v.nodeId === leader.view.nodeId) continue;
        const replica = v.partitions.find((p) => p.topic === topic && p.partition === partition);
        if (replica === undefined || replica.status !== "online") continue;
        if (pending(v.nodeId)) continue;
        const reader = this.#reader(v.nodeId);
        if (reader === undefined) continue;
        const facts = reader.partitionBatches(topic, partition);
        const vkey = `${v.nodeId}\u0000${key}`;
        const known = this.#verified.get(vkey);
        const from =
          known !== undefined &&
          known.leader === leaderId &&
          known.leaderId === leaderFacts.id &&
          known.replicaId === facts.id
            ? known.below
            : 0;
        let below = from;
        for (let f = firstFileEndingAtOrAfter(facts.files, from); f < facts.files.length; f++) {
          const file = facts.files[f]!;
          for (let k = firstEndingAtOrAfter(file, from); k < file.length; k++) {
            const b = file[k]!;
            if (b.lastOffset >= replica.highWatermark) break;
            below = b.lastOffset + 1;
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
        this.#verified.set(vkey, {
          leader: leaderId,
          leaderId: leaderFacts.id,
          replicaId: facts.id,
          below,
        });
      }
    }
    return this.#checkMetadataLogs(views);
  }

  /** The leader's batches by base offset, extended while its log only grew. */
  #reference(key: string, facts: FolderFacts<BatchFact>): Map<number, BatchFact> {
    let index = this.#references.get(key);
    if (index === undefined) {
      index = new FactIndex<BatchFact>((b) => b.baseOffset);
      this.#references.set(key, index);
    }
    return index.update(facts);
  }

  /** Raft log matching: entries below each pair's lower HW agree, compared from where they last ended. */
  #checkMetadataLogs(views: readonly BrokerView[]): string | undefined {
    const members: { node: NodeId; index: FactIndex<EntryFact>; hw: number }[] = [];
    for (const v of views) {
      const reader = this.#reader(v.nodeId);
      if (reader === undefined || v.raft.role === "recovering") continue;
      let index = this.#metadata.get(v.nodeId);
      if (index === undefined) {
        index = new FactIndex<EntryFact>((e) => e.offset);
        this.#metadata.set(v.nodeId, index);
      }
      index.update(reader.metadataEntries(METADATA_DIR));
      members.push({ node: v.nodeId, index, hw: v.raft.highWatermark });
    }
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        const a = members[i]!;
        const b = members[j]!;
        const pair = `${a.node}:${b.node}`;
        const known = this.#pairs.get(pair);
        const bound = Math.min(a.hw, b.hw);
        const from =
          known !== undefined && known.a === a.index.generation && known.b === b.index.generation
            ? known.below
            : a.index.lowest();
        for (let offset = from; offset < bound; offset++) {
          const fa = a.index.map.get(offset)?.fact;
          const fb = b.index.map.get(offset)?.fact;
          if (fa !== undefined && fb !== undefined && fa !== fb) {
            return `metadata log entry ${offset} differs below the high watermark: node ${a.node} has ${fa}, node ${b.node} has ${fb}`;
          }
        }
        const below = Math.max(from, bound);
        this.#pairs.set(pair, { a: a.index.generation, b: b.index.generation, below });
      }
    }
    return undefined;
  }
}

/** The index of the first batch whose last offset is >= `offset` (batches in offset order). */
function firstEndingAtOrAfter(batches: readonly BatchFact[], offset: number): number {
  let lo = 0;
  let hi = batches.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (batches[mid]!.lastOffset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index of the first file whose facts reach `offset` (files in offset order; empty ones skipped). */
function firstFileEndingAtOrAfter(
  files: readonly (readonly BatchFact[])[],
  offset: number,
): number {
  let lo = 0;
  let hi = files.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const last = files[mid]!.at(-1);
    // An empty file sorts with what precedes it: only a newly rolled last segment is empty.
    if (last === undefined ? mid < files.length - 1 : last.lastOffset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Facts by key, kept up to date from a folder's facts: extended while the folder's token extends
 * the last one seen (files only grew or were added), built again otherwise (a new generation).
 */
class FactIndex<T> {
  readonly #keyOf: (fact: T) => number;
  #id = -1;
  #counts: number[] = [];
  map = new Map<number, T>();
  generation = 0;

  constructor(keyOf: (fact: T) => number) {
    this.#keyOf = keyOf;
  }

  update(facts: FolderFacts<T>): Map<number, T> {
    if (facts.id !== this.#id) {
      this.#id = facts.id;
      this.#counts = [];
      this.map = new Map();
      this.generation++;
    }
    // Only the last file seen and files after it can have grown.
    for (let i = Math.max(0, this.#counts.length - 1); i < facts.files.length; i++) {
      const file = facts.files[i]!;
      // A Map keeps the newest fact per key (a later segment wins), as a full read did.
      for (let k = this.#counts[i] ?? 0; k < file.length; k++) {
        const fact = file[k]!;
        this.map.set(this.#keyOf(fact), fact);
      }
      this.#counts[i] = file.length;
    }
    return this.map;
  }
  /** The smallest key held (0 when empty): where a comparison from scratch starts. */
  lowest(): number {
    let lowest = Number.POSITIVE_INFINITY;
    for (const key of this.map.keys()) lowest = Math.min(lowest, key);
    return Number.isFinite(lowest) ? lowest : 0;
  }
}

/**
 * The leader the newest registration names (highest partition epoch among the views), when that
 * broker itself leads in that epoch: a stale leader's log may hold an uncommitted tail that the
 * partition has moved past.
 */
function servingLeaders(
  views: readonly BrokerView[],
): Map<string, { view: BrokerView; epoch: number }> {
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
  return leaders;
}
