// The state machine the tests feed: a running hash of every applied record. Its snapshot is that
// hash with the next offset, so restoring a snapshot is checked against what others applied.

import type { Offset } from "../../../../core/ids.ts";
import type { MetadataStateMachine } from "../../../../core/metadata/raft/context.ts";
import type { RaftRecord } from "../../../../core/metadata/records.ts";

export function recordKey(record: RaftRecord): string {
  if (record.type === "opaque") return `opaque:${Array.from(record.bytes).join(",")}`;
  return JSON.stringify(record);
}

function mix(hash: number, text: string): number {
  let h = hash >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export interface ApplyObserver {
  applied(node: number, offset: Offset, epoch: number, key: string, hashAfter: number): void;
  restored(node: number, next: Offset, hash: number): void;
}

export class TestStateMachine implements MetadataStateMachine {
  next: Offset = 0;
  hash = 0x811c9dc5;
  readonly #node: number;
  readonly #observer: ApplyObserver;

  constructor(node: number, observer: ApplyObserver) {
    this.#node = node;
    this.#observer = observer;
  }

  apply(record: RaftRecord, offset: Offset, epoch: number): void {
    if (offset !== this.next)
      throw new Error(`node ${this.#node} applied ${offset}, expected ${this.next}`);
    const key = recordKey(record);
    this.hash = mix(mix(this.hash, key), String(offset));
    this.next = offset + 1;
    this.#observer.applied(this.#node, offset, epoch, key, this.hash);
  }

  snapshot(): Uint8Array {
    const bytes = new Uint8Array(12);
    const view = new DataView(bytes.buffer);
    view.setFloat64(0, this.next);
    view.setUint32(8, this.hash);
    return bytes;
  }

  restore(bytes: Uint8Array): void {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.next = view.getFloat64(0);
    this.hash = view.getUint32(8);
    this.#observer.restored(this.#node, this.next, this.hash);
  }
}
