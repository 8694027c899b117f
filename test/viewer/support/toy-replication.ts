// The toy cluster's data path: followers fetching from leaders (with truncation by diverging
// epoch), the leader's ISR shrink and expand and its high watermark, the producer and its acks.
// Invariant: the leader's HW is the minimum LEO over the ISR and never moves backwards.

import type { Broker, Replica } from "./toy-cluster.ts";
import { producerId, topic } from "./toy-cluster.ts";
import type { Held } from "./toy-net.ts";
import type { ToyRun } from "./toy-run.ts";

const key = (p: number) => `${topic}-${p}`;

export class ToyReplication {
  readonly run: ToyRun;
  produced = 0;
  corr = 0;

  constructor(run: ToyRun) {
    this.run = run;
  }

  tick(id: number, inc: number, what: "fetch" | "isr" | "sync"): void {
    const b = this.run.brokers.get(id)!;
    if (b.status === "down" || b.incarnation !== inc) return;
    const every = { fetch: 5, isr: 10, sync: 15 }[what];
    this.run.queue.push(this.run.now + every, { k: "tick", node: id, inc, what });
    if (b.status === "paused") return;
    for (const r of b.replicas.values()) {
      if (what === "sync") r.durable = r.log.length;
      else if (what === "fetch" && r.leader !== id && r.leader >= 0) {
        const last = r.log.length === 0 ? -1 : r.log[r.log.length - 1]!;
        this.run.net.send(id, r.leader, {
          kind: "peer",
          body: {
            type: "replica-fetch-request",
            replicaId: id,
            topic,
            partition: r.partition,
            fetchOffset: r.log.length,
            lastFetchedEpoch: last,
            currentLeaderEpoch: r.epoch,
          },
        });
      } else if (what === "isr" && r.leader === id) this.shrink(b, r);
    }
  }

  shrink(b: Broker, r: Replica): void {
    const lagging = r.isr.filter(
      (f) => f !== b.id && this.run.now - (r.caughtUp.get(f) ?? this.run.now) > this.run.o.lagMaxMs,
    );
    if (lagging.length === 0) return;
    const isr = r.isr.filter((f) => !lagging.includes(f));
    const m = this.run.meta.get(key(r.partition))!;
    this.run.emit(b.id, {
      type: "isr-shrink-proposed",
      topic,
      partition: r.partition,
      leaderEpoch: r.epoch,
      partitionEpoch: m.partitionEpoch,
      isr: [...r.isr],
      proposedIsr: isr,
      lagging: lagging.map((f) => ({
        replicaId: f,
        lagMs: Math.round(this.run.now - r.caughtUp.get(f)!),
        logEndOffset: r.followerLeo.get(f) ?? -1,
      })),
      replicaLagTimeMaxMs: this.run.o.lagMaxMs,
    });
    this.alterIsr(b, r, isr);
  }

  alterIsr(b: Broker, r: Replica, isr: number[]): void {
    const m = this.run.meta.get(key(r.partition))!;
    m.isr = [...isr];
    m.partitionEpoch++;
    this.run.emit(b.id, {
      type: "isr-committed",
      topic,
      partition: r.partition,
      leaderEpoch: r.epoch,
      partitionEpoch: m.partitionEpoch,
      isr: [...isr],
      source: "alter-partition",
    });
    this.run.control.propagate(key(r.partition));
    this.advanceHw(b, r);
  }

  advanceHw(b: Broker, r: Replica): void {
    const leos = r.isr.map((f) => (f === b.id ? r.log.length : (r.followerLeo.get(f) ?? 0)));
    const hw = Math.min(...leos);
    if (hw > r.hw) r.hw = hw;
    const done = r.pending.filter((p) => p.end <= r.hw);
    r.pending = r.pending.filter((p) => p.end > r.hw);
    for (const p of done) this.ack(b, r, p.client, p.corr, p.base, p.count, -1);
  }

  ack(
    b: Broker,
    r: Replica,
    client: number,
    corr: number,
    base: number,
    count: number,
    acks: number,
  ): void {
    this.run.emit(b.id, {
      type: "produce-acknowledged",
      topic,
      partition: r.partition,
      baseOffset: base,
      count,
      acks,
    });
    this.run.net.send(b.id, client, {
      kind: "response",
      body: {
        correlationId: corr,
        response: {
          api: "Produce",
          body: {
            responses: [
              {
                name: topic,
                partitionResponses: [{ index: r.partition, errorCode: 0, baseOffset: base }],
              },
            ],
          },
        },
      },
    });
  }

  handle(b: Broker, h: Held): void {
    const body = h.payload.body as Record<string, unknown>;
    if (h.payload.kind === "peer") {
      if (body.type === "replica-fetch-request") this.serveFetch(b, h.from, body);
      else if (body.type === "replica-fetch-response") this.fetched(b, body);
      return;
    }
    const request = body.request as { api: string; body: Record<string, unknown> } | undefined;
    if (request?.api === "Produce")
      this.append(b, h.from, body.correlationId as number, request.body);
    else if (request !== undefined) this.run.group?.brokerGot(b, h, request);
  }

