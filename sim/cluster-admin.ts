// The cluster run's setup client: creates the workload's topics (RF, min.insync.replicas and
// unclean election as the scenario says) through any broker — a broker that is not the controller
// forwards it — trying the next broker after a failure or a silence, until every topic exists.

import { ErrorCode } from "../core/error-codes.ts";
import type { Millis, NodeId } from "../core/ids.ts";
import type { Effect, Input, Node, NodeView } from "../core/node.ts";
import type { CreatableTopic } from "../core/protocol/index.ts";

export interface ClusterAdminView extends NodeView {
  readonly kind: "cluster-admin";
  readonly created: readonly string[];
  readonly attempts: number;
  readonly done: boolean;
}

/** An unanswered CreateTopics is sent again (to the next broker) after this long. */
const RETRY_AFTER_MS = 5_000;
const BACKOFF_MS = 200;

export class ClusterAdminNode implements Node<ClusterAdminView> {
  readonly #id: NodeId;
  readonly #brokers: readonly NodeId[];
  readonly #topics: readonly CreatableTopic[];
  readonly #created = new Set<string>();
  #correlationId = 0;
  #waiting: number | undefined;
  #nextAt: Millis | undefined;
  #now = 0;
  #attempts = 0;

  constructor(id: NodeId, brokers: readonly NodeId[], topics: readonly CreatableTopic[]) {
    this.#id = id;
    this.#brokers = brokers;
    this.#topics = topics;
  }

  get done(): boolean {
    return this.#created.size === this.#topics.length;
  }

  step(now: Millis, input: Input): readonly Effect[] {
    this.#now = Math.max(now, this.#now);
    switch (input.type) {
      case "start":
        this.#nextAt = this.#now + BACKOFF_MS;
        return [];
      case "timer":
        return this.#now >= (this.#nextAt ?? Number.POSITIVE_INFINITY) ? this.#send() : [];
      case "client-response":
        if (input.correlationId !== this.#waiting || input.response.api !== "CreateTopics") {
          return [];
        }
        for (const topic of input.response.body.topics) {
          const code = topic.errorCode;
          if (code === ErrorCode.NONE || code === ErrorCode.TOPIC_ALREADY_EXISTS) {
            this.#created.add(topic.name);
          }
        }
        this.#waiting = undefined;
        this.#nextAt = this.done ? undefined : this.#now + BACKOFF_MS;
        return [];
      case "client-connection-lost":
        this.#waiting = undefined;
        this.#nextAt = this.done ? undefined : this.#now + BACKOFF_MS;
        return [];
      default:
        return [];
    }
  }

  #send(): Effect[] {
    if (this.done) {
      this.#nextAt = undefined;
      return [];
    }
    const to = this.#brokers[this.#attempts % this.#brokers.length];
    if (to === undefined) return [];
    this.#attempts++;
    this.#waiting = ++this.#correlationId;
    this.#nextAt = this.#now + RETRY_AFTER_MS;
    const topics = this.#topics.filter((t) => !this.#created.has(t.name));
    return [
      {
        type: "request",
        to,
        correlationId: this.#waiting,
        request: {
          api: "CreateTopics",
          clientId: "runnel-sim-admin",
          body: { topics, timeoutMs: 4_000, validateOnly: false },
        },
      },
    ];
  }

  nextWakeup(): Millis | undefined {
    return this.#nextAt;
  }

  view(): ClusterAdminView {
    return {
      nodeId: this.#id,
      kind: "cluster-admin",
      created: [...this.#created],
      attempts: this.#attempts,
      done: this.done,
    };
  }

  checkInvariants(): void {}
}
