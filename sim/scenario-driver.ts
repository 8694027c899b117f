// Runs text scenario commands against one broker in the simulated world (calm weather, fixed disk
// latencies): `broker 1 fsync=none sync-latency=50ms`, `topic t partitions=1 flush.messages=1`,
// `produce t/0 acks=1 a b`, `fetch t/0 from=0 max-wait=5s async`, `crash 1`, `restart 1`,
// `advance 5s`, `flush-setting t flush.ms=100`. Produce and admin requests go from one client,
// fetches from another (Kafka's consumers fetch on connections of their own). Each command returns
// the lines of what happened meanwhile.
// Invariant: every wait is bounded in simulated time, and the same file always gives the same lines.

import { Broker } from "../core/broker/broker.ts";
import { brokerConfig, FsyncBeforeAck } from "../core/broker/config.ts";
import { errorName } from "../core/error-codes.ts";
import { type NodeId, nodeId } from "../core/ids.ts";
import { encodeBatch } from "../core/log/record-batch.ts";
import type { ClientRequest, ClientResponse } from "../core/protocol/index.ts";
import type { TraceEvent } from "../core/trace.ts";
import { parseDuration } from "./cli-args.ts";
import { ScriptClient, type Settled } from "./scenario-client.ts";
import { renderEvent } from "./scenario-text.ts";
import { valuesOfText } from "./scenario-values.ts";
import { calmSwarm } from "./swarm.ts";
import type { SimTraceEvent } from "./trace-format.ts";
import { World } from "./world.ts";

const producerId = nodeId(100);
const consumerId = nodeId(101);
const waitBoundMs = 30_000;
const dataMarks = /^(produce|fetch|log|partition)-/;

type Args = { readonly words: string[]; readonly options: Map<string, string> };

function parseArgs(line: string): Args {
  const words: string[] = [];
  const options = new Map<string, string>();
  for (const token of line.trim().split(/\s+/)) {
    const eq = token.indexOf("=");
    if (eq > 0) options.set(token.slice(0, eq), token.slice(eq + 1));
    else words.push(token);
  }
  return { words, options };
}

function topicPartition(text: string | undefined): { topic: string; partition: number } {
  const m = /^(.+)\/(\d+)$/.exec(text ?? "");
  if (m === null) throw new Error(`expected topic/partition, got '${text}'`);
  return { topic: m[1]!, partition: Number(m[2]) };
}

function duration(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`bad duration '${text}'`);
  return ms;
}

export class ScenarioDriver {
  #world: World | undefined;
  #client: ScriptClient | undefined;
  #consumer: ScriptClient | undefined;
  #broker: NodeId = nodeId(1);
  #events: string[] = [];
  readonly #async: number[] = [];

