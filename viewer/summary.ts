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
  switch (r.type) {
    case "net-send": {
      const size = typeof f.size === "number" ? `, ${f.size} B` : "";
      const what = messageLabel(f.body);
      return clip(
        `#${f.msg} ${f.from}→${f.to} ${what} (${f.kind}${size})${f.at === null ? " held" : ""}`,
      );
    }
    case "net-deliver":
      return clip(`#${f.msg} ${f.from}→${f.to} delivered`);
    case "net-drop":
      return clip(`#${f.msg} ${f.from}→${f.to} dropped: ${f.reason}`);
    case "partition-state":
      return clip(
        `${f.topic}-${f.partition} leader ${f.leader} epoch ${f.leaderEpoch} ISR [${String(f.isr)}] LEO ${f.logEndOffset} HW ${f.highWatermark} durable ${f.durableOffset}`,
      );
    case "raft-role-changed":
      return clip(
        `${f.role} in epoch ${f.epoch}${f.leaderId === null ? "" : ` (leader ${f.leaderId})`}: ${f.reason}`,
      );
    case "fault":
      return clip(`fault ${compact(f.fault)}`);
    case "failure":
      return clip(`${f.kind}: ${f.message}`);
    case "proc-crash":
      return clip(
        `crash (incarnation ${f.incarnation}, ${f.unsyncedBytesLost} unsynced bytes lost)`,
      );
    case "proc-start":
      return `start (incarnation ${f.incarnation})`;
    case "fetch-served": {
      const parts = Array.isArray(f.partitions) ? (f.partitions as Record<string, unknown>[]) : [];
      const who = f.replicaId === -1 ? "consumer" : `follower ${f.replicaId}`;
      return clip(
        `to ${who}: ${parts.map((p) => `${p.topic}-${p.partition}@${p.fetchOffset} ${p.bytes} B${p.errorCode === 0 ? "" : ` error ${p.errorCode}`}`).join(", ")}`,
      );
    }
    case "produce-acknowledged":
      return clip(
        `${f.topic}-${f.partition} offsets ${f.baseOffset}..${Number(f.baseOffset) + Number(f.count) - 1} acks=${f.acks === -1 ? "all" : f.acks}`,
      );
    case "produce-rejected":
      return clip(
        `${f.topic}-${f.partition} error ${f.errorCode} acks=${f.acks === -1 ? "all" : f.acks}`,
      );
    case "group-state":
      return clip(
        `${f.group} ${f.state} generation ${f.generation}, ${Array.isArray(f.members) ? f.members.length : 0} members`,
      );
    case "offset-committed":
      return clip(`${f.group} ${f.topic}-${f.partition} → ${f.offset}`);
    case "partition-created":
      return clip(`${f.topic}-${f.partition} replicas [${String(f.replicas)}] leader ${f.leader}`);
    case "leader-elected":
      return clip(
        `${f.topic}-${f.partition} leader ${f.previousLeader} → ${f.leader} epoch ${f.leaderEpoch} ISR [${String(f.isr)}] (${f.reason}${f.unclean === true ? ", UNCLEAN" : ""})`,
      );
    case "isr-shrink-proposed":
    case "isr-expand-proposed":
    case "isr-committed":
      return clip(
        `${f.topic}-${f.partition} ISR [${String(f.isr)}] → [${String(f.proposedIsr ?? f.isr)}]`,
      );
    case "hw-advanced":
      return clip(`${f.topic}-${f.partition} HW ${f.from} → ${f.to}`);
    case "follower-truncated":
      return clip(`${f.topic}-${f.partition} ${f.from} → ${f.to} (${f.reason})`);
    case "log-truncated":
      return clip(`${f.topic}-${f.partition} to ${f.logEndOffset}: ${f.reason}`);
    case "history": {
      const op = (f.op ?? {}) as Record<string, unknown>;
      return clip(
        `${op.type} ${op.phase} (process ${op.processId}, op ${op.opId})${op.error === undefined ? "" : `: ${op.error}`}`,
      );
    }
    default:
      return clip(compact(f));
  }
}
