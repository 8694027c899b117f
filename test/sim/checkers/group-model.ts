// A deliberately simple, correct consumer group for the group checker's properties: one producer
// appending to dense logs, members that join, poll, commit, crash, restart statically, get
// expelled as zombies (whose commits are fenced) and rebalance eagerly or cooperatively (KIP-429's
// two rebalances for a moved key). One planted fault turns it into a broken group of a known kind.

import type { HistoryKey, RebalanceProtocol } from "../../../core/client/history.ts";
import { ErrorCode } from "../../../core/error-codes.ts";
import { GroupHistoryBuilder, stamp } from "./group-builder.ts";

export type GroupFault = "none" | "zombie-ok" | "double-assign" | "skip-commit" | "regress";

export interface GroupModelParams {
  readonly keys: number;
  readonly protocol: RebalanceProtocol;
  readonly fault: GroupFault;
  /** The entropy stream: every decision of the model takes the next number. */
  readonly choices: readonly number[];
}

interface Member {
  readonly process: number;
  readonly memberId: string;
  readonly instance: string | null;
  owned: Set<HistoryKey>;
  readonly positions: Map<HistoryKey, number>;
  /** In the current generation (false: a zombie, expelled while it was paused). */
  inGroup: boolean;
  generation: number;
}

export class GroupModel {
  readonly #p: GroupModelParams;
  readonly h = new GroupHistoryBuilder();
  readonly #logs: number[][];
  /** Offsets below this were returned to some member (polls start at committed offsets). */
  readonly #frontier: number[];
  readonly #committed = new Map<HistoryKey, number>();
  #members: Member[] = [];
  #generation = 0;
  #cursor = 0;
  #nextProcess = 1;
  #nextValue = 1;
  planted = false;

  constructor(params: GroupModelParams) {
    this.#p = params;
    this.#logs = Array.from({ length: params.keys }, () => []);
    this.#frontier = Array.from({ length: params.keys }, () => 0);
  }

  #draw(n: number): number {
    const c = this.#p.choices[this.#cursor++ % this.#p.choices.length]!;
    return (c + this.#cursor) % n;
  }

