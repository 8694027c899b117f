// Metadata (key 3): brokers, the controller, and each topic's partitions with leader, replicas and
// ISR, all from the committed image. Unknown topics may be auto-created; every answer is sorted so
// that it is deterministic.

import { ErrorCode } from "../error-codes.ts";
import type {
  MetadataRequest,
  MetadataResponse,
  MetadataResponsePartition,
  MetadataResponseTopic,
} from "../protocol/index.ts";
import { autoCreateTopic } from "./auto-create.ts";
import type { BrokerContext } from "./broker-context.ts";
import type { Reply } from "./connections.ts";
import type { PartitionRegistration, TopicImage } from "./metadata-image.ts";
import { isInternalTopic } from "./topic-name.ts";

export function handleMetadata(ctx: BrokerContext, body: MetadataRequest, reply: Reply): void {
  reply.respond({ api: "Metadata", body: metadataResponse(ctx, body) });
}

export function metadataResponse(ctx: BrokerContext, body: MetadataRequest): MetadataResponse {
  const topics: MetadataResponseTopic[] = [];
  if (body.topics === null) {
    for (const topic of ctx.image.topics()) topics.push(describeTopic(topic));
  } else {
    const seen = new Set<string>();
    for (const { name } of body.topics) {
      if (seen.has(name)) continue;
      seen.add(name);
      const topic = ctx.image.topic(name);
      if (topic !== undefined) {
        topics.push(describeTopic(topic));
        continue;
      }
      const errorCode = body.allowAutoTopicCreation
        ? autoCreateTopic(ctx, name)
        : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      topics.push({ errorCode, name, isInternal: isInternalTopic(name), partitions: [] });
    }
  }
  const brokers = ctx.image
    .brokers()
    .filter((b) => !b.fenced)
    .flatMap((b) => {
      const listener = b.listeners[0];
      return listener === undefined
        ? []
        : [{ nodeId: b.brokerId, host: listener.host, port: listener.port, rack: null }];
    });
  return {
    throttleTimeMs: 0,
    brokers,
    clusterId: ctx.config.clusterId,
    controllerId: ctx.ops.controllerId(),
    topics,
  };
}

function describeTopic(topic: TopicImage): MetadataResponseTopic {
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    isInternal: isInternalTopic(topic.name),
    partitions: topic.partitions.map(describePartition),
  };
}

function describePartition(p: PartitionRegistration): MetadataResponsePartition {
  return {
    errorCode: p.leader === -1 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
    partitionIndex: p.partition,
    leaderId: p.leader,
    replicaNodes: [...p.replicas],
    isrNodes: [...p.isr],
    offlineReplicas: [],
  };
}
