// Which __consumer_offsets partitions the group coordinator serves: those this broker leads. On
// becoming leader (or a new leader epoch) a partition's log is replayed from its log start offset
// to its log end offset of that moment, then served; losing leadership unloads it at once.

import { assert } from "../assert.ts";
import type { Offset } from "../ids.ts";
import { limits } from "../limits.ts";
import { batchSizeBytes, scanBatches } from "../log/record-batch.ts";
import type { BrokerContext } from "./broker-context.ts";
import type { HostedPartition } from "./hosted-partition.ts";
import { OFFSETS_TOPIC } from "./topic-name.ts";

export interface GroupLoadTarget {
  begin(partition: number): void;
  batch(partition: number, bytes: Uint8Array): void;
  complete(partition: number): void;
  unload(partition: number): void;
}

interface Hosting {
  readonly leaderEpoch: number;
  /** Distinguishes this load from earlier ones of the partition: stale reads are dropped. */
  readonly token: number;
  loaded: boolean;
}

const RETRY = "group-load-retry:";
const RETRY_DELAY_MS = 500;
/** Reads one load makes at most before it gives up and retries (a log that never ends). */
const LOAD_READS_MAX = 1_000_000;

export class GroupLoader {
  readonly #ctx: BrokerContext;
  readonly #target: GroupLoadTarget;
  readonly #hosting = new Map<number, Hosting>();
  #nextToken = 1;

  constructor(ctx: BrokerContext, target: GroupLoadTarget) {
    this.#ctx = ctx;
    this.#target = target;
  }

  /** Partitions being loaded or served, with whether they are loaded. */
  view(): { readonly partition: number; readonly loaded: boolean }[] {
    return [...this.#hosting]
      .map(([partition, h]) => ({ partition, loaded: h.loaded }))
      .sort((a, b) => a.partition - b.partition);
  }

  /** A hosted replica of __consumer_offsets changed: load or unload it as its leadership says. */
  partitionChanged(hosted: HostedPartition): void {
    assert(hosted.topic === OFFSETS_TOPIC, `${hosted.key} is no offsets partition`);
    const p = hosted.partition;
    const leading = !hosted.removed && hosted.isServingLeader(this.#ctx.config.nodeId);
    const current = this.#hosting.get(p);
    if (current !== undefined && (!leading || current.leaderEpoch !== hosted.leaderEpoch)) {
      this.#hosting.delete(p);
      this.#target.unload(p);
    }
    if (leading && !this.#hosting.has(p) && !this.#ctx.deadlines.has(`${RETRY}${p}`)) {
      this.#load(hosted);
    }
  }

  onDeadline(key: string): boolean {
    if (!key.startsWith(RETRY)) return false;
    const hosted = this.#ctx.replicas.hosted(OFFSETS_TOPIC, Number(key.slice(RETRY.length)));
    if (hosted !== undefined) this.partitionChanged(hosted);
    return true;
  }

  #load(hosted: HostedPartition): void {
    const p = hosted.partition;
    const token = this.#nextToken++;
    this.#hosting.set(p, { leaderEpoch: hosted.leaderEpoch, token, loaded: false });
    this.#target.begin(p);
    // Everything appended so far: a new leader keeps its whole log (it never truncates as leader).
    this.#read(hosted, token, hosted.log.logStartOffset, hosted.log.logEndOffset, 0);
  }

  #current(p: number, token: number): boolean {
    return this.#hosting.get(p)?.token === token;
  }

  #read(hosted: HostedPartition, token: number, from: Offset, end: Offset, reads: number): void {
    const p = hosted.partition;
    if (from >= end) {
      const hosting = this.#hosting.get(p);
      assert(hosting !== undefined && hosting.token === token, "completing a stale load");
      hosting.loaded = true;
      this.#target.complete(p);
      return;
    }
    if (reads >= LOAD_READS_MAX) {
      this.#retryLater(p, "group-load-too-many-reads");
      return;
    }
    hosted.log.read(from, limits.logReadChunkBytes, end, (read) => {
      if (!this.#current(p, token) || hosted.removed) return;
      if (read.type === "error") {
        this.#retryLater(p, "group-load-read-failed");
        return;
      }
      const scan = scanBatches(read.bytes, 0, this.#ctx.crc);
      if (scan.stop !== null || scan.batches.length === 0) {
        // Nothing below `end` from here (compacted away) or bytes that do not parse: stop here.
        if (scan.stop !== null) this.#ctx.outbox.mark("group-load-bad-bytes");
        this.#read(hosted, token, end, end, reads + 1);
        return;
      }
      for (const b of scan.batches) {
        const bytes = read.bytes.subarray(b.position, b.position + batchSizeBytes(b.header));
        this.#target.batch(p, bytes);
        // Replaying a batch never unloads, but a step inside could: check before going on.
        if (!this.#current(p, token)) return;
      }
      assert(read.lastOffset >= from, `read from ${from} ended at ${read.lastOffset}`);
      this.#read(hosted, token, read.lastOffset + 1, end, reads + 1);
    });
  }

  #retryLater(p: number, mark: string): void {
    this.#ctx.outbox.mark(mark);
    this.#hosting.delete(p);
    this.#target.unload(p);
    this.#ctx.deadlines.set(`${RETRY}${p}`, this.#ctx.now + RETRY_DELAY_MS);
  }

  checkInvariants(): void {
    for (const [p, hosting] of this.#hosting) {
      const hosted = this.#ctx.replicas.hosted(OFFSETS_TOPIC, p);
      assert(hosted !== undefined, `offsets partition ${p} served but not hosted`);
      assert(hosting.leaderEpoch <= hosted.leaderEpoch, `offsets partition ${p}: epoch went back`);
    }
  }
}
