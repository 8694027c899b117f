// Text scenarios (DESIGN §7, etcd's datadriven style): a file of blocks, each a command line, a
// `----` line, then the expected output lines, blocks separated by a blank line; `#` lines are
// comments. This file parses and prints that format and renders trace events as compact, stable
// lines. Invariant: formatScenario(parseScenario(text)) === text for any well-formed file.

import { errorName } from "../core/error-codes.ts";
import type { NodeId } from "../core/ids.ts";
import type { TraceEvent } from "../core/trace.ts";
import type { SimTraceEvent } from "./trace-format.ts";

export interface ScenarioBlock {
  /** Comment and blank lines before the command, kept as they are. */
  readonly preamble: readonly string[];
  readonly command: string;
  readonly output: readonly string[];
}

export function parseScenario(text: string): ScenarioBlock[] {
  const lines = text.split("\n");
  const blocks: ScenarioBlock[] = [];
  let preamble: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === "" || line.startsWith("#")) {
      preamble.push(line);
      i++;
      continue;
    }
    const command = line;
    if (lines[i + 1] !== "----") throw new Error(`line ${i + 2}: expected ---- after '${command}'`);
    i += 2;
    const output: string[] = [];
    while (i < lines.length && lines[i] !== "") output.push(lines[i++]!);
    if (i < lines.length) i++; // the blank line that ends the block
    blocks.push({ preamble, command, output });
    preamble = [];
  }
  // Trailing blank lines stay attached to the end of the file.
  if (preamble.some((l) => l.trim() !== "")) blocks.push({ preamble, command: "", output: [] });
  return blocks;
}

export function formatScenario(blocks: readonly ScenarioBlock[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    out.push(...b.preamble);
    if (b.command === "") continue;
    out.push(b.command, "----", ...(b.output.length === 0 ? ["(nothing)"] : b.output), "");
  }
  return `${out.join("\n").replace(/\n+$/, "")}\n`;
}

/** One trace event as a scenario line; undefined for events scenarios leave out. */
export function renderEvent(
  node: NodeId | undefined,
  e: SimTraceEvent | TraceEvent,
): string | undefined {
  const tp = (topic: string, partition: number) => `${topic}/${partition}`;
  switch (e.type) {
    case "proc-crash":
      return `node ${node} crashed: ${e.unsyncedBytesLost} unsynced bytes lost, ${e.diskOpsLost} disk operations dropped`;
    case "proc-start":
      return `node ${node} started (incarnation ${e.incarnation})`;
    case "node-ready":
      return `node ${node} ready`;
    case "topic-created":
      return `topic ${e.topic} created`;
    case "partition-state":
      return `${tp(e.topic, e.partition)}: LEO ${e.logEndOffset}, HW ${e.highWatermark}, durable ${e.durableOffset}, leader epoch ${e.leaderEpoch}`;
    case "produce-acknowledged":
      return `${tp(e.topic, e.partition)}: acknowledged offsets ${e.baseOffset}..${e.baseOffset + e.count - 1} (acks=${acksText(e.acks)})`;
    case "produce-rejected":
      return `${tp(e.topic, e.partition)}: produce rejected ${errorName(e.errorCode)} (acks=${acksText(e.acks)})`;
    case "fetch-served":
      return e.partitions
        .map(
          (p) =>
            `${tp(p.topic, p.partition)}: fetch at ${p.fetchOffset} served ${p.bytes} bytes${p.errorCode === 0 ? "" : ` ${errorName(p.errorCode)}`} after ${e.waitedMs} ms`,
        )
        .join("\n");
    case "log-recovered":
      return `${tp(e.topic, e.partition)}: recovered LEO ${e.logEndOffset} from recovery point ${e.recoveryPoint}, cut ${e.truncatedBytes} bytes (${e.reason})`;
    case "log-truncated":
      return `${tp(e.topic, e.partition)}: truncated to ${e.logEndOffset} (${e.reason})`;
    case "log-offline":
      return `${tp(e.topic, e.partition)}: log offline (${e.reason})`;
    case "log-corrupt-batch":
      return `${tp(e.topic, e.partition)}: corrupt batch in segment ${e.segmentBaseOffset} at ${e.position} (${e.reason})`;
    case "log-segment-rolled":
      return `${tp(e.topic, e.partition)}: rolled a segment at ${e.baseOffset}`;
    case "mark":
      return `mark ${e.name}`;
    case "failure":
      return `FAILURE ${e.kind}: ${e.message}`;
    default:
      return undefined;
  }
}

function acksText(acks: number): string {
  return acks === -1 ? "all" : String(acks);
}
