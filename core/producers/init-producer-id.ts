// InitProducerId for an idempotent producer (no transactional id): a fresh producer id from this
// broker's block with epoch 0, whatever id and epoch the request carries (Kafka does the same).
// Transactional ids need a transaction coordinator, which Runnel does not run yet: NOT_COORDINATOR.

import { ErrorCode } from "../error-codes.ts";
import type { InitProducerIdRequest, InitProducerIdResponse } from "../protocol/index.ts";
import type { ProducerIdManager } from "./producer-id-manager.ts";

export function handleInitProducerId(
  request: InitProducerIdRequest,
  ids: ProducerIdManager,
): InitProducerIdResponse {
  // Kafka's TransactionStateManager answers NOT_COORDINATOR on a broker that does not own the
  // transactional id's __transaction_state partition; the client then asks FindCoordinator, which
  // answers COORDINATOR_NOT_AVAILABLE here (no such topic), and retries until its timeout.
  if (request.transactionalId !== null) return failure(ErrorCode.NOT_COORDINATOR);
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
