// `runnel groups`: list consumer groups, describe one with its lag (committed offset against the
// log end offset of each partition) and reset its offsets, as Kafka's kafka-consumer-groups.sh
// does, on ListGroups, FindCoordinator, DescribeGroups, OffsetFetch, ListOffsets and OffsetCommit.

import { ErrorCode } from "../core/error-codes.ts";
import { type AdminClient, OffsetSpec } from "./admin/admin-client.ts";
import { AdminError } from "./admin/admin-error.ts";
import { oneAction, type ParsedFlags, parseFlags, rejectFlags, required } from "./admin/args.ts";
import {
  type CommandIo,
  connectAdmin,
  connectionFlags,
  connectionHelp,
  formatTable,
  processIo,
  runCommand,
} from "./admin/command.ts";
import { decodeAssignment, lagRows, partitionKey } from "./admin/group-offsets.ts";
import { resetFlags, resetHelp, resetOffsets } from "./cli-admin-reset.ts";

const usage = `usage: runnel groups --bootstrap-server HOST:PORT ACTION [options]

actions (exactly one):
  --list            list every consumer group
  --describe        members and lag of --group: committed offset, log end offset, lag per partition
  --reset-offsets   move the committed offsets of --group (the group must have no active members)

options:
  --group ID        the consumer group
${resetHelp}
${connectionHelp}`;

const flagSpec = {
  ...connectionFlags,
  ...resetFlags,
  "--list": "switch",
  "--describe": "switch",
  "--reset-offsets": "switch",
  "--group": "value",
} as const;

export function runGroups(args: readonly string[], io: CommandIo = processIo): Promise<number> {
  return runCommand("groups", usage, args, io, async () => {
    const flags = parseFlags(args, flagSpec);
    const action = oneAction(flags, ["--list", "--describe", "--reset-offsets"]);
    if (action !== "--reset-offsets") rejectFlags(flags, Object.keys(resetFlags), action);
    if (action === "--list") rejectFlags(flags, ["--group"], action);
    const group = action === "--list" ? "" : required(flags, "--group", `with ${action}`);
    const admin = await connectAdmin(flags);
    try {
      if (action === "--list") {
        for (const listed of await admin.listGroups()) io.out(listed.groupId);
      } else if (action === "--describe") {
        await describeGroup(admin, io, group);
      } else {
        await resetOffsets(admin, io, group, flags as ParsedFlags);
      }
    } finally {
      admin.close();
    }
  });
}

async function describeGroup(admin: AdminClient, io: CommandIo, group: string): Promise<void> {
  const described = await admin.describeGroup(group);
  if (described.groupState === "Dead") {
    throw new AdminError(
      "kafka",
      `consumer group '${group}' does not exist`,
      ErrorCode.GROUP_ID_NOT_FOUND,
    );
  }
  const owners = new Map<string, string>();
  const clients = new Map<string, string>();
  for (const member of described.members) {
    clients.set(member.memberId, `${member.clientHost}\t${member.clientId}`);
    const assignment = decodeAssignment(member.memberAssignment);
    // A member of another protocol type (e.g. "connect") carries its own bytes: no partitions.
    if (!assignment.ok || described.protocolType !== "consumer") continue;
    for (const { topic, partitions } of assignment.value) {
      for (const p of partitions) owners.set(partitionKey(topic, p), member.memberId);
    }
  }
  const committed = await admin.committedOffsets(group, null);
  const committedByKey = new Map<string, number>();
  for (const c of committed) {
    if (c.offset >= 0) committedByKey.set(partitionKey(c.topic, c.partition), c.offset);
  }
  const topics = new Set([...committed.map((c) => c.topic), ...[...owners.keys()].map(topicOf)]);
  const logEnd = new Map<string, number>();
  for (const topic of [...topics].sort()) {
    for (const p of await admin.listOffsets(topic, OffsetSpec.latest)) {
      logEnd.set(partitionKey(topic, p.partition), p.offset);
    }
  }
  const rows = lagRows(committedByKey, logEnd, owners);
  io.out(
    `Consumer group '${group}' is ${described.groupState} with ${described.members.length} member(s).`,
  );
  if (rows.length === 0) {
    io.out(`Consumer group '${group}' has no committed offsets and no assigned partitions.`);
    return;
  }
  const header = [
    "GROUP",
    "TOPIC",
    "PARTITION",
    "CURRENT-OFFSET",
    "LOG-END-OFFSET",
    "LAG",
    "CONSUMER-ID",
    "HOST",
    "CLIENT-ID",
  ];
  const table = rows.map((r) => {
    const [host, clientId] = (
      r.memberId === undefined ? "-\t-" : (clients.get(r.memberId) ?? "-\t-")
    ).split("\t");
    return [
      group,
      r.topic,
      String(r.partition),
      r.committed === undefined ? "-" : String(r.committed),
      r.logEndOffset < 0 ? "-" : String(r.logEndOffset),
      r.lag === undefined ? "-" : String(r.lag),
      r.memberId ?? "-",
      host ?? "-",
      clientId ?? "-",
    ];
  });
  for (const line of formatTable(header, table)) io.out(line);
}

function topicOf(key: string): string {
  return key.slice(0, key.lastIndexOf("\u0000"));
}
