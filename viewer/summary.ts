// One short line per event for the event list: the fields that matter for its type, Kafka's words.
// Unknown types show their fields as compact JSON. Invariant: a summary never exceeds `maxChars`.

import { type AnyRecord, messageLabel } from "./records.ts";

const maxChars = 160;

function rest(r: AnyRecord): Record<string, unknown> {
  const { seq: _s, t: _t, node: _n, type: _y, ...fields } = r;
  return fields;
}

function clip(text: string): string {
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

function compact(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    typeof v === "object" && v !== null && "$bytes" in v
      ? `<${(v as { $bytes: number }).$bytes} bytes>`
      : v,
  );
}

export function summarize(r: AnyRecord): string {
  const f = rest(r);
  return clip(worldSummary(r.type, f) ?? kafkaSummary(r.type, f) ?? compact(f));
}

/** The world's own events (network, processes, faults, failures). */
function worldSummary(type: string, f: Record<string, unknown>): string | undefined {
  switch (type) {
    case "net-send": {
      const size = typeof f.size === "number" ? `, ${f.size} B` : "";
      const what = messageLabel(f.body);
      return `#${f.msg} ${f.from}→${f.to} ${what} (${f.kind}${size})${f.at === null ? " held" : ""}`;
    }
    case "net-deliver":
      return `#${f.msg} ${f.from}→${f.to} delivered`;
    case "net-drop":
      return `#${f.msg} ${f.from}→${f.to} dropped: ${f.reason}`;
    case "partition-state":
      return `${f.topic}-${f.partition} leader ${f.leader} epoch ${f.leaderEpoch} ISR [${String(f.isr)}] LEO ${f.logEndOffset} HW ${f.highWatermark} durable ${f.durableOffset}`;
    case "raft-role-changed":
      return `${f.role} in epoch ${f.epoch}${f.leaderId === null ? "" : ` (leader ${f.leaderId})`}: ${f.reason}`;
    case "fault":
      return `fault ${compact(f.fault)}`;
    case "failure":
      return `${f.kind}: ${f.message}`;
    case "proc-crash":
      return `crash (incarnation ${f.incarnation}, ${f.unsyncedBytesLost} unsynced bytes lost)`;
    case "proc-start":
      return `start (incarnation ${f.incarnation})`;
    default:
      return undefined;
  }
}

/** Broker, replication, group and client events. */
function kafkaSummary(type: string, f: Record<string, unknown>): string | undefined {
  switch (type) {
    case "fetch-served": {
      const parts = Array.isArray(f.partitions) ? (f.partitions as Record<string, unknown>[]) : [];
      const who = f.replicaId === -1 ? "consumer" : `follower ${f.replicaId}`;
      return `to ${who}: ${parts.map((p) => `${p.topic}-${p.partition}@${p.fetchOffset} ${p.bytes} B${p.errorCode === 0 ? "" : ` error ${p.errorCode}`}`).join(", ")}`;
    }
    case "produce-acknowledged":
      return `${f.topic}-${f.partition} offsets ${f.baseOffset}..${Number(f.baseOffset) + Number(f.count) - 1} acks=${f.acks === -1 ? "all" : f.acks}`;
    case "produce-rejected":
      return `${f.topic}-${f.partition} error ${f.errorCode} acks=${f.acks === -1 ? "all" : f.acks}`;
    case "producer-batch-deduplicated":
      return `${f.topic}-${f.partition} producer ${f.producerId} epoch ${f.producerEpoch} sequences ${f.baseSequence}..${f.lastSequence}: duplicate of offsets ${f.firstOffset}..${f.lastOffset}`;
    case "producer-ids-allocated":
      return `producer ids ${f.firstProducerId}..${Number(f.firstProducerId) + Number(f.size) - 1} to broker ${f.brokerId}`;
    case "group-state":
      return `${f.group} ${f.state} generation ${f.generation}, ${Array.isArray(f.members) ? f.members.length : 0} members`;
    case "offset-committed":
      return `${f.group} ${f.topic}-${f.partition} → ${f.offset}`;
    case "group-member-joined":
      return `${f.group} ${f.clientId} joined as ${f.memberId}${f.reason === "static-replaced" ? ` (static ${f.groupInstanceId}: ${f.replacedMemberId} fenced)` : ""}`;
    case "group-member-left":
      return `${f.group} ${f.memberId} left (${f.reason})`;
    case "group-member-expired":
      return `${f.group} ${f.memberId} session expired (${f.sessionTimeoutMs} ms)`;
    case "coordinator-loaded":
      return `__consumer_offsets-${f.partition}: ${f.groups} groups, ${f.offsets} offsets from ${f.records} records`;
    case "coordinator-unloaded":
      return `__consumer_offsets-${f.partition}: ${f.groups} groups unloaded`;
    case "topic-created":
      return `${f.topic} with ${f.partitions} partitions (id ${f.topicId})`;
    case "log-recovered":
      return `${f.topic}-${f.partition} log ${f.logStartOffset}..${f.logEndOffset}, ${f.segments} segments, ${f.truncatedBytes} bytes cut: ${f.reason}`;
    case "partition-created":
      return `${f.topic}-${f.partition} replicas [${String(f.replicas)}] leader ${f.leader}`;
    case "leader-elected":
      return `${f.topic}-${f.partition} leader ${f.previousLeader} → ${f.leader} epoch ${f.leaderEpoch} ISR [${String(f.isr)}] (${f.reason}${f.unclean === true ? ", UNCLEAN" : ""})`;
    case "isr-shrink-proposed":
    case "isr-expand-proposed":
    case "isr-committed":
      return `${f.topic}-${f.partition} ISR [${String(f.isr)}] → [${String(f.proposedIsr ?? f.isr)}]`;
    case "hw-advanced":
      return `${f.topic}-${f.partition} HW ${f.from} → ${f.to}`;
    case "follower-truncated":
      return `${f.topic}-${f.partition} ${f.from} → ${f.to} (${f.reason})`;
    case "log-truncated":
      return `${f.topic}-${f.partition} to ${f.logEndOffset}: ${f.reason}`;
    case "history": {
      const op = (f.op ?? {}) as Record<string, unknown>;
      return `${op.type} ${op.phase} (process ${op.processId}, op ${op.opId})${op.error === undefined ? "" : `: ${op.error}`}`;
    }
    default:
      return undefined;
  }
}
