// One simulated client process as a world node: a SimProducer or SimConsumer driven by its slot's
// plan in true simulated time (the application's own schedule), with what it saw recorded. Invariant:
// after the process records its planned crash it handles nothing more; the world then kills it (its
// connections break with it) and a later incarnation runs the slot's next segment.

import { assertNever } from "../../core/assert.ts";
import type { SimConsumer } from "../../core/client/consumer.ts";
import type { SimProducer } from "../../core/client/producer.ts";
import type { Millis, NodeId } from "../../core/ids.ts";
import type { Effect, Input, Node, NodeView } from "../../core/node.ts";
import type { Observations } from "../checks/observations.ts";
import type { SegmentCommand, SlotCursor } from "./client-plan.ts";

export type SimClient =
  | { readonly kind: "producer"; readonly node: SimProducer }
  | { readonly kind: "consumer"; readonly node: SimConsumer };

export interface ClientHooks {
  /** True simulated time now (the application's schedule runs on it). */
  trueNow(): number;
  /** What the node's own (raw) clock reads now: wakeups stay right when it steps between steps. */
  rawNow(node: NodeId): number;
  /** The trace seq current now (orders observations against crashes). */
  seq(): number;
  /** Whether the run's setup (its topics) is done: no client process starts before. */
  setupDone(): boolean;
  /** A fresh process id (unique in the run, in start order). */
  nextProcessId(): number;
  /** The process recorded its crash: kill the node now, restart it at `restartAtMs` if given. */
  crashed(node: NodeId, restartAtMs: number | undefined): void;
  readonly observations: Observations;
}

export interface ClientNodeView extends NodeView {
  readonly kind: "sim-client";
  readonly state: "waiting" | "running" | "crashed" | "idle";
  readonly segment: number;
  readonly commandsLeft: number;
  readonly client: NodeView | null;
}

/** How often a client due to start checks whether the setup is done. */
const setupPollMs = 50;

export class ClientNode implements Node<ClientNodeView> {
  readonly #id: NodeId;
  readonly #cursor: SlotCursor;
  readonly #create: (processId: number) => SimClient;
  readonly #hooks: ClientHooks;
  #client: SimClient | undefined;
  #crashed = false;
  /**
   * The client reads a monotonic clock (as Kafka's clients time their work with nanoTime): its
   * raw clock plus an offset that grows when the raw clock steps back, so it stands still at the
   * step and then runs on. Wakeups go back to the world on the raw clock.
   */
  #offset = 0;
  #lastLocal = Number.NEGATIVE_INFINITY;
  #lastTrue = 0;

  constructor(
    id: NodeId,
    cursor: SlotCursor,
    create: (processId: number) => SimClient,
    hooks: ClientHooks,
  ) {
    this.#id = id;
    this.#cursor = cursor;
    this.#create = create;
    this.#hooks = hooks;
  }

