// The consumer's fetcher: one Fetch in flight per leader for the partitions that have a position
// and nothing buffered, ListOffsets for pending resets, and the handling of their answers. An
// answer applies only if its partition is still assigned and its position has not jumped since.

import { assert } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import type { Millis, NodeId, Offset } from "../ids.ts";
import { limits } from "../limits.ts";
import type { Outbox } from "../outbox.ts";
import type { FetchResponse, ListOffsetsResponse } from "../protocol/index.ts";
import type { ConsumerConfig } from "./client-config.ts";
import type { ClientNetwork, InFlight } from "./client-network.ts";
import { buildFetchRequest, buildListOffsetsRequest, decodeFetched } from "./consumer-fetch.ts";
import type { FinalPolls } from "./consumer-final-polls.ts";
import type { ConsumerPositions, PartitionState, ResetTarget } from "./consumer-positions.ts";
import type { GroupTag } from "./group-requests.ts";
import type { MetadataCache, RefreshReason } from "./metadata-cache.ts";

type FetchEntry = {
  readonly state: PartitionState;
  readonly epoch: number;
  readonly fetchOffset: Offset;
};
type ResetEntry = {
  readonly state: PartitionState;
  readonly epoch: number;
  readonly target: ResetTarget;
};
export type FetchTag = {
  readonly type: "fetch";
  readonly sentMs: Millis;
  readonly partitions: readonly FetchEntry[];
};
export type ListOffsetsTag = {
  readonly type: "list-offsets";
  readonly partitions: readonly ResetEntry[];
};
/** What the consumer's requests in flight are for. */
export type ConsumerTag =
  | { readonly type: "metadata" }
  | FetchTag
  | ListOffsetsTag
  | { readonly type: "group"; readonly group: GroupTag };

/** Partition errors that mean "ask the cluster who leads now". */
const refreshOn: ReadonlyMap<number, RefreshReason> = new Map<number, RefreshReason>([
  [ErrorCode.NOT_LEADER_OR_FOLLOWER, "not-leader"],
  [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "unknown-topic-or-partition"],
  [ErrorCode.LEADER_NOT_AVAILABLE, "leader-not-available"],
  [ErrorCode.FENCED_LEADER_EPOCH, "not-leader"],
  [ErrorCode.UNKNOWN_LEADER_EPOCH, "not-leader"],
  [ErrorCode.KAFKA_STORAGE_ERROR, "not-leader"],
  [ErrorCode.REPLICA_NOT_AVAILABLE, "not-leader"],
]);

export interface FetcherParts {
  readonly config: ConsumerConfig;
  readonly positions: ConsumerPositions;
  readonly metadata: MetadataCache;
  readonly network: ClientNetwork<ConsumerTag>;
  readonly outbox: Outbox;
  readonly final: FinalPolls;
}

export class ConsumerFetcher {
  readonly #config: ConsumerConfig;
  readonly #positions: ConsumerPositions;
  readonly #metadata: MetadataCache;
  readonly #network: ClientNetwork<ConsumerTag>;
  readonly #outbox: Outbox;
  readonly #final: FinalPolls;
  /** Nodes with a Fetch in flight: Kafka sends one at a time per node. */
  readonly #fetchNodes = new Set<NodeId>();

  constructor(parts: FetcherParts) {
    this.#config = parts.config;
    this.#positions = parts.positions;
    this.#metadata = parts.metadata;
    this.#network = parts.network;
    this.#outbox = parts.outbox;
    this.#final = parts.final;
  }

