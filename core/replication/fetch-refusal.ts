// Who may fetch a partition from its leader: a replica of the assignment, on the leader's epoch
// (KIP-320: FENCED_LEADER_EPOCH when older, UNKNOWN_LEADER_EPOCH when newer), from the broker
// incarnation the registry knows (a fetch from an older one is refused).

import { ErrorCode } from "../error-codes.ts";
import type { Epoch, NodeId } from "../ids.ts";
import type { Outbox } from "../outbox.ts";
import type { PartitionId } from "./config.ts";
import type { BrokerEpoch, ReplicaFetchPartition } from "./messages.ts";
import type { BrokerRegistry } from "./replica-log.ts";

export interface FetchRefusalContext {
  readonly id: PartitionId;
  readonly localId: NodeId;
  readonly replicas: readonly NodeId[];
  readonly leaderEpoch: Epoch;
  readonly brokers: BrokerRegistry;
  readonly outbox: Outbox;
}

/** NONE when the fetch may be served, else the error to answer it with (traced or marked). */
export function refuseFollowerFetch(
  ctx: FetchRefusalContext,
  replicaId: NodeId,
  brokerEpoch: BrokerEpoch,
  request: ReplicaFetchPartition,
): ErrorCode {
  if (replicaId === ctx.localId || !ctx.replicas.includes(replicaId)) {
    // Kafka: a replica outside our assignment may know newer metadata; it retries.
    ctx.outbox.mark("leader-fetch-from-unknown-replica");
    return ErrorCode.UNKNOWN_LEADER_EPOCH;
  }
  if (request.currentLeaderEpoch !== ctx.leaderEpoch) {
    const older = request.currentLeaderEpoch < ctx.leaderEpoch;
    const errorCode = older ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH;
    ctx.outbox.trace({
      type: "fenced-leader-epoch",
      topic: ctx.id.topic,
      partition: ctx.id.partition,
      side: "leader",
      replicaId,
      requestEpoch: request.currentLeaderEpoch,
      currentEpoch: ctx.leaderEpoch,
      errorCode,
    });
    return errorCode;
  }
  const registered = ctx.brokers.broker(replicaId)?.brokerEpoch;
  if (brokerEpoch !== -1 && registered !== undefined && registered > brokerEpoch) {
    ctx.outbox.mark("leader-fetch-from-stale-broker-epoch");
    return ErrorCode.NOT_LEADER_OR_FOLLOWER;
  }
  return ErrorCode.NONE;
}
