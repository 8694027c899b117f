// Turns streamed text into an indexed trace: splits NDJSON lines across chunk boundaries, checks the
// header, parses each event and feeds the indexer. Invariant: loading stops at the first bad line with
// a message naming it, and everything before that line stays indexed and viewable.

import { badLine, checkHeader } from "./header.ts";
import { TraceIndexer } from "./indexer.ts";
import { isRecord } from "./records.ts";
import type { Beat } from "./scenarios/beat-tracker.ts";

export type LoadStatus =
  | { readonly kind: "loading" }
  | { readonly kind: "error"; readonly message: string; readonly fatal: boolean };

export class TraceLoader {
  #carry = "";
  #lineNumber = 0;
  #indexer: TraceIndexer | undefined;
  #error: LoadStatus | undefined;
  readonly #keyframeEvery: number;
  readonly #beats: readonly Beat[];

  constructor(keyframeEvery = 256, beats: readonly Beat[] = []) {
    this.#keyframeEvery = keyframeEvery;
    this.#beats = beats;
  }

  get indexer(): TraceIndexer | undefined {
    return this.#indexer;
  }

  get failed(): boolean {
    return this.#error !== undefined;
  }

  /** Feeds decoded text (any split); returns the error once loading has stopped. */
  push(text: string, bytes: number): LoadStatus {
    if (this.#error !== undefined) return this.#error;
    if (this.#indexer !== undefined) this.#indexer.bytes += bytes;
    const joined = this.#carry + text;
    const end = joined.lastIndexOf("\n");
    if (end < 0) {
      this.#carry = joined;
      return { kind: "loading" };
    }
    this.#carry = joined.slice(end + 1);
    return this.#lines(joined.slice(0, end + 1), bytes);
  }

  /** The stream ended: the last line may lack its newline. */
  finish(): LoadStatus {
    if (this.#error !== undefined) return this.#error;
    const rest = this.#carry;
    this.#carry = "";
    if (rest.trim() !== "") {
      const status = this.#lines(`${rest}\n`, 0);
      if (status.kind === "error") return status;
    }
    if (this.#indexer === undefined) return this.#fail(checkHeaderMessage(undefined), true);
    return { kind: "loading" };
  }

  #lines(text: string, bytes: number): LoadStatus {
    let start = 0;
    let chunk = -1;
    while (start < text.length) {
      const nl = text.indexOf("\n", start);
      const stop = nl < 0 ? text.length : nl;
      let lineEnd = stop;
      if (lineEnd > start && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
      this.#lineNumber++;
      if (lineEnd > start) {
        if (this.#indexer === undefined) {
          const check = checkHeader(text.slice(start, lineEnd));
          if (!check.ok) return this.#fail(check.message, true);
          this.#indexer = new TraceIndexer(check.info, this.#keyframeEvery, this.#beats);
          this.#indexer.bytes = bytes;
        } else {
          if (chunk < 0) chunk = this.#indexer.lines.addChunk(text);
          const problem = this.#event(text.slice(start, lineEnd));
          if (problem !== undefined) return this.#fail(problem, false);
          this.#indexer.lines.add(chunk, start, lineEnd - start);
        }
      }
      start = stop + 1;
    }
    return { kind: "loading" };
  }

  #event(line: string): string | undefined {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      return badLine(
        this.#lineNumber,
        line,
        error instanceof Error ? error.message : String(error),
      );
    }
    if (!isRecord(value)) {
      return badLine(this.#lineNumber, line, "an event needs numeric seq and t and a string type");
    }
    const problem = this.#indexer!.add(value);
    return problem === undefined ? undefined : badLine(this.#lineNumber, line, problem);
  }

  #fail(message: string, fatal: boolean): LoadStatus {
    this.#error = { kind: "error", message, fatal };
    return this.#error;
  }
}

function checkHeaderMessage(line: string | undefined): string {
  const check = checkHeader(line);
  return check.ok ? "" : check.message;
}