  /** Partitions of `states` with a known leader, grouped by it (assignment order kept). */
  #byLeader(states: Iterable<PartitionState>): Map<NodeId, PartitionState[]> {
    const byLeader = new Map<NodeId, PartitionState[]>();
    for (const state of states) {
      const leader = this.#metadata.leader(state.topic, state.partition);
      if (leader === undefined) {
        if (this.#metadata.topic(state.topic) !== undefined) {
          this.#metadata.requestUpdate("no-leader", this.#outbox);
        }
        continue;
      }
      const list = byLeader.get(leader) ?? [];
      list.push(state);
      byLeader.set(leader, list);
    }
    return byLeader;
  }

  sendResets(now: Millis): void {
    const waiting = [...this.#positions.all()].filter(
      (s) => s.reset !== undefined && !s.resetInFlight && now >= s.backoffUntilMs,
    );
    for (const [node, states] of this.#byLeader(waiting)) {
      if (!this.#network.canSend(now, node, limits.clientInFlightPerConnectionMax)) continue;
      const partitions = states.map((state) => ({
        state,
        epoch: state.epoch,
        target: state.reset!,
      }));
      const body = buildListOffsetsRequest(this.#config, partitions);
      this.#network.send(now, this.#outbox, node, body, "ListOffsets", {
        type: "list-offsets",
        partitions,
      });
      for (const state of states) state.resetInFlight = true;
    }
  }

  sendFetches(now: Millis): void {
    if (this.#positions.bufferedRecords >= limits.consumerBufferedRecordsMax) return;
    const fetchable = [...this.#positions.all()].filter(
      (s) =>
        s.position !== undefined &&
        !s.fetchInFlight &&
        s.fetched.length === 0 &&
        now >= s.backoffUntilMs,
    );
    for (const [node, states] of this.#byLeader(fetchable)) {
      if (this.#fetchNodes.has(node)) continue;
      if (!this.#network.canSend(now, node, limits.clientInFlightPerConnectionMax)) continue;
      const body = buildFetchRequest(this.#config, states);
      const partitions = states.map((state) => ({
        state,
        epoch: state.epoch,
        fetchOffset: state.position!,
      }));
      this.#network.send(now, this.#outbox, node, body, "Fetch", {
        type: "fetch",
        sentMs: now,
        partitions,
      });
      this.#fetchNodes.add(node);
      for (const state of states) state.fetchInFlight = true;
    }
  }

  /** The answer still applies to the partition: same assignment, no jump since the request. */
  #current(state: PartitionState, epoch: number): boolean {
    const live =
      this.#positions.get(state.topic, state.partition) === state && state.epoch === epoch;
    if (!live) this.#outbox.mark("consumer-stale-answer-discarded");
    return live;
  }

  onFetchResponse(now: Millis, from: NodeId, tag: FetchTag, body: FetchResponse): void {
    this.#fetchNodes.delete(from);
    const answers = new Map<string, FetchResponse["responses"][number]["partitions"][number]>();
    for (const t of body.responses)
      for (const p of t.partitions) answers.set(`${t.topic}-${p.partitionIndex}`, p);
    for (const { state, epoch, fetchOffset } of tag.partitions) {
      state.fetchInFlight = false;
      const answer = answers.get(`${state.topic}-${state.partition}`);
      if (!this.#current(state, epoch)) continue;
      assert(state.position === fetchOffset, "position moved while its fetch was in flight");
      const errorCode = answer === undefined ? ErrorCode.UNKNOWN_SERVER_ERROR : answer.errorCode;
      if (answer !== undefined && errorCode === ErrorCode.NONE) {
        state.highWatermark = answer.highWatermark;
        state.logStartOffset = answer.logStartOffset;
        this.#final.observed(state, tag.sentMs);
        this.#takeFetched(now, state, fetchOffset, answer.records);
      } else {
        this.#onPartitionError(now, state, errorCode);
      }
    }
  }

  #takeFetched(
    now: Millis,
    state: PartitionState,
    fetchOffset: Offset,
    records: Uint8Array | null,
  ): void {
    const decoded = decodeFetched(records, fetchOffset);
    if (decoded.skipped > 0) this.#outbox.mark("consumer-skipped-records-before-fetch-offset");
    if (decoded.controlBatches > 0) this.#outbox.mark("consumer-skipped-control-batch");
    if (decoded.undecodable > 0) this.#outbox.mark("consumer-undecodable-record");
    if (decoded.error !== null) this.#outbox.mark("consumer-corrupt-batch");
    let kept = decoded.records;
    let end = decoded.end;
    const room = limits.consumerBufferedRecordsMax - this.#positions.bufferedRecords;
    if (kept.length > room) {
      // The rest is fetched again later; the position stays exact.
      this.#outbox.mark("consumer-buffer-full-truncated-fetch");
      kept = kept.slice(0, room);
      end = kept.length === 0 ? fetchOffset : kept.at(-1)!.offset + 1;
    }
    if (end === fetchOffset && decoded.error !== null) {
      state.backoffUntilMs = now + this.#config.retryBackoffMs;
      return;
    }
    this.#positions.addFetched(state, kept, end);
  }

  #onPartitionError(now: Millis, state: PartitionState, errorCode: number): void {
    if (errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
      const policy = this.#config.autoOffsetReset;
      this.#outbox.mark(
        policy === "none"
          ? "consumer-out-of-range-no-reset"
          : `consumer-out-of-range-reset-${policy}`,
      );
      this.#positions.requestReset(state, policy === "none" ? undefined : policy);
      return;
    }
    const reason = refreshOn.get(errorCode);
    if (reason !== undefined) this.#metadata.requestUpdate(reason, this.#outbox);
    else this.#outbox.mark("consumer-fetch-error");
    state.backoffUntilMs = now + this.#config.retryBackoffMs;
  }

  onListOffsetsResponse(
    now: Millis,
    partitions: readonly ResetEntry[],
    body: ListOffsetsResponse,
  ): void {
    const answers = new Map<string, { errorCode: number; offset: Offset }>();
    for (const t of body.topics)
      for (const p of t.partitions) answers.set(`${t.name}-${p.partitionIndex}`, p);
    for (const { state, epoch, target } of partitions) {
      state.resetInFlight = false;
      if (!this.#current(state, epoch) || state.reset !== target) continue;
      const answer = answers.get(`${state.topic}-${state.partition}`);
      if (answer !== undefined && answer.errorCode === ErrorCode.NONE && answer.offset >= 0) {
        this.#outbox.mark(`consumer-reset-${target}`);
        this.#positions.resetTo(state, answer.offset);
      } else {
        this.#onPartitionError(now, state, answer?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR);
      }
    }
  }

  /** A Fetch or ListOffsets lost with its connection: nothing changed, the partitions ask again. */
  lost(entry: InFlight<FetchTag | ListOffsetsTag>): void {
    if (entry.tag.type === "fetch") {
      this.#fetchNodes.delete(entry.node);
      for (const p of entry.tag.partitions) p.state.fetchInFlight = false;
    } else {
      for (const p of entry.tag.partitions) p.state.resetInFlight = false;
    }
  }

  checkInvariants(): void {
    const fetchesPerNode = new Map<NodeId, number>();
    for (const entry of this.#network.entries()) {
      if (entry.tag.type !== "fetch") continue;
      fetchesPerNode.set(entry.node, (fetchesPerNode.get(entry.node) ?? 0) + 1);
      assert(this.#fetchNodes.has(entry.node), `fetch to ${entry.node} not tracked`);
    }
    for (const [node, count] of fetchesPerNode)
      assert(count === 1, `${count} fetches to node ${node}`);
    assert(fetchesPerNode.size === this.#fetchNodes.size, "fetch node set drifted");
  }
}
