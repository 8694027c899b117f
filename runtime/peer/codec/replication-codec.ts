// Fields of data-partition replication messages (core/replication/messages.ts), in declaration
// order: ReplicaFetch with its per-partition diverging epoch, AlterPartition with broker epochs.
// Record batches travel as opaque bytes, exactly as the leader read them from its log.

import { assertNever } from "../../../core/assert.ts";
import type {
  AlterPartitionItem,
  AlterPartitionResult,
  ReplicaFetchPartition,
  ReplicaFetchPartitionResponse,
  ReplicationMessage,
  ReplicationMessageType,
} from "../../../core/replication/messages.ts";
import type { PeerReader, PeerWriter } from "./fields.ts";

export function writeReplicationMessage(w: PeerWriter, m: ReplicationMessage): void {
  w.int(m.correlationId);
  switch (m.type) {
    case "replica-fetch-request":
      w.int(m.replicaId);
      w.int(m.brokerEpoch);
      w.int(m.maxWaitMs);
      w.int(m.minBytes);
      w.int(m.maxBytes);
      w.array(m.partitions, (p) => writeFetchPartition(w, p));
      return;
    case "replica-fetch-response":
      w.errorCode(m.errorCode);
      w.array(m.partitions, (p) => writeFetchPartitionResponse(w, p));
      return;
    case "alter-partition-request":
      w.int(m.brokerId);
      w.int(m.brokerEpoch);
      w.array(m.partitions, (p) => writeAlterItem(w, p));
      return;
    case "alter-partition-response":
      w.errorCode(m.errorCode);
      w.array(m.partitions, (p) => writeAlterResult(w, p));
      return;
    default:
      assertNever(m, "replication message");
  }
}

function writePartitionKey(
  w: PeerWriter,
  p: { readonly topic: string; readonly topicId: string; readonly partition: number },
): void {
  w.string(p.topic);
  w.string(p.topicId);
  w.int(p.partition);
}

function writeFetchPartition(w: PeerWriter, p: ReplicaFetchPartition): void {
  writePartitionKey(w, p);
  w.int(p.currentLeaderEpoch);
  w.int(p.fetchOffset);
  w.int(p.lastFetchedEpoch);
  w.int(p.logStartOffset);
  w.int(p.maxBytes);
}

function writeFetchPartitionResponse(w: PeerWriter, p: ReplicaFetchPartitionResponse): void {
  writePartitionKey(w, p);
  w.errorCode(p.errorCode);
  w.int(p.highWatermark);
  w.int(p.logStartOffset);
  w.optional(p.divergingEpoch, (d) => {
    w.int(d.epoch);
    w.int(d.endOffset);
  });
  w.bytes(p.records);
}

function writeAlterItem(w: PeerWriter, p: AlterPartitionItem): void {
  writePartitionKey(w, p);
  w.int(p.leaderEpoch);
  w.array(p.newIsr, (m) => {
    w.int(m.brokerId);
    w.int(m.brokerEpoch);
  });
  w.int(p.partitionEpoch);
}

function writeAlterResult(w: PeerWriter, p: AlterPartitionResult): void {
  writePartitionKey(w, p);
  w.errorCode(p.errorCode);
  w.int(p.leaderId);
  w.int(p.leaderEpoch);
  w.array(p.isr, (id) => w.int(id));
  w.int(p.partitionEpoch);
}

/** Reads the fields of a `type` message; on failure `r.error` says why (the value is junk). */
export function readReplicationMessage(
  r: PeerReader,
  type: ReplicationMessageType,
): ReplicationMessage {
  const correlationId = r.int("correlationId");
  switch (type) {
    case "replica-fetch-request":
      return {
        type,
        correlationId,
        replicaId: r.nodeId("replicaId"),
        brokerEpoch: r.int("brokerEpoch"),
        maxWaitMs: r.int("maxWaitMs"),
        minBytes: r.int("minBytes"),
        maxBytes: r.int("maxBytes"),
        partitions: r.array("partitions", () => readFetchPartition(r)),
      };
    case "replica-fetch-response":
      return {
        type,
        correlationId,
        errorCode: r.errorCode("errorCode"),
        partitions: r.array("partitions", () => readFetchPartitionResponse(r)),
      };
    case "alter-partition-request":
      return {
        type,
        correlationId,
        brokerId: r.nodeId("brokerId"),
        brokerEpoch: r.int("brokerEpoch"),
        partitions: r.array("partitions", () => readAlterItem(r)),
      };
    case "alter-partition-response":
      return {
        type,
        correlationId,
        errorCode: r.errorCode("errorCode"),
        partitions: r.array("partitions", () => readAlterResult(r)),
      };
    default:
      return assertNever(type, "replication message type");
  }
}

function readPartitionKey(r: PeerReader): { topic: string; topicId: string; partition: number } {
  return { topic: r.string("topic"), topicId: r.string("topicId"), partition: r.int("partition") };
}

function readFetchPartition(r: PeerReader): ReplicaFetchPartition {
  return {
    ...readPartitionKey(r),
    currentLeaderEpoch: r.int("currentLeaderEpoch"),
    fetchOffset: r.int("fetchOffset"),
    lastFetchedEpoch: r.int("lastFetchedEpoch"),
    logStartOffset: r.int("logStartOffset"),
    maxBytes: r.int("maxBytes"),
  };
}

function readFetchPartitionResponse(r: PeerReader): ReplicaFetchPartitionResponse {
  return {
    ...readPartitionKey(r),
    errorCode: r.errorCode("errorCode"),
    highWatermark: r.int("highWatermark"),
    logStartOffset: r.int("logStartOffset"),
    divergingEpoch: r.nullable("divergingEpoch", () => ({
      epoch: r.int("divergingEpoch.epoch"),
      endOffset: r.int("divergingEpoch.endOffset"),
    })),
    records: r.bytes("records"),
  };
}

function readAlterItem(r: PeerReader): AlterPartitionItem {
  return {
    ...readPartitionKey(r),
    leaderEpoch: r.int("leaderEpoch"),
    newIsr: r.array("newIsr", () => ({
      brokerId: r.nodeId("newIsr.brokerId"),
      brokerEpoch: r.int("newIsr.brokerEpoch"),
    })),
    partitionEpoch: r.int("partitionEpoch"),
  };
}

function readAlterResult(r: PeerReader): AlterPartitionResult {
  return {
    ...readPartitionKey(r),
    errorCode: r.errorCode("errorCode"),
    leaderId: r.int("leaderId"),
    leaderEpoch: r.int("leaderEpoch"),
    isr: r.array("isr", () => r.nodeId("isr")),
    partitionEpoch: r.int("partitionEpoch"),
  };
}
