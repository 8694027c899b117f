// A small admin client on the pure codec: topics (Metadata, CreateTopics, DeleteTopics,
// DescribeConfigs), log offsets (ListOffsets, sent to each partition's leader) and consumer
// groups (FindCoordinator, ListGroups, DescribeGroups, OffsetFetch, OffsetCommit). Kafka errors
// become AdminErrors naming the error; every connection and request wait is bounded.

import { ErrorCode, isRetriable } from "../../core/error-codes.ts";
import type {
  DescribeConfigsResourceResult,
  DescribedGroup,
  ListedGroup,
  MetadataResponse,
  MetadataResponseTopic,
  OffsetFetchResponseTopic,
} from "../../core/protocol/index.ts";
import { AdminError } from "./admin-error.ts";
import { KafkaConnection } from "./connection.ts";

export interface AdminOptions {
  readonly connectTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** Attempts for retriable answers (e.g. COORDINATOR_NOT_AVAILABLE), 200 ms apart. */
  readonly attempts?: number;
}

export interface NewTopic {
  readonly name: string;
  /** -1 for the broker's num.partitions. */
  readonly partitions: number;
  /** -1 for the broker's default.replication.factor. */
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
}

/** Kafka's ListOffsets special timestamps. */
export const OffsetSpec = { latest: -1, earliest: -2 } as const;

export interface PartitionOffset {
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
}

export interface CommittedOffset {
  readonly topic: string;
  readonly partition: number;
  /** -1 when nothing is committed. */
  readonly offset: number;
  readonly metadata: string | null;
}

const TOPIC_RESOURCE = 2;

export class AdminClient {
  readonly #bootstrap: KafkaConnection;
  readonly #options: AdminOptions;
  readonly #byAddress = new Map<string, Promise<KafkaConnection>>();

  private constructor(bootstrap: KafkaConnection, options: AdminOptions) {
    this.#bootstrap = bootstrap;
    this.#options = options;
    this.#byAddress.set(bootstrap.address, Promise.resolve(bootstrap));
  }

  /** Connects to the first reachable server of "host:port[,host:port...]". */
  static async connect(bootstrapServers: string, options: AdminOptions = {}): Promise<AdminClient> {
    const servers = parseBootstrap(bootstrapServers);
    let last: AdminError | undefined;
    for (const { host, port } of servers) {
      try {
        const connection = await KafkaConnection.connect({ host, port, ...timeouts(options) });
        return new AdminClient(connection, options);
      } catch (error) {
        if (!(error instanceof AdminError)) throw error;
        last = error;
      }
    }
    throw last ?? new AdminError("usage", "no bootstrap server given");
  }

  close(): void {
    for (const connection of this.#byAddress.values()) {
      connection.then((c) => c.close()).catch(() => undefined);
    }
    this.#byAddress.clear();
  }

