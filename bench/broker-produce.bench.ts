// Broker produce and fetch throughput through the Node interface (zero-latency simulated disk),
// each as a ratio to the same batches appended straight to a PartitionLog in the same run (the
// baseline: validation + append + disk work, no broker). Run: npx tsx bench/broker-produce.bench.ts

import { performance } from "node:perf_hooks";
import { Broker } from "../core/broker/broker.ts";
import { brokerConfig, type FsyncBeforeAck } from "../core/broker/config.ts";
import type { DiskOp } from "../core/disk.ts";
import { DiskIo } from "../core/disk-io.ts";
import { connectionId, type DiskOpId } from "../core/ids.ts";
import { validateForAppend } from "../core/log/log-validate.ts";
import { PartitionLog } from "../core/log/partition-log.ts";
import { encodeBatch } from "../core/log/record-batch.ts";
import type { Effect, Input } from "../core/node.ts";
import { Outbox } from "../core/outbox.ts";
import type { ClientRequest } from "../core/protocol/index.ts";
import type { Rng } from "../core/rng.ts";
import { SimDisk } from "../sim/disk.ts";
import { DiskDriver } from "../sim/disk-driver.ts";

const RECORDS_PER_BATCH = 10;
const VALUE_BYTES = 100;
const BATCHES = 2_000;
const ROUNDS = 5;

/** A fixed-sequence Rng: the bench needs determinism, not quality. */
function benchRng(): Rng {
  let x = 0x2545f491;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  return {
    int: (_name, max) => Math.floor(next() * max),
    float: () => next(),
    chance: (_name, p) => next() < p,
  };
}

const batch = encodeBatch({
  baseTimestamp: 1_000,
  records: Array.from({ length: RECORDS_PER_BATCH }, (_, i) => ({
    key: null,
    value: new Uint8Array(VALUE_BYTES).fill(i),
  })),
});

/** Drives one broker: disk effects run in order at once, answers are counted. */
class Driver {
  readonly disk = new SimDisk(benchRng());
  readonly broker: Broker;
  now = 0;
  answers = 0;
  lastBody: unknown;
  #queue: { id: DiskOpId; op: DiskOp }[] = [];
  #correlationId = 1;

  constructor(fsync: FsyncBeforeAck) {
    this.broker = new Broker({ config: brokerConfig({ fsyncBeforeAck: fsync }), rng: benchRng() });
    this.deliver({ type: "start" });
    for (let i = 0; i < 100 && !this.broker.view().ready; i++) {
      this.now = Math.max(this.now, this.broker.nextWakeup() ?? this.now);
      this.deliver({ type: "timer" });
    }
  }

  deliver(input: Input): void {
    this.#apply(this.broker.step(this.now, input));
    while (this.#queue.length > 0) {
      const next = this.#queue.shift()!;
      const result = this.disk.execute(next.op);
      this.#apply(this.broker.step(this.now, { type: "disk-done", id: next.id, result }));
    }
  }

  #apply(effects: readonly Effect[]): void {
    for (const e of effects) {
      if (e.type === "disk") this.#queue.push({ id: e.id, op: e.op });
      else if (e.type === "respond") {
        this.answers++;
        this.lastBody = e.response.body;
      }
    }
  }

  request(request: ClientRequest): void {
    this.deliver({
      type: "client-request",
      connection: connectionId(1),
      correlationId: this.#correlationId++,
      request,
    });
  }
}

function produceRequest(acks: number): ClientRequest {
  return {
    api: "Produce",
    clientId: "bench",
    body: {
      transactionalId: null,
      acks,
      timeoutMs: 30_000,
      topicData: [{ name: "bench", partitionData: [{ index: 0, records: batch }] }],
      legacyMessageSet: false,
    },
  };
}

/** Batches per second through a PartitionLog alone. */
function baseline(): number {
  const outbox = new Outbox();
  const io = new DiskIo(outbox);
  const driver = new DiskDriver(new SimDisk(benchRng()), io, outbox);
  const log = new PartitionLog({ topic: "bench", partition: 0, io, outbox });
  log.start(0);
  driver.run();
  const start = performance.now();
  for (let i = 0; i < BATCHES; i++) {
    const validated = validateForAppend(batch, log.config);
    if (!validated.ok) throw new Error(validated.error.message);
    log.appendAsLeader(i, validated.value, 0);
    driver.run();
  }
  return BATCHES / ((performance.now() - start) / 1000);
}

/** Batches per second produced through a broker, then fetched back one batch a request. */
function throughBroker(fsync: FsyncBeforeAck, acks: number): [number, number] {
  const d = new Driver(fsync);
  d.request({
    api: "CreateTopics",
    clientId: "bench",
    body: {
      topics: [
        { name: "bench", numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
      ],
      timeoutMs: 1000,
      validateOnly: false,
    },
  });
  const produceStart = performance.now();
  for (let i = 0; i < BATCHES; i++) d.request(produceRequest(acks));
  const produced = BATCHES / ((performance.now() - produceStart) / 1000);
  const fetchStart = performance.now();
  for (let i = 0; i < BATCHES; i++) {
    d.request({
      api: "Fetch",
      clientId: "bench",
      body: {
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 1,
        maxBytes: 1,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic: "bench",
            partitions: [
              {
                partition: 0,
                currentLeaderEpoch: -1,
                fetchOffset: i * RECORDS_PER_BATCH,
                logStartOffset: -1,
                partitionMaxBytes: 1,
              },
            ],
          },
        ],
        forgottenTopicsData: [],
        rackId: "",
      },
    });
  }
  const fetched = BATCHES / ((performance.now() - fetchStart) / 1000);
  const expected = 1 + BATCHES * (acks === 0 ? 1 : 2);
  if (d.answers !== expected) throw new Error(`${d.answers} answers, expected ${expected}`);
  return [produced, fetched];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const cases: readonly [string, FsyncBeforeAck, number][] = [
  ["acks=1, fsync none", "none", 1],
  ["acks=all, fsync none", "none", -1],
  ["acks=all, fsync acks-all", "acks-all", -1],
];

function main(): void {
  baseline();
  for (const [, fsync, acks] of cases) throughBroker(fsync, acks); // warm-up
  const base: number[] = [];
  const produced = cases.map((): number[] => []);
  const fetched = cases.map((): number[] => []);
  for (let round = 0; round < ROUNDS; round++) {
    base.push(baseline());
    cases.forEach(([, fsync, acks], i) => {
      const [p, f] = throughBroker(fsync, acks);
      produced[i]!.push(p);
      fetched[i]!.push(f);
    });
  }
  const b = median(base);
  const batchBytes = batch.length;
  console.log(
    `Broker throughput, batches/s (${RECORDS_PER_BATCH} records of ${VALUE_BYTES} B, ${batchBytes} B a batch, one batch a request), median of ${ROUNDS} rounds\n`,
  );
  console.log("| path | produce batches/s | produce / log append | fetch batches/s |");
  console.log("|---|---|---|---|");
  console.log(`| PartitionLog append alone (baseline) | ${b.toFixed(0)} | 1.00 | - |`);
  cases.forEach(([label], i) => {
    const p = median(produced[i]!);
    console.log(
      `| ${label} | ${p.toFixed(0)} | ${(p / b).toFixed(2)} | ${median(fetched[i]!).toFixed(0)} |`,
    );
  });
}

main();
