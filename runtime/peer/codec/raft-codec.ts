// Fields of the metadata quorum's Raft messages (core/metadata/messages.ts), in declaration order.
// Optional fields (a leader not known yet, no divergence) are a presence flag then the value, and
// decode to an absent property, never to `undefined`, so decode(encode(m)) is structurally m.

import { assertNever } from "../../../core/assert.ts";
import type { NodeId } from "../../../core/ids.ts";
import type {
  FetchResponse,
  RaftMessage,
  RaftMessageType,
  RaftSnapshotId,
} from "../../../core/metadata/messages.ts";
import type { PeerReader, PeerWriter } from "./fields.ts";

export function writeRaftMessage(w: PeerWriter, m: RaftMessage): void {
  w.int(m.correlationId);
  switch (m.type) {
    case "raft-vote-request":
      w.int(m.epoch);
      w.int(m.candidateId);
      w.int(m.lastEpoch);
      w.int(m.lastEndOffset);
      w.bool(m.preVote);
      return;
    case "raft-vote-response":
      w.errorCode(m.errorCode);
      w.int(m.epoch);
      w.optional(m.leaderId, (id) => w.int(id));
      w.bool(m.voteGranted);
      w.bool(m.preVote);
      return;
    case "raft-begin-quorum-epoch-request":
      w.int(m.epoch);
      w.int(m.leaderId);
      return;
    case "raft-begin-quorum-epoch-response":
    case "raft-end-quorum-epoch-response":
      w.errorCode(m.errorCode);
      w.int(m.epoch);
      w.optional(m.leaderId, (id) => w.int(id));
      return;
    case "raft-end-quorum-epoch-request":
      w.int(m.epoch);
      w.int(m.leaderId);
      w.array(m.preferredSuccessors, (id) => w.int(id));
      return;
    case "raft-fetch-request":
      w.int(m.epoch);
      w.int(m.replicaId);
      w.int(m.fetchOffset);
      w.int(m.lastFetchedEpoch);
      w.int(m.maxWaitMs);
      w.int(m.maxBytes);
      return;
    case "raft-fetch-response":
      writeFetchResponse(w, m);
      return;
    case "raft-fetch-snapshot-request":
      w.int(m.epoch);
      w.int(m.replicaId);
      writeSnapshotId(w, m.snapshotId);
      w.int(m.position);
      w.int(m.maxBytes);
      return;
    case "raft-fetch-snapshot-response":
      w.errorCode(m.errorCode);
      w.int(m.epoch);
      w.optional(m.leaderId, (id) => w.int(id));
      writeSnapshotId(w, m.snapshotId);
      w.int(m.size);
      w.int(m.position);
      w.bytes(m.bytes);
      return;
    default:
      assertNever(m, "raft message");
  }
}

function writeFetchResponse(w: PeerWriter, m: FetchResponse): void {
  w.errorCode(m.errorCode);
  w.int(m.epoch);
  w.optional(m.leaderId, (id) => w.int(id));
  w.int(m.highWatermark);
  w.int(m.logStartOffset);
  w.bytes(m.records);
  w.optional(m.divergingEpoch, (d) => {
    w.int(d.epoch);
    w.int(d.endOffset);
  });
  w.optional(m.snapshotId, (id) => writeSnapshotId(w, id));
}

function writeSnapshotId(w: PeerWriter, id: RaftSnapshotId): void {
  w.int(id.endOffset);
  w.int(id.epoch);
}

