// A test server that appends numbered 8-byte records to one file and syncs after each append,
// acknowledging a value only once its sync completes. On start it lists, reads and validates the
// file, truncates a torn tail, and reports what it recovered: durability as the world sees it.

import { AssertionFailure, assert, assertNever } from "../../../core/assert.ts";
import type { DiskResult } from "../../../core/disk.ts";
import { DiskIo } from "../../../core/disk-io.ts";
import type { Millis, NodeId } from "../../../core/ids.ts";
import type { Effect, Input, Node, NodeView } from "../../../core/node.ts";
import { Outbox } from "../../../core/outbox.ts";

export interface DiskLogView extends NodeView {
  readonly kind: "disk-log";
  readonly incarnation: number;
  /** Records found valid at start (undefined while recovering). */
  readonly recovered: number | undefined;
  /** Highest value whose sync completed in this incarnation. */
  readonly acked: number;
  readonly appended: number;
  readonly diskErrors: number;
  readonly inFlight: number;
}

const path = "data/log";
const recordBytes = 8;

function encodeRecord(value: number): Uint8Array {
  const bytes = new Uint8Array(recordBytes);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, value);
  view.setUint32(4, (value ^ 0x5a5a5a5a) >>> 0);
  return bytes;
}

/** Valid records at the start of `bytes` (the rest is a torn or corrupt tail). */
export function validRecords(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let count = 0;
  while ((count + 1) * recordBytes <= bytes.length) {
    const value = view.getUint32(count * recordBytes);
    const check = view.getUint32(count * recordBytes + 4);
    if (value !== count + 1 || check !== (value ^ 0x5a5a5a5a) >>> 0) break;
    count++;
  }
  return count;
}

export class DiskLogNode implements Node<DiskLogView> {
  readonly #id: NodeId;
  readonly #incarnation: number;
  readonly #intervalMs: number;
  readonly #outbox = new Outbox();
  readonly #io = new DiskIo(this.#outbox);
  #recovered: number | undefined;
  #next: Millis | undefined;
  #appended = 0;
  #acked = 0;
  #writing = false;
  #diskErrors = 0;

  /** A planted bug for checker tests: acknowledge as soon as the append completes, before sync. */
  readonly #ackBeforeSync: boolean;

  constructor(id: NodeId, incarnation: number, intervalMs: number, ackBeforeSync = false) {
    this.#id = id;
    this.#incarnation = incarnation;
    this.#intervalMs = intervalMs;
    this.#ackBeforeSync = ackBeforeSync;
  }

  step(now: Millis, input: Input): readonly Effect[] {
    switch (input.type) {
      case "start":
        this.#io.submit({ type: "list", dir: "data" }, (result) => this.#listed(now, result));
        break;
      case "timer":
        this.#next = now + this.#intervalMs;
        if (!this.#writing) this.#append();
        break;
      case "disk-done":
        this.#io.complete(input.id, input.result);
        break;
      case "peer-message":
      case "peer-unreachable":
      case "client-request":
      case "connection-closed":
      case "client-response":
      case "client-connection-lost":
        throw new AssertionFailure(`a disk-log node never gets ${input.type}`);
      default:
        assertNever(input, "input");
    }
    return this.#outbox.take();
  }

  #listed(now: Millis, result: DiskResult): void {
    assert(result.ok && result.type === "list", "listing the data folder failed");
    const entry = result.entries.find((e) => e.name === "log");
    if (entry === undefined || entry.size === 0) {
      this.#serve(now, 0);
      return;
    }
    this.#io.submit({ type: "read", path, position: 0, length: entry.size }, (read) => {
      assert(read.ok && read.type === "read", "reading the log failed");
      const count = validRecords(read.bytes);
      if (count * recordBytes === read.bytes.length) {
        this.#serve(now, count);
        return;
      }
      this.#io.submit({ type: "truncate", path, size: count * recordBytes }, (done) => {
        assert(done.ok, "truncating the torn tail failed");
        this.#serve(now, count);
      });
    });
  }

  #serve(now: Millis, recovered: number): void {
    this.#recovered = recovered;
    this.#appended = recovered;
    this.#next = now + this.#intervalMs;
    this.#outbox.trace({ type: "node-ready" });
  }

  #append(): void {
    const value = this.#appended + 1;
    this.#writing = true;
    this.#io.submit({ type: "append", path, bytes: encodeRecord(value) }, (appended) => {
      if (!appended.ok) {
        this.#diskErrors++;
        this.#writing = false;
        return;
      }
      this.#appended = value;
      if (this.#ackBeforeSync) this.#acked = value;
      this.#io.submit({ type: "sync", path }, (synced) => {
        this.#writing = false;
        if (synced.ok) this.#acked = value;
        else this.#diskErrors++;
      });
    });
  }

  nextWakeup(): Millis | undefined {
    return this.#next;
  }

  view(): DiskLogView {
    return {
      nodeId: this.#id,
      kind: "disk-log",
      incarnation: this.#incarnation,
      recovered: this.#recovered,
      acked: this.#acked,
      appended: this.#appended,
      diskErrors: this.#diskErrors,
      inFlight: this.#io.inFlight,
    };
  }

  checkInvariants(): void {
    assert(this.#acked <= this.#appended, "acknowledged a value never appended");
    assert(this.#io.inFlight <= 3, "more disk operations in flight than the protocol issues");
  }
}
