// Fetch with long poll: a fetch that found fewer than minBytes parks until one of its partitions
// changes (HW, log start offset, leadership) or maxWaitMs passes, then reads again. Errors answer at
// once. Parked fetches are bounded (parkedFetchesMax); past it a fetch answers with what it has.

import { assert } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import type { ConnectionId, Millis } from "../ids.ts";
import { limits } from "../limits.ts";
import type { FetchRequest, FetchResponse } from "../protocol/index.ts";
import type { Reply } from "./connections.ts";
import { type FetchPass, runFetchPass } from "./fetch-reader.ts";
import { type HostedPartition, partitionKey } from "./hosted-partition.ts";
import type { ReplicaManager } from "./replica-manager.ts";

interface ActiveFetch {
  readonly id: number;
  readonly reply: Reply;
  readonly request: FetchRequest;
  readonly startedAt: Millis;
  readonly deadline: Millis;
  readonly keys: readonly string[];
  /** What each watched partition looked like at the last pass: a wake is a change of it. */
  readonly seen: Map<string, string>;
  state: "reading" | "parked";
  /** A watched partition changed while a pass was reading: read again before parking. */
  rerun: boolean;
}

const DEADLINE = "fetch:";

export class FetchPurgatory {
  readonly #replicas: ReplicaManager;
  readonly #active = new Map<number, ActiveFetch>();
  readonly #byPartition = new Map<string, Set<ActiveFetch>>();
  #parked = 0;
  #nextId = 1;

  constructor(replicas: ReplicaManager) {
    this.#replicas = replicas;
  }

  /** Fetches parked for long poll. */
  get size(): number {
    return this.#parked;
  }

  handle(request: FetchRequest, reply: Reply): void {
    const sessionError =
      request.sessionId !== 0
        ? ErrorCode.FETCH_SESSION_ID_NOT_FOUND
        : request.sessionEpoch > 0
          ? ErrorCode.INVALID_FETCH_SESSION_EPOCH
          : ErrorCode.NONE;
    if (sessionError !== ErrorCode.NONE) {
      this.#replicas.ctx.outbox.mark("fetch-session-refused");
      reply.respond({
        api: "Fetch",
        body: { throttleTimeMs: 0, errorCode: sessionError, sessionId: 0, responses: [] },
      });
      return;
    }
    const now = this.#replicas.now;
    const keys = request.topics.flatMap((t) =>
      t.partitions.map((p) => partitionKey(t.topic, p.partition)),
    );
    const fetch: ActiveFetch = {
      id: this.#nextId++,
      reply,
      request,
      startedAt: now,
      deadline: now + Math.max(0, request.maxWaitMs),
      keys: [...new Set(keys)],
      seen: new Map(),
      state: "reading",
      rerun: false,
    };
    this.#active.set(fetch.id, fetch);
    for (const key of fetch.keys) this.#index(key).add(fetch);
    this.#run(fetch);
  }

  #run(fetch: ActiveFetch): void {
    fetch.state = "reading";
    fetch.rerun = false;
    for (const key of fetch.keys) fetch.seen.set(key, this.#signature(key));
    runFetchPass(this.#replicas, fetch.request, (pass) => this.#passDone(fetch, pass));
  }

  #passDone(fetch: ActiveFetch, pass: FetchPass): void {
    if (!this.#active.has(fetch.id)) return;
    if (fetch.reply.closed) {
      this.#forget(fetch);
      return;
    }
    const now = this.#replicas.now;
    const enough = pass.hasError || pass.bytes >= fetch.request.minBytes || now >= fetch.deadline;
    if (enough) {
      this.#respond(fetch, pass);
      return;
    }
    if (fetch.rerun) {
      this.#run(fetch);
      return;
    }
    if (this.#parked >= limits.parkedFetchesMax) {
      this.#replicas.ctx.outbox.mark("fetch-parking-full");
      this.#respond(fetch, pass);
      return;
    }
    fetch.state = "parked";
    this.#parked++;
    this.#replicas.ctx.deadlines.set(`${DEADLINE}${fetch.id}`, fetch.deadline);
  }

  #respond(fetch: ActiveFetch, pass: FetchPass): void {
    this.#forget(fetch);
    const ctx = this.#replicas.ctx;
    ctx.outbox.trace({
      type: "fetch-served",
      replicaId: fetch.request.replicaId,
      waitedMs: Math.max(0, ctx.now - fetch.startedAt),
      partitions: pass.served,
    });
    const body: FetchResponse = {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      sessionId: 0,
      responses: pass.responses,
    };
    fetch.reply.respond({ api: "Fetch", body });
  }

  /** A partition changed: parked fetches watching it read again; reading ones read once more. */
  partitionChanged(hosted: HostedPartition): void {
    const watching = this.#byPartition.get(hosted.key);
    if (watching === undefined) return;
    const signature = this.#signature(hosted.key);
    for (const fetch of [...watching]) {
      if (fetch.seen.get(hosted.key) === signature) continue;
      if (fetch.state === "reading") {
        fetch.rerun = true;
        continue;
      }
      this.#unpark(fetch);
      this.#run(fetch);
    }
  }

  /** What a wake depends on: HW, log start offset, leader epoch, and whether it is served here. */
  #signature(key: string): string {
    const [topic, partition] = splitKey(key);
    const hosted = this.#replicas.hosted(topic, partition);
    if (hosted === undefined) return "absent";
    const log = hosted.log;
    return `${log.status}:${hosted.leaderEpoch}:${log.logStartOffset}:${log.highWatermark}`;
  }

  onDeadline(key: string): boolean {
    if (!key.startsWith(DEADLINE)) return false;
    const fetch = this.#active.get(Number(key.slice(DEADLINE.length)));
    if (fetch !== undefined && fetch.state === "parked") {
      this.#unpark(fetch);
      this.#run(fetch);
    }
    return true;
  }

  connectionClosed(connection: ConnectionId): void {
    for (const fetch of [...this.#active.values()]) {
      if (fetch.reply.connection === connection) this.#forget(fetch);
    }
  }

  #unpark(fetch: ActiveFetch): void {
    assert(fetch.state === "parked", `fetch ${fetch.id} is not parked`);
    this.#parked--;
    fetch.state = "reading";
    this.#replicas.ctx.deadlines.clear(`${DEADLINE}${fetch.id}`);
  }

  #forget(fetch: ActiveFetch): void {
    if (fetch.state === "parked") this.#unpark(fetch);
    this.#active.delete(fetch.id);
    for (const key of fetch.keys) {
      const set = this.#byPartition.get(key);
      set?.delete(fetch);
      if (set?.size === 0) this.#byPartition.delete(key);
    }
  }

  #index(key: string): Set<ActiveFetch> {
    let set = this.#byPartition.get(key);
    if (set === undefined) {
      set = new Set();
      this.#byPartition.set(key, set);
    }
    return set;
  }

  checkInvariants(): void {
    let parked = 0;
    for (const fetch of this.#active.values()) {
      if (fetch.state === "parked") {
        parked++;
        assert(!fetch.reply.closed, `parked fetch ${fetch.id} on a closed connection`);
      }
    }
    assert(parked === this.#parked, `parked count ${this.#parked}, found ${parked}`);
    assert(parked <= limits.parkedFetchesMax, "parked fetches over limit");
  }
}

function splitKey(key: string): [string, number] {
  const dash = key.lastIndexOf("-");
  return [key.slice(0, dash), Number(key.slice(dash + 1))];
}
