// The controller's admin logic (KRaft's ReplicationControlManager in miniature): CreateTopics,
// DeleteTopics and CreatePartitions validated against its own image, answered with Kafka's error
// codes, the valid ones turned into metadata records that the caller proposes (never applied here).

import { ErrorCode } from "../error-codes.ts";
import type { NodeId } from "../ids.ts";
import { limits } from "../limits.ts";
import type { MetadataRecord } from "../metadata/records.ts";
import type {
  CreatableTopic,
  CreatableTopicResult,
  CreatePartitionsTopic,
  CreatePartitionsTopicResult,
  DeletableTopicResult,
} from "../protocol/index.ts";
import type { Rng } from "../rng.ts";
import type { BrokerConfig } from "./config.ts";
import {
  assignmentProblem,
  collisionKey,
  countNames,
  fail,
  NONE,
  type Outcome,
  partitionRecords,
  policyProblem,
} from "./controller-checks.ts";
import { ConfigResourceType, type MetadataImage, type TopicImage } from "./metadata-image.ts";
import { freshId, placeReplicas } from "./replica-placement.ts";
import { validateTopicConfigs } from "./topic-config.ts";
import { CLUSTER_METADATA_TOPIC, topicNameProblem } from "./topic-name.ts";

export interface ControllerPlan<R> {
  readonly results: R[];
  readonly records: MetadataRecord[];
}

export class Controller {
  readonly #config: BrokerConfig;
  readonly #image: MetadataImage;
  readonly #rng: Rng;

  constructor(config: BrokerConfig, image: MetadataImage, rng: Rng) {
    this.#config = config;
    this.#image = image;
    this.#rng = rng;
  }

  get image(): MetadataImage {
    return this.#image;
  }

  /** Registered, unfenced brokers: where new replicas may go. */
  usableBrokers(): NodeId[] {
    return this.#image
      .brokers()
      .filter((b) => !b.fenced)
      .map((b) => b.brokerId);
  }

  createTopics(topics: readonly CreatableTopic[]): ControllerPlan<CreatableTopicResult> {
    const results: CreatableTopicResult[] = [];
    const records: MetadataRecord[] = [];
    const counts = countNames(topics.map((t) => t.name));
    const accepted = new Set<string>();
    let partitionsAdded = 0;
    for (const topic of topics) {
      let outcome =
        (counts.get(topic.name) ?? 0) > 1
          ? fail(ErrorCode.INVALID_REQUEST, "Duplicate topic name.")
          : this.#checkNewTopic(topic, accepted);
      let topicRecords: MetadataRecord[] = [];
      if (outcome.errorCode === ErrorCode.NONE) {
        const planned = this.#planTopic(topic, accepted.size + 1, partitionsAdded);
        if ("errorCode" in planned) outcome = planned;
        else topicRecords = planned.records;
      }
      if (outcome.errorCode === ErrorCode.NONE) {
        accepted.add(topic.name);
        partitionsAdded += topicRecords.filter((r) => r.type === "partition").length;
        records.push(...topicRecords);
      }
      results.push({ name: topic.name, ...outcome });
    }
    return { results, records };
  }