  /** Runs one command line; returns its output lines. */
  run(line: string): string[] {
    const { words, options } = parseArgs(line);
    const [verb, target] = words;
    this.#events = [];
    if (verb !== "broker" && this.#world === undefined) throw new Error("start with `broker 1`");
    switch (verb) {
      case "broker":
        return this.#start(Number(target ?? 1), options);
      case "topic": {
        // Answered once created; the command also waits for the partitions' logs to open.
        const partitions = Number(options.get("partitions") ?? 1);
        const opened = () =>
          this.#events.filter((e) => / recovered LEO /.test(e)).length >= partitions;
        return this.#request(this.#createTopic(target, options), opened);
      }
      case "flush-setting":
        return this.#request(this.#alterConfigs(target, options));
      case "produce":
        return this.#produce(target, words.slice(2), options);
      case "fetch":
        return this.#fetch(target, options, words.includes("async"));
      case "crash":
      case "restart": {
        const node = nodeId(Number(target ?? 1));
        this.#world!.inject({ type: verb, node });
        if (verb === "crash") this.#advance(0);
        else this.#until(() => this.#events.some((e) => e === `node ${node} ready`));
        return this.#output([]);
      }
      case "advance":
        this.#advance(duration(target, 0));
        return this.#output([]);
      default:
        throw new Error(`unknown scenario command '${verb}'`);
    }
  }

  #start(broker: number, options: Map<string, string>): string[] {
    this.#broker = nodeId(broker);
    const fsync = (options.get("fsync") ?? FsyncBeforeAck.acksAll) as FsyncBeforeAck;
    const config = brokerConfig({
      nodeId: this.#broker,
      fsyncBeforeAck: fsync,
      autoCreateTopicsEnable: false,
      logBackgroundSyncMs: duration(options.get("background-sync"), 5_000),
    });
    const client = new ScriptClient(producerId);
    const consumer = new ScriptClient(consumerId);
    this.#client = client;
    this.#consumer = consumer;
    const setup = {
      servers: [this.#broker],
      clients: [producerId, consumerId],
      faultPhaseMs: 0,
      model: { kinds: [], maxServersDown: 1, maxServersPaused: 1, clientFaults: false },
    };
    const calm = calmSwarm(setup);
    const torn = options.get("torn-writes") === "always" ? 1 : 0;
    const syncMs = duration(options.get("sync-latency"), 1);
    const disks = calm.disks.map((d) => ({
      ...d,
      latency: { ...d.latency, syncMs },
      faults: { ...d.faults, tornWriteProbability: torn },
    }));
    this.#world = new World({
      seed: BigInt(options.get("seed") ?? 1),
      nodes: [
        { id: this.#broker, role: "server", create: ({ rng }) => new Broker({ config, rng }) },
        { id: producerId, role: "client", create: () => client },
        { id: consumerId, role: "client", create: () => consumer },
      ],
      durationMs: 1e9,
      maxEvents: 50_000_000,
      faultPhaseMs: 0,
      faults: { mode: "explicit", schedule: [], params: { ...calm, disks } },
      observers: [(_seq, _t, node, event) => this.#observe(node, event)],
    });
    this.#until(() => this.#events.includes(`node ${broker} ready`));
    return this.#output([]);
  }

  #observe(node: NodeId | undefined, event: SimTraceEvent | TraceEvent): void {
    if (node === producerId || node === consumerId) return;
    if (event.type === "mark" && !dataMarks.test(event.name)) return;
    const line = renderEvent(node, event);
    if (line !== undefined) this.#events.push(...line.split("\n"));
  }

