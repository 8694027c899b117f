// Hosts one core Node in a real process: inputs go in one at a time, effects are carried out in
// order (disk on real files, responses on sockets, messages to peers), and a single timer follows
// nextWakeup(). A failed assert is not caught here: the process exits, as DESIGN §1 requires.

import { assert, assertNever } from "../core/assert.ts";
import type { DiskOp, DiskResult } from "../core/disk.ts";
import type { ConnectionId, Millis, NodeId } from "../core/ids.ts";
import type { Effect, Input, Node } from "../core/node.ts";
import type { PeerMessage } from "../core/peer-message.ts";
import type { ClientResponse } from "../core/protocol/index.ts";
import type { TraceEvent } from "../core/trace.ts";
import type { Logger } from "./logger.ts";

export interface DiskExecutor {
  execute(op: DiskOp): DiskResult;
  /**
   * When present, used instead of execute: the result now, or undefined and `later` gets it once
   * every operation issued before it completed (a sync off the event loop, runtime/disk.ts).
   */
  run?(op: DiskOp, later: (result: DiskResult) => void): DiskResult | undefined;
}

/** Where responses and closes for client connections go (the TCP server). */
export interface ConnectionSink {
  respond(connection: ConnectionId, correlationId: number, response: ClientResponse): void;
  close(connection: ConnectionId, reason: string): void;
}

/** Where messages to other nodes go (peer links); absent on a single node. */
export interface PeerSink {
  send(to: NodeId, message: PeerMessage): void;
}

export interface NodeHostOptions {
  readonly disk: DiskExecutor;
  readonly connections: ConnectionSink;
  readonly peers?: PeerSink;
  readonly logger: Logger;
  /** Epoch milliseconds, never going backwards (defaults to a monotonic view of Date.now()). */
  readonly clock?: () => Millis;
  /** Run the node's checkInvariants() after every step (the simulator always does). */
  readonly checkInvariants?: boolean;
  /** Called for every trace event, after it is logged at debug level. */
  readonly onTrace?: (event: TraceEvent) => void;
}

export class NodeHost {
  readonly #node: Node;
  readonly #options: NodeHostOptions;
  readonly #clock: () => Millis;
  readonly #queue: Input[] = [];
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #timerAt: Millis | undefined;
  #stopped = false;
  #steps = 0;

  constructor(node: Node, options: NodeHostOptions) {
    this.#node = node;
    this.#options = options;
    this.#clock = options.clock ?? monotonicClock();
  }

  get node(): Node {
    return this.#node;
  }

  get steps(): number {
    return this.#steps;
  }

  start(): void {
    this.deliver({ type: "start" });
  }

  /** Queues an input and runs the node until no input is left. Re-entrant calls only queue. */
  deliver(input: Input): void {
    if (this.#stopped) return;
    this.#queue.push(input);
    if (this.#running) return;
    this.#running = true;
    try {
      this.#drain();
    } finally {
      this.#running = false;
    }
    this.#armTimer();
  }

  /**
   * Runs an out-of-band call on the node between steps (the controlled shutdown a signal starts)
   * and carries out the effects it returns, then whatever inputs they lead to.
   */
  invoke(call: (now: Millis) => readonly Effect[]): void {
    if (this.#stopped) return;
    assert(!this.#running, "invoke() inside a step");
    this.#running = true;
    try {
      for (const effect of call(this.#clock())) this.#carryOut(effect);
      this.#drain();
    } finally {
      this.#running = false;
    }
    this.#armTimer();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #drain(): void {
    // Bounded by the work the node asks for: every disk effect adds one input, nothing else does.
    while (this.#queue.length > 0 && !this.#stopped) {
      const input = this.#queue.shift()!;
      const effects = this.#node.step(this.#clock(), input);
      this.#steps++;
      if (this.#options.checkInvariants === true) this.#node.checkInvariants();
      for (const effect of effects) this.#carryOut(effect);
    }
  }

  #carryOut(effect: Effect): void {
    switch (effect.type) {
      case "disk": {
        const { disk } = this.#options;
        const { id, op } = effect;
        const result =
          disk.run === undefined
            ? disk.execute(op)
            : disk.run(op, (later) => {
                this.#logDiskFailure(op, later);
                this.deliver({ type: "disk-done", id, result: later });
              });
        if (result === undefined) return;
        this.#logDiskFailure(op, result);
        this.#queue.push({ type: "disk-done", id, result });
        return;
      }
      case "respond":
        this.#options.connections.respond(effect.connection, effect.correlationId, effect.response);
        return;
      case "close":
        this.#options.connections.close(effect.connection, effect.reason);
        return;
      case "send":
        if (this.#options.peers === undefined) {
          this.#options.logger.warn("message to a peer with no peer links", { to: effect.to });
          this.#queue.push({ type: "peer-unreachable", peer: effect.to });
          return;
        }
        this.#options.peers.send(effect.to, effect.message);
        return;
      case "request":
        // Only simulated clients send requests; a broker process never hosts one.
        assert(false, "a hosted node emitted a client request effect");
        return;
      case "trace":
        this.#trace(effect.event);
        return;
      default:
        assertNever(effect, "effect");
    }
  }

  #logDiskFailure(op: DiskOp, result: DiskResult): void {
    if (result.ok) return;
    // A missing file is an answer the node asked for ("is there a checkpoint?"), not trouble.
    const level = result.code === "ENOENT" ? "debug" : "warn";
    this.#options.logger[level]("disk operation failed", {
      op: op.type,
      code: result.code,
      error: result.message,
    });
  }

  #trace(event: TraceEvent): void {
    const logger = this.#options.logger;
    if (logger.enabled("debug")) logger.debug(event.type, { ...event, type: undefined });
    this.#options.onTrace?.(event);
  }

  #armTimer(): void {
    if (this.#stopped) return;
    const wakeup = this.#node.nextWakeup();
    if (wakeup === this.#timerAt) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = wakeup;
    if (wakeup === undefined) return;
    const delay = Math.max(0, Math.min(wakeup - this.#clock(), 2_147_483_647));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = undefined;
      this.deliver({ type: "timer" });
    }, delay);
  }
}

/** Epoch milliseconds that never go backwards, even when the wall clock is stepped back. */
export function monotonicClock(): () => Millis {
  let last = 0;
  return () => {
    last = Math.max(last, Date.now());
    return last;
  };
}
