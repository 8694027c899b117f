// InitProducerId for an idempotent producer (no transactional id): a fresh producer id from this
// broker's block with epoch 0. Transactional ids need a transaction coordinator, which Runnel does
// not run yet: they get COORDINATOR_NOT_AVAILABLE, as the broker answers without one.

import { ErrorCode } from "../error-codes.ts";
import type { InitProducerIdRequest, InitProducerIdResponse } from "../protocol/index.ts";
import type { ProducerIdManager } from "./producer-id-manager.ts";

export function handleInitProducerId(
  request: InitProducerIdRequest,
  ids: ProducerIdManager,
): InitProducerIdResponse {
  if (request.transactionalId !== null) return failure(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  const claim = ids.claim();
  // Kafka answers COORDINATOR_LOAD_IN_PROGRESS while a block is on its way: old clients treat
  // REQUEST_TIMED_OUT as fatal, this one as retriable.
  if (claim.type === "wait") return failure(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    producerId: claim.producerId,
    producerEpoch: 0,
  };
}

function failure(errorCode: ErrorCode): InitProducerIdResponse {
  return { throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1 };
}
