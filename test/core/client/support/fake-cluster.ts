// A scripted fake Kafka cluster for client tests: partitions are arrays of stamped record batches
// (the model log), each partition has a leader among a few broker ids, and fault rules decide per
// request whether to answer normally, with an error, late, never, or by dropping the connection.

import { ErrorCode } from "../../../../core/error-codes.ts";
import { type NodeId, nodeId } from "../../../../core/ids.ts";
import {
  decodeRecords,
  lastOffset,
  scanBatches,
  stampBatch,
} from "../../../../core/log/record-batch.ts";
import type {
  ClientRequest,
  ClientResponse,
  FetchRequest,
  FetchResponse,
  ListOffsetsRequest,
  ListOffsetsResponse,
  MetadataRequest,
  MetadataResponse,
  ProduceRequest,
  ProduceResponse,
} from "../../../../core/protocol/index.ts";
import type { FakeGroups } from "./fake-groups.ts";
import { FakeProducerState } from "./fake-producer-state.ts";

export interface ModelBatch {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly bytes: Uint8Array;
}

export interface ModelRecord {
  readonly offset: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
}

export class ModelPartition {
  readonly batches: ModelBatch[] = [];
  logStartOffset = 0;
  logEndOffset = 0;
  /** How many offsets the high watermark trails the log end offset by (replication lag). */
  highWatermarkLag = 0;
  leader: NodeId;

  constructor(leader: NodeId) {
    this.leader = leader;
  }

  get highWatermark(): number {
    return Math.max(this.logStartOffset, this.logEndOffset - this.highWatermarkLag);
  }

  append(batch: Uint8Array): number {
    const copy = batch.slice();
    const scan = scanBatches(copy);
    if (scan.stop !== null || scan.batches.length !== 1) throw new Error("bad batch from client");
    const header = scan.batches[0]!.header;
    const base = this.logEndOffset;
    stampBatch(copy, base, 0);
    this.batches.push({ baseOffset: base, lastOffset: base + header.lastOffsetDelta, bytes: copy });
    this.logEndOffset = base + header.lastOffsetDelta + 1;
    return base;
  }

  /** Every record in offset order (the model log the properties compare against). */
  records(): ModelRecord[] {
    const out: ModelRecord[] = [];
    for (const batch of this.batches) {
      const decoded = decodeRecords(batch.bytes);
      if (!decoded.ok) throw new Error("model batch does not decode");
      for (const r of decoded.value) {
        out.push({ offset: batch.baseOffset + r.offsetDelta, key: r.key, value: r.value });
      }
    }
    return out;
  }

