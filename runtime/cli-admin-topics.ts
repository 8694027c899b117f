// `runnel topics`: create, list, describe and delete topics, as Kafka's kafka-topics.sh does,
// through the admin client (CreateTopics, Metadata, DescribeConfigs, DeleteTopics).

import { ErrorCode } from "../core/error-codes.ts";
import type { AdminClient } from "./admin/admin-client.ts";
import { AdminError } from "./admin/admin-error.ts";
import { integerFlag, keyValues, oneAction, parseFlags, rejectFlags } from "./admin/args.ts";
import {
  type CommandIo,
  connectAdmin,
  connectionFlags,
  connectionHelp,
  processIo,
  runCommand,
} from "./admin/command.ts";

const usage = `usage: runnel topics --bootstrap-server HOST:PORT ACTION [options]

actions (exactly one):
  --create      create --topic (with --partitions, --replication-factor, --config)
  --list        list every topic name
  --describe    partitions, leaders, replicas, ISR and non-default configs of --topic (or all)
  --delete      delete --topic

options:
  --topic NAME                the topic
  --partitions N              partitions of a new topic (default: the broker's num.partitions)
  --replication-factor N      replicas of each partition (default: default.replication.factor)
  --config KEY=VALUE          a topic config for --create (repeatable), e.g. retention.ms=60000
  --if-not-exists             --create succeeds when the topic exists
  --if-exists                 --delete and --describe succeed when the topic does not exist
${connectionHelp}`;

const flagSpec = {
  ...connectionFlags,
  "--create": "switch",
  "--list": "switch",
  "--describe": "switch",
  "--delete": "switch",
  "--topic": "value",
  "--partitions": "value",
  "--replication-factor": "value",
  "--config": "list",
  "--if-not-exists": "switch",
  "--if-exists": "switch",
} as const;

const CREATE_ONLY = ["--partitions", "--replication-factor", "--config", "--if-not-exists"];

export function runTopics(args: readonly string[], io: CommandIo = processIo): Promise<number> {
  return runCommand("topics", usage, args, io, async () => {
    const flags = parseFlags(args, flagSpec);
    const action = oneAction(flags, ["--create", "--list", "--describe", "--delete"]);
    const topic = flags.values.get("--topic");
    if (action !== "--create") rejectFlags(flags, CREATE_ONLY, action);
    if ((action === "--create" || action === "--delete") && topic === undefined) {
      throw new AdminError("usage", `--topic is required with ${action}`);
    }
    if (action === "--list") rejectFlags(flags, ["--topic", "--if-exists"], action);
    const partitions = integerFlag(flags, "--partitions", -1, 1, 1_000_000);
    const replicationFactor = integerFlag(flags, "--replication-factor", -1, 1, 32_767);
    const configs = keyValues(flags, "--config");
    const admin = await connectAdmin(flags);
    try {
      if (action === "--create") {
        const ifNotExists = flags.switches.has("--if-not-exists");
        await create(
          admin,
          io,
          { name: topic!, partitions, replicationFactor, configs },
          ifNotExists,
        );
      } else if (action === "--list") {
        const answer = await admin.metadata(null);
        for (const name of answer.topics.map((t) => t.name).sort()) io.out(name);
      } else if (action === "--describe") {
        await describe(admin, io, topic, flags.switches.has("--if-exists"));
      } else {
        await remove(admin, io, topic!, flags.switches.has("--if-exists"));
      }
    } finally {
      admin.close();
    }
  });
}

async function create(
  admin: AdminClient,
  io: CommandIo,
  topic: Parameters<AdminClient["createTopic"]>[0],
  ifNotExists: boolean,
): Promise<void> {
  try {
    await admin.createTopic(topic);
    io.out(`Created topic ${topic.name}.`);
  } catch (error) {
    if (ifNotExists && isCode(error, ErrorCode.TOPIC_ALREADY_EXISTS)) return;
    throw error;
  }
}

async function remove(admin: AdminClient, io: CommandIo, name: string, ifExists: boolean) {
  try {
    await admin.deleteTopic(name);
    io.out(`Deleted topic ${name}.`);
  } catch (error) {
    if (ifExists && isCode(error, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)) return;
    throw error;
  }
}

async function describe(
  admin: AdminClient,
  io: CommandIo,
  name: string | undefined,
  ifExists: boolean,
): Promise<void> {
  const answer = await admin.metadata(name === undefined ? null : [name]);
  const topics = [...answer.topics].sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const topic of topics) {
    if (topic.errorCode !== ErrorCode.NONE) {
      if (ifExists && topic.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) continue;
      throw AdminError.fromCode(topic.errorCode, topic.name);
    }
    const configs = (await admin.topicConfigs(topic.name))
      .filter((c) => c.configSource === DYNAMIC_TOPIC_CONFIG)
      .map((c) => `${c.name}=${c.value ?? ""}`)
      .sort();
    const partitions = [...topic.partitions].sort((a, b) => a.partitionIndex - b.partitionIndex);
    const rf = partitions[0]?.replicaNodes.length ?? 0;
    io.out(
      `Topic: ${topic.name}\tPartitionCount: ${partitions.length}\tReplicationFactor: ${rf}\tConfigs: ${configs.join(",")}`,
    );
    for (const p of partitions) {
      const error = p.errorCode === ErrorCode.NONE ? "" : `\tError: ${p.errorCode}`;
      io.out(
        `\tTopic: ${topic.name}\tPartition: ${p.partitionIndex}\tLeader: ${p.leaderId === -1 ? "none" : p.leaderId}\tReplicas: ${p.replicaNodes.join(",")}\tIsr: ${p.isrNodes.join(",")}${error}`,
      );
    }
  }
}

/** Kafka's ConfigSource.DYNAMIC_TOPIC_CONFIG: set on the topic, not inherited. */
const DYNAMIC_TOPIC_CONFIG = 1;

function isCode(error: unknown, code: number): boolean {
  return error instanceof AdminError && error.kind === "kafka" && error.code === code;
}