  run(): this {
    const keys = Array.from({ length: this.#p.keys }, (_, k) => k);
    this.#join(keys, this.#draw(2) === 0 ? `i${this.#nextProcess}` : null);
    this.#rebalance();
    for (let step = 0; step < this.#p.choices.length; step++) {
      const live = this.#members.filter((m) => m.inGroup);
      const member = live[this.#draw(Math.max(1, live.length))];
      switch (this.#draw(9)) {
        case 0:
        case 1:
          this.#send();
          break;
        case 2:
        case 3:
          if (member !== undefined) this.#poll(member);
          break;
        case 4:
          if (member !== undefined) this.#commit(member);
          break;
        case 5:
          if (live.length < 3)
            this.#join(keys, this.#draw(2) === 0 ? `i${this.#nextProcess}` : null);
          this.#rebalance();
          break;
        case 6:
          if (member !== undefined && live.length > 1) this.#expel(member);
          break;
        case 7:
          if (member !== undefined) this.#restart(member, keys);
          break;
        default:
          this.#zombieCommits();
      }
    }
    return this;
  }

  #send(): void {
    const key = this.#draw(this.#p.keys);
    const log = this.#logs[key]!;
    this.h.send(0, [[key, this.#nextValue, log.length]]);
    log.push(this.#nextValue++);
  }

  #join(keys: HistoryKey[], instance: string | null): void {
    const process = this.#nextProcess++;
    this.h.join(process, keys, this.#p.protocol, instance);
    this.#members.push({
      process,
      memberId: `m${process}`,
      instance,
      owned: new Set(),
      positions: new Map(),
      inGroup: true,
      generation: -1,
    });
  }

  #stamp(m: Member) {
    return stamp(m.memberId, m.generation, m.instance);
  }

  #poll(m: Member): void {
    const reads: Record<number, [number, number][]> = {};
    for (const key of m.owned) {
      const log = this.#logs[key]!;
      const from = m.positions.get(key)!;
      const to = from + this.#draw(log.length - from + 1);
      if (to === from) continue;
      reads[key] = log.slice(from, to).map((value, i) => [from + i, value]);
      m.positions.set(key, to);
      this.#frontier[key] = Math.max(this.#frontier[key]!, to);
    }
    this.h.groupPoll(m.process, this.#stamp(m), reads);
  }

  #commit(m: Member): void {
    const offsets: Record<number, number> = {};
    for (const key of m.owned) {
      let offset = m.positions.get(key)!;
      if (
        !this.planted &&
        this.#p.fault === "skip-commit" &&
        this.#frontier[key]! < this.#logs[key]!.length
      ) {
        offset = this.#logs[key]!.length;
        this.planted = true;
      } else if (
        !this.planted &&
        this.#p.fault === "regress" &&
        offset > 0 &&
        offset === this.#committed.get(key)
      ) {
        offset -= 1;
        this.planted = true;
      }
      offsets[key] = offset;
      this.#committed.set(key, Math.max(offset, this.#committed.get(key) ?? 0));
    }
    if (Object.keys(offsets).length > 0) this.h.groupCommit(m.process, this.#stamp(m), offsets);
  }

  /** A member paused past its session timeout: the group rebalances without it. */
  #expel(m: Member): void {
    m.inGroup = false;
    this.#rebalance();
  }

  /** Zombies try to commit; the coordinator fences them, and they find out they lost everything. */
  #zombieCommits(): void {
    for (const z of this.#members.filter((m) => !m.inGroup && m.owned.size > 0)) {
      const offsets: Record<number, number> = {};
      for (const key of z.owned) offsets[key] = z.positions.get(key)!;
      if (!this.planted && this.#p.fault === "zombie-ok") {
        this.h.groupCommit(z.process, this.#stamp(z), offsets);
        this.planted = true;
      } else {
        this.h.groupCommit(
          z.process,
          this.#stamp(z),
          offsets,
          "fail",
          ErrorCode.ILLEGAL_GENERATION,
        );
      }
      this.h.rebalance(z.process, "lost", this.#stamp(z), [...z.owned], [], this.#p.protocol);
      z.owned = new Set();
    }
    this.#members = this.#members.filter((m) => m.inGroup || m.owned.size > 0);
  }

  /** A crash; a static member comes back under its instance id in the same generation. */
  #restart(m: Member, keys: HistoryKey[]): void {
    this.h.crash(m.process);
    this.#members = this.#members.filter((x) => x !== m);
    if (m.instance === null) {
      this.#rebalance();
      return;
    }
    const process = this.#nextProcess++;
    this.h.join(process, keys, this.#p.protocol, m.instance);
    const next: Member = { ...m, process, memberId: `m${process}`, positions: new Map() };
    for (const key of next.owned) next.positions.set(key, this.#committed.get(key) ?? 0);
    this.#members.push(next);
    const owned = [...next.owned];
    this.h.rebalance(process, "assigned", this.#stamp(next), owned, owned, this.#p.protocol);
  }

  /** A target assignment: keys dealt round-robin from a random start over the members. */
  #target(members: Member[]): Map<HistoryKey, Member> {
    const target = new Map<HistoryKey, Member>();
    const start = this.#draw(members.length);
    for (let key = 0; key < this.#p.keys; key++)
      target.set(key, members[(start + key) % members.length]!);
    return target;
  }

  #rebalance(): void {
    const members = this.#members.filter((m) => m.inGroup);
    if (members.length === 0) return;
    const target = this.#target(members);
    if (this.#p.protocol === "eager") {
      for (const m of members) {
        if (m.generation >= 0)
          this.h.rebalance(m.process, "revoked", this.#stamp(m), [...m.owned], []);
        m.owned = new Set();
      }
      this.#assign(members, (m, key) => target.get(key) === m);
      return;
    }
    // Cooperative: keep what stays, revoke what moves; a moved key goes out one generation later.
    const ownedBy = new Map<HistoryKey, Member>();
    for (const m of members) for (const key of m.owned) ownedBy.set(key, m);
    for (const m of members) {
      const moving = [...m.owned].filter((key) => target.get(key) !== m);
      if (moving.length === 0) continue;
      for (const key of moving) m.owned.delete(key);
      this.h.rebalance(m.process, "revoked", this.#stamp(m), moving, [...m.owned], "cooperative");
    }
    this.#assign(members, (m, key) => target.get(key) === m && (ownedBy.get(key) ?? m) === m);
    if ([...target].some(([key, m]) => !m.owned.has(key)))
      this.#assign(members, (m, key) => target.get(key) === m);
  }

  /** A new generation: each member gets the keys `gets` gives it (plus what it keeps). */
  #assign(members: Member[], gets: (m: Member, key: HistoryKey) => boolean): void {
    this.#generation++;
    let doubled = false;
    for (const m of members) {
      m.generation = this.#generation;
      const added: HistoryKey[] = [];
      for (let key = 0; key < this.#p.keys; key++) {
        const plant =
          !this.planted &&
          !doubled &&
          this.#p.fault === "double-assign" &&
          m !== members[0] &&
          members.length > 1 &&
          key === [...members[0]!.owned, -1][0];
        if ((gets(m, key) || plant) && !m.owned.has(key)) {
          added.push(key);
          m.owned.add(key);
          m.positions.set(key, this.#committed.get(key) ?? 0);
          if (plant) doubled = true;
        }
      }
      this.h.rebalance(
        m.process,
        "assigned",
        this.#stamp(m),
        added,
        [...m.owned],
        this.#p.protocol,
      );
    }
    if (doubled) this.planted = true;
  }
}
