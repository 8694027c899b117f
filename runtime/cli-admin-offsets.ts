// `runnel offsets`: the log offsets of a topic's partitions, as Kafka's kafka-get-offsets.sh prints
// them (topic:partition:offset): latest (the log end offset), earliest (the log start offset), or
// the first offset at or after a time, through ListOffsets sent to each partition's leader.

import { OffsetSpec } from "./admin/admin-client.ts";
import { AdminError } from "./admin/admin-error.ts";
import { parseFlags, required } from "./admin/args.ts";
import {
  type CommandIo,
  connectAdmin,
  connectionFlags,
  connectionHelp,
  processIo,
  runCommand,
} from "./admin/command.ts";
import { parseTime } from "./cli-admin-reset.ts";

const usage = `usage: runnel offsets --bootstrap-server HOST:PORT --topic NAME [options]

Prints topic:partition:offset for each partition.

options:
  --topic NAME          the topic (required)
  --partitions P,P...   only these partitions
  --time WHEN           latest (default, the log end offset), earliest (the log start offset),
                        or a time (epoch ms or ISO 8601): the first offset at or after it
                        (-1 when there is none)
${connectionHelp}`;

const flagSpec = {
  ...connectionFlags,
  "--topic": "value",
  "--partitions": "value",
  "--time": "value",
} as const;

export function runOffsets(args: readonly string[], io: CommandIo = processIo): Promise<number> {
  return runCommand("offsets", usage, args, io, async () => {
    const flags = parseFlags(args, flagSpec);
    const topic = required(flags, "--topic", "(the topic whose offsets to print)");
    const when = parseWhen(flags.values.get("--time") ?? "latest");
    const only = parsePartitions(flags.values.get("--partitions"));
    const admin = await connectAdmin(flags);
    try {
      const offsets = await admin.listOffsets(topic, when);
      const known = new Set(offsets.map((o) => o.partition));
      const missing = only?.filter((p) => !known.has(p)) ?? [];
      if (missing.length > 0) {
        throw new AdminError("kafka", `${topic} has no partition ${missing.join(", ")}`);
      }
      for (const o of offsets) {
        if (only === undefined || only.includes(o.partition))
          io.out(`${topic}:${o.partition}:${o.offset}`);
      }
    } finally {
      admin.close();
    }
  });
}

function parseWhen(text: string): number {
  if (text === "latest" || text === "-1") return OffsetSpec.latest;
  if (text === "earliest" || text === "-2") return OffsetSpec.earliest;
  if (/^-\d+$/.test(text))
    throw new AdminError("usage", `--time ${text}: use latest, earliest or a time`);
  return parseTime(text, "--time");
}

function parsePartitions(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const partitions = text.split(",").map((p) => p.trim());
  if (partitions.some((p) => !/^\d+$/.test(p))) {
    throw new AdminError("usage", `--partitions must be a list of integers, got '${text}'`);
  }
  return partitions.map(Number);
}