  step(now: Millis, input: Input): readonly Effect[] {
    if (now + this.#offset < this.#lastLocal) this.#offset = this.#lastLocal - now;
    const local = now + this.#offset;
    this.#lastLocal = local;
    this.#lastTrue = this.#hooks.trueNow();
    if (this.#crashed) return [];
    const effects: Effect[] = [];
    const client = this.#client?.node;
    if (client !== undefined && input.type !== "start") {
      if (input.type === "client-response" && input.response.api === "Fetch") {
        this.#hooks.observations.fetchResponse(input.response.body, this.#hooks.seq());
      }
      this.#collect(effects, client.step(local, input));
    }
    this.#runDue(local, effects);
    return effects;
  }

  /** Starts the process when its time has come, then applies every command that is due. */
  #runDue(local: Millis, effects: Effect[]): void {
    const cursor = this.#cursor;
    const segment = cursor.current;
    if (segment === undefined || this.#crashed) return;
    const trueNow = this.#lastTrue;
    if (this.#client === undefined) {
      if (trueNow < segment.startAtMs || !this.#hooks.setupDone()) return;
      this.#start(local, effects);
    }
    const client = this.#client!;
    for (
      let command = cursor.next;
      command !== undefined && command.atMs <= trueNow;
      command = cursor.next
    ) {
      cursor.command++;
      if (command.type === "crash") {
        this.#collect(effects, client.node.crash(local));
        this.#crashed = true;
        cursor.endSegment();
        this.#hooks.crashed(this.#id, segment.restartAtMs);
        return;
      }
      if (
        command.type === "consumer" &&
        (command.command.type === "assign" || command.command.type === "subscribe")
      )
        cursor.lastAssign = command;
      this.#collect(effects, apply(client, local, command));
    }
  }

  /**
   * A new process for the current segment. After a crash the world injected (not a planned one),
   * the segment goes on: commands due while it was down are dropped, a consumer assigns again.
   */
  #start(local: Millis, effects: Effect[]): void {
    const cursor = this.#cursor;
    this.#client = this.#create(this.#hooks.nextProcessId());
    this.#collect(effects, this.#client.node.step(local, { type: "start" }));
    if (!cursor.resumed) {
      cursor.resumed = true;
      return;
    }
    while (
      cursor.next !== undefined &&
      cursor.next.atMs < this.#lastTrue &&
      cursor.next.type !== "crash"
    ) {
      cursor.command++;
    }
    if (cursor.lastAssign !== undefined)
      this.#collect(effects, apply(this.#client, local, cursor.lastAssign));
  }

  #collect(into: Effect[], effects: readonly Effect[]): void {
    for (const effect of effects) {
      if (effect.type === "request" && effect.request.api === "Produce") {
        this.#hooks.observations.produceRequest(effect.request.body);
      }
      into.push(effect);
    }
  }

  /**
   * The earliest of the client's own wakeup and the next start or command, on the raw clock as it
   * reads now (the world asks again when that clock jumps, so a step back delays nothing).
   */
  nextWakeup(): Millis | undefined {
    const segment = this.#cursor.current;
    if (this.#crashed || segment === undefined) return undefined;
    const rawNow = this.#hooks.rawNow(this.#id);
    const trueNow = this.#hooks.trueNow();
    const offset = Math.max(this.#offset, this.#lastLocal - rawNow);
    const inner = this.#client?.node.nextWakeup();
    const own = inner === undefined ? undefined : inner - offset;
    if (this.#client === undefined && trueNow >= segment.startAtMs) {
      return rawNow + setupPollMs; // waiting for the setup to finish
    }
    const dueAt = this.#client === undefined ? segment.startAtMs : this.#cursor.next?.atMs;
    const planned =
      dueAt === undefined ? undefined : rawNow + Math.max(1, Math.ceil(dueAt - trueNow));
    if (own === undefined) return planned;
    return planned === undefined ? own : Math.min(own, planned);
  }

  view(): ClientNodeView {
    const segment = this.#cursor.current;
    const state = this.#crashed
      ? "crashed"
      : segment === undefined
        ? "idle"
        : this.#client === undefined
          ? "waiting"
          : "running";
    return {
      nodeId: this.#id,
      kind: "sim-client",
      state,
      segment: this.#cursor.segment,
      commandsLeft: segment === undefined ? 0 : segment.commands.length - this.#cursor.command,
      client: this.#client === undefined || this.#crashed ? null : this.#client.node.view(),
    };
  }

  /** The client inside (tools and checks; undefined before the process started). */
  get client(): SimClient | undefined {
    return this.#crashed ? undefined : this.#client;
  }

  checkInvariants(): void {
    if (!this.#crashed) this.#client?.node.checkInvariants();
  }
}

function apply(client: SimClient, local: Millis, command: SegmentCommand): readonly Effect[] {
  switch (command.type) {
    case "producer":
      return client.kind === "producer" ? client.node.apply(local, command.command) : [];
    case "consumer":
      return client.kind === "consumer" ? client.node.apply(local, command.command) : [];
    case "crash":
      return [];
    default:
      return assertNever(command, "segment command");
  }
}
