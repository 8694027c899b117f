// The toy cluster's consumer group: two consumers join and one leaves (three generations), each
// fetching its assigned partitions up to the high watermark and committing offsets to the
// coordinator, which traces group-state and offset-committed events (shapes anticipated for core/groups).

import type { Broker } from "./toy-cluster.ts";
import { topic } from "./toy-cluster.ts";
import type { Held } from "./toy-net.ts";
import type { ToyRun } from "./toy-run.ts";

export const groupId = "g1";

export class ToyGroup {
  readonly members = [101, 102];
  readonly #run: ToyRun;
  #generation = 0;
  #active: number[] = [];
  #assignment = new Map<number, number[]>();
  readonly #position = new Map<number, number>();
  readonly #committed = new Map<number, number>();
  #corr = 0;

  constructor(run: ToyRun) {
    this.#run = run;
  }

  start(): void {
    const d = this.#run.o.durationMs;
    const at = (t: number, run: () => void) => this.#run.queue.push(t, { k: "call", run });
    at(20, () => this.#rebalance([101]));
    at(Math.round(d * 0.35), () => this.#rebalance([101, 102]));
    at(Math.round(d * 0.78), () => this.#rebalance([101]));
    for (const m of this.members) at(25 + m - 100, () => this.#poll(m));
  }

  #coordinator(): number | undefined {
    for (const b of this.#run.brokers.values()) if (b.status === "up") return b.id;
    return undefined;
  }

  #rebalance(members: number[]): void {
    const coordinator = this.#coordinator();
    if (coordinator === undefined) return;
    this.#generation++;
    const generation = this.#generation;
    const ids = members.map((m) => ({
      memberId: `consumer-${m}-${generation}`,
      clientId: `consumer-${m}`,
    }));
    this.#active = [];
    this.#run.emit(coordinator, {
      type: "group-state",
      group: groupId,
      state: "PreparingRebalance",
      generation: generation - 1,
      members: ids,
    });
    this.#run.queue.push(this.#run.now + 6, {
      k: "call",
      run: () =>
        this.#run.emit(coordinator, {
          type: "group-state",
          group: groupId,
          state: "CompletingRebalance",
          generation,
          leader: ids[0]!.memberId,
          protocol: "range",
          members: ids,
        }),
    });
    this.#run.queue.push(this.#run.now + 9, {
      k: "call",
      run: () => this.#stable(coordinator, members, generation),
    });
  }

  #stable(coordinator: number, members: number[], generation: number): void {
    if (generation !== this.#generation) return;
    const partitions = this.#run.o.partitions;
    this.#assignment = new Map(members.map((m) => [m, [] as number[]]));
    for (let p = 0; p < partitions; p++)
      this.#assignment.get(members[p % members.length]!)!.push(p);
    for (let p = 0; p < partitions; p++) this.#position.set(p, this.#committed.get(p) ?? 0);
    this.#active = members;
    const described = members.map((m) => ({
      memberId: `consumer-${m}-${generation}`,
      clientId: `consumer-${m}`,
      assignment: [{ topic, partitions: this.#assignment.get(m)! }],
    }));
    this.#run.emit(coordinator, {
      type: "group-state",
      group: groupId,
      state: "Stable",
      generation,
      leader: described[0]!.memberId,
      protocol: "range",
      members: described,
    });
  }

  #poll(member: number): void {
    this.#run.queue.push(this.#run.now + 10, { k: "call", run: () => this.#poll(member) });
    if (!this.#active.includes(member)) return;
    const commit = Math.floor(this.#run.now / 10) % 3 === 0;
    for (const p of this.#assignment.get(member) ?? []) {
      const leader = this.#run.meta.get(`${topic}-${p}`)?.leader ?? -1;
      if (leader >= 0) {
        this.#run.net.send(member, leader, {
          kind: "request",
          body: {
            correlationId: ++this.#corr,
            request: {
              api: "Fetch",
              clientId: `consumer-${member}`,
              body: { partition: p, fetchOffset: this.#position.get(p) ?? 0 },
            },
          },
        });
      }
      const coordinator = this.#coordinator();
      if (commit && coordinator !== undefined) {
        this.#run.net.send(member, coordinator, {
          kind: "request",
          body: {
            correlationId: ++this.#corr,
            request: {
              api: "OffsetCommit",
              clientId: `consumer-${member}`,
              body: {
                groupId,
                generation: this.#generation,
                partition: p,
                offset: this.#position.get(p) ?? 0,
              },
            },
          },
        });
      }
    }
  }

  brokerGot(b: Broker, h: Held, request: { api: string; body: Record<string, unknown> }): void {
    const corr = (h.payload.body as { correlationId: number }).correlationId;
    const p = request.body.partition as number;
    if (request.api === "Fetch") {
      const r = b.replicas.get(`${topic}-${p}`);
      const from = request.body.fetchOffset as number;
      const records =
        r === undefined || r.leader !== b.id ? 0 : Math.max(0, Math.min(50, r.hw - from));
      this.#run.net.send(b.id, h.from, {
        kind: "response",
        body: {
          correlationId: corr,
          response: { api: "Fetch", body: { partition: p, fromOffset: from, records } },
        },
      });
    } else if (request.api === "OffsetCommit") {
      const offset = request.body.offset as number;
      if (request.body.generation !== this.#generation) return;
      this.#committed.set(p, offset);
      this.#run.emit(b.id, {
        type: "offset-committed",
        group: groupId,
        topic,
        partition: p,
        offset,
      });
      this.#run.net.send(b.id, h.from, {
        kind: "response",
        body: {
          correlationId: corr,
          response: { api: "OffsetCommit", body: { partition: p, errorCode: 0 } },
        },
      });
    }
  }

  clientGot(h: Held): void {
    const response = (
      h.payload.body as { response?: { api: string; body: Record<string, unknown> } }
    ).response;
    if (response?.api !== "Fetch") return;
    const p = response.body.partition as number;
    if ((this.#position.get(p) ?? 0) === response.body.fromOffset) {
      this.#position.set(
        p,
        (response.body.fromOffset as number) + (response.body.records as number),
      );
    }
  }
}