/** Reads the fields of a `type` message; on failure `r.error` says why (the value is junk). */
export function readRaftMessage(r: PeerReader, type: RaftMessageType): RaftMessage {
  const correlationId = r.int("correlationId");
  switch (type) {
    case "raft-vote-request":
      return {
        type,
        correlationId,
        epoch: r.int("epoch"),
        candidateId: r.nodeId("candidateId"),
        lastEpoch: r.int("lastEpoch"),
        lastEndOffset: r.int("lastEndOffset"),
        preVote: r.bool("preVote"),
      };
    case "raft-vote-response": {
      const errorCode = r.errorCode("errorCode");
      const epoch = r.int("epoch");
      const leader = leaderIdOf(r);
      const voteGranted = r.bool("voteGranted");
      return {
        type,
        correlationId,
        errorCode,
        epoch,
        ...leader,
        voteGranted,
        preVote: r.bool("preVote"),
      };
    }
    case "raft-begin-quorum-epoch-request":
      return { type, correlationId, epoch: r.int("epoch"), leaderId: r.nodeId("leaderId") };
    case "raft-begin-quorum-epoch-response":
    case "raft-end-quorum-epoch-response": {
      const errorCode = r.errorCode("errorCode");
      const epoch = r.int("epoch");
      return { type, correlationId, errorCode, epoch, ...leaderIdOf(r) };
    }
    case "raft-end-quorum-epoch-request": {
      const epoch = r.int("epoch");
      const leaderId = r.nodeId("leaderId");
      const preferredSuccessors = r.array("preferredSuccessors", () => r.nodeId("successor"));
      return { type, correlationId, epoch, leaderId, preferredSuccessors };
    }
    case "raft-fetch-request":
      return {
        type,
        correlationId,
        epoch: r.int("epoch"),
        replicaId: r.nodeId("replicaId"),
        fetchOffset: r.int("fetchOffset"),
        lastFetchedEpoch: r.int("lastFetchedEpoch"),
        maxWaitMs: r.int("maxWaitMs"),
        maxBytes: r.int("maxBytes"),
      };
    case "raft-fetch-response":
      return readFetchResponse(r, correlationId);
    case "raft-fetch-snapshot-request":
      return {
        type,
        correlationId,
        epoch: r.int("epoch"),
        replicaId: r.nodeId("replicaId"),
        snapshotId: readSnapshotId(r),
        position: r.int("position"),
        maxBytes: r.int("maxBytes"),
      };
    case "raft-fetch-snapshot-response": {
      const errorCode = r.errorCode("errorCode");
      const epoch = r.int("epoch");
      const leader = leaderIdOf(r);
      const snapshotId = readSnapshotId(r);
      const size = r.int("size");
      const position = r.int("position");
      return {
        type,
        correlationId,
        errorCode,
        epoch,
        ...leader,
        snapshotId,
        size,
        position,
        bytes: r.bytes("bytes"),
      };
    }
    default:
      return assertNever(type, "raft message type");
  }
}

function readFetchResponse(r: PeerReader, correlationId: number): FetchResponse {
  const errorCode = r.errorCode("errorCode");
  const epoch = r.int("epoch");
  const leader = leaderIdOf(r);
  const highWatermark = r.int("highWatermark");
  const logStartOffset = r.int("logStartOffset");
  const records = r.bytes("records");
  const divergingEpoch = r.optional("divergingEpoch", () => ({
    epoch: r.int("divergingEpoch.epoch"),
    endOffset: r.int("divergingEpoch.endOffset"),
  }));
  const snapshotId = r.optional("snapshotId", () => readSnapshotId(r));
  return {
    type: "raft-fetch-response",
    correlationId,
    errorCode,
    epoch,
    ...leader,
    highWatermark,
    logStartOffset,
    records,
    ...(divergingEpoch === undefined ? {} : { divergingEpoch }),
    ...(snapshotId === undefined ? {} : { snapshotId }),
  };
}

function readSnapshotId(r: PeerReader): RaftSnapshotId {
  const endOffset = r.int("snapshotId.endOffset");
  return { endOffset, epoch: r.int("snapshotId.epoch") };
}

/** `{ leaderId }` when the flag says one is known, `{}` otherwise (the property stays absent). */
function leaderIdOf(r: PeerReader): { leaderId?: NodeId } {
  const leaderId = r.optional("leaderId", () => r.nodeId("leaderId"));
  return leaderId === undefined ? {} : { leaderId };
}