  /** Whole batches from the one containing `offset`, below the high watermark, within maxBytes. */
  read(offset: number, maxBytes: number): Uint8Array | null {
    const hw = this.highWatermark;
    const parts: Uint8Array[] = [];
    let size = 0;
    for (const batch of this.batches) {
      if (batch.lastOffset < offset) continue;
      if (batch.lastOffset >= hw) break;
      if (parts.length > 0 && size + batch.bytes.length > maxBytes) break;
      parts.push(batch.bytes);
      size += batch.bytes.length;
    }
    if (parts.length === 0) return null;
    const out = new Uint8Array(size);
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

/** What a fault rule does with one request. */
export type FaultAction =
  | { readonly type: "answer" }
  /** Answer every partition of the request with this error (nothing is applied). */
  | { readonly type: "error"; readonly errorCode: number }
  /** Apply the request, then answer every partition with this error (e.g. ..._AFTER_APPEND). */
  | { readonly type: "error-after-apply"; readonly errorCode: number }
  /** Break the connection before the request is applied. */
  | { readonly type: "drop-before" }
  /** Apply the request, then break the connection: the answer is lost. */
  | { readonly type: "drop-after" }
  /** Apply the request and never answer (the client must time out). */
  | { readonly type: "black-hole" }
  /** Answer normally, `delayMs` late. */
  | { readonly type: "delay"; readonly delayMs: number };

export interface RequestContext {
  readonly now: number;
  readonly to: NodeId;
  readonly request: ClientRequest;
}

/** A rule sees each request; the first rule returning an action decides it. */
export type FaultRule = (context: RequestContext) => FaultAction | undefined;

export interface Outcome {
  /** The answer, or undefined when none is sent. */
  readonly response: ClientResponse | undefined;
  readonly delayMs: number;
  readonly dropConnection: boolean;
}

export class FakeCluster {
  readonly brokers: NodeId[];
  readonly partitions = new Map<string, ModelPartition>();
  readonly topics = new Map<string, number>();
  rules: FaultRule[] = [];
  /** The group coordinator, when a test uses groups (the harness routes group APIs to it). */
  groups: FakeGroups | undefined = undefined;
  /** The idempotent producers' state the leaders keep (one model for the whole fake cluster). */
  readonly producers = new FakeProducerState();
  /** Every request the cluster received, in order. */
  readonly received: { readonly now: number; readonly to: NodeId; readonly api: string }[] = [];

  constructor(brokers: readonly number[]) {
    this.brokers = brokers.map(nodeId);
  }

  createTopic(topic: string, partitions: number, leaderOf?: (p: number) => number): void {
    this.topics.set(topic, partitions);
    for (let p = 0; p < partitions; p++) {
      const leader = leaderOf?.(p) ?? this.brokers[p % this.brokers.length]!;
      this.partitions.set(`${topic}-${p}`, new ModelPartition(nodeId(leader)));
    }
  }

  partition(topic: string, partition: number): ModelPartition {
    const p = this.partitions.get(`${topic}-${partition}`);
    if (p === undefined) throw new Error(`no partition ${topic}-${partition}`);
    return p;
  }

  /** Adds a one-shot rule: it acts on the first request it matches, then retires. */
  once(match: (context: RequestContext) => boolean, action: FaultAction): void {
    let used = false;
    this.rules.push((context) => {
      if (used || !match(context)) return undefined;
      used = true;
      return action;
    });
  }

  /** The first rule's action for this request (recorded as received), else a plain answer. */
  actionFor(now: number, to: NodeId, request: ClientRequest): FaultAction {
    this.received.push({ now, to, api: request.api });
    const context = { now, to, request };
    for (const rule of this.rules) {
      const chosen = rule(context);
      if (chosen !== undefined) return chosen;
    }
    return { type: "answer" };
  }

  handle(now: number, to: NodeId, request: ClientRequest): Outcome {
    const action = this.actionFor(now, to, request);
    switch (action.type) {
      case "answer":
        return { response: this.#apply(to, request), delayMs: 0, dropConnection: false };
      case "delay":
        return {
          response: this.#apply(to, request),
          delayMs: action.delayMs,
          dropConnection: false,
        };
      case "error":
        return {
          response: errorResponse(request, action.errorCode),
          delayMs: 0,
          dropConnection: false,
        };
      case "error-after-apply":
        this.#apply(to, request);
        return {
          response: errorResponse(request, action.errorCode),
          delayMs: 0,
          dropConnection: false,
        };
      case "drop-before":
        return { response: undefined, delayMs: 0, dropConnection: true };
      case "drop-after":
        this.#apply(to, request);
        return { response: undefined, delayMs: 0, dropConnection: true };
      case "black-hole":
        this.#apply(to, request);
        return { response: undefined, delayMs: 0, dropConnection: false };
    }
  }

  #apply(to: NodeId, request: ClientRequest): ClientResponse | undefined {
    switch (request.api) {
      case "Metadata":
        return { api: "Metadata", body: this.#metadata(request.body) };
      case "Produce": {
        const body = this.#produce(to, request.body);
        return request.body.acks === 0 ? undefined : { api: "Produce", body };
      }
      case "Fetch":
        return { api: "Fetch", body: this.fetch(to, request.body) };
      case "ListOffsets":
        return { api: "ListOffsets", body: this.#listOffsets(to, request.body) };
      case "InitProducerId":
        return {
          api: "InitProducerId",
          body: {
            throttleTimeMs: 0,
            errorCode: ErrorCode.NONE,
            producerId: this.producers.newProducerId(),
            producerEpoch: 0,
          },
        };
      default:
        throw new Error(`fake cluster does not serve ${request.api}`);
    }
  }

  #leaderError(to: NodeId, topic: string, partition: number): number {
    const p = this.partitions.get(`${topic}-${partition}`);
    if (p === undefined) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    return p.leader === to ? ErrorCode.NONE : ErrorCode.NOT_LEADER_OR_FOLLOWER;
  }

  #metadata(body: MetadataRequest): MetadataResponse {
    const names = body.topics?.map((t) => t.name) ?? [...this.topics.keys()];
    return {
      throttleTimeMs: 0,
      brokers: this.brokers.map((id) => ({ nodeId: id, host: "sim", port: 9092, rack: null })),
      clusterId: "fake",
      controllerId: this.brokers[0]!,
      topics: names.map((name) => {
        const count = this.topics.get(name);
        if (count === undefined) {
          return {
            errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            name,
            isInternal: false,
            partitions: [],
          };
        }
        const partitions = Array.from({ length: count }, (_, index) => ({
          errorCode: ErrorCode.NONE,
          partitionIndex: index,
          leaderId: this.partition(name, index).leader,
          replicaNodes: [...this.brokers],
          isrNodes: [...this.brokers],
          offlineReplicas: [],
        }));
        return { errorCode: ErrorCode.NONE, name, isInternal: false, partitions };
      }),
    };
  }

  #produce(to: NodeId, body: ProduceRequest): ProduceResponse {
    return {
      throttleTimeMs: 0,
      responses: body.topicData.map((t) => ({
        name: t.name,
        partitionResponses: t.partitionData.map((p) => {
          const errorCode = this.#leaderError(to, t.name, p.index);
          if (errorCode !== ErrorCode.NONE || p.records === null) {
            return {
              index: p.index,
              errorCode,
              baseOffset: -1,
              logAppendTimeMs: -1,
              logStartOffset: -1,
            };
          }
          const partition = this.partition(t.name, p.index);
          const checked = this.#checkProducer(`${t.name}-${p.index}`, p.records);
          if (checked.type === "error") {
            return {
              index: p.index,
              errorCode: checked.errorCode,
              baseOffset: -1,
              logAppendTimeMs: -1,
              logStartOffset: -1,
            };
          }
          const baseOffset =
            checked.type === "duplicate" ? checked.offset : partition.append(p.records);
          if (checked.type === "append" && checked.producer !== undefined) {
            const pr = checked.producer;
            this.producers.appended(pr.key, pr.pid, pr.epoch, pr.base, pr.count, baseOffset);
          }
          return {
            index: p.index,
            errorCode,
            baseOffset,
            logAppendTimeMs: -1,
            logStartOffset: partition.logStartOffset,
          };
        }),
      })),
    };
  }

  #checkProducer(
    key: string,
    records: Uint8Array,
  ):
    | {
        type: "append";
        producer?: { key: string; pid: number; epoch: number; base: number; count: number };
      }
    | { type: "duplicate"; offset: number }
    | { type: "error"; errorCode: number } {
    const scan = scanBatches(records.slice());
    const header = scan.batches[0]?.header;
    if (header === undefined || header.producerId < 0) return { type: "append" };
    const count = header.lastOffsetDelta + 1;
    const { producerId: pid, producerEpoch: epoch, baseSequence: base } = header;
    const c = this.producers.check(key, pid, epoch, base, count);
    if (c.type !== "append") return c;
    return { type: "append", producer: { key, pid, epoch, base, count } };
  }

