// The leader side of follower fetches (Kafka's fetch path for replicaId >= 0): each partition is
// checked and its position recorded by LeaderPartition, then whole batches are read up to the log
// end offset. With nothing to send the fetch parks (long poll) until a partition's log end offset,
// high watermark or leadership changes, or maxWaitMs passes. At most one parked fetch per follower.

import { assert } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import type { Epoch, Millis, NodeId } from "../ids.ts";
import type {
  ReplicaFetchPartition,
  ReplicaFetchPartitionResponse,
  ReplicaFetchRequest,
} from "../replication/messages.ts";
import type { BrokerContext } from "./broker-context.ts";
import type { HostedPartition } from "./hosted-partition.ts";

const TIMER = "replica-fetch-park:";
const NO_RECORDS = new Uint8Array(0);

/** One partition of a follower fetch that passed the leader's checks: what to read. */
interface ReadPart {
  readonly index: number;
  readonly hosted: HostedPartition;
  readonly leaderEpoch: Epoch;
  readonly fetchOffset: number;
  readonly maxBytes: number;
}

interface ActiveFetch {
  readonly id: number;
  readonly from: NodeId;
  readonly request: ReplicaFetchRequest;
  readonly answers: ReplicaFetchPartitionResponse[];
  readonly reads: readonly ReadPart[];
  readonly deadline: Millis;
  /** Partition key -> what it looked like when last read: a wake is a change of it. */
  readonly seen: Map<string, string>;
  /** An error or a diverging epoch is answered at once, whatever the bytes. */
  readonly urgent: boolean;
  state: "reading" | "parked" | "done";
  rerun: boolean;
}

export class FollowerFetchServer {
  readonly #ctx: BrokerContext;
  readonly #active = new Map<number, ActiveFetch>();
  #nextId = 1;

  constructor(ctx: BrokerContext) {
    this.#ctx = ctx;
  }

  get parked(): number {
    let n = 0;
    for (const f of this.#active.values()) if (f.state === "parked") n++;
    return n;
  }

  onRequest(from: NodeId, request: ReplicaFetchRequest): void {
    const ctx = this.#ctx;
    // A follower has one fetch in flight to us: an older one still here was given up on.
    for (const f of [...this.#active.values()]) if (f.from === from) this.#finish(f, false);
    const answers: ReplicaFetchPartitionResponse[] = [];
    const reads: ReadPart[] = [];
    let urgent = false;
    let advanced = false;
    request.partitions.forEach((part, index) => {
      const checked = this.#check(from, request, part);
      answers.push(checked.answer);
      if (checked.read !== undefined) reads.push({ ...checked.read, index });
      else urgent = true;
      if (checked.advanced) advanced = true;
    });
    const fetch: ActiveFetch = {
      id: this.#nextId++,
      from,
      request,
      answers,
      reads,
      deadline: ctx.mono.now + Math.max(0, request.maxWaitMs),
      seen: new Map(),
      urgent: urgent || advanced,
      state: "reading",
      rerun: false,
    };
    this.#active.set(fetch.id, fetch);
    this.#read(fetch);
  }

  /** The leader's checks for one partition; the answer to send, and what to read if valid. */
  #check(
    from: NodeId,
    request: ReplicaFetchRequest,
    part: ReplicaFetchPartition,
  ): {
    answer: ReplicaFetchPartitionResponse;
    read?: Omit<ReadPart, "index">;
    advanced?: boolean;
  } {
    const ctx = this.#ctx;
    const fail = (errorCode: ErrorCode) => ({ answer: errorAnswer(part, errorCode) });
    const hosted = ctx.replicas.hosted(part.topic, part.partition);
    if (hosted === undefined || hosted.registration.topicId !== part.topicId) {
      return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    }
    const leader = hosted.leader;
    if (leader === null || !hosted.isServingLeader(ctx.config.nodeId)) {
      const offline = hosted.log.status === "offline";
      return fail(offline ? ErrorCode.KAFKA_STORAGE_ERROR : ErrorCode.NOT_LEADER_OR_FOLLOWER);
    }
    const outcome = leader.onFollowerFetch(ctx.mono.now, from, request.brokerEpoch, part);
    ctx.replicas.touch(hosted);
    const base = {
      topic: part.topic,
      topicId: part.topicId,
      partition: part.partition,
      highWatermark: outcome.highWatermark,
      logStartOffset: outcome.logStartOffset,
      records: NO_RECORDS,
    };
    if (outcome.type === "error") {
      return { answer: { ...base, errorCode: outcome.errorCode, divergingEpoch: null } };
    }
    if (outcome.type === "diverging") {
      const answer = { ...base, errorCode: ErrorCode.NONE, divergingEpoch: outcome.divergingEpoch };
      return { answer };
    }
    return {
      answer: { ...base, errorCode: ErrorCode.NONE, divergingEpoch: null },
      read: {
        hosted,
        leaderEpoch: leader.leaderEpoch,
        fetchOffset: outcome.fetchOffset,
        maxBytes: outcome.maxBytes,
      },
      advanced: outcome.highWatermarkAdvanced,
    };
  }

  /** Reads every valid partition from its fetch offset to the log end offset, within budgets. */
  #read(fetch: ActiveFetch): void {
    fetch.state = "reading";
    fetch.rerun = false;
    for (const r of fetch.reads) fetch.seen.set(r.hosted.key, signature(r.hosted));
    let budget = fetch.request.maxBytes;
    let bytes = 0;
    const next = (i: number): void => {
      if (fetch.state === "done") return;
      const r = fetch.reads[i];
      if (r === undefined) {
        this.#passDone(fetch, bytes);
        return;
      }
      const current = fetch.answers[r.index];
      assert(current !== undefined, "a read without its answer slot");
      const leader = r.hosted.leader;
      if (leader === null || leader.leaderEpoch !== r.leaderEpoch || r.hosted.removed) {
        fetch.answers[r.index] = errorAnswer(current, ErrorCode.NOT_LEADER_OR_FOLLOWER);
        next(i + 1);
        return;
      }
      const log = r.hosted.log;
      const offsets = { highWatermark: leader.highWatermark, logStartOffset: log.logStartOffset };
      const limit = Math.min(r.maxBytes, budget);
      if ((bytes > 0 && limit <= 0) || r.fetchOffset >= log.logEndOffset) {
        fetch.answers[r.index] = { ...current, ...offsets, records: NO_RECORDS };
        next(i + 1);
        return;
      }
      log.read(r.fetchOffset, Math.max(limit, 1), log.logEndOffset, (read) => {
        if (read.type === "error") {
          fetch.answers[r.index] = errorAnswer(current, read.error);
        } else if (read.bytes.length === 0 || (bytes > 0 && read.bytes.length > limit)) {
          fetch.answers[r.index] = { ...current, ...offsets, records: NO_RECORDS };
        } else {
          fetch.answers[r.index] = { ...current, ...offsets, records: read.bytes };
          bytes += read.bytes.length;
          budget -= read.bytes.length;
        }
        next(i + 1);
      });
    };
    next(0);
  }

  #passDone(fetch: ActiveFetch, bytes: number): void {
    if (fetch.state === "done") return;
    const now = this.#ctx.mono.now;
    const enough =
      fetch.urgent ||
      bytes >= Math.max(1, fetch.request.minBytes) ||
      now >= fetch.deadline ||
      fetch.reads.length === 0;
    if (enough) {
      this.#finish(fetch, true);
      return;
    }
    if (fetch.rerun) {
      this.#read(fetch);
      return;
    }
    fetch.state = "parked";
    this.#ctx.timers.set(`${TIMER}${fetch.id}`, fetch.deadline);
  }

