// A driver for GroupCoordinator tests: simulated time, requests identified by number, appends to
// an in-memory __consumer_offsets log that commit at once or when the test says, and the
// coordinator's invariants checked after every call.

import type { ErrorCode } from "../../../../core/error-codes.ts";
import { decodeCoordinatorBatch } from "../../../../core/groups/coordinator-batch.ts";
import type { CoordinatorRecord } from "../../../../core/groups/coordinator-records.ts";
import {
  type GroupCoordinatorConfig,
  groupCoordinatorConfig,
} from "../../../../core/groups/group-config.ts";
import type { GroupOutput, GroupResponse } from "../../../../core/groups/group-context.ts";
import {
  GroupCoordinator,
  type GroupRequest,
  type GroupRequestOptions,
} from "../../../../core/groups/group-coordinator.ts";
import type { Millis } from "../../../../core/ids.ts";
import type { ResponseOf } from "../../../../core/protocol/index.ts";
import type { TraceEvent } from "../../../../core/trace.ts";
import { testRng } from "../../../support/test-rng.ts";

type BodyOf<A extends GroupResponse["api"]> = ResponseOf<A>;

export interface HeldAppend {
  readonly appendId: number;
  readonly partition: number;
  readonly records: readonly CoordinatorRecord[];
  readonly batch: Uint8Array;
}

export interface HarnessOptions {
  readonly config?: Partial<GroupCoordinatorConfig>;
  readonly seed?: string;
  /** Appends wait for commitAppends()/failAppends() instead of committing at once. */
  readonly holdAppends?: boolean;
  /** Partitions to load at start (default: all). */
  readonly partitions?: readonly number[];
}

export class CoordinatorHarness {
  readonly config: GroupCoordinatorConfig;
  coordinator: GroupCoordinator<number>;
  now: Millis = 0;
  holdAppends: boolean;
  readonly responses = new Map<number, GroupResponse>();
  readonly traces: TraceEvent[] = [];
  /** Every committed batch per partition, in order: the __consumer_offsets log. */
  readonly log = new Map<number, Uint8Array[]>();
  held: HeldAppend[] = [];
  #nextRequest = 1;

  constructor(options: HarnessOptions = {}) {
    this.config = groupCoordinatorConfig({ offsetsTopicNumPartitions: 1, ...options.config });
    this.holdAppends = options.holdAppends ?? false;
    this.coordinator = new GroupCoordinator<number>(this.config, testRng(options.seed ?? "groups"));
    const all = [...Array(this.config.offsetsTopicNumPartitions).keys()];
    for (const partition of options.partitions ?? all) this.load(partition);
  }

  /** Loads `partition` from this harness's log (what a new leader does). */
  load(partition: number): void {
    this.#absorb(this.coordinator.beginLoading(this.now, partition));
    for (const batch of this.log.get(partition) ?? []) {
      this.#absorb(this.coordinator.loadBatch(this.now, partition, batch));
    }
    this.#absorb(this.coordinator.completeLoading(this.now, partition));
  }

  unload(partition: number): void {
    this.#absorb(this.coordinator.unload(this.now, partition));
  }

  /** A fresh coordinator (a failover) that loads every partition from the log. */
  failover(seed = "failover"): void {
    this.coordinator = new GroupCoordinator<number>(this.config, testRng(seed));
    this.held = [];
    for (const partition of [...Array(this.config.offsetsTopicNumPartitions).keys()]) {
      this.load(partition);
    }
  }

  send(request: GroupRequest, options: GroupRequestOptions = {}): number {
    const id = this.#nextRequest++;
    this.#absorb(this.coordinator.handle(this.now, request, id, options));
    return id;
  }

  /** The answer to request `id` (undefined while it is parked). */
  answer<A extends GroupResponse["api"]>(id: number, api: A): BodyOf<A> | undefined {
    const response = this.responses.get(id);
    if (response === undefined) return undefined;
    if (response.api !== api) throw new Error(`request ${id} was answered by ${response.api}`);
    const body: unknown = response.body;
    return body as BodyOf<A>;
  }

  /** Moves time forward, firing every deadline on the way in order. */
  advance(ms: Millis): void {
    const target = this.now + ms;
    for (let i = 0; i < 100_000; i++) {
      const next = this.coordinator.nextDeadline();
      if (next === undefined || next > target) break;
      this.now = Math.max(this.now, next);
      this.#absorb(this.coordinator.tick(this.now));
    }
    this.now = target;
    this.#absorb(this.coordinator.tick(this.now));
  }

  maintain(): void {
    this.#absorb(this.coordinator.maintain(this.now));
  }

  commitAppends(count = this.held.length): void {
    const batch = this.held.splice(0, count);
    for (const append of batch) this.#complete(append, 0 as ErrorCode);
  }

  failAppends(error: ErrorCode, count = this.held.length): void {
    const batch = this.held.splice(0, count);
    for (const append of batch) this.#complete(append, error);
  }

  /** Trace events of one type, in order. */
  tracesOf<K extends TraceEvent["type"]>(type: K): Extract<TraceEvent, { type: K }>[] {
    return this.traces.filter((e): e is Extract<TraceEvent, { type: K }> => e.type === type);
  }

  marks(): string[] {
    return this.tracesOf("mark").map((m) => m.name);
  }

  /** All records ever committed to `partition`, decoded. */
  committedRecords(partition = 0): CoordinatorRecord[] {
    return (this.log.get(partition) ?? []).flatMap((batch) => {
      const decoded = decodeCoordinatorBatch(batch);
      if (!decoded.ok) throw new Error(decoded.error);
      return [...decoded.value.records];
    });
  }

  #complete(append: HeldAppend, error: ErrorCode): void {
    if (error === 0) {
      const log = this.log.get(append.partition) ?? [];
      log.push(append.batch);
      this.log.set(append.partition, log);
    }
    this.#absorb(this.coordinator.onAppendDone(this.now, append.appendId, error));
  }

  #absorb(outputs: readonly GroupOutput<number>[]): void {
    const appends: HeldAppend[] = [];
    for (const output of outputs) {
      switch (output.type) {
        case "respond":
          if (this.responses.has(output.replyTo)) {
            throw new Error(`request ${output.replyTo} answered twice`);
          }
          this.responses.set(output.replyTo, output.response);
          break;
        case "append":
          appends.push(output);
          break;
        case "trace":
          this.traces.push(output.event);
          break;
      }
    }
    this.coordinator.checkInvariants();
    this.held.push(...appends);
    if (!this.holdAppends) this.commitAppends();
  }
}
