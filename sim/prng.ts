// The simulator's randomness: one root seed, and per-component streams derived from it by name, so
// that extra draws in one component never shift another. Every draw is named; a DrawLog can record
// a run's draws and check a second run against them, naming the first draw that differs.

import seedrandom from "seedrandom";
import { assert } from "../core/assert.ts";
import type { Rng } from "../core/rng.ts";

/** Seeds are 64-bit unsigned integers, printed as 0x + 16 hex digits. */
export type Seed = bigint;

const seedMax = (1n << 64n) - 1n;

export function formatSeed(seed: Seed): string {
  assert(seed >= 0n && seed <= seedMax, `seed out of range: ${seed}`);
  return `0x${seed.toString(16).padStart(16, "0")}`;
}

/** Parses `0x…` hex or decimal; anything else (or out of 64-bit range) is undefined. */
export function parseSeed(text: string): Seed | undefined {
  const trimmed = text.trim();
  if (!/^(0x[0-9a-fA-F]{1,16}|[0-9]{1,20})$/.test(trimmed)) return undefined;
  const value = BigInt(trimmed);
  return value <= seedMax ? value : undefined;
}

/** One named draw as the DrawLog sees it. */
export interface Draw {
  readonly component: string;
  readonly name: string;
  readonly value: number;
  /** Trace sequence number current when the draw happened (what the world was doing). */
  readonly seq: number;
}

export interface DrawDivergence {
  readonly index: number;
  readonly expected: Draw | undefined;
  readonly actual: Draw | undefined;
}

/**
 * Records every draw of a run ("record"), or compares a run's draws with a recording ("check") and
 * keeps the first difference. The world sets `seq` before each event so a draw is placed in time.
 */
export class DrawLog {
  readonly mode: "record" | "check";
  seq = 0;
  readonly #limit: number;
  readonly #components: string[] = [];
  readonly #names: string[] = [];
  readonly #values: number[] = [];
  readonly #seqs: number[] = [];
  readonly #expected: DrawLog | undefined;
  #count = 0;
  #divergence: DrawDivergence | undefined;

  private constructor(mode: "record" | "check", limit: number, expected?: DrawLog) {
    this.mode = mode;
    this.#limit = limit;
    this.#expected = expected;
  }

  /** A recording of up to `limit` draws (later draws are counted, not kept). */
  static record(limit = 5_000_000): DrawLog {
    return new DrawLog("record", limit);
  }

  /** A log that checks each draw against `expected` and keeps the first mismatch. */
  static check(expected: DrawLog): DrawLog {
    assert(expected.mode === "record", "can only check against a recording");
    return new DrawLog("check", 0, expected);
  }

  get count(): number {
    return this.#count;
  }

  get divergence(): DrawDivergence | undefined {
    if (this.#divergence !== undefined || this.#expected === undefined) return this.#divergence;
    // A run that drew fewer times than the recording diverges where it stopped.
    const kept = Math.min(this.#expected.#components.length, this.#expected.#count);
    if (this.#count < kept) {
      return { index: this.#count, expected: this.#expected.at(this.#count), actual: undefined };
    }
    return undefined;
  }

  at(index: number): Draw | undefined {
    if (index >= this.#components.length) return undefined;
    return {
      component: this.#components[index]!,
      name: this.#names[index]!,
      value: this.#values[index]!,
      seq: this.#seqs[index]!,
    };
  }

  observe(component: string, name: string, value: number): void {
    const index = this.#count++;
    if (this.mode === "record") {
      if (index < this.#limit) {
        this.#components.push(component);
        this.#names.push(name);
        this.#values.push(value);
        this.#seqs.push(this.seq);
      }
      return;
    }
    if (this.#divergence !== undefined) return;
    const expected = this.#expected!.at(index);
    if (expected === undefined) {
      if (index >= this.#expected!.#count) {
        const actual = { component, name, value, seq: this.seq };
        this.#divergence = { index, expected: undefined, actual };
      }
      return;
    }
    const same = expected.component === component && expected.name === name;
    if (!same || !Object.is(expected.value, value)) {
      this.#divergence = { index, expected, actual: { component, name, value, seq: this.seq } };
    }
  }
}

/**
 * A seeded stream implementing core's Rng, plus the sim-only draws the world needs. Streams are
 * seeded by (root seed, component path) only, never by another stream's state.
 */
export class SimRng implements Rng {
  readonly seed: Seed;
  readonly component: string;
  readonly #prng: seedrandom.PRNG;
  readonly #log: DrawLog | undefined;

  constructor(seed: Seed, component: string, log?: DrawLog) {
    this.seed = seed;
    this.component = component;
    this.#prng = seedrandom.xor4096(`${formatSeed(seed)}/${component}`);
    this.#log = log;
  }

  /** An independent stream for a sub-component: `root.derive("network")`, `disk.derive("3")`. */
  derive(name: string): SimRng {
    assert(name.length > 0 && !name.includes("/"), `bad component name '${name}'`);
    const path = this.component === "" ? name : `${this.component}/${name}`;
    return new SimRng(this.seed, path, this.#log);
  }

  int(name: string, maxExclusive: number): number {
    assert(Number.isSafeInteger(maxExclusive) && maxExclusive > 0, `bad bound ${maxExclusive}`);
    const u = maxExclusive <= 0x1_0000_0000 ? this.#prng() : this.#prng.double();
    return this.#note(name, Math.floor(u * maxExclusive));
  }

  float(name: string): number {
    return this.#note(name, this.#prng.double());
  }

  chance(name: string, probability: number): boolean {
    assert(probability >= 0 && probability <= 1, `bad probability ${probability}`);
    // Always draw, so that a probability of 0 or 1 does not shift the rest of the stream.
    return this.#note(name, this.#prng()) < probability;
  }

  /** An integer in [min, max], both inclusive. */
  range(name: string, min: number, max: number): number {
    assert(Number.isSafeInteger(min) && Number.isSafeInteger(max) && min <= max, "bad range");
    return min + this.int(name, max - min + 1);
  }

  /** An exponentially distributed float with the given mean (>= 0). */
  exponential(name: string, mean: number): number {
    assert(mean >= 0 && Number.isFinite(mean), `bad mean ${mean}`);
    return -mean * Math.log(1 - this.float(name));
  }

  /** A float in [min, max) spread evenly over orders of magnitude (min > 0). */
  logUniform(name: string, min: number, max: number): number {
    assert(min > 0 && max >= min, `bad log-uniform range [${min}, ${max})`);
    return min * (max / min) ** this.float(name);
  }

  pick<T>(name: string, items: readonly T[]): T {
    assert(items.length > 0, "pick from an empty list");
    return items[this.int(name, items.length)]!;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(name: string, items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(name, i + 1);
      const swap = out[i]!;
      out[i] = out[j]!;
      out[j] = swap;
    }
    return out;
  }

  #note(name: string, value: number): number {
    if (this.#log !== undefined) this.#log.observe(this.component, name, value);
    return value;
  }
}

/** The root of a run's streams. Components derive from it by name, never draw from it directly. */
export function rootRng(seed: Seed, log?: DrawLog): SimRng {
  return new SimRng(seed, "", log);
}