  #finish(fetch: ActiveFetch, respond: boolean): void {
    if (fetch.state === "done") return;
    fetch.state = "done";
    this.#active.delete(fetch.id);
    this.#ctx.timers.clear(`${TIMER}${fetch.id}`);
    if (!respond) return;
    this.#ctx.peers.send(fetch.from, {
      type: "replica-fetch-response",
      correlationId: fetch.request.correlationId,
      errorCode: ErrorCode.NONE,
      partitions: fetch.answers,
    });
  }

  /** A partition changed: parked fetches watching it read again. */
  partitionChanged(hosted: HostedPartition): void {
    if (this.#active.size === 0) return;
    const now = signature(hosted);
    for (const fetch of [...this.#active.values()]) {
      const seen = fetch.seen.get(hosted.key);
      if (seen === undefined || seen === now) continue;
      if (fetch.state === "reading") {
        fetch.rerun = true;
      } else if (fetch.state === "parked") {
        this.#ctx.timers.clear(`${TIMER}${fetch.id}`);
        this.#read(fetch);
      }
    }
  }

  onTimer(key: string): boolean {
    if (!key.startsWith(TIMER)) return false;
    const fetch = this.#active.get(Number(key.slice(TIMER.length)));
    if (fetch !== undefined && fetch.state === "parked") this.#read(fetch);
    return true;
  }

  /** The follower is gone (its link broke): its parked fetch would answer nobody. */
  onPeerUnreachable(peer: NodeId): void {
    for (const f of [...this.#active.values()]) if (f.from === peer) this.#finish(f, false);
  }

  checkInvariants(): void {
    const active = this.#active;
    if (active.size === 0) return;
    // One fetch cannot be held twice: the set (and any message) only when there are two or more.
    const followers = active.size > 1 ? new Set<NodeId>() : undefined;
    for (const f of active.values()) {
      if (followers !== undefined) {
        if (followers.has(f.from)) assert(false, `two fetches of follower ${f.from} held`);
        followers.add(f.from);
      }
      if (f.state === "done") assert(false, "a finished fetch is still held");
    }
  }
}

/** What a wake depends on: log end offset, HW, log start offset, leadership and status. */
function signature(hosted: HostedPartition): string {
  const log = hosted.log;
  const epoch = hosted.leader?.leaderEpoch ?? -1;
  return `${log.status}:${epoch}:${log.logStartOffset}:${log.logEndOffset}:${log.highWatermark}`;
}

function errorAnswer(
  part: {
    readonly topic: string;
    readonly topicId: string;
    readonly partition: number;
  },
  errorCode: number,
): ReplicaFetchPartitionResponse {
  return {
    topic: part.topic,
    topicId: part.topicId,
    partition: part.partition,
    errorCode: errorCode as ErrorCode,
    highWatermark: -1,
    logStartOffset: -1,
    divergingEpoch: null,
    records: NO_RECORDS,
  };
}
