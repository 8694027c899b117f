// The in-memory index of the metadata log's segment files: each segment's base offset, size and the
// position of every entry in it. Positions are 8 bytes an entry and the log above the snapshot is
// bounded by the snapshot threshold, so the index stays bounded; record bytes stay on disk.

import { assert } from "../../assert.ts";
import type { Offset } from "../../ids.ts";
import { limits } from "../../limits.ts";
import { segmentPath } from "./files.ts";

export interface Segment {
  readonly baseOffset: Offset;
  readonly path: string;
  /** positions[i] is where the entry baseOffset + i starts. */
  readonly positions: number[];
  size: number;
}

/** A contiguous run of entries inside one segment file. */
export interface SegmentRange {
  readonly segment: Segment;
  readonly fromOffset: Offset;
  readonly toOffset: Offset;
  readonly position: number;
  readonly length: number;
}

export class SegmentIndex {
  readonly #segments: Segment[] = [];

  get segments(): readonly Segment[] {
    return this.#segments;
  }

  /** One past the last indexed entry; `fallback` when no segment holds entries. */
  endOffset(fallback: Offset): Offset {
    const last = this.#segments.at(-1);
    return last === undefined ? fallback : last.baseOffset + last.positions.length;
  }

  /** Adds a segment read back at recovery (in base offset order, contiguous). */
  load(baseOffset: Offset, positions: number[], size: number): Segment {
    const last = this.#segments.at(-1);
    assert(
      last === undefined || last.baseOffset + last.positions.length === baseOffset,
      `segment ${baseOffset} does not follow the last one`,
    );
    const segment = { baseOffset, path: segmentPath(baseOffset), positions, size };
    this.#segments.push(segment);
    return segment;
  }

  /** The segment the next entry at `offset` goes to, rolling a new one when the active is full. */
  activeFor(offset: Offset, segmentBytes: number): { segment: Segment; rolled: boolean } {
    const last = this.#segments.at(-1);
    if (last !== undefined && last.size < segmentBytes) {
      assert(
        last.baseOffset + last.positions.length === offset,
        `append at ${offset} leaves a gap`,
      );
      return { segment: last, rolled: false };
    }
    assert(this.#segments.length < limits.metadataSegmentsMax, "metadata segments over limit");
    const segment: Segment = {
      baseOffset: offset,
      path: segmentPath(offset),
      positions: [],
      size: 0,
    };
    this.#segments.push(segment);
    return { segment, rolled: last !== undefined };
  }

  find(offset: Offset): Segment | undefined {
    for (let i = this.#segments.length - 1; i >= 0; i--) {
      const s = this.#segments[i]!;
      if (s.baseOffset <= offset) {
        return offset < s.baseOffset + s.positions.length ? s : undefined;
      }
    }
    return undefined;
  }

  /** Whole entries from `from`, within one segment, about `maxBytes` (always at least one). */
  range(from: Offset, maxBytes: number): SegmentRange | undefined {
    const segment = this.find(from);
    if (segment === undefined) return undefined;
    const first = from - segment.baseOffset;
    const position = segment.positions[first]!;
    let last = first + 1;
    const endOf = (index: number) => segment.positions[index + 1] ?? segment.size;
    while (last < segment.positions.length && endOf(last) - position <= maxBytes) last++;
    const end = segment.positions[last] ?? segment.size;
    return {
      segment,
      fromOffset: from,
      toOffset: segment.baseOffset + last,
      position,
      length: end - position,
    };
  }

  /**
   * Drops entries at and above `offset`: returns the segments to delete (newest first) and the
   * one to cut, with its new size.
   */
  truncate(offset: Offset): { deleted: Segment[]; cut?: Segment } {
    const deleted: Segment[] = [];
    while (this.#segments.length > 0 && this.#segments.at(-1)!.baseOffset >= offset) {
      deleted.push(this.#segments.pop()!);
    }
    const last = this.#segments.at(-1);
    if (last === undefined || last.baseOffset + last.positions.length <= offset) return { deleted };
    const keep = offset - last.baseOffset;
    last.size = last.positions[keep]!;
    last.positions.length = keep;
    return { deleted, cut: last };
  }

  /** Drops segments whose every entry is below `offset` (never the one holding `offset`). */
  dropBelow(offset: Offset): Segment[] {
    const dropped: Segment[] = [];
    while (this.#segments.length > 0) {
      const s = this.#segments[0]!;
      if (s.baseOffset + s.positions.length > offset) break;
      dropped.push(this.#segments.shift()!);
    }
    return dropped;
  }

  /** Drops every segment, newest first. */
  clear(): Segment[] {
    const all = [...this.#segments].reverse();
    this.#segments.length = 0;
    return all;
  }

  /** Bytes of entries at or above `offset`. */
  bytesFrom(offset: Offset): number {
    let total = 0;
    for (const s of this.#segments) {
      const end = s.baseOffset + s.positions.length;
      if (end <= offset) continue;
      const from = Math.max(0, offset - s.baseOffset);
      total += s.size - (s.positions[from] ?? s.size);
    }
    return total;
  }

  positionOf(offset: Offset): number | undefined {
    const s = this.find(offset);
    return s === undefined ? undefined : s.positions[offset - s.baseOffset];
  }
}
