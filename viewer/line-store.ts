// Keeps the trace's text in the worker as decoded chunks that each hold whole lines, so any event's
// line can be read back (inspect, search, replay from a keyframe) without one giant string (V8 caps
// a string near 512 MB). Invariant: event i's line is chunks[chunk[i]].slice(start[i], start[i]+len[i]).

import { i32 } from "./vec.ts";

export class LineStore {
  readonly #chunks: string[] = [];
  readonly #chunk = i32(4096);
  readonly #start = i32(4096);
  readonly #len = i32(4096);

  /** Stores a chunk of whole lines; returns its number for `add`. */
  addChunk(text: string): number {
    this.#chunks.push(text);
    return this.#chunks.length - 1;
  }

  add(chunk: number, start: number, length: number): void {
    this.#chunk.push(chunk);
    this.#start.push(start);
    this.#len.push(length);
  }

  get count(): number {
    return this.#chunk.length;
  }

  line(index: number): string {
    if (index < 0 || index >= this.#chunk.length) throw new RangeError(`no line ${index}`);
    const text = this.#chunks[this.#chunk.get(index)]!;
    const start = this.#start.get(index);
    return text.slice(start, start + this.#len.get(index));
  }
}
