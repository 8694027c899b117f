// Writes a toy-cluster trace of about N events to a file (for the viewer benchmark, which may not
// import test code): npx tsx test/viewer/support/toy-cli.ts <events> <out.ndjson> [seed]

import { closeSync, openSync, writeSync } from "node:fs";
import { runToyCluster } from "./toy-run.ts";

const [events, out, seed] = process.argv.slice(2);
if (events === undefined || out === undefined) {
  process.stderr.write("usage: toy-cli.ts <events> <out.ndjson> [seed]\n");
  process.exit(2);
}
const fd = openSync(out, "w");
let batch: string[] = [];
const flush = () => {
  if (batch.length > 0) writeSync(fd, `${batch.join("\n")}\n`);
  batch = [];
};
const result = runToyCluster(
  { seed: Number(seed ?? 11), durationMs: 1e9, maxEvents: Number(events) },
  (line) => {
    batch.push(line);
    if (batch.length >= 4096) flush();
  },
);
flush();
closeSync(fd);
process.stdout.write(`${result.events} events written to ${out}\n`);
