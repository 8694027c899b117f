// fast-check arbitraries for every PeerMessage variant, covering every field: integers across the
// whole safe range, every error code, optional fields both present and absent, empty and large
// byte fields. Keyed by type, so a new variant without an arbitrary breaks the test build.

import fc from "fast-check";
import { ErrorCode } from "../../../../core/error-codes.ts";
import { type NodeId, nodeId } from "../../../../core/ids.ts";
import type { PeerMessage } from "../../../../core/peer-message.ts";
import {
  type ApiName,
  apiNames,
  type ClientRequest,
  type ClientResponse,
} from "../../../../core/protocol/index.ts";
import type { PeerMessageType } from "../../../../runtime/peer/codec/type-ids.ts";
import { advertised } from "../../../../runtime/protocol/api-versions.ts";
import { erasedCodec } from "../../../../runtime/protocol/apis/index.ts";
import { messageArbitrary } from "../../protocol/support/schema-arbitrary.ts";

type Variant<T extends PeerMessageType> = Extract<PeerMessage, { type: T }>;

/** Small values (the common case, one varint byte) and the extremes of the safe range. */
export const int = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -2, max: 1000 }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.maxSafeInteger() },
  { weight: 1, arbitrary: fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER) },
);
const id: fc.Arbitrary<NodeId> = int.map(nodeId);
const errorCode = fc.constantFrom(...Object.values(ErrorCode));
const text = fc.string({ unit: "grapheme", maxLength: 12 });
/** Mostly small; sometimes past the writer's by-reference threshold (1 KiB). */
const bytes = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1024, maxLength: 1400 }) },
);
const epochEndOffset = fc.record({ epoch: int, endOffset: int });
const snapshotId = fc.record({ endOffset: int, epoch: int });
const partitionKey = { topic: text, topicId: text, partition: int };

/** A domain request of `api` at its highest version: a generated wire value through its adapter. */
function clientRequest(api: ApiName): fc.Arbitrary<ClientRequest> {
  const codec = erasedCodec(api).request;
  const version = advertised[api].maxVersion;
  return fc
    .tuple(messageArbitrary(codec.schema, version), fc.option(text, { nil: null }))
    .map(
      ([wire, clientId]) =>
        ({ api, clientId, body: codec.toDomain(version, wire) }) as ClientRequest,
    );
}

function clientResponse(api: ApiName): fc.Arbitrary<ClientResponse> {
  const codec = erasedCodec(api).response;
  const version = advertised[api].maxVersion;
  return messageArbitrary(codec.schema, version)
    .filter((wire) => api !== "ApiVersions" || wire.errorCode !== ErrorCode.UNSUPPORTED_VERSION)
    .map((wire) => ({ api, body: codec.toDomain(version, wire) }) as ClientResponse);
}

const anyClientRequest = fc.constantFrom(...apiNames).chain(clientRequest);
const anyClientResponse = fc.constantFrom(...apiNames).chain(clientResponse);

/** `{...required, leaderId?}`: the optional key is absent, never `undefined`. */
function withLeader<T extends object>(
  required: fc.Arbitrary<T>,
): fc.Arbitrary<T & { leaderId?: NodeId }> {
  return fc
    .tuple(required, fc.option(id, { nil: undefined }))
    .map(([value, leaderId]) => (leaderId === undefined ? value : { ...value, leaderId }));
}

const head = <T extends PeerMessageType>(type: T) => ({
  type: fc.constant(type),
  correlationId: int,
});

