// One pass of a Fetch over its partitions, in request order: the checks Kafka makes per partition,
// then whole batches read from each log (never past the HW for consumers, the LEO for followers),
// within the partition's and the response's byte budget, the first batch always whole (KIP-74).

import { ErrorCode } from "../error-codes.ts";
import type {
  FetchableTopicResponse,
  FetchPartitionData,
  FetchRequest,
} from "../protocol/index.ts";
import type { ReplicaManager } from "./replica-manager.ts";
import type { FetchServedPartition } from "./trace-events.ts";

export interface FetchPass {
  readonly responses: FetchableTopicResponse[];
  readonly served: FetchServedPartition[];
  readonly bytes: number;
  /** A partition answered an error: Kafka answers at once instead of waiting. */
  readonly hasError: boolean;
}

/**
 * What a partition without records carries: empty bytes, never null. Kafka's brokers always write
 * an empty record set, and librdkafka refuses a null one ("invalid MessageSetSize -1").
 */
const NO_RECORDS = new Uint8Array(0);

const errorData = (partitionIndex: number, errorCode: number): FetchPartitionData => ({
  partitionIndex,
  errorCode,
  highWatermark: -1,
  lastStableOffset: -1,
  logStartOffset: -1,
  abortedTransactions: null,
  preferredReadReplica: -1,
  records: NO_RECORDS,
});

interface Slot {
  readonly topic: string;
  readonly partition: number;
  readonly fetchOffset: number;
  readonly partitionMaxBytes: number;
  readonly currentLeaderEpoch: number;
  data: FetchPartitionData;
}

/** Reads every partition of `request`; `done` runs once, after the last read completed. */
export function runFetchPass(
  replicas: ReplicaManager,
  request: FetchRequest,
  done: (pass: FetchPass) => void,
): void {
  const slots: Slot[][] = request.topics.map((t) =>
    t.partitions.map((p) => ({
      topic: t.topic,
      partition: p.partition,
      fetchOffset: p.fetchOffset,
      partitionMaxBytes: p.partitionMaxBytes,
      currentLeaderEpoch: p.currentLeaderEpoch,
      data: errorData(p.partition, ErrorCode.NONE),
    })),
  );
  const flat = slots.flat();
  let budget = Math.min(request.maxBytes, replicas.ctx.config.fetchMaxBytes);
  let bytes = 0;
  let hasError = false;
  const finish = () => {
    const responses = request.topics.map((t, i) => ({
      topic: t.topic,
      partitions: (slots[i] ?? []).map((s) => s.data),
    }));
    const served = flat.map((s) => ({
      topic: s.topic,
      partition: s.partition,
      fetchOffset: s.fetchOffset,
      bytes: s.data.records?.length ?? 0,
      errorCode: s.data.errorCode,
    }));
    done({ responses, served, bytes, hasError });
  };
  const next = (i: number): void => {
    const slot = flat[i];
    if (slot === undefined) {
      finish();
      return;
    }
    const plan = planRead(replicas, request, slot);
    if (plan.type === "answer") {
      slot.data = plan.data;
      if (plan.data.errorCode !== ErrorCode.NONE) hasError = true;
      next(i + 1);
      return;
    }
    const first = bytes === 0;
    const limit = Math.min(slot.partitionMaxBytes, budget);
    if (!first && limit <= 0) {
      slot.data = plan.empty;
      next(i + 1);
      return;
    }
    plan.hosted.log.read(slot.fetchOffset, Math.max(limit, 1), plan.upperBound, (read) => {
      if (read.type === "error") {
        slot.data = errorData(slot.partition, read.error);
        hasError = true;
      } else if (read.bytes.length === 0 || (!first && read.bytes.length > limit)) {
        // Past the first partition with data, a batch that does not fit waits for the next fetch.
        slot.data = plan.empty;
      } else {
        slot.data = { ...plan.empty, records: read.bytes };
        bytes += read.bytes.length;
        budget -= read.bytes.length;
      }
      next(i + 1);
    });
  };
  next(0);
}

type ReadPlan =
  | { readonly type: "answer"; readonly data: FetchPartitionData }
  | {
      readonly type: "read";
      readonly hosted: NonNullable<ReturnType<ReplicaManager["hosted"]>>;
      readonly upperBound: number;
      readonly empty: FetchPartitionData;
    };

/** The per-partition checks; either an answer without reading, or what to read. */
function planRead(replicas: ReplicaManager, request: FetchRequest, slot: Slot): ReadPlan {
  const currentLeaderEpoch = slot.currentLeaderEpoch;
  const answer = (errorCode: number): ReadPlan => ({
    type: "answer",
    data: errorData(slot.partition, errorCode),
  });
  const ctx = replicas.ctx;
  if (ctx.image.partition(slot.topic, slot.partition) === undefined) {
    return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  }
  const hosted = replicas.hosted(slot.topic, slot.partition);
  if (hosted === undefined || !hosted.isServingLeader(ctx.config.nodeId)) {
    const offline = hosted?.log.status === "offline";
    return answer(offline ? ErrorCode.KAFKA_STORAGE_ERROR : ErrorCode.NOT_LEADER_OR_FOLLOWER);
  }
  if (currentLeaderEpoch >= 0 && currentLeaderEpoch < hosted.leaderEpoch) {
    return answer(ErrorCode.FENCED_LEADER_EPOCH);
  }
  if (currentLeaderEpoch > hosted.leaderEpoch) return answer(ErrorCode.UNKNOWN_LEADER_EPOCH);
  const log = hosted.log;
  if (slot.fetchOffset < log.logStartOffset || slot.fetchOffset > log.logEndOffset) {
    return answer(ErrorCode.OFFSET_OUT_OF_RANGE);
  }
  // A follower (replicaId >= 0) reads up to the LEO; consumers up to the HW (= LSO without
  // transactions). Replication will add follower LEO tracking at this point.
  const follower = request.replicaId >= 0;
  if (follower) ctx.outbox.mark("fetch-from-follower-id");
  const upperBound = follower ? log.logEndOffset : log.highWatermark;
  const empty: FetchPartitionData = {
    partitionIndex: slot.partition,
    errorCode: ErrorCode.NONE,
    highWatermark: log.highWatermark,
    lastStableOffset: log.highWatermark,
    logStartOffset: log.logStartOffset,
    abortedTransactions: request.isolationLevel === 1 ? [] : null,
    preferredReadReplica: -1,
    records: NO_RECORDS,
  };
  if (slot.fetchOffset >= upperBound) return { type: "answer", data: empty };
  return { type: "read", hosted, upperBound, empty };
}
