// InitProducerId on a broker: an idempotent producer gets a fresh id from this broker's block
// (core/producers/init-producer-id.ts has the answers); claiming may make the broker ask the
// controller for its next block, so the block is asked for before the answer leaves.

import { ErrorCode } from "../error-codes.ts";
import { handleInitProducerId } from "../producers/init-producer-id.ts";
import type { InitProducerIdRequest } from "../protocol/index.ts";
import type { BrokerContext } from "./broker-context.ts";
import type { Reply } from "./connections.ts";

export function handleInitProducerIdRequest(
  ctx: BrokerContext,
  body: InitProducerIdRequest,
  reply: Reply,
): void {
  const response = handleInitProducerId(body, ctx.producerIds.manager);
  if (response.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) {
    ctx.outbox.mark("init-producer-id-waits-for-block");
  }
  ctx.producerIds.poll();
  reply.respond({ api: "InitProducerId", body: response });
}