export const peerMessageArbitraries: { readonly [T in PeerMessageType]: fc.Arbitrary<Variant<T>> } =
  {
    "raft-vote-request": fc.record({
      ...head("raft-vote-request"),
      epoch: int,
      candidateId: id,
      lastEpoch: int,
      lastEndOffset: int,
      preVote: fc.boolean(),
    }),
    "raft-vote-response": withLeader(
      fc.record({
        ...head("raft-vote-response"),
        errorCode,
        epoch: int,
        voteGranted: fc.boolean(),
        preVote: fc.boolean(),
      }),
    ),
    "raft-begin-quorum-epoch-request": fc.record({
      ...head("raft-begin-quorum-epoch-request"),
      epoch: int,
      leaderId: id,
    }),
    "raft-begin-quorum-epoch-response": withLeader(
      fc.record({ ...head("raft-begin-quorum-epoch-response"), errorCode, epoch: int }),
    ),
    "raft-end-quorum-epoch-request": fc.record({
      ...head("raft-end-quorum-epoch-request"),
      epoch: int,
      leaderId: id,
      preferredSuccessors: fc.array(id, { maxLength: 5 }),
    }),
    "raft-end-quorum-epoch-response": withLeader(
      fc.record({ ...head("raft-end-quorum-epoch-response"), errorCode, epoch: int }),
    ),
    "raft-fetch-request": fc.record({
      ...head("raft-fetch-request"),
      epoch: int,
      replicaId: id,
      fetchOffset: int,
      lastFetchedEpoch: int,
      maxWaitMs: int,
      maxBytes: int,
    }),
    "raft-fetch-response": withLeader(
      fc.record(
        {
          ...head("raft-fetch-response"),
          errorCode,
          epoch: int,
          highWatermark: int,
          logStartOffset: int,
          records: bytes,
          divergingEpoch: epochEndOffset,
          snapshotId,
        },
        {
          requiredKeys: [
            "type",
            "correlationId",
            "errorCode",
            "epoch",
            "highWatermark",
            "logStartOffset",
            "records",
          ],
        },
      ),
    ),
    "raft-fetch-snapshot-request": fc.record({
      ...head("raft-fetch-snapshot-request"),
      epoch: int,
      replicaId: id,
      snapshotId,
      position: int,
      maxBytes: int,
    }),
    "raft-fetch-snapshot-response": withLeader(
      fc.record({
        ...head("raft-fetch-snapshot-response"),
        errorCode,
        epoch: int,
        snapshotId,
        size: int,
        position: int,
        bytes,
      }),
    ),
    "broker-registration-request": fc.record({
      ...head("broker-registration-request"),
      brokerId: id,
      incarnationId: text,
      listeners: fc.array(fc.record({ name: text, host: text, port: int }), { maxLength: 3 }),
    }),
    "broker-registration-response": fc.record({
      ...head("broker-registration-response"),
      errorCode,
      brokerEpoch: int,
    }),
    "broker-heartbeat-request": fc.record({
      ...head("broker-heartbeat-request"),
      brokerId: id,
      brokerEpoch: int,
      currentMetadataOffset: int,
      wantFence: fc.boolean(),
      wantShutDown: fc.boolean(),
    }),
    "broker-heartbeat-response": fc.record({
      ...head("broker-heartbeat-response"),
      errorCode,
      isCaughtUp: fc.boolean(),
      isFenced: fc.boolean(),
      shouldShutDown: fc.boolean(),
    }),
    "envelope-request": fc.record({ ...head("envelope-request"), request: anyClientRequest }),
    "envelope-response": fc.record({
      ...head("envelope-response"),
      errorCode,
      response: fc.option(anyClientResponse, { nil: null }),
    }),
    "allocate-producer-ids-request": fc.record({
      ...head("allocate-producer-ids-request"),
      brokerId: id,
      brokerEpoch: int,
    }),
    "allocate-producer-ids-response": fc.record({
      ...head("allocate-producer-ids-response"),
      errorCode,
      producerIdStart: int,
      producerIdLen: int,
    }),
    "replica-fetch-request": fc.record({
      ...head("replica-fetch-request"),
      replicaId: id,
      brokerEpoch: int,
      maxWaitMs: int,
      minBytes: int,
      maxBytes: int,
      partitions: fc.array(
        fc.record({
          ...partitionKey,
          currentLeaderEpoch: int,
          fetchOffset: int,
          lastFetchedEpoch: int,
          logStartOffset: int,
          maxBytes: int,
        }),
        { maxLength: 3 },
      ),
    }),
    "replica-fetch-response": fc.record({
      ...head("replica-fetch-response"),
      errorCode,
      partitions: fc.array(
        fc.record({
          ...partitionKey,
          errorCode,
          highWatermark: int,
          logStartOffset: int,
          divergingEpoch: fc.option(epochEndOffset, { nil: null }),
          records: bytes,
        }),
        { maxLength: 3 },
      ),
    }),
    "alter-partition-request": fc.record({
      ...head("alter-partition-request"),
      brokerId: id,
      brokerEpoch: int,
      partitions: fc.array(
        fc.record({
          ...partitionKey,
          leaderEpoch: int,
          newIsr: fc.array(fc.record({ brokerId: id, brokerEpoch: int }), { maxLength: 4 }),
          partitionEpoch: int,
        }),
        { maxLength: 3 },
      ),
    }),
    "alter-partition-response": fc.record({
      ...head("alter-partition-response"),
      errorCode,
      partitions: fc.array(
        fc.record({
          ...partitionKey,
          errorCode,
          leaderId: int,
          leaderEpoch: int,
          isr: fc.array(id, { maxLength: 4 }),
          partitionEpoch: int,
        }),
        { maxLength: 3 },
      ),
    }),
  };

export const peerMessageTypes = Object.keys(peerMessageArbitraries) as PeerMessageType[];

/** Any variant, each equally likely. */
export const anyPeerMessage: fc.Arbitrary<PeerMessage> = fc.oneof(
  ...peerMessageTypes.map((type) => peerMessageArbitraries[type] as fc.Arbitrary<PeerMessage>),
);
