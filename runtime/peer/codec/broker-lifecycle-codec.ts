// Fields of the broker lifecycle messages (core/metadata/broker-lifecycle-messages.ts), in
// declaration order: registration with its listeners, heartbeats, and the Envelope that carries a
// forwarded admin request (its Kafka bytes, see envelope-codec.ts).

import { assertNever } from "../../../core/assert.ts";
import type {
  BrokerLifecycleMessage,
  BrokerLifecycleMessageType,
} from "../../../core/metadata/broker-lifecycle-messages.ts";
import {
  readEnvelopedRequest,
  readEnvelopedResponse,
  writeEnvelopedRequest,
  writeEnvelopedResponse,
} from "./envelope-codec.ts";
import type { PeerReader, PeerWriter } from "./fields.ts";

export function writeBrokerLifecycleMessage(w: PeerWriter, m: BrokerLifecycleMessage): void {
  w.int(m.correlationId);
  switch (m.type) {
    case "broker-registration-request":
      w.int(m.brokerId);
      w.string(m.incarnationId);
      w.array(m.listeners, (l) => {
        w.string(l.name);
        w.string(l.host);
        w.int(l.port);
      });
      return;
    case "broker-registration-response":
      w.errorCode(m.errorCode);
      w.int(m.brokerEpoch);
      return;
    case "broker-heartbeat-request":
      w.int(m.brokerId);
      w.int(m.brokerEpoch);
      w.int(m.currentMetadataOffset);
      w.bool(m.wantFence);
      w.bool(m.wantShutDown);
      return;
    case "broker-heartbeat-response":
      w.errorCode(m.errorCode);
      w.bool(m.isCaughtUp);
      w.bool(m.isFenced);
      w.bool(m.shouldShutDown);
      return;
    case "envelope-request":
      writeEnvelopedRequest(w, m.request);
      return;
    case "envelope-response":
      w.errorCode(m.errorCode);
      w.optional(m.response, (response) => writeEnvelopedResponse(w, response));
      return;
    case "allocate-producer-ids-request":
      w.int(m.brokerId);
      w.int(m.brokerEpoch);
      return;
    case "allocate-producer-ids-response":
      w.errorCode(m.errorCode);
      w.int(m.producerIdStart);
      w.int(m.producerIdLen);
      return;
    default:
      assertNever(m, "broker lifecycle message");
  }
}

/** Reads the fields of a `type` message; undefined (with `r.error` set) when an envelope fails. */
export function readBrokerLifecycleMessage(
  r: PeerReader,
  type: BrokerLifecycleMessageType,
): BrokerLifecycleMessage | undefined {
  const correlationId = r.int("correlationId");
  switch (type) {
    case "broker-registration-request":
      return {
        type,
        correlationId,
        brokerId: r.nodeId("brokerId"),
        incarnationId: r.string("incarnationId"),
        listeners: r.array("listeners", () => ({
          name: r.string("listener.name"),
          host: r.string("listener.host"),
          port: r.int("listener.port"),
        })),
      };
    case "broker-registration-response":
      return {
        type,
        correlationId,
        errorCode: r.errorCode("errorCode"),
        brokerEpoch: r.int("brokerEpoch"),
      };
    case "broker-heartbeat-request":
      return {
        type,
        correlationId,
        brokerId: r.nodeId("brokerId"),
        brokerEpoch: r.int("brokerEpoch"),
        currentMetadataOffset: r.int("currentMetadataOffset"),
        wantFence: r.bool("wantFence"),
        wantShutDown: r.bool("wantShutDown"),
      };
    case "broker-heartbeat-response":
      return {
        type,
        correlationId,
        errorCode: r.errorCode("errorCode"),
        isCaughtUp: r.bool("isCaughtUp"),
        isFenced: r.bool("isFenced"),
        shouldShutDown: r.bool("shouldShutDown"),
      };
    case "envelope-request": {
      const request = readEnvelopedRequest(r);
      return request === undefined ? undefined : { type, correlationId, request };
    }
    case "envelope-response": {
      const errorCode = r.errorCode("errorCode");
      if (!r.bool("response present")) return { type, correlationId, errorCode, response: null };
      const response = readEnvelopedResponse(r);
      return response === undefined ? undefined : { type, correlationId, errorCode, response };
    }
    case "allocate-producer-ids-request":
      return {
        type,
        correlationId,
        brokerId: r.nodeId("brokerId"),
        brokerEpoch: r.int("brokerEpoch"),
      };
    case "allocate-producer-ids-response":
      return {
        type,
        correlationId,
        errorCode: r.errorCode("errorCode"),
        producerIdStart: r.int("producerIdStart"),
        producerIdLen: r.int("producerIdLen"),
      };
    default:
      return assertNever(type, "broker lifecycle message type");
  }
}
