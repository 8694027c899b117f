// A test client that sends a request to a drawn server on a timer and checks its answers: each
// correlation id is answered at most once, by the server it was sent to, in order per server.

import { AssertionFailure, assert, assertNever } from "../../../core/assert.ts";
import type { Millis, NodeId } from "../../../core/ids.ts";
import type { Effect, Input, Node, NodeView } from "../../../core/node.ts";
import type { ClientRequest } from "../../../core/protocol/index.ts";
import type { Rng } from "../../../core/rng.ts";

export interface ClientView extends NodeView {
  readonly kind: "client";
  readonly sent: number;
  readonly answered: number;
  readonly lost: number;
  readonly outstanding: number;
}

export interface ClientOptions {
  readonly servers: readonly NodeId[];
  readonly intervalMs: number;
}

const request: ClientRequest = {
  api: "ApiVersions",
  clientId: "runnel-sim-test",
  body: { clientSoftwareName: "runnel-sim-test", clientSoftwareVersion: "1" },
};

export class ClientNode implements Node<ClientView> {
  readonly #id: NodeId;
  readonly #rng: Rng;
  readonly #options: ClientOptions;
  readonly #outstanding = new Map<number, NodeId>();
  readonly #lastAnswered = new Map<NodeId, number>();
  #next: Millis | undefined;
  #correlationId = 0;
  #answered = 0;
  #lost = 0;

  constructor(id: NodeId, rng: Rng, options: ClientOptions) {
    this.#id = id;
    this.#rng = rng;
    this.#options = options;
  }

  step(now: Millis, input: Input): readonly Effect[] {
    switch (input.type) {
      case "start":
        this.#next = now + this.#options.intervalMs;
        return [];
      case "timer": {
        this.#next = now + this.#options.intervalMs;
        const servers = this.#options.servers;
        const to = servers[this.#rng.int("server", servers.length)]!;
        const correlationId = ++this.#correlationId;
        this.#outstanding.set(correlationId, to);
        return [{ type: "request", to, correlationId, request }];
      }
      case "client-response": {
        const to = this.#outstanding.get(input.correlationId);
        assert(
          to === input.from,
          `answer ${input.correlationId} from ${input.from}, sent to ${to}`,
        );
        const last = this.#lastAnswered.get(to) ?? 0;
        assert(input.correlationId > last, `answer ${input.correlationId} after ${last}`);
        this.#lastAnswered.set(to, input.correlationId);
        this.#outstanding.delete(input.correlationId);
        this.#answered++;
        return [];
      }
      case "client-connection-lost":
        for (const [correlationId, to] of [...this.#outstanding]) {
          if (to !== input.to) continue;
          this.#outstanding.delete(correlationId);
          this.#lost++;
        }
        return [];
      case "peer-message":
      case "peer-unreachable":
      case "client-request":
      case "connection-closed":
      case "disk-done":
        throw new AssertionFailure(`a client never gets ${input.type}`);
      default:
        return assertNever(input, "input");
    }
  }

  nextWakeup(): Millis | undefined {
    return this.#next;
  }

  view(): ClientView {
    return {
      nodeId: this.#id,
      kind: "client",
      sent: this.#correlationId,
      answered: this.#answered,
      lost: this.#lost,
      outstanding: this.#outstanding.size,
    };
  }

  checkInvariants(): void {
    assert(
      this.#answered + this.#lost + this.#outstanding.size === this.#correlationId,
      "requests unaccounted for",
    );
  }
}