  /** Answers a Fetch now (the harness parks empty ones for maxWaitMs). */
  fetch(to: NodeId, body: FetchRequest): FetchResponse {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      sessionId: 0,
      responses: body.topics.map((t) => ({
        topic: t.topic,
        partitions: t.partitions.map((fp) => {
          let errorCode = this.#leaderError(to, t.topic, fp.partition);
          const p = this.partitions.get(`${t.topic}-${fp.partition}`);
          let records: Uint8Array | null = null;
          if (p !== undefined && errorCode === ErrorCode.NONE) {
            if (fp.fetchOffset < p.logStartOffset || fp.fetchOffset > p.logEndOffset) {
              errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
            } else {
              records = p.read(fp.fetchOffset, fp.partitionMaxBytes);
            }
          }
          return {
            partitionIndex: fp.partition,
            errorCode,
            highWatermark: p?.highWatermark ?? -1,
            lastStableOffset: p?.highWatermark ?? -1,
            logStartOffset: p?.logStartOffset ?? -1,
            abortedTransactions: null,
            preferredReadReplica: -1,
            records,
          };
        }),
      })),
    };
  }

  #listOffsets(to: NodeId, body: ListOffsetsRequest): ListOffsetsResponse {
    return {
      throttleTimeMs: 0,
      topics: body.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((lp) => {
          const errorCode = this.#leaderError(to, t.name, lp.partitionIndex);
          const p = this.partitions.get(`${t.name}-${lp.partitionIndex}`);
          let offset = -1;
          if (errorCode === ErrorCode.NONE && p !== undefined) {
            offset = lp.timestamp === -2 ? p.logStartOffset : p.highWatermark;
          }
          return { partitionIndex: lp.partitionIndex, errorCode, timestamp: -1, offset };
        }),
      })),
    };
  }
}

