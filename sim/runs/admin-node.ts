// The run's setup client: creates the workload's topics (with the scenario's topic configs) before
// anything else, as Jepsen's setup does, then checks with Metadata that each has all its partitions
// and adds the missing ones (a crash may keep only a prefix of an unanswered CreateTopics). It
// retries until Metadata shows every topic whole, then stays silent.

import { ErrorCode } from "../../core/error-codes.ts";
import type { Millis, NodeId } from "../../core/ids.ts";
import type { Effect, Input, Node, NodeView } from "../../core/node.ts";
import type { ClientRequest, CreatableTopicConfig } from "../../core/protocol/index.ts";

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly configs: readonly CreatableTopicConfig[];
}

type Step = "create" | "verify" | "grow" | "done";

export interface AdminView extends NodeView {
  readonly kind: "sim-admin";
  readonly step: Step;
  readonly attempts: number;
  readonly done: boolean;
}

/** How long an unanswered request waits before it is sent again (a paused broker). */
const retryAfterMs = 5_000;
const backoffMs = 100;

export class AdminNode implements Node<AdminView> {
  readonly #id: NodeId;
  readonly #broker: NodeId;
  readonly #topics: readonly TopicSpec[];
  #step: Step = "create";
  /** Topics with fewer partitions than asked, as the last Metadata answer showed. */
  #short = new Map<string, number>();
  #correlationId = 0;
  #waiting: number | undefined;
  #nextAt: Millis | undefined;
  #lastNow = 0;
  #attempts = 0;

  constructor(id: NodeId, broker: NodeId, topics: readonly TopicSpec[]) {
    this.#id = id;
    this.#broker = broker;
    this.#topics = topics;
  }

  get done(): boolean {
    return this.#step === "done";
  }

  step(now: Millis, input: Input): readonly Effect[] {
    this.#lastNow = Math.max(now, this.#lastNow);
    switch (input.type) {
      case "start":
        return this.#send();
      case "timer":
        return this.#lastNow >= (this.#nextAt ?? Number.POSITIVE_INFINITY) ? this.#send() : [];
      case "client-response":
        if (input.correlationId !== this.#waiting) return [];
        this.#waiting = undefined;
        this.#onAnswer(input.response);
        this.#nextAt = this.done ? undefined : this.#lastNow + backoffMs;
        return [];
      case "client-connection-lost":
        this.#waiting = undefined;
        this.#nextAt = this.done ? undefined : this.#lastNow + backoffMs;
        return [];
      default:
        return [];
    }
  }

  #onAnswer(response: Extract<Input, { type: "client-response" }>["response"]): void {
    if (response.api === "CreateTopics") {
      const fine = response.body.topics.every(
        (t) => t.errorCode === ErrorCode.NONE || t.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS,
      );
      if (fine) this.#step = "verify";
    } else if (response.api === "Metadata") {
      const short = new Map<string, number>();
      for (const spec of this.#topics) {
        const topic = response.body.topics.find((t) => t.name === spec.name);
        if (topic === undefined || topic.errorCode !== ErrorCode.NONE) {
          short.set(spec.name, -1);
        } else if (topic.partitions.length < spec.partitions) {
          short.set(spec.name, topic.partitions.length);
        }
      }
      this.#short = short;
      const missing = [...short.values()].some((n) => n < 0);
      this.#step = short.size === 0 ? "done" : missing ? "create" : "grow";
    } else if (response.api === "CreatePartitions") {
      this.#step = "verify";
    }
  }

  #send(): Effect[] {
    if (this.done) {
      this.#nextAt = undefined;
      return [];
    }
    this.#attempts++;
    this.#waiting = ++this.#correlationId;
    this.#nextAt = this.#lastNow + retryAfterMs;
    return [
      { type: "request", to: this.#broker, correlationId: this.#waiting, request: this.#request() },
    ];
  }

  #request(): ClientRequest {
    const clientId = "runnel-sim-admin";
    switch (this.#step) {
      case "create": {
        const topics = this.#topics.map((t) => ({
          name: t.name,
          numPartitions: t.partitions,
          replicationFactor: 1,
          assignments: [],
          configs: t.configs,
        }));
        return {
          api: "CreateTopics",
          clientId,
          body: { topics, timeoutMs: 4_000, validateOnly: false },
        };
      }
      case "grow": {
        const topics = this.#topics
          .filter((t) => this.#short.has(t.name))
          .map((t) => ({ name: t.name, count: t.partitions, assignments: null }));
        return {
          api: "CreatePartitions",
          clientId,
          body: { topics, timeoutMs: 4_000, validateOnly: false },
        };
      }
      case "verify":
      case "done": {
        const topics = this.#topics.map((t) => ({ name: t.name }));
        return { api: "Metadata", clientId, body: { topics, allowAutoTopicCreation: false } };
      }
    }
  }

  nextWakeup(): Millis | undefined {
    return this.#nextAt;
  }

  view(): AdminView {
    return {
      nodeId: this.#id,
      kind: "sim-admin",
      step: this.#step,
      attempts: this.#attempts,
      done: this.done,
    };
  }

  checkInvariants(): void {}
}
