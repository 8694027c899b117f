// Routes one client request to its handler. Every API of the client API has an answer: the data
// path (replica manager), the admin path (controller), or the "not here yet" answers.

import type { BrokerContext } from "./broker-context.ts";
import type { QueuedRequest, Reply } from "./connections.ts";
import { handleCreatePartitions, handleCreateTopics, handleDeleteTopics } from "./handle-admin.ts";
import { handleAlterConfigs, handleDescribeConfigs } from "./handle-configs.ts";
import { handleMetadata } from "./handle-metadata.ts";
import { unavailableResponse } from "./handle-unavailable.ts";

export function handleRequest(ctx: BrokerContext, queued: QueuedRequest, reply: Reply): void {
  const request = queued.request;
  switch (request.api) {
    case "Produce":
      ctx.replicas.handleProduce(request.body, reply);
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
    default:
      reply.respond(unavailableResponse(ctx, request));
  }
}