  serveFetch(b: Broker, follower: number, q: Record<string, unknown>): void {
    const r = b.replicas.get(key(q.partition as number));
    const reply = (fields: Record<string, unknown>) =>
      this.run.net.send(b.id, follower, {
        kind: "peer",
        body: {
          type: "replica-fetch-response",
          topic,
          partition: q.partition,
          leaderEpoch: r?.epoch ?? -1,
          ...fields,
        },
      });
    if (r === undefined || r.leader !== b.id || q.currentLeaderEpoch !== r.epoch) {
      reply({ errorCode: 6 });
      return;
    }
    const offset = q.fetchOffset as number;
    const mine = this.run.brokers.get(follower)?.replicas.get(key(r.partition));
    let diverge = offset;
    if (mine !== undefined) {
      diverge = 0;
      while (diverge < Math.min(offset, r.log.length) && mine.log[diverge] === r.log[diverge])
        diverge++;
    }
    this.run.emit(b.id, {
      type: "fetch-served",
      replicaId: follower,
      waitedMs: 0,
      partitions: [
        {
          topic,
          partition: r.partition,
          fetchOffset: offset,
          bytes: 24 * Math.min(20, Math.max(0, r.log.length - offset)),
          errorCode: 0,
        },
      ],
    });
    if (diverge < offset) {
      reply({ errorCode: 0, divergingEndOffset: diverge, highWatermark: r.hw });
      return;
    }
    r.followerLeo.set(follower, offset);
    const previous = r.sentLeo.get(follower);
    if (offset >= r.log.length || (previous !== undefined && offset >= previous))
      r.caughtUp.set(follower, this.run.now);
    r.sentLeo.set(follower, r.log.length);
    if (!r.isr.includes(follower) && offset >= r.hw && offset >= r.log.length - 5) {
      const isr = [...r.isr, follower].sort();
      const m = this.run.meta.get(key(r.partition))!;
      this.run.emit(b.id, {
        type: "isr-expand-proposed",
        topic,
        partition: r.partition,
        leaderEpoch: r.epoch,
        partitionEpoch: m.partitionEpoch,
        isr: [...r.isr],
        proposedIsr: isr,
        replicaId: follower,
        caughtUpOffset: offset,
        highWatermark: r.hw,
      });
      this.alterIsr(b, r, isr);
    }
    this.advanceHw(b, r);
    const epochs = r.log.slice(offset, offset + 20);
    reply({ errorCode: 0, fromOffset: offset, epochs, highWatermark: r.hw });
  }

  fetched(b: Broker, s: Record<string, unknown>): void {
    const r = b.replicas.get(key(s.partition as number));
    if (r === undefined || s.errorCode !== 0 || s.leaderEpoch !== r.epoch) return;
    if (typeof s.divergingEndOffset === "number") {
      const end = s.divergingEndOffset;
      if (end < r.log.length) {
        const from = r.log.length;
        r.log.length = end;
        r.durable = Math.min(r.durable, end);
        r.hw = Math.min(r.hw, end);
        this.run.emit(b.id, {
          type: "follower-truncated",
          topic,
          partition: r.partition,
          leaderEpoch: r.epoch,
          from,
          to: end,
          target: end,
          reason: "diverging-epoch",
          divergingEpoch: { epoch: r.log[end - 1] ?? 0, endOffset: end },
        });
      }
      return;
    }
    if (s.fromOffset !== r.log.length) return;
    for (const e of s.epochs as number[]) r.log.push(e);
    r.hw = Math.max(
      Math.min(s.highWatermark as number, r.log.length),
      Math.min(r.hw, r.log.length),
    );
  }

  produce(): void {
    const p = this.produced++ % this.run.o.partitions;
    const m = this.run.meta.get(key(p));
    if (m === undefined || m.leader < 0) return;
    const count = 1 + Math.floor(this.run.rng() * 4);
    const corr = ++this.corr;
    this.run.emit(producerId, {
      type: "history",
      op: {
        type: "send",
        phase: "invoke",
        processId: 1,
        opId: corr,
        time: this.run.now,
        sends: [{ key: p, value: corr, offset: null }],
      },
    });
    this.run.net.send(producerId, m.leader, {
      kind: "request",
      body: {
        correlationId: corr,
        request: {
          api: "Produce",
          clientId: "producer-100",
          body: {
            acks: this.run.o.acks,
            timeoutMs: 30000,
            topicData: [
              {
                name: topic,
                partitionData: [{ index: p, records: new Uint8Array(count * 24).fill(corr & 255) }],
              },
            ],
          },
        },
      },
    });
  }

  append(b: Broker, client: number, corr: number, body: Record<string, unknown>): void {
    const data = (
      body.topicData as { partitionData: { index: number; records: Uint8Array }[] }[]
    )[0]!.partitionData[0]!;
    const r = b.replicas.get(key(data.index));
    const fail = (errorCode: number) => {
      this.run.emit(b.id, {
        type: "produce-rejected",
        topic,
        partition: data.index,
        errorCode,
        acks: this.run.o.acks,
      });
      this.run.net.send(b.id, client, {
        kind: "response",
        body: {
          correlationId: corr,
          response: {
            api: "Produce",
            body: {
              responses: [{ name: topic, partitionResponses: [{ index: data.index, errorCode }] }],
            },
          },
        },
      });
    };
    if (r === undefined || r.leader !== b.id) {
      fail(6);
      return;
    }
    if (this.run.o.acks === -1 && r.isr.length < this.run.o.minInsync) {
      fail(19);
      return;
    }
    const count = data.records.length / 24;
    const base = r.log.length;
    for (let i = 0; i < count; i++) r.log.push(r.epoch);
    if (this.run.o.acks === -1) r.pending.push({ end: r.log.length, corr, client, count, base });
    else this.ack(b, r, client, corr, base, count, this.run.o.acks);
    this.advanceHw(b, r);
  }
}
