// Runs the toy cluster into memory: the trace as lines and text, plus the sampled replica views.

import type { ToyOptions } from "./toy-cluster.ts";
import { runToyCluster, type ToyResult } from "./toy-run.ts";

export interface ToyTrace extends ToyResult {
  readonly lines: readonly string[];
  readonly text: string;
}

export function toyTrace(options: ToyOptions): ToyTrace {
  const lines: string[] = [];
  const result = runToyCluster(options, (line) => lines.push(line));
  return { ...result, lines, text: `${lines.join("\n")}\n` };
}