  #checkNewTopic(topic: CreatableTopic, accepted: ReadonlySet<string>): Outcome {
    const problem = topicNameProblem(topic.name);
    if (problem !== null) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
    if (topic.name === CLUSTER_METADATA_TOPIC) {
      return fail(
        ErrorCode.INVALID_REQUEST,
        `Creation of internal topic ${topic.name} is prohibited.`,
      );
    }
    if (this.#image.topic(topic.name) !== undefined || accepted.has(topic.name)) {
      return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${topic.name}' already exists.`);
    }
    const collision = collisionKey(topic.name);
    const clash = [...this.#image.topics().map((t) => t.name), ...accepted].find(
      (name) => collisionKey(name) === collision,
    );
    if (clash !== undefined) {
      return fail(
        ErrorCode.INVALID_TOPIC_EXCEPTION,
        `Topic '${topic.name}' collides with existing topic: ${clash}`,
      );
    }
    const configs = validateTopicConfigs(topic.configs);
    if (!configs.ok) return fail(ErrorCode.INVALID_CONFIG, configs.error.message);
    return NONE;
  }

  /** Replica assignments (explicit or placed) and the records of one valid new topic. */
  #planTopic(
    topic: CreatableTopic,
    topicsAdded: number,
    partitionsAdded: number,
  ): Outcome | { records: MetadataRecord[] } {
    const assignment =
      topic.assignments.length > 0
        ? this.#explicitAssignment(topic)
        : this.#placedAssignment(topic.numPartitions, topic.replicationFactor);
    if (!Array.isArray(assignment)) return assignment;
    const policy = policyProblem(this.#image, topicsAdded, assignment.length, partitionsAdded);
    if (policy.errorCode !== ErrorCode.NONE) return policy;
    const topicId = freshId(this.#rng, "topic-id", (id) => this.#image.topicById(id) !== undefined);
    const records: MetadataRecord[] = [{ type: "topic", name: topic.name, topicId }];
    const configs = validateTopicConfigs(topic.configs);
    if (configs.ok) {
      for (const [name, value] of configs.value) {
        records.push({
          type: "config",
          resourceType: ConfigResourceType.topic,
          resourceName: topic.name,
          name,
          value,
        });
      }
    }
    const partitions = partitionRecords(this.#image, topicId, 0, assignment);
    if (!Array.isArray(partitions)) return partitions;
    records.push(...partitions);
    return { records };
  }

  #placedAssignment(numPartitions: number, replicationFactor: number): Outcome | NodeId[][] {
    const partitions = numPartitions === -1 ? this.#config.numPartitions : numPartitions;
    const rf = replicationFactor === -1 ? this.#config.defaultReplicationFactor : replicationFactor;
    if (partitions <= 0) {
      return fail(
        ErrorCode.INVALID_PARTITIONS,
        "Number of partitions was set to an invalid non-positive value.",
      );
    }
    if (rf <= 0) {
      return fail(
        ErrorCode.INVALID_REPLICATION_FACTOR,
        "Replication factor must be larger than 0, or -1 to use the default value.",
      );
    }
    const brokers = this.usableBrokers();
    if (rf > brokers.length) {
      return fail(
        ErrorCode.INVALID_REPLICATION_FACTOR,
        `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only ${brokers.length} broker(s) are registered.`,
      );
    }
    if (partitions > limits.partitionsPerTopicMax) {
      return fail(
        ErrorCode.INVALID_PARTITIONS,
        `Number of partitions ${partitions} is above the limit ${limits.partitionsPerTopicMax}.`,
      );
    }
    return placeReplicas(brokers, 0, partitions, rf, this.#rng);
  }

  #explicitAssignment(topic: CreatableTopic): Outcome | NodeId[][] {
    if (topic.numPartitions !== -1 || topic.replicationFactor !== -1) {
      return fail(
        ErrorCode.INVALID_REQUEST,
        "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.",
      );
    }
    const sorted = [...topic.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex);
    if (sorted.some((a, i) => a.partitionIndex !== i)) {
      return fail(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        "Partitions should be a consecutive 0-based integer sequence.",
      );
    }
    if (sorted.length > limits.partitionsPerTopicMax) {
      return fail(
        ErrorCode.INVALID_PARTITIONS,
        `More than ${limits.partitionsPerTopicMax} partitions.`,
      );
    }
    const assignment = sorted.map((a) => a.brokerIds);
    const problem = assignmentProblem(this.#image, assignment, assignment[0]?.length ?? 0);
    return problem ?? (assignment as NodeId[][]);
  }

  deleteTopics(names: readonly string[]): ControllerPlan<DeletableTopicResult> {
    const counts = countNames(names);
    const results: DeletableTopicResult[] = [];
    const records: MetadataRecord[] = [];
    for (const name of names) {
      const topic = this.#image.topic(name);
      let errorCode: number = ErrorCode.NONE;
      if ((counts.get(name) ?? 0) > 1) errorCode = ErrorCode.INVALID_REQUEST;
      else if (!this.#config.deleteTopicEnable) errorCode = ErrorCode.TOPIC_DELETION_DISABLED;
      else if (topic === undefined) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      if (errorCode === ErrorCode.NONE && topic !== undefined) {
        records.push({ type: "remove-topic", topicId: topic.topicId });
      }
      results.push({ name, errorCode });
    }
    return { results, records };
  }

  createPartitions(
    topics: readonly CreatePartitionsTopic[],
  ): ControllerPlan<CreatePartitionsTopicResult> {
    const counts = countNames(topics.map((t) => t.name));
    const results: CreatePartitionsTopicResult[] = [];
    const records: MetadataRecord[] = [];
    let partitionsAdded = 0;
    for (const request of topics) {
      const topic = this.#image.topic(request.name);
      let planned: Outcome | MetadataRecord[];
      if ((counts.get(request.name) ?? 0) > 1) {
        planned = fail(ErrorCode.INVALID_REQUEST, "Duplicate topic name.");
      } else if (topic === undefined) {
        planned = fail(
          ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          "This server does not host this topic.",
        );
      } else {
        planned = this.#planNewPartitions(topic, request, partitionsAdded);
      }
      if (Array.isArray(planned)) {
        partitionsAdded += planned.length;
        records.push(...planned);
        results.push({ name: request.name, ...NONE });
      } else {
        results.push({ name: request.name, ...planned });
      }
    }
    return { results, records };
  }

  #planNewPartitions(
    topic: TopicImage,
    request: CreatePartitionsTopic,
    partitionsAdded: number,
  ): Outcome | MetadataRecord[] {
    const current = topic.partitions.length;
    if (request.count < current) {
      return fail(
        ErrorCode.INVALID_PARTITIONS,
        `Topic currently has ${current} partitions, which is higher than the requested ${request.count}.`,
      );
    }
    if (request.count === current) {
      return fail(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partitions.`);
    }
    if (request.count > limits.partitionsPerTopicMax) {
      return fail(
        ErrorCode.INVALID_PARTITIONS,
        `More than ${limits.partitionsPerTopicMax} partitions.`,
      );
    }
    const added = request.count - current;
    const rf = topic.partitions[0]?.replicas.length ?? this.#config.defaultReplicationFactor;
    let assignment: readonly (readonly NodeId[])[];
    if (request.assignments !== null) {
      if (request.assignments.length !== added) {
        return fail(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `Attempted to add ${added} additional partition(s), but only ${request.assignments.length} assignment(s) were specified.`,
        );
      }
      const explicit = request.assignments.map((a) => a.brokerIds);
      const problem = assignmentProblem(this.#image, explicit, rf);
      if (problem !== undefined) return problem;
      assignment = explicit as NodeId[][];
    } else {
      const brokers = this.usableBrokers();
      if (rf > brokers.length) {
        return fail(
          ErrorCode.INVALID_REPLICATION_FACTOR,
          `Unable to replicate the partition ${rf} time(s): only ${brokers.length} broker(s) are registered.`,
        );
      }
      assignment = placeReplicas(brokers, current, added, rf, this.#rng);
    }
    const policy = policyProblem(this.#image, 0, added, partitionsAdded);
    if (policy.errorCode !== ErrorCode.NONE) return policy;
    return partitionRecords(this.#image, topic.topicId, current, assignment);
  }
}