  #createTopic(name: string | undefined, options: Map<string, string>): ClientRequest {
    if (name === undefined) throw new Error("topic needs a name");
    const configs = [...options]
      .filter(([k]) => k !== "partitions")
      .map(([name, value]) => ({ name, value }));
    const topic = {
      name,
      numPartitions: Number(options.get("partitions") ?? 1),
      replicationFactor: 1,
      assignments: [],
      configs,
    };
    return {
      api: "CreateTopics",
      clientId: "scenario",
      body: { topics: [topic], timeoutMs: 5_000, validateOnly: false },
    };
  }

  #alterConfigs(name: string | undefined, options: Map<string, string>): ClientRequest {
    if (name === undefined) throw new Error("flush-setting needs a topic");
    const configs = [...options].map(([name, value]) => ({ name, value }));
    const resources = [{ resourceType: 2, resourceName: name, configs }];
    return { api: "AlterConfigs", clientId: "scenario", body: { resources, validateOnly: false } };
  }

  #produce(target: string | undefined, values: string[], options: Map<string, string>): string[] {
    const { topic, partition } = topicPartition(target);
    const acksText = options.get("acks") ?? "all";
    const acks = acksText === "all" ? -1 : Number(acksText);
    const records = encodeBatch({
      records: values.map((v) => ({ key: null, value: new TextEncoder().encode(v) })),
    });
    const request: ClientRequest = {
      api: "Produce",
      clientId: "scenario",
      body: {
        transactionalId: null,
        acks,
        timeoutMs: 5_000,
        legacyMessageSet: false,
        topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
      },
    };
    if (acks === 0) {
      this.#client!.send(this.#broker, request);
      this.#advance(5);
      return this.#output([]);
    }
    return this.#request(request);
  }

  #fetch(target: string | undefined, options: Map<string, string>, async: boolean): string[] {
    const { topic, partition } = topicPartition(target);
    const request: ClientRequest = {
      api: "Fetch",
      clientId: "scenario",
      body: {
        replicaId: -1,
        maxWaitMs: duration(options.get("max-wait"), 0),
        minBytes: Number(options.get("min-bytes") ?? 1),
        maxBytes: 1 << 20,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic,
            partitions: [
              {
                partition,
                currentLeaderEpoch: -1,
                fetchOffset: Number(options.get("from") ?? 0),
                logStartOffset: -1,
                partitionMaxBytes: 1 << 20,
              },
            ],
          },
        ],
        forgottenTopicsData: [],
        rackId: "",
      },
    };
    if (!async) return this.#request(request, () => true, this.#consumer!);
    this.#async.push(this.#consumer!.send(this.#broker, request));
    this.#advance(1);
    return this.#output([]);
  }

  /**
   * Sends `request`, runs until it is answered (or its connection lost) and `then` holds, and
   * renders what happened, then the answer.
   */
  #request(
    request: ClientRequest,
    then: () => boolean = () => true,
    client: ScriptClient = this.#client!,
  ): string[] {
    const id = client.send(this.#broker, request);
    this.#until(() => client.settled(id) !== undefined && then());
    const settled = client.settled(id);
    return this.#output([
      settled === undefined ? `no answer within ${waitBoundMs / 1000}s` : describe(settled),
    ]);
  }

  /** Events since the command began, then answers to earlier async requests that came in. */
  #output(answers: string[]): string[] {
    const out = [...this.#events];
    for (const id of [...this.#async]) {
      const settled = this.#consumer!.settled(id);
      if (settled === undefined) continue;
      this.#async.splice(this.#async.indexOf(id), 1);
      out.push(`async ${describe(settled)}`);
    }
    return [...out, ...answers];
  }

  #advance(ms: number): void {
    const world = this.#world!;
    world.runUntil(world.now + ms);
  }

  #until(done: () => boolean): void {
    const world = this.#world!;
    const end = world.now + waitBoundMs;
    while (!done() && world.now < end) world.runUntil(world.now + 1);
  }
}

function describe(settled: Settled): string {
  if (settled.type === "lost") return "answer: connection lost";
  return `answer: ${describeResponse(settled.response)}`;
}

function describeResponse(response: ClientResponse): string {
  switch (response.api) {
    case "Produce":
      return response.body.responses
        .flatMap((t) =>
          t.partitionResponses.map((p) =>
            p.errorCode === 0
              ? `produced ${t.name}/${p.index} at base offset ${p.baseOffset}`
              : `produce ${t.name}/${p.index} ${errorName(p.errorCode)}`,
          ),
        )
        .join("; ");
    case "Fetch":
      return response.body.responses
        .flatMap((t) =>
          t.partitions.map((p) => {
            const head = `fetched ${t.topic}/${p.partitionIndex}`;
            if (p.errorCode !== 0) return `${head} ${errorName(p.errorCode)}`;
            const records = valuesOfText(p.records).map((r) => `${r.offset}=${r.value}`);
            return `${head} HW ${p.highWatermark}: ${records.length === 0 ? "no records" : records.join(" ")}`;
          }),
        )
        .join("; ");
    case "CreateTopics":
      return response.body.topics
        .map((t) => `topic ${t.name} ${errorName(t.errorCode)}`)
        .join("; ");
    case "AlterConfigs":
      return response.body.responses
        .map((r) => `configs of ${r.resourceName} ${errorName(r.errorCode)}`)
        .join("; ");
    default:
      return response.api;
  }
}
