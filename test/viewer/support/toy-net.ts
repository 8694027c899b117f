// The toy cluster's network: messages with ids, per-link latency, connections opened on first use,
// and the faults that act on links (partition, clog, slow link) plus crashes that break connections.
// Invariant: every message gets exactly one net-send and at most one net-deliver or net-drop, traced
// in time order, like sim/network.ts.

import type { Fault } from "../../../sim/faults.ts";

export type Emit = (
  t: number,
  node: number | undefined,
  event: Record<string, unknown> & { type: string },
) => void;

export type Payload =
  | { readonly kind: "peer"; readonly body: Record<string, unknown> & { type: string } }
  | { readonly kind: "request" | "response"; readonly body: Record<string, unknown> };

export interface Held {
  readonly msg: number;
  readonly from: number;
  readonly to: number;
  readonly conn: number;
  readonly payload: Payload;
}

export interface NetHost {
  readonly now: number;
  emit: Emit;
  rng(): number;
  /** Delivers at `at`: the host queues it and later calls `arrive`. */
  schedule(at: number, held: Held): void;
}

export class ToyNet {
  readonly #host: NetHost;
  #nextMsg = 1;
  #nextConn = 1;
  readonly #conns = new Map<string, number>();
  readonly #partitions = new Map<number, { a: Set<number>; b: Set<number>; oneWay: boolean }>();
  readonly #clogs = new Map<string, number>();
  readonly #slow = new Map<string, number>();
  readonly #held: Held[] = [];
  readonly #inflight = new Map<number, Held>();

  constructor(host: NetHost) {
    this.#host = host;
  }

  send(from: number, to: number, payload: Payload): void {
    const host = this.#host;
    const link = `${Math.min(from, to)}-${Math.max(from, to)}`;
    let conn = this.#conns.get(link);
    if (conn === undefined) {
      conn = this.#nextConn++;
      this.#conns.set(link, conn);
      const kind = payload.kind === "peer" ? "peer" : "client";
      host.emit(host.now, from, { type: "conn-open", conn, from, to, kind });
    }
    const msg = this.#nextMsg++;
    const held: Held = { msg, from, to, conn, payload };
    const blocked = this.blocked(from, to);
    const factor = this.#slow.get(`${from}->${to}`) ?? 1;
    const at = blocked ? null : host.now + (0.4 + host.rng() * 1.6) * factor;
    const size = 40 + JSON.stringify(payload.body).length;
    host.emit(host.now, from, {
      type: "net-send",
      msg,
      from,
      to,
      conn,
      kind: payload.kind,
      size,
      at: at === null ? null : Math.round(at * 1000) / 1000,
      body: payload.body,
    });
    if (at === null) this.#held.push(held);
    else this.#schedule(Math.round(at * 1000) / 1000, held);
  }

  #schedule(at: number, held: Held): void {
    this.#inflight.set(held.msg, held);
    this.#host.schedule(at, held);
  }

  /** The message reached its destination's host: false when a break dropped it on the way. */
  arrive(held: Held): boolean {
    if (!this.#inflight.delete(held.msg)) return false;
    this.deliver(held);
    return true;
  }

  blocked(from: number, to: number): boolean {
    if ((this.#clogs.get(`${from}->${to}`) ?? 0) > 0) return true;
    for (const p of this.#partitions.values()) {
      if (p.a.has(from) && p.b.has(to)) return true;
      if (!p.oneWay && p.b.has(from) && p.a.has(to)) return true;
    }
    return false;
  }

  deliver(held: Held): void {
    this.#host.emit(this.#host.now, held.to, {
      type: "net-deliver",
      msg: held.msg,
      from: held.from,
      to: held.to,
      conn: held.conn,
    });
  }

  drop(held: Held, reason: string): void {
    this.#host.emit(this.#host.now, held.from, {
      type: "net-drop",
      msg: held.msg,
      from: held.from,
      to: held.to,
      conn: held.conn,
      reason,
    });
  }

  /** Breaks every connection of `node`: held messages are dropped, the connection forgotten. */
  breakAll(node: number, reason: string): void {
    for (const [link, conn] of [...this.#conns]) {
      const [a, b] = link.split("-").map(Number) as [number, number];
      if (a !== node && b !== node) continue;
      this.#conns.delete(link);
      let lost = 0;
      for (const h of [...this.#inflight.values()]) {
        if (h.conn !== conn) continue;
        this.#inflight.delete(h.msg);
        this.drop(h, reason);
        lost++;
      }
      for (let i = this.#held.length - 1; i >= 0; i--) {
        const h = this.#held[i]!;
        if (h.conn !== conn) continue;
        this.#held.splice(i, 1);
        this.drop(h, reason);
        lost++;
      }
      this.#host.emit(this.#host.now, undefined, {
        type: "conn-break",
        conn,
        from: a,
        to: b,
        reason,
        lost,
      });
    }
  }

  applyFault(fault: Fault): void {
    switch (fault.type) {
      case "partition":
        this.#partitions.set(fault.id, {
          a: new Set(fault.sides[0]),
          b: new Set(fault.sides[1]),
          oneWay: fault.oneWay,
        });
        break;
      case "heal":
        this.#partitions.delete(fault.id);
        this.#release();
        break;
      case "clog":
        this.#clogs.set(
          `${fault.from}->${fault.to}`,
          (this.#clogs.get(`${fault.from}->${fault.to}`) ?? 0) + 1,
        );
        break;
      case "unclog":
        this.#clogs.set(
          `${fault.from}->${fault.to}`,
          Math.max(0, (this.#clogs.get(`${fault.from}->${fault.to}`) ?? 0) - 1),
        );
        this.#release();
        break;
      case "slow":
        this.#slow.set(`${fault.from}->${fault.to}`, fault.factor);
        break;
      default:
        break;
    }
  }

  #release(): void {
    for (let i = 0; i < this.#held.length; ) {
      const h = this.#held[i]!;
      if (this.blocked(h.from, h.to)) {
        i++;
        continue;
      }
      this.#held.splice(i, 1);
      this.#schedule(this.#host.now + 0.5, h);
    }
  }
}