/** The answer to `request` with every partition failing with `errorCode`. */
export function errorResponse(request: ClientRequest, errorCode: number): ClientResponse {
  switch (request.api) {
    case "Produce":
      return {
        api: "Produce",
        body: {
          throttleTimeMs: 0,
          responses: request.body.topicData.map((t) => ({
            name: t.name,
            partitionResponses: t.partitionData.map((p) => ({
              index: p.index,
              errorCode,
              baseOffset: -1,
              logAppendTimeMs: -1,
              logStartOffset: -1,
            })),
          })),
        },
      };
    case "Fetch":
      return {
        api: "Fetch",
        body: {
          throttleTimeMs: 0,
          errorCode: ErrorCode.NONE,
          sessionId: 0,
          responses: request.body.topics.map((t) => ({
            topic: t.topic,
            partitions: t.partitions.map((p) => ({
              partitionIndex: p.partition,
              errorCode,
              highWatermark: -1,
              lastStableOffset: -1,
              logStartOffset: -1,
              abortedTransactions: null,
              preferredReadReplica: -1,
              records: null,
            })),
          })),
        },
      };
    case "ListOffsets":
      return {
        api: "ListOffsets",
        body: {
          throttleTimeMs: 0,
          topics: request.body.topics.map((t) => ({
            name: t.name,
            partitions: t.partitions.map((p) => ({
              partitionIndex: p.partitionIndex,
              errorCode,
              timestamp: -1,
              offset: -1,
            })),
          })),
        },
      };
    case "Metadata":
      return {
        api: "Metadata",
        body: {
          throttleTimeMs: 0,
          brokers: [],
          clusterId: null,
          controllerId: -1,
          topics: (request.body.topics ?? []).map((t) => ({
            errorCode,
            name: t.name,
            isInternal: false,
            partitions: [],
          })),
        },
      };
    case "InitProducerId":
      return {
        api: "InitProducerId",
        body: { throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1 },
      };
    default:
      throw new Error(`no error response for ${request.api}`);
  }
}

export function lastOffsetOf(bytes: Uint8Array): number {
  const scan = scanBatches(bytes);
  const last = scan.batches.at(-1);
  if (last === undefined) throw new Error("no batch");
  return lastOffset(last.header);
}
