// Jepsen Kafka history checker throughput: history events (invokes + completions) analysed per
// second, on 20k and 200k messages with dense offsets from 0 and with sparse offsets near 2^50.
// Each figure is also a ratio to a baseline measured in the same run (one pass that hashes every
// record into a Map), since the machine is shared and noisy; times are this process's CPU time
// (user + system), steadier than wall time when other processes compete for the two cores.
// Run: npx tsx bench/history-checker.bench.ts

import type { HistoryOp, OffsetValue, SendMicroOp } from "../core/client/history.ts";
import { checkKafkaHistory } from "../sim/checkers/kafka-history.ts";

const KEYS = 8;
const SENDS_PER_OP = 5;
const RECORDS_PER_POLL = 100;
const ROUNDS = 5;
let sink = 0;

interface Shape {
  readonly name: string;
  readonly messages: number;
  readonly sparse: boolean;
}

/** Producers send every value once; one consumer per key reads its key's log in order. */
function history({ messages, sparse }: Shape): HistoryOp[] {
  const ops: HistoryOp[] = [];
  const logs: OffsetValue[][] = Array.from({ length: KEYS }, () => []);
  const next = Array.from({ length: KEYS }, (_, k) => (sparse ? 2 ** 50 + k * 1_000_003 : 0));
  let time = 0;
  let opId = 0;
  for (let value = 1; value <= messages; value += SENDS_PER_OP) {
    const sends: SendMicroOp[] = [];
    for (let v = value; v < value + SENDS_PER_OP && v <= messages; v++) {
      const key = (v * 2_654_435_761) % KEYS;
      const offset = next[key]!;
      next[key] = offset + 1 + (sparse && v % 7 === 0 ? (v % 100_000) + 1 : 0);
      logs[key]!.push([offset, v]);
      sends.push({ key, value: v, offset });
    }
    const processId = opId % 4;
    const invoked = sends.map((s) => ({ ...s, offset: null }));
    ops.push({ type: "send", phase: "invoke", processId, opId, time: time++, sends: invoked });
    ops.push({ type: "send", phase: "ok", processId, opId: opId++, time: time++, sends });
  }
  logs.forEach((log, key) => {
    const processId = 100 + key;
    for (let i = 0; i < log.length; i += RECORDS_PER_POLL) {
      const reads = [{ key, records: log.slice(i, i + RECORDS_PER_POLL) }];
      ops.push({ type: "poll", phase: "invoke", processId, opId: i, time: time++, reads: [] });
      ops.push({ type: "poll", phase: "ok", processId, opId: i, time: time++, reads });
    }
  });
  return ops;
}

/** The floor any checker pays: visit every record once and hash it. */
function baseline(ops: readonly HistoryOp[]): number {
  const seen = new Map<number, number>();
  for (const op of ops) {
    if (op.type === "send") for (const s of op.sends) seen.set(s.value, s.offset ?? -1);
    else if (op.type === "poll") {
      for (const read of op.reads)
        for (const [offset, value] of read.records) seen.set(value, offset);
    }
  }
  return seen.size;
}

function medianMs(run: () => number): number {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = process.cpuUsage();
    sink ^= run();
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
}

const shapes: readonly Shape[] = [
  { name: "20k messages, dense offsets", messages: 20_000, sparse: false },
  { name: "200k messages, dense offsets", messages: 200_000, sparse: false },
  { name: "200k messages, offsets near 2^50", messages: 200_000, sparse: true },
];

console.log(
  "| history | events | checker ms | events/s | messages/s | baseline ms | checker / baseline |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const shape of shapes) {
  const ops = history(shape);
  const result = checkKafkaHistory(ops);
  if (!result.valid)
    throw new Error(`benchmark history is not valid: ${result.failing.join(", ")}`);
  const checkerMs = medianMs(() => checkKafkaHistory(ops).stats.positions);
  const baselineMs = medianMs(() => baseline(ops));
  const perSecond = (n: number) => Math.round(n / (checkerMs / 1000)).toLocaleString("en-US");
  console.log(
    `| ${shape.name} | ${ops.length.toLocaleString("en-US")} | ${checkerMs.toFixed(0)} | ` +
      `${perSecond(ops.length)} | ${perSecond(shape.messages)} | ${baselineMs.toFixed(1)} | ` +
      `${(checkerMs / baselineMs).toFixed(1)}x |`,
  );
}
if (sink === 0.5) console.log(sink);
