// Where each peer message goes inside a node: Raft's to the metadata quorum, requests to the
// active controller's duties, answers to the broker component that asked, replication's to the
// replica fetchers and the follower fetch server. Every message type has exactly one owner.

import { assertNever } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import type { NodeId } from "../ids.ts";
import type { PeerMessage } from "../peer-message.ts";
import type { BrokerContext } from "./broker-context.ts";
import { serveAllocateProducerIds } from "./producer-ids.ts";

export function routePeerMessage(ctx: BrokerContext, from: NodeId, message: PeerMessage): void {
  switch (message.type) {
    case "raft-vote-request":
    case "raft-vote-response":
    case "raft-begin-quorum-epoch-request":
    case "raft-begin-quorum-epoch-response":
    case "raft-end-quorum-epoch-request":
    case "raft-end-quorum-epoch-response":
    case "raft-fetch-request":
    case "raft-fetch-response":
    case "raft-fetch-snapshot-request":
    case "raft-fetch-snapshot-response":
      ctx.raft.receive(ctx.mono.now, from, message);
      return;
    case "broker-registration-request":
      ctx.quorum.onRegistration(from, message);
      return;
    case "broker-heartbeat-request":
      ctx.quorum.onHeartbeat(from, message);
      return;
    case "envelope-request":
      ctx.quorum.onEnvelope(from, message);
      return;
    case "alter-partition-request":
      ctx.quorum.onAlterPartition(from, message);
      return;
    case "allocate-producer-ids-request":
      serveAllocateProducerIds(ctx, from, message, ctx.quorum.active);
      return;
    case "allocate-producer-ids-response":
      ctx.producerIds.onResponse(message);
      return;
    case "broker-registration-response":
      ctx.lifecycle.onRegistrationResponse(message);
      return;
    case "broker-heartbeat-response":
      ctx.lifecycle.onHeartbeatResponse(message);
      return;
    case "envelope-response":
      ctx.forwarder.onResponse(message);
      return;
    case "replica-fetch-request":
      if (!servesData(ctx)) {
        ctx.outbox.mark("replica-fetch-refused-not-serving");
        ctx.peers.send(from, {
          type: "replica-fetch-response",
          correlationId: message.correlationId,
          errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER,
          partitions: [],
        });
        return;
      }
      ctx.replicas.replication.fetchServer.onRequest(from, message);
      return;
    case "replica-fetch-response":
      ctx.replicas.replication.onFetchResponse(from, message);
      return;
    case "alter-partition-response":
      ctx.replicas.replication.onAlterPartitionResponse(message);
      return;
    default:
      assertNever(message, "peer message");
  }
}

/** Whether this node answers data-partition requests: a broker past startup, not stopped. */
function servesData(ctx: BrokerContext): boolean {
  return ctx.isBroker && ctx.phase !== "halted" && ctx.phase !== "stopped";
}
