// `runnel groups --reset-offsets`: new committed offsets for a group, computed per partition from
// the log (earliest, latest, an offset, a shift, a time) and clamped into it; printed as a plan
// (--dry-run, the default, as in Kafka) or committed (--execute) when the group has no members.

import { ErrorCode } from "../core/error-codes.ts";
import { type AdminClient, type CommittedOffset, OffsetSpec } from "./admin/admin-client.ts";
import { AdminError } from "./admin/admin-error.ts";
import { integerFlag, type ParsedFlags } from "./admin/args.ts";
import { type CommandIo, formatTable } from "./admin/command.ts";
import { partitionKey, type ResetSpec, resetTarget } from "./admin/group-offsets.ts";

export const resetFlags = {
  "--topic": "list",
  "--all-topics": "switch",
  "--to-earliest": "switch",
  "--to-latest": "switch",
  "--to-offset": "value",
  "--shift-by": "value",
  "--to-datetime": "value",
  "--dry-run": "switch",
  "--execute": "switch",
} as const;

export const resetHelp = `  --topic T[:P,P...]  with --reset-offsets: the topic (and partitions) to reset (repeatable)
  --all-topics      with --reset-offsets: every topic the group committed offsets for
  --to-earliest | --to-latest | --to-offset N | --shift-by N | --to-datetime TIME
                    the new offsets (TIME: ISO 8601 like 2024-01-31T12:00:00Z, or epoch ms)
  --dry-run         print the new offsets only (the default)
  --execute         commit the new offsets`;

export async function resetOffsets(
  admin: AdminClient,
  io: CommandIo,
  group: string,
  flags: ParsedFlags,
): Promise<void> {
  const spec = parseSpec(flags);
  const execute = flags.switches.has("--execute");
  if (execute && flags.switches.has("--dry-run")) {
    throw new AdminError("usage", "give only one of --dry-run, --execute");
  }
  const scope = await resetScope(admin, group, flags);
  if (execute) await requireInactive(admin, group);
  const plan: CommittedOffset[] = [];
  for (const [topic, wanted] of scope) {
    const start = await admin.listOffsets(topic, OffsetSpec.earliest);
    const end = new Map(
      (await admin.listOffsets(topic, OffsetSpec.latest)).map((p) => [p.partition, p.offset]),
    );
    const atTime =
      spec.type === "datetime"
        ? new Map(
            (await admin.listOffsets(topic, spec.timestampMs)).map((p) => [p.partition, p.offset]),
          )
        : undefined;
    const committed = await admin.committedOffsets(group, [
      { name: topic, partitions: start.map((p) => p.partition) },
    ]);
    const current = new Map(
      committed
        .filter((c) => c.offset >= 0)
        .map((c) => [partitionKey(c.topic, c.partition), c.offset]),
    );
    for (const { partition, offset: logStartOffset } of start) {
      if (wanted !== null && !wanted.includes(partition)) continue;
      const offsetForTime = atTime?.get(partition);
      const target = resetTarget(spec, {
        logStartOffset,
        logEndOffset: end.get(partition) ?? logStartOffset,
        committed: current.get(partitionKey(topic, partition)),
        ...(offsetForTime === undefined ? {} : { offsetForTime }),
      });
      plan.push({ topic, partition, offset: target, metadata: null });
    }
  }
  if (execute && plan.length > 0) await admin.commitOffsets(group, plan);
  const header = ["GROUP", "TOPIC", "PARTITION", "NEW-OFFSET"];
  const rows = plan.map((p) => [group, p.topic, String(p.partition), String(p.offset)]);
  for (const line of formatTable(header, rows)) io.out(line);
  if (!execute) io.out("(dry run: nothing committed; add --execute to commit these offsets)");
}

function parseSpec(flags: ParsedFlags): ResetSpec {
  const given = [
    "--to-earliest",
    "--to-latest",
    "--to-offset",
    "--shift-by",
    "--to-datetime",
  ].filter((f) => flags.switches.has(f) || flags.values.has(f));
  if (given.length !== 1) {
    throw new AdminError(
      "usage",
      "--reset-offsets needs exactly one of --to-earliest, --to-latest, --to-offset, --shift-by, --to-datetime",
    );
  }
  switch (given[0]) {
    case "--to-earliest":
      return { type: "earliest" };
    case "--to-latest":
      return { type: "latest" };
    case "--to-offset":
      return { type: "offset", offset: integerFlag(flags, "--to-offset", 0, 0) };
    case "--shift-by":
      return { type: "shift", by: integerFlag(flags, "--shift-by", 0) };
    default:
      return { type: "datetime", timestampMs: parseTime(flags.values.get("--to-datetime")!) };
  }
}

/** Epoch milliseconds, or an ISO 8601 date-time (with a zone, or read as UTC). */
export function parseTime(text: string, flag = "--to-datetime"): number {
  if (/^\d+$/.test(text)) return Number(text);
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms))
    throw new AdminError("usage", `${flag}: cannot read '${text}' as a time`);
  return ms;
}

/** topic -> the partitions asked for (null: all of them). */
async function resetScope(admin: AdminClient, group: string, flags: ParsedFlags) {
  const topics = flags.lists.get("--topic") ?? [];
  const all = flags.switches.has("--all-topics");
  if ((topics.length === 0) === !all) {
    throw new AdminError("usage", "--reset-offsets needs --topic T (repeatable) or --all-topics");
  }
  const scope = new Map<string, number[] | null>();
  if (all) {
    for (const c of await admin.committedOffsets(group, null)) scope.set(c.topic, null);
    return scope;
  }
  for (const entry of topics) {
    const [topic, list] = entry.split(":");
    if (topic === undefined || topic === "")
      throw new AdminError("usage", `--topic needs a name, got '${entry}'`);
    const partitions = list === undefined ? null : list.split(",").map((p) => Number(p));
    if (partitions?.some((p) => !Number.isInteger(p) || p < 0)) {
      throw new AdminError("usage", `--topic ${entry}: partitions must be integers >= 0`);
    }
    await admin.topic(topic); // an unknown topic is an error here, not an empty plan
    scope.set(topic, partitions);
  }
  return scope;
}

/** Kafka resets only inactive groups: members would overwrite the offsets at once. */
async function requireInactive(admin: AdminClient, group: string): Promise<void> {
  const described = await admin.describeGroup(group);
  if (described.groupState !== "Empty" && described.groupState !== "Dead") {
    throw new AdminError(
      "kafka",
      `offsets of group '${group}' can only be reset while it is inactive, but it is ${described.groupState}`,
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
  }
}