  /** Metadata for `topics` (null: every topic), never auto-creating anything. */
  metadata(topics: readonly string[] | null): Promise<MetadataResponse> {
    return this.#bootstrap.send("Metadata", {
      topics: topics === null ? null : topics.map((name) => ({ name })),
      allowAutoTopicCreation: false,
    });
  }

  /** One topic's metadata; UNKNOWN_TOPIC_OR_PARTITION and other errors become AdminErrors. */
  async topic(name: string): Promise<MetadataResponseTopic> {
    const answer = await this.metadata([name]);
    const topic = answer.topics.find((t) => t.name === name);
    if (topic === undefined) throw new AdminError("bad-response", `no metadata for topic ${name}`);
    if (topic.errorCode !== ErrorCode.NONE) throw AdminError.fromCode(topic.errorCode, name);
    return topic;
  }

  async createTopic(topic: NewTopic): Promise<void> {
    const answer = await this.#bootstrap.send("CreateTopics", {
      topics: [
        {
          name: topic.name,
          numPartitions: topic.partitions,
          replicationFactor: topic.replicationFactor,
          assignments: [],
          configs: Object.entries(topic.configs).map(([name, value]) => ({ name, value })),
        },
      ],
      timeoutMs: this.#options.requestTimeoutMs ?? 30_000,
      validateOnly: false,
    });
    const result = answer.topics.find((t) => t.name === topic.name);
    if (result === undefined) throw new AdminError("bad-response", `no answer for ${topic.name}`);
    if (result.errorCode !== ErrorCode.NONE) {
      throw AdminError.fromCode(result.errorCode, `create ${topic.name}`, result.errorMessage);
    }
  }

  async deleteTopic(name: string): Promise<void> {
    const answer = await this.#bootstrap.send("DeleteTopics", {
      topicNames: [name],
      timeoutMs: this.#options.requestTimeoutMs ?? 30_000,
    });
    const result = answer.responses.find((r) => r.name === name);
    if (result === undefined) throw new AdminError("bad-response", `no answer for ${name}`);
    if (result.errorCode !== ErrorCode.NONE) throw AdminError.fromCode(result.errorCode, name);
  }

  /** The topic's configs that differ from the defaults (Kafka's --describe shows those). */
  async topicConfigs(name: string): Promise<DescribeConfigsResourceResult[]> {
    const answer = await this.#bootstrap.send("DescribeConfigs", {
      resources: [{ resourceType: TOPIC_RESOURCE, resourceName: name, configurationKeys: null }],
      includeSynonyms: false,
      includeDocumentation: false,
    });
    const result = answer.results[0];
    if (result === undefined) throw new AdminError("bad-response", `no configs for ${name}`);
    if (result.errorCode !== ErrorCode.NONE) {
      throw AdminError.fromCode(result.errorCode, `configs of ${name}`, result.errorMessage);
    }
    return [...result.configs];
  }

  /** ListOffsets for every partition of `topic` at `timestamp` (OffsetSpec or epoch ms). */
  async listOffsets(topic: string, timestamp: number): Promise<PartitionOffset[]> {
    const metadata = await this.metadata([topic]);
    const described = metadata.topics.find((t) => t.name === topic);
    if (described === undefined || described.errorCode !== ErrorCode.NONE) {
      throw AdminError.fromCode(
        described?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        topic,
      );
    }
    const byLeader = new Map<number, number[]>();
    for (const p of described.partitions) {
      byLeader.set(p.leaderId, [...(byLeader.get(p.leaderId) ?? []), p.partitionIndex]);
    }
    const results: PartitionOffset[] = [];
    for (const [leader, partitions] of byLeader) {
      const connection = await this.#connectionTo(metadata, leader, `${topic} leader`);
      const answer = await connection.send("ListOffsets", {
        replicaId: -1,
        isolationLevel: 0,
        topics: [
          {
            name: topic,
            partitions: partitions.map((partitionIndex) => ({
              partitionIndex,
              timestamp,
              maxNumOffsets: 1,
            })),
          },
        ],
      });
      for (const p of answer.topics.flatMap((t) => t.partitions)) {
        if (p.errorCode !== ErrorCode.NONE) {
          throw AdminError.fromCode(p.errorCode, `offsets of ${topic}-${p.partitionIndex}`);
        }
        results.push({ partition: p.partitionIndex, offset: p.offset, timestamp: p.timestamp });
      }
    }
    return results.sort((a, b) => a.partition - b.partition);
  }

  async listGroups(): Promise<ListedGroup[]> {
    const answer = await this.#bootstrap.send("ListGroups", {});
    if (answer.errorCode !== ErrorCode.NONE) {
      throw AdminError.fromCode(answer.errorCode, "list groups");
    }
    return [...answer.groups].sort((a, b) => (a.groupId < b.groupId ? -1 : 1));
  }

  async describeGroup(group: string): Promise<DescribedGroup> {
    const attempts = this.#options.attempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      const coordinator = await this.#coordinator(group);
      const answer = await coordinator.send("DescribeGroups", {
        groups: [group],
        includeAuthorizedOperations: false,
      });
      const described = answer.groups.find((g) => g.groupId === group);
      if (described === undefined) throw new AdminError("bad-response", `no answer for ${group}`);
      if (described.errorCode === ErrorCode.NONE) return described;
      // As Kafka's admin client: a coordinator just elected or still loading is asked again.
      if (!isRetriable(described.errorCode) || attempt >= attempts) {
        throw AdminError.fromCode(described.errorCode, `group ${group}`);
      }
      await sleep(200);
    }
  }

  /** The group's committed offsets (null topics: every partition it committed). */
  async committedOffsets(
    group: string,
    topics: readonly { name: string; partitions: readonly number[] }[] | null,
  ): Promise<CommittedOffset[]> {
    const coordinator = await this.#coordinator(group);
    const answer = await coordinator.send("OffsetFetch", {
      groupId: group,
      topics:
        topics === null
          ? null
          : topics.map((t) => ({ name: t.name, partitionIndexes: [...t.partitions] })),
    });
    if (answer.errorCode !== ErrorCode.NONE) {
      throw AdminError.fromCode(answer.errorCode, `offsets of group ${group}`);
    }
    return flattenCommitted(answer.topics);
  }

  /** Commits offsets from outside the group (generation -1), as kafka-consumer-groups does. */
  async commitOffsets(group: string, offsets: readonly CommittedOffset[]): Promise<void> {
    const coordinator = await this.#coordinator(group);
    const topics = [...new Set(offsets.map((o) => o.topic))].map((name) => ({
      name,
      partitions: offsets
        .filter((o) => o.topic === name)
        .map((o) => ({
          partitionIndex: o.partition,
          committedOffset: o.offset,
          committedLeaderEpoch: -1,
          commitTimestamp: -1,
          committedMetadata: o.metadata,
        })),
    }));
    const answer = await coordinator.send("OffsetCommit", {
      groupId: group,
      generationId: -1,
      memberId: "",
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics,
    });
    for (const topic of answer.topics) {
      for (const p of topic.partitions) {
        if (p.errorCode !== ErrorCode.NONE) {
          throw AdminError.fromCode(
            p.errorCode,
            `commit ${group} ${topic.name}-${p.partitionIndex}`,
          );
        }
      }
    }
  }

  /** The coordinator of `group`, retrying retriable answers a bounded number of times. */
  async #coordinator(group: string): Promise<KafkaConnection> {
    const attempts = this.#options.attempts ?? 5;
    let code: number = ErrorCode.NONE;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await sleep(200);
      const answer = await this.#bootstrap.send("FindCoordinator", { key: group, keyType: 0 });
      code = answer.errorCode;
      if (code === ErrorCode.NONE) return this.#connect(answer.host, answer.port);
      if (!isRetriable(code)) break;
    }
    throw AdminError.fromCode(code, `coordinator of group ${group}`);
  }

  async #connectionTo(metadata: MetadataResponse, nodeId: number, what: string) {
    const broker = metadata.brokers.find((b) => b.nodeId === nodeId);
    if (broker === undefined) throw AdminError.fromCode(ErrorCode.LEADER_NOT_AVAILABLE, what);
    return this.#connect(broker.host, broker.port);
  }

  #connect(host: string, port: number): Promise<KafkaConnection> {
    const address = `${host}:${port}`;
    const known = this.#byAddress.get(address);
    if (known !== undefined) return known;
    const connection = KafkaConnection.connect({ host, port, ...timeouts(this.#options) });
    this.#byAddress.set(address, connection);
    connection.catch(() => this.#byAddress.delete(address));
    return connection;
  }
}

function flattenCommitted(topics: readonly OffsetFetchResponseTopic[]): CommittedOffset[] {
  const out: CommittedOffset[] = [];
  for (const topic of topics) {
    for (const p of topic.partitions) {
      if (p.errorCode !== ErrorCode.NONE) {
        throw AdminError.fromCode(
          p.errorCode,
          `committed offset of ${topic.name}-${p.partitionIndex}`,
        );
      }
      out.push({
        topic: topic.name,
        partition: p.partitionIndex,
        offset: p.committedOffset,
        metadata: p.metadata,
      });
    }
  }
  return out.sort((a, b) =>
    a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
  );
}

/** "host:port[,host:port]" as addresses; bad entries are usage errors. */
export function parseBootstrap(text: string): { host: string; port: number }[] {
  const servers = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (servers.length === 0) throw new AdminError("usage", "--bootstrap-server needs host:port");
  return servers.map((server) => {
    const at = server.lastIndexOf(":");
    const host = server.slice(0, at).replace(/^\[(.*)\]$/, "$1");
    const port = Number(server.slice(at + 1));
    if (at <= 0 || !Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new AdminError("usage", `bad bootstrap server '${server}' (want host:port)`);
    }
    return { host, port };
  });
}

function timeouts(options: AdminOptions) {
  return {
    connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
