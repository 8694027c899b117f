// CreateTopics, DeleteTopics and CreatePartitions: validated by the controller, proposed to the
// metadata quorum, answered once committed (or timed out). validateOnly answers at once. Only the
// topics that passed validation take the outcome of the proposal.

import { assertNever } from "../assert.ts";
import { ErrorCode } from "../error-codes.ts";
import type {
  CreatePartitionsRequest,
  CreateTopicsRequest,
  DeleteTopicsRequest,
} from "../protocol/index.ts";
import type { BrokerContext } from "./broker-context.ts";
import type { Reply } from "./connections.ts";
import type { ControllerOutcome } from "./controller-ops.ts";

/** The error a topic that passed validation gets when its records did not commit. */
function outcomeError(outcome: ControllerOutcome): number {
  switch (outcome) {
    case "committed":
      return ErrorCode.NONE;
    case "not-controller":
      return ErrorCode.NOT_CONTROLLER;
    case "timed-out":
    case "backpressure":
      return ErrorCode.REQUEST_TIMED_OUT;
    default:
      return assertNever(outcome, "controller outcome");
  }
}

/** Applies the proposal's outcome to the results that were NONE. */
function settle<R extends { readonly errorCode: number }>(
  results: readonly R[],
  outcome: ControllerOutcome,
  withMessage: boolean,
): R[] {
  const errorCode = outcomeError(outcome);
  if (errorCode === ErrorCode.NONE) return [...results];
  return results.map((r) =>
    r.errorCode !== ErrorCode.NONE
      ? r
      : { ...r, errorCode, ...(withMessage ? { errorMessage: `Not committed: ${outcome}` } : {}) },
  );
}

export function handleCreateTopics(ctx: BrokerContext, body: CreateTopicsRequest, reply: Reply) {
  const respond = (topics: ReturnType<typeof ctx.controller.createTopics>["results"]) =>
    reply.respond({ api: "CreateTopics", body: { throttleTimeMs: 0, topics } });
  if (!ctx.ops.isActive()) {
    respond(
      body.topics.map((t) => ({
        name: t.name,
        errorCode: ErrorCode.NOT_CONTROLLER,
        errorMessage: "This is not the active controller.",
      })),
    );
    return;
  }
  const plan = ctx.controller.createTopics(body.topics);
  if (body.validateOnly) {
    respond(plan.results);
    return;
  }
  ctx.ops.submit(ctx.now, plan.records, body.timeoutMs, (outcome) => {
    respond(settle(plan.results, outcome, true));
  });
}

export function handleDeleteTopics(ctx: BrokerContext, body: DeleteTopicsRequest, reply: Reply) {
  const respond = (responses: ReturnType<typeof ctx.controller.deleteTopics>["results"]) =>
    reply.respond({ api: "DeleteTopics", body: { throttleTimeMs: 0, responses } });
  if (!ctx.ops.isActive()) {
    respond(body.topicNames.map((name) => ({ name, errorCode: ErrorCode.NOT_CONTROLLER })));
    return;
  }
  const plan = ctx.controller.deleteTopics(body.topicNames);
  ctx.ops.submit(ctx.now, plan.records, body.timeoutMs, (outcome) => {
    respond(settle(plan.results, outcome, false));
  });
}

export function handleCreatePartitions(
  ctx: BrokerContext,
  body: CreatePartitionsRequest,
  reply: Reply,
) {
  const respond = (results: ReturnType<typeof ctx.controller.createPartitions>["results"]) =>
    reply.respond({ api: "CreatePartitions", body: { throttleTimeMs: 0, results } });
  if (!ctx.ops.isActive()) {
    respond(
      body.topics.map((t) => ({
        name: t.name,
        errorCode: ErrorCode.NOT_CONTROLLER,
        errorMessage: "This is not the active controller.",
      })),
    );
    return;
  }
  const plan = ctx.controller.createPartitions(body.topics);
  if (body.validateOnly) {
    respond(plan.results);
    return;
  }
  ctx.ops.submit(ctx.now, plan.records, body.timeoutMs, (outcome) => {
    respond(settle(plan.results, outcome, true));
  });
}
