// N `runnel broker` processes forming one cluster on 127.0.0.1 for end-to-end tests: every node a
// voter (combined roles), free client and controller ports, fast heartbeats and sessions so that a
// killed node is fenced in seconds; started until every node is ready, always disposed.

import { Kafka, type LogEntry, logLevel } from "kafkajs";
import { AdminClient } from "../../runtime/admin/admin-client.ts";
import { BrokerProcess, freePort } from "./broker-process.ts";

export interface LocalClusterOptions {
  readonly nodes?: number;
  /** Properties for every node (Kafka's names); win over the test defaults below. */
  readonly overrides?: Readonly<Record<string, string>>;
  readonly startTimeoutMs?: number;
}

/** Test timings: a silent broker is fenced after 3 s instead of Kafka's 9 s. */
export const clusterTestProperties: Readonly<Record<string, string>> = {
  "cluster.id": "runnel-e2e-cluster",
  "default.replication.factor": "3",
  "min.insync.replicas": "2",
  "offsets.topic.replication.factor": "3",
  "offsets.topic.num.partitions": "3",
  "group.initial.rebalance.delay.ms": "0",
  "broker.heartbeat.interval.ms": "500",
  "broker.session.timeout.ms": "3000",
  "replica.lag.time.max.ms": "5000",
  "runnel.controlled.shutdown.timeout.ms": "10000",
};

export interface PartitionState {
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

export class LocalCluster {
  readonly nodes: readonly BrokerProcess[];

  private constructor(nodes: readonly BrokerProcess[]) {
    this.nodes = nodes;
  }

  static async start(options: LocalClusterOptions = {}): Promise<LocalCluster> {
    const count = options.nodes ?? 3;
    const ports: number[] = [];
    while (ports.length < count * 2) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    const voters = Array.from(
      { length: count },
      (_, i) => `${i + 1}@127.0.0.1:${ports[count + i]}`,
    ).join(",");
    const started = await Promise.allSettled(
      Array.from({ length: count }, (_, i) =>
        BrokerProcess.start({
          port: ports[i]!,
          controllerPort: ports[count + i]!,
          waitReady: true,
          startTimeoutMs: options.startTimeoutMs ?? 60_000,
          overrides: {
            ...clusterTestProperties,
            ...options.overrides,
            "node.id": String(i + 1),
            "controller.quorum.voters": voters,
          },
        }),
      ),
    );
    const nodes = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const failed = started.find((s) => s.status === "rejected");
    if (failed !== undefined) {
      await Promise.all(nodes.map((n) => n.dispose()));
      throw (failed as PromiseRejectedResult).reason;
    }
    const cluster = new LocalCluster(nodes);
    try {
      await cluster.waitForBrokers(count);
    } catch (error) {
      await cluster.dispose();
      throw error;
    }
    return cluster;
  }

  /**
   * Waits until every running node's Metadata lists `count` brokers: a node is ready once it is
   * unfenced itself, and may not have applied the others' unfencing yet (clients would then be
   * sent to a controller they do not know).
   */
  async waitForBrokers(count: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const node of this.nodes.filter((n) => n.running)) {
      for (;;) {
        const admin = await AdminClient.connect(node.bootstrap);
        const listed = await admin
          .metadata([])
          .then((m) => m.brokers.length)
          .finally(() => admin.close());
        if (listed === count) break;
        if (Date.now() > deadline) throw new Error(`${node.bootstrap} lists ${listed} brokers`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** Every node's client address, comma separated. */
  get bootstrap(): string {
    return this.nodes.map((n) => n.bootstrap).join(",");
  }

  /** The client addresses of the running nodes. */
  get brokers(): string[] {
    return this.nodes.filter((n) => n.running).map((n) => n.bootstrap);
  }

  /** The node with id `id` (1-based). */
  node(id: number): BrokerProcess {
    const node = this.nodes[id - 1];
    if (node === undefined) throw new Error(`no node ${id}`);
    return node;
  }

  /** A KafkaJS client of the running nodes; `onError` hears its error-level log records. */
  kafka(clientId = "runnel-cluster-test", onError?: (log: LogEntry["log"]) => void): Kafka {
    return new Kafka({
      clientId,
      brokers: this.brokers,
      logLevel: onError === undefined ? logLevel.NOTHING : logLevel.ERROR,
      ...(onError === undefined
        ? {}
        : { logCreator: () => (entry: LogEntry) => onError(entry.log) }),
      retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 2_000 },
    });
  }

  /** Creates a topic with replication factor 3 (or the node count) and waits for its leaders. */
  async createTopic(topic: string, partitions = 1, configs: Record<string, string> = {}) {
    const admin = this.kafka("admin").admin();
    await admin.connect();
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic,
            numPartitions: partitions,
            replicationFactor: Math.min(3, this.nodes.length),
            configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
          },
        ],
      });
    } finally {
      await admin.disconnect();
    }
    await this.waitForEveryNode(topic, partitions);
  }

  /**
   * Leader, replicas and ISR of each partition as one node's Metadata answer says (default: the
   * first running node); a topic or partition error is thrown.
   */
  async describe(topic: string, on?: BrokerProcess): Promise<PartitionState[]> {
    const node = on ?? this.nodes.find((n) => n.running);
    if (node === undefined) throw new Error("no node runs");
    const admin = await AdminClient.connect(node.bootstrap);
    try {
      const answer = await admin.topic(topic);
      const failed = answer.partitions.find((p) => p.errorCode !== 0);
      if (failed !== undefined)
        throw new Error(`partition ${failed.partitionIndex}: error ${failed.errorCode}`);
      return [...answer.partitions]
        .sort((a, b) => a.partitionIndex - b.partitionIndex)
        .map((p) => ({
          leader: p.leaderId,
          replicas: p.replicaNodes,
          isr: [...p.isrNodes].sort((a, b) => a - b),
        }));
    } finally {
      admin.close();
    }
  }

  /** Waits until every running node's Metadata shows `topic` with a leader for each partition. */
  async waitForEveryNode(topic: string, partitions: number): Promise<void> {
    for (const node of this.nodes.filter((n) => n.running)) {
      await this.waitFor(
        topic,
        (ps) => ps.length === partitions && ps.every((p) => p.leader >= 0),
        `${topic} on node at ${node.bootstrap}`,
        30_000,
        node,
      );
    }
  }

  /** Polls describe() until `done` holds (bounded); the last state otherwise, in the error. */
  async waitFor(
    topic: string,
    done: (partitions: PartitionState[]) => boolean,
    what: string,
    timeoutMs = 30_000,
    on?: BrokerProcess,
  ): Promise<PartitionState[]> {
    const deadline = Date.now() + timeoutMs;
    let last: PartitionState[] = [];
    while (Date.now() < deadline) {
      try {
        last = await this.describe(topic, on);
        if (done(last)) return last;
      } catch (error) {
        last = [];
        if (Date.now() + 500 >= deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
  }

  /** SIGKILLs what still runs and removes every data folder. Never throws. */
  async dispose(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.dispose()));
  }
}
