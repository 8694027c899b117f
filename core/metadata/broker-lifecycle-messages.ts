// Peer messages between brokers and the active controller outside Raft itself (KIP-631, KIP-590):
// BrokerRegistration (a new incarnation gets its broker epoch), BrokerHeartbeat (liveness, metadata
// catch-up, fencing and controlled shutdown), Envelope (an admin request forwarded to the controller)
// and AllocateProducerIds (KIP-730: a block of producer ids, committed in the metadata log first).

import type { ErrorCode } from "../error-codes.ts";
import type { NodeId, Offset } from "../ids.ts";
import type { ClientRequest, ClientResponse } from "../protocol/index.ts";
import type { BrokerListener } from "./records.ts";

export interface BrokerRegistrationRequest {
  readonly type: "broker-registration-request";
  readonly correlationId: number;
  readonly brokerId: NodeId;
  /** A fresh id per process start: a new incarnation is registered anew (and loses its leaderships). */
  readonly incarnationId: string;
  readonly listeners: readonly BrokerListener[];
}

export interface BrokerRegistrationResponse {
  readonly type: "broker-registration-response";
  readonly correlationId: number;
  /** NONE, NOT_CONTROLLER (ask the active one), REQUEST_TIMED_OUT (try again). */
  readonly errorCode: ErrorCode;
  /** The offset of the registration record: the broker epoch of this incarnation; -1 on error. */
  readonly brokerEpoch: Offset;
}

export interface BrokerHeartbeatRequest {
  readonly type: "broker-heartbeat-request";
  readonly correlationId: number;
  readonly brokerId: NodeId;
  readonly brokerEpoch: Offset;
  /** The offset after the last metadata record the broker applied. */
  readonly currentMetadataOffset: Offset;
  /** The broker cannot serve yet (logs loading) or any more (its log directory failed). */
  readonly wantFence: boolean;
  /** Controlled shutdown: move my leaderships away, then tell me to stop. */
  readonly wantShutDown: boolean;
}

export interface BrokerHeartbeatResponse {
  readonly type: "broker-heartbeat-response";
  readonly correlationId: number;
  /** NONE, NOT_CONTROLLER, STALE_BROKER_EPOCH (register again), REQUEST_TIMED_OUT. */
  readonly errorCode: ErrorCode;
  /** The broker has applied metadata up to its own registration. */
  readonly isCaughtUp: boolean;
  readonly isFenced: boolean;
  /** Controlled shutdown is complete: the broker leads nothing and may stop. */
  readonly shouldShutDown: boolean;
}

/** A client admin request a broker forwards to the active controller (Kafka's Envelope, KIP-590). */
export interface EnvelopeRequest {
  readonly type: "envelope-request";
  readonly correlationId: number;
  readonly request: ClientRequest;
}

export interface EnvelopeResponse {
  readonly type: "envelope-response";
  readonly correlationId: number;
  /** NONE with the controller's answer, or NOT_CONTROLLER (response absent). */
  readonly errorCode: ErrorCode;
  readonly response: ClientResponse | null;
}

/** A broker asks the active controller for its next block of producer ids (KIP-730). */
export interface AllocateProducerIdsRequest {
  readonly type: "allocate-producer-ids-request";
  readonly correlationId: number;
  readonly brokerId: NodeId;
  readonly brokerEpoch: Offset;
}

export interface AllocateProducerIdsResponse {
  readonly type: "allocate-producer-ids-response";
  readonly correlationId: number;
  /** NONE, NOT_CONTROLLER, STALE_BROKER_EPOCH, REQUEST_TIMED_OUT, UNKNOWN_SERVER_ERROR (exhausted). */
  readonly errorCode: ErrorCode;
  /** The block's first id; -1 on error. The block is committed before it is answered. */
  readonly producerIdStart: number;
  /** The block's size; 0 on error. */
  readonly producerIdLen: number;
}

export type BrokerLifecycleMessage =
  | BrokerRegistrationRequest
  | BrokerRegistrationResponse
  | BrokerHeartbeatRequest
  | BrokerHeartbeatResponse
  | EnvelopeRequest
  | EnvelopeResponse
  | AllocateProducerIdsRequest
  | AllocateProducerIdsResponse;

export type BrokerLifecycleMessageType = BrokerLifecycleMessage["type"];
