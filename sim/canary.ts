// The canary (TigerBeetle's canary fuzzer): a bug planted in the simulator, never in core, behind a
// test-only flag. On canary seeds (seed % 100 === 0) every 25th successful Produce answer tells the
// producer its records landed one offset later than they did — the class of bug Jepsen found in
// Bufstream (wrong offsets acknowledged). The history checker must fail every canary seed; if a
// canary seed ever passes, the pipeline has stopped detecting failures.

import { ErrorCode } from "../core/error-codes.ts";
import type { Effect } from "../core/node.ts";
import type { ClientResponse } from "../core/protocol/index.ts";
import type { Seed } from "./prng.ts";

/** The mark traced each time the canary fires (tests assert it did). */
export const canaryMark = "sim-canary-fired";
export const canaryEvery = 25;

export function isCanarySeed(seed: Seed): boolean {
  return seed % 100n === 0n;
}

export class Canary {
  #answers = 0;
  #fired = 0;

  get fired(): number {
    return this.#fired;
  }

  /** Rewrites the effects of one broker step: a Produce answer may get its first offset shifted. */
  rewrite(effects: readonly Effect[]): readonly Effect[] {
    let out: Effect[] | undefined;
    effects.forEach((effect, i) => {
      if (effect.type !== "respond" || effect.response.api !== "Produce") return;
      const shifted = this.#maybeShift(effect.response);
      if (shifted === undefined) return;
      out ??= [...effects];
      out[i] = { ...effect, response: shifted };
      out.push({ type: "trace", event: { type: "mark", name: canaryMark } });
    });
    return out ?? effects;
  }

  #maybeShift(response: Extract<ClientResponse, { api: "Produce" }>): ClientResponse | undefined {
    const body = response.body;
    const ok = body.responses.some((t) =>
      t.partitionResponses.some((p) => p.errorCode === ErrorCode.NONE && p.baseOffset >= 0),
    );
    if (!ok || ++this.#answers % canaryEvery !== 0) return undefined;
    this.#fired++;
    let done = false;
    const responses = body.responses.map((t) => ({
      ...t,
      partitionResponses: t.partitionResponses.map((p) => {
        if (done || p.errorCode !== ErrorCode.NONE || p.baseOffset < 0) return p;
        done = true;
        return { ...p, baseOffset: p.baseOffset + 1 };
      }),
    }));
    return { api: "Produce", body: { ...body, responses } };
  }
}
