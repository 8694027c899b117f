// Columns of every message on the simulated network: sent (from, to, kind, what it carried), then
// delivered or dropped, or still in flight when the trace ends. Invariant: a message id maps to one
// row; a drop with no send (an answer on a closed connection) becomes a row that ends where it begins.

import { type MessageColumns, messageKinds, messageStatus } from "./index-data.ts";
import { type AnyRecord, messageLabel, num } from "./records.ts";
import { f64, i32, u8 } from "./vec.ts";

export class MessageIndex {
  readonly #id = f64();
  readonly #sendIdx = i32();
  readonly #endIdx = i32();
  readonly #from = i32();
  readonly #to = i32();
  readonly #sendT = f64();
  readonly #endT = f64();
  readonly #status = u8();
  readonly #kind = u8();
  readonly #label = i32();
  readonly #labels: string[] = [];
  readonly #labelIds = new Map<string, number>();
  /** Row + 1 by message id (0: unknown id); ids are small dense integers in practice. */
  #rowById = new Int32Array(4096);
  readonly #rowByLargeId = new Map<number, number>();

  get count(): number {
    return this.#id.length;
  }

  /** Event indices of a message's send and its delivery or drop (-1 while in flight). */
  events(row: number): { sendIdx: number; endIdx: number; status: number } {
    return {
      sendIdx: this.#sendIdx.get(row),
      endIdx: this.#endIdx.get(row),
      status: this.#status.get(row),
    };
  }

  /** Records a net-send, net-deliver or net-drop; returns the message row, or -1. */
  add(r: AnyRecord, idx: number): number {
    const id = num(r, "msg");
    if (id === undefined) return -1;
    switch (r.type) {
      case "net-send": {
        const row = this.#newRow(id, r, idx, messageStatus.inFlight);
        const kind = messageKinds.indexOf(r.kind as (typeof messageKinds)[number]);
        this.#kind.set(row, kind < 0 ? 0 : kind);
        this.#label.set(row, this.#labelId(messageLabel(r.body)));
        return row;
      }
      case "net-deliver":
      case "net-drop": {
        let row = this.#row(id);
        const status = r.type === "net-deliver" ? messageStatus.delivered : messageStatus.dropped;
        if (row < 0) {
          row = this.#newRow(id, r, idx, messageStatus.dropOnly);
          this.#label.set(row, this.#labelId(typeof r.reason === "string" ? "dropped" : "message"));
        } else this.#status.set(row, status);
        this.#endIdx.set(row, idx);
        this.#endT.set(row, r.t);
        return row;
      }
      default:
        return -1;
    }
  }

  #newRow(id: number, r: AnyRecord, idx: number, status: number): number {
    const row = this.#id.length;
    this.#id.push(id);
    this.#sendIdx.push(idx);
    this.#endIdx.push(-1);
    this.#from.push(num(r, "from") ?? r.node ?? -1);
    this.#to.push(num(r, "to") ?? -1);
    this.#sendT.push(r.t);
    this.#endT.push(Number.NaN);
    this.#status.push(status);
    this.#kind.push(0);
    this.#label.push(0);
    this.#remember(id, row);
    return row;
  }

  #labelId(label: string): number {
    let id = this.#labelIds.get(label);
    if (id === undefined) {
      id = this.#labels.length;
      this.#labels.push(label);
      this.#labelIds.set(label, id);
    }
    return id;
  }

  #row(id: number): number {
    if (Number.isInteger(id) && id >= 0 && id < this.#rowById.length) return this.#rowById[id]! - 1;
    return (this.#rowByLargeId.get(id) ?? 0) - 1;
  }

  #remember(id: number, row: number): void {
    if (!Number.isInteger(id) || id < 0 || id > 50_000_000) {
      this.#rowByLargeId.set(id, row + 1);
      return;
    }
    if (id >= this.#rowById.length) {
      let size = this.#rowById.length;
      while (size <= id) size *= 2;
      const grown = new Int32Array(size);
      grown.set(this.#rowById);
      this.#rowById = grown;
    }
    this.#rowById[id] = row + 1;
  }

  /** Independent columns (copies) for the page; `tEnd` closes the in-flight ones for `long`. */
  columns(tEnd: number): MessageColumns {
    const sendT = this.#sendT.copy();
    const endT = this.#endT.copy();
    const durations = new Float64Array(sendT.length);
    for (let i = 0; i < sendT.length; i++) {
      const end = endT[i]!;
      durations[i] = Number.isNaN(end) ? Number.POSITIVE_INFINITY : end - sendT[i]!;
    }
    const sorted = durations.slice().sort();
    const p99 = sorted.length === 0 ? 0 : sorted[Math.floor((sorted.length - 1) * 0.99)]!;
    const longMs = Math.max(1, Number.isFinite(p99) ? p99 : tEnd);
    const long = i32();
    for (let i = 0; i < durations.length; i++) if (durations[i]! > longMs) long.push(i);
    return {
      count: sendT.length,
      id: this.#id.copy(),
      sendIdx: this.#sendIdx.copy(),
      endIdx: this.#endIdx.copy(),
      from: this.#from.copy(),
      to: this.#to.copy(),
      sendT,
      endT,
      status: this.#status.copy(),
      kind: this.#kind.copy(),
      label: this.#label.copy(),
      labels: [...this.#labels],
      long: long.copy(),
      longMs,
    };
  }
}
