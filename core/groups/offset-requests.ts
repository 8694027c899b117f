// OffsetCommit (generation-fenced, Kafka's validateOffsetCommit; generation -1 "simple" commits
// only while the group has no members), OffsetFetch and OffsetDelete. A commit reaches the store
// only when its record is committed in __consumer_offsets.

import { ErrorCode } from "../error-codes.ts";
import type {
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetCommitResponsePartition,
  OffsetDeleteRequest,
  OffsetDeleteResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  OffsetFetchResponsePartition,
} from "../protocol/index.ts";
import { type ClassicGroup, GroupState } from "./classic-group.ts";
import type { CoordinatorRecord } from "./coordinator-records.ts";
import type { GroupContext } from "./group-context.ts";
import { commitAppendError, groupAppendError } from "./group-persistence.ts";
import { commitError, deleteOffsetsError } from "./group-responses.ts";
import type { OffsetStore } from "./offset-store.ts";
import { scheduleHeartbeat } from "./rebalance.ts";

export interface OffsetDeps<T> {
  readonly store: OffsetStore;
  group(groupId: string): ClassicGroup<T> | undefined;
  /** The group a simple commit lands in (created Empty without a protocol type if missing). */
  simpleGroup(groupId: string): ClassicGroup<T> | undefined;
}

/** Kafka's ClassicGroup.validateOffsetCommit for a non-transactional commit. */
export function validateOffsetCommit<T>(group: ClassicGroup<T>, r: OffsetCommitRequest): ErrorCode {
  if (group.is(GroupState.Dead)) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  if (r.generationId < 0 && group.is(GroupState.Empty)) return ErrorCode.NONE;
  if (r.generationId >= 0 || r.memberId !== "" || r.groupInstanceId !== null) {
    const error = group.validateMember(r.memberId, r.groupInstanceId);
    if (error !== ErrorCode.NONE) return error;
    if (r.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
  } else if (!group.is(GroupState.Empty)) {
    return ErrorCode.UNKNOWN_MEMBER_ID;
  }
  if (group.is(GroupState.CompletingRebalance)) return ErrorCode.REBALANCE_IN_PROGRESS;
  return ErrorCode.NONE;
}

export function handleOffsetCommit<T>(
  ctx: GroupContext<T>,
  deps: OffsetDeps<T>,
  request: OffsetCommitRequest,
  reply: (response: OffsetCommitResponse) => void,
): void {
  const group = deps.group(request.groupId);
  const error =
    group === undefined
      ? request.generationId < 0
        ? ErrorCode.NONE
        : ErrorCode.ILLEGAL_GENERATION
      : validateOffsetCommit(group, request);
  if (error !== ErrorCode.NONE) {
    if (error === ErrorCode.ILLEGAL_GENERATION || error === ErrorCode.UNKNOWN_MEMBER_ID) {
      ctx.mark("group-commit-fenced");
    }
    reply(commitError(request, error));
    return;
  }
  const member = group?.members.get(request.memberId);
  if (group !== undefined && member !== undefined) {
    // A commit keeps the member's session alive while Stable or PreparingRebalance (Kafka).
    if (group.is(GroupState.Stable) || group.is(GroupState.PreparingRebalance)) {
      scheduleHeartbeat(ctx, group, member);
    }
  }
  const plan = planCommit(ctx, deps.store, request);
  if (plan.records.length === 0) {
    reply(plan.response(ErrorCode.NONE));
    return;
  }
  const pending = (delta: 1 | -1) => {
    for (const r of plan.records) {
      if (r.type === "offset-commit") deps.store.addPending(r.group, r.topic, r.partition, delta);
    }
  };
  const done = (appendError: ErrorCode) => {
    pending(-1);
    if (appendError !== ErrorCode.NONE) return reply(plan.response(commitAppendError(appendError)));
    applyCommit(ctx, deps, request.groupId, plan.records);
    reply(plan.response(ErrorCode.NONE));
  };
  pending(1);
  if (!ctx.append(request.groupId, plan.records, done)) done(ErrorCode.COORDINATOR_NOT_AVAILABLE);
}

interface CommitPlan {
  readonly records: readonly CoordinatorRecord[];
  /** The response once the append outcome (for the partitions that were written) is known. */
  response(appendError: ErrorCode): OffsetCommitResponse;
}

function planCommit<T>(ctx: GroupContext<T>, store: OffsetStore, request: OffsetCommitRequest) {
  const records: CoordinatorRecord[] = [];
  const fixed = new Map<string, ErrorCode>();
  let newKeys = 0;
  const expireTimestamp = request.retentionTimeMs === -1 ? -1 : ctx.now + request.retentionTimeMs;
  for (const topic of request.topics) {
    for (const p of topic.partitions) {
      const metadata = p.committedMetadata ?? "";
      const k = `${topic.name}\u0000${p.partitionIndex}`;
      if (metadata.length > ctx.config.offsetMetadataMaxBytes) {
        fixed.set(k, ErrorCode.OFFSET_METADATA_TOO_LARGE);
        continue;
      }
      if (!store.has(request.groupId, topic.name, p.partitionIndex)) newKeys++;
      if (!store.canAdd(newKeys)) {
        ctx.mark("group-offsets-limit-reached");
        fixed.set(k, ErrorCode.INVALID_COMMIT_OFFSET_SIZE);
        continue;
      }
      records.push({
        type: "offset-commit",
        group: request.groupId,
        topic: topic.name,
        partition: p.partitionIndex,
        value: {
          offset: p.committedOffset,
          leaderEpoch: p.committedLeaderEpoch,
          metadata,
          commitTimestamp: ctx.now,
          expireTimestamp,
        },
      });
    }
  }
  const response = (appendError: ErrorCode): OffsetCommitResponse => ({
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map(
        (p): OffsetCommitResponsePartition => ({
          partitionIndex: p.partitionIndex,
          errorCode: fixed.get(`${t.name}\u0000${p.partitionIndex}`) ?? appendError,
        }),
      ),
    })),
  });
  return { records, response } satisfies CommitPlan;
}

