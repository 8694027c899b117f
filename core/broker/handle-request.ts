// Routes one client request to its handler. Every API of the client API has an answer: the data
// path (replica manager), the admin path (controller), or the "not here yet" answers.

import type { ApiName } from "../protocol/index.ts";
import type { BrokerContext } from "./broker-context.ts";
import type { QueuedRequest, Reply } from "./connections.ts";
import { handleCreatePartitions, handleCreateTopics, handleDeleteTopics } from "./handle-admin.ts";
import { handleAlterConfigs, handleDescribeConfigs } from "./handle-configs.ts";
import { handleInitProducerIdRequest } from "./handle-init-producer-id.ts";
import { handleMetadata } from "./handle-metadata.ts";
import { unavailableResponse } from "./handle-unavailable.ts";

/** The admin APIs a broker forwards to the active controller (the controller's own work). */
export const forwardedApis: ReadonlySet<ApiName> = new Set<ApiName>([
  "CreateTopics",
  "DeleteTopics",
  "CreatePartitions",
  "AlterConfigs",
]);

/** The client id of Kafka's own admin tooling, the one client allowed to produce to internal topics. */
const ADMIN_CLIENT_ID = "__admin_client";

/** How long a forwarded request without a timeout of its own may wait for its answer. */
const FORWARD_TIMEOUT_DEFAULT_MS = 30_000;

export function handleRequest(ctx: BrokerContext, queued: QueuedRequest, reply: Reply): void {
  const request = queued.request;
  if (forwardedApis.has(request.api) && !ctx.ops.isActive()) {
    // Not the active controller: forward (KIP-590); without an answer, answer NOT_CONTROLLER here.
    const body = request.body as { readonly timeoutMs?: number };
    const sent = ctx.forwarder.forward(
      request,
      body.timeoutMs ?? FORWARD_TIMEOUT_DEFAULT_MS,
      (response) => {
        if (response !== null && response.api === request.api) reply.respond(response);
        else handleLocally(ctx, queued, reply);
      },
    );
    if (sent) return;
  }
  handleLocally(ctx, queued, reply);
}

function handleLocally(ctx: BrokerContext, queued: QueuedRequest, reply: Reply): void {
  const request = queued.request;
  switch (request.api) {
    case "Produce":
      ctx.replicas.handleProduce(request.body, reply, request.clientId === ADMIN_CLIENT_ID);
      return;
    case "Fetch":
      ctx.replicas.handleFetch(request.body, reply);
      return;
    case "ListOffsets":
      ctx.replicas.handleListOffsets(request.body, reply);
      return;
    case "DeleteRecords":
      ctx.replicas.handleDeleteRecords(request.body, reply);
      return;
    case "Metadata":
      handleMetadata(ctx, request.body, reply);
      return;
    case "CreateTopics":
      handleCreateTopics(ctx, request.body, reply);
      return;
    case "DeleteTopics":
      handleDeleteTopics(ctx, request.body, reply);
      return;
    case "CreatePartitions":
      handleCreatePartitions(ctx, request.body, reply);
      return;
    case "DescribeConfigs":
      handleDescribeConfigs(ctx, request.body, reply);
      return;
    case "AlterConfigs":
      handleAlterConfigs(ctx, request.body, reply);
      return;
    case "InitProducerId":
      handleInitProducerIdRequest(ctx, request.body, reply);
      return;
    case "FindCoordinator":
      ctx.groups.handleFindCoordinator(request.body, reply);
      return;
    case "JoinGroup":
    case "SyncGroup":
    case "Heartbeat":
    case "LeaveGroup":
    case "OffsetCommit":
    case "OffsetFetch":
    case "OffsetDelete":
    case "DescribeGroups":
    case "ListGroups":
    case "DeleteGroups":
      ctx.groups.handle(request, reply);
      return;
    default:
      reply.respond(unavailableResponse(ctx, request));
  }
}
