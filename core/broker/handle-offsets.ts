// ListOffsets (earliest -2, latest -1 = HW = LSO without transactions, or the first offset at or
// after a timestamp) and DeleteRecords (KIP-107: move the log start offset up to at most the HW).
// Both answer only on the leader; timestamp lookups may read the disk, so partitions go in order.

import { ErrorCode } from "../error-codes.ts";
import type {
  DeleteRecordsPartitionResult,
  DeleteRecordsRequest,
  ListOffsetsPartitionResponse,
  ListOffsetsRequest,
} from "../protocol/index.ts";
import type { Reply } from "./connections.ts";
import type { HostedPartition } from "./hosted-partition.ts";
import { partitionFolder } from "./partition-folder.ts";
import type { ReplicaManager } from "./replica-manager.ts";

export const EARLIEST_TIMESTAMP = -2;
export const LATEST_TIMESTAMP = -1;

/** The leader replica of a partition, or the error a client gets instead. */
function leaderOrError(
  replicas: ReplicaManager,
  topic: string,
  partition: number,
): HostedPartition | number {
  if (replicas.ctx.image.partition(topic, partition) === undefined) {
    return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  }
  const hosted = replicas.hosted(topic, partition);
  if (hosted === undefined || !hosted.isServingLeader(replicas.ctx.config.nodeId)) {
    return hosted?.log.status === "offline"
      ? ErrorCode.KAFKA_STORAGE_ERROR
      : ErrorCode.NOT_LEADER_OR_FOLLOWER;
  }
  return hosted;
}

export function handleListOffsets(
  replicas: ReplicaManager,
  body: ListOffsetsRequest,
  reply: Reply,
): void {
  const jobs = body.topics.flatMap((t, ti) =>
    t.partitions.map((p, pi) => ({ topic: t.name, ti, pi, request: p })),
  );
  const results: ListOffsetsPartitionResponse[][] = body.topics.map((t) =>
    t.partitions.map((p) => ({
      partitionIndex: p.partitionIndex,
      errorCode: 0,
      timestamp: -1,
      offset: -1,
    })),
  );
  const set = (
    ti: number,
    pi: number,
    value: Omit<ListOffsetsPartitionResponse, "partitionIndex">,
  ) => {
    const row = results[ti];
    const slot = row?.[pi];
    if (row !== undefined && slot !== undefined) row[pi] = { ...slot, ...value };
  };
  const next = (i: number): void => {
    const job = jobs[i];
    if (job === undefined) {
      reply.respond({
        api: "ListOffsets",
        body: {
          throttleTimeMs: 0,
          topics: body.topics.map((t, ti) => ({ name: t.name, partitions: results[ti] ?? [] })),
        },
      });
      return;
    }
    const leader = leaderOrError(replicas, job.topic, job.request.partitionIndex);
    const timestamp = job.request.timestamp;
    if (typeof leader === "number") {
      set(job.ti, job.pi, { errorCode: leader, timestamp: -1, offset: -1 });
    } else if (timestamp === EARLIEST_TIMESTAMP) {
      set(job.ti, job.pi, { errorCode: 0, timestamp: -1, offset: leader.log.logStartOffset });
    } else if (timestamp === LATEST_TIMESTAMP) {
      set(job.ti, job.pi, { errorCode: 0, timestamp: -1, offset: leader.log.highWatermark });
    } else if (timestamp < 0) {
      set(job.ti, job.pi, { errorCode: ErrorCode.INVALID_REQUEST, timestamp: -1, offset: -1 });
    } else {
      leader.log.offsetForTimestamp(timestamp, leader.log.highWatermark, (found) => {
        if (found.type === "found") {
          set(job.ti, job.pi, { errorCode: 0, timestamp: found.timestamp, offset: found.offset });
        } else if (found.type === "error") {
          set(job.ti, job.pi, { errorCode: found.error, timestamp: -1, offset: -1 });
        }
        next(i + 1);
      });
      return;
    }
    next(i + 1);
  };
  next(0);
}

/**
 * DeleteRecords answers once each new log start offset is durable: the log writes its checkpoint
 * when the log start offset moves, and disk operations complete in issue order, so a cheap
 * operation issued after it completes after it (a barrier).
 */
export function handleDeleteRecords(
  replicas: ReplicaManager,
  body: DeleteRecordsRequest,
  reply: Reply,
): void {
  let moved: string | undefined;
  const topics = body.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      const before = replicas.hosted(t.name, p.partitionIndex)?.log.logStartOffset;
      const result = deleteRecords(replicas, t.name, p.partitionIndex, p.offset);
      if (result.errorCode === ErrorCode.NONE && result.lowWatermark !== before) {
        moved = partitionFolder(t.name, p.partitionIndex);
      }
      return result;
    }),
  }));
  const respond = () =>
    reply.respond({ api: "DeleteRecords", body: { throttleTimeMs: 0, topics } });
  if (moved === undefined) {
    respond();
    return;
  }
  replicas.ctx.diskIo.submit({ type: "list", dir: moved }, respond);
}

function deleteRecords(
  replicas: ReplicaManager,
  topic: string,
  partitionIndex: number,
  offset: number,
): DeleteRecordsPartitionResult {
  const failed = (errorCode: number) => ({ partitionIndex, lowWatermark: -1, errorCode });
  const leader = leaderOrError(replicas, topic, partitionIndex);
  if (typeof leader === "number") return failed(leader);
  if (!replicas.topicConfig(topic).cleanupPolicy.includes("delete")) {
    replicas.ctx.outbox.mark("delete-records-on-compacted-topic");
    return failed(ErrorCode.POLICY_VIOLATION);
  }
  const log = leader.log;
  const target = offset === -1 ? log.highWatermark : offset;
  if (target < 0 || target > log.highWatermark) return failed(ErrorCode.OFFSET_OUT_OF_RANGE);
  const lowWatermark = log.deleteRecordsBefore(target);
  replicas.touch(leader);
  return { partitionIndex, lowWatermark, errorCode: ErrorCode.NONE };
}