function applyCommit<T>(
  ctx: GroupContext<T>,
  deps: OffsetDeps<T>,
  groupId: string,
  records: readonly CoordinatorRecord[],
): void {
  const group = deps.simpleGroup(groupId);
  if (group === undefined || group.is(GroupState.Dead)) {
    // Deleted (or over the group limit) while the append was in flight: its tombstones follow.
    ctx.mark("group-commit-after-delete");
    return;
  }
  for (const record of records) {
    if (record.type !== "offset-commit" || record.value === null) continue;
    if (!deps.store.canAdd(deps.store.has(groupId, record.topic, record.partition) ? 0 : 1)) {
      ctx.mark("group-offsets-limit-reached");
      continue;
    }
    deps.store.put(groupId, record.topic, record.partition, record.value);
    ctx.trace({
      type: "offset-committed",
      group: groupId,
      topic: record.topic,
      partition: record.partition,
      offset: record.value.offset,
    });
  }
}

export function handleOffsetFetch<T>(
  deps: OffsetDeps<T>,
  request: OffsetFetchRequest,
): OffsetFetchResponse {
  const group = deps.group(request.groupId);
  const known = group !== undefined && !group.is(GroupState.Dead);
  const answer = (topic: string, partitionIndex: number): OffsetFetchResponsePartition => {
    const stored = known ? deps.store.get(request.groupId, topic, partitionIndex) : undefined;
    return {
      partitionIndex,
      committedOffset: stored?.value.offset ?? -1,
      committedLeaderEpoch: stored?.value.leaderEpoch ?? -1,
      metadata: stored?.value.metadata ?? "",
      errorCode: ErrorCode.NONE,
    };
  };
  if (request.topics !== null) {
    const topics = request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((p) => answer(t.name, p)),
    }));
    return { throttleTimeMs: 0, topics, errorCode: ErrorCode.NONE };
  }
  const byTopic = new Map<string, OffsetFetchResponsePartition[]>();
  for (const stored of known ? deps.store.offsetsOf(request.groupId) : []) {
    const list = byTopic.get(stored.topic) ?? [];
    list.push(answer(stored.topic, stored.partition));
    byTopic.set(stored.topic, list);
  }
  const topics = [...byTopic].map(([name, partitions]) => ({ name, partitions }));
  return { throttleTimeMs: 0, topics, errorCode: ErrorCode.NONE };
}

/** OffsetDelete: refused for non-consumer groups with members and for subscribed topics. */
export function handleOffsetDelete<T>(
  ctx: GroupContext<T>,
  deps: OffsetDeps<T>,
  request: OffsetDeleteRequest,
  reply: (response: OffsetDeleteResponse) => void,
): void {
  const group = deps.group(request.groupId);
  if (group === undefined || group.is(GroupState.Dead)) {
    reply(deleteOffsetsError(request, ErrorCode.GROUP_ID_NOT_FOUND));
    return;
  }
  if (!group.is(GroupState.Empty) && group.protocolType !== "consumer") {
    reply(deleteOffsetsError(request, ErrorCode.NON_EMPTY_GROUP));
    return;
  }
  const records: CoordinatorRecord[] = [];
  const topics = request.topics.map((t) => {
    const subscribed = group.isSubscribedToTopic(t.name);
    if (subscribed) ctx.mark("group-offset-delete-subscribed");
    const partitions = t.partitions.map((p) => {
      if (!subscribed && deps.store.has(request.groupId, t.name, p.partitionIndex)) {
        const partition = p.partitionIndex;
        records.push({
          type: "offset-commit",
          group: request.groupId,
          topic: t.name,
          partition,
          value: null,
        });
      }
      const errorCode = subscribed ? ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC : ErrorCode.NONE;
      return { partitionIndex: p.partitionIndex, errorCode };
    });
    return { name: t.name, partitions };
  });
  const response: OffsetDeleteResponse = { errorCode: ErrorCode.NONE, throttleTimeMs: 0, topics };
  if (records.length === 0) {
    reply(response);
    return;
  }
  const done = (error: ErrorCode) => {
    if (error !== ErrorCode.NONE)
      return reply(deleteOffsetsError(request, groupAppendError(error)));
    removeOffsets(ctx, deps.store, records, "offset-delete");
    reply(response);
  };
  if (!ctx.append(request.groupId, records, done)) done(ErrorCode.COORDINATOR_NOT_AVAILABLE);
}

/** Drops the offsets the committed tombstones name (the trace says why). */
export function removeOffsets<T>(
  ctx: GroupContext<T>,
  store: OffsetStore,
  tombstones: readonly CoordinatorRecord[],
  reason: "offset-delete" | "group-deleted" | "retention",
): void {
  for (const record of tombstones) {
    if (record.type !== "offset-commit") continue;
    if (!store.delete(record.group, record.topic, record.partition)) continue;
    ctx.trace({
      type: "offset-removed",
      group: record.group,
      topic: record.topic,
      partition: record.partition,
      reason,
    });
  }
}
