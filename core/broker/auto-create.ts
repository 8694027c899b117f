// Auto topic creation (auto.create.topics.enable): a Metadata request that allows it, or a Produce,
// naming an unknown topic proposes it with the broker defaults; the client is told
// LEADER_NOT_AVAILABLE until it exists, as Kafka does. Internal topics get their own settings.

import { ErrorCode } from "../error-codes.ts";
import type { CreatableTopic } from "../protocol/index.ts";
import type { BrokerContext } from "./broker-context.ts";
import { isInternalTopic, OFFSETS_TOPIC, topicNameProblem } from "./topic-name.ts";

/** What a client is told about an unknown topic it named. */
export function autoCreateTopic(ctx: BrokerContext, name: string): number {
  if (topicNameProblem(name) !== null) return ErrorCode.INVALID_TOPIC_EXCEPTION;
  if (!ctx.config.autoCreateTopicsEnable && !isInternalTopic(name)) {
    return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  }
  if (ctx.autoCreating.has(name)) return ErrorCode.LEADER_NOT_AVAILABLE;
  if (!ctx.ops.isActive()) return forwardCreation(ctx, name);
  const plan = ctx.controller.createTopics([creatableFor(ctx, name)]);
  const result = plan.results[0];
  if (result === undefined || result.errorCode !== ErrorCode.NONE) {
    // Kafka logs the failure and keeps answering LEADER_NOT_AVAILABLE; so do we, with a mark.
    ctx.outbox.mark("auto-create-rejected");
    return ErrorCode.LEADER_NOT_AVAILABLE;
  }
  ctx.autoCreating.add(name);
  ctx.ops.submit(ctx.now, plan.records, 0, (outcome) => {
    ctx.autoCreating.delete(name);
    if (outcome !== "committed") ctx.outbox.mark("auto-create-not-committed");
  });
  return ErrorCode.LEADER_NOT_AVAILABLE;
}

/** Not the controller: ask it with a CreateTopics of our own (Kafka's AutoTopicCreationManager). */
function forwardCreation(ctx: BrokerContext, name: string): number {
  const sent = ctx.forwarder.forward(
    {
      api: "CreateTopics",
      clientId: "runnel-auto-create",
      body: {
        topics: [creatableFor(ctx, name)],
        timeoutMs: AUTO_CREATE_TIMEOUT_MS,
        validateOnly: false,
      },
    },
    AUTO_CREATE_TIMEOUT_MS,
    () => {
      ctx.autoCreating.delete(name);
    },
  );
  if (sent) ctx.autoCreating.add(name);
  else ctx.outbox.mark("auto-create-no-controller");
  return ErrorCode.LEADER_NOT_AVAILABLE;
}

const AUTO_CREATE_TIMEOUT_MS = 30_000;

function creatableFor(ctx: BrokerContext, name: string): CreatableTopic {
  const base = { name, assignments: [], configs: [] };
  if (name !== OFFSETS_TOPIC) return { ...base, numPartitions: -1, replicationFactor: -1 };
  // Kafka creates __consumer_offsets compacted, with its own partition count and RF.
  return {
    ...base,
    numPartitions: ctx.config.offsetsTopicNumPartitions,
    replicationFactor: ctx.config.offsetsTopicReplicationFactor,
    configs: [
      { name: "cleanup.policy", value: "compact" },
      { name: "segment.bytes", value: "104857600" },
    ],
  };
}
