// `runnel broker` as a child process for end-to-end tests: 127.0.0.1, a free port, a temporary
// data folder; started until it accepts connections, stopped by signal, and always cleaned up
// (every live child is SIGKILLed when the test process exits). Every wait is bounded.

import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const repoRoot = path.resolve(import.meta.dirname, "..", "..");
const OUTPUT_BYTES_MAX = 1 << 20;
const live = new Set<ChildProcess>();

process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

export interface BrokerProcessOptions {
  /** Broker properties (Kafka's names), passed as --override; listeners and log.dirs are set. */
  readonly overrides?: Readonly<Record<string, string>>;
  /** Bounded wait for the listener, in milliseconds. */
  readonly startTimeoutMs?: number;
  /** Extra node flags for the broker process (e.g. --cpu-prof). */
  readonly nodeFlags?: readonly string[];
  /** The broker's --log-level (default info). */
  readonly logLevel?: "debug" | "info" | "warn" | "error";
  /** The client port (default: a free one). */
  readonly port?: number;
  /** A CONTROLLER listener on this port (a cluster member); the voters come in `overrides`. */
  readonly controllerPort?: number;
  /** Start counts only once the node logs that it is ready for clients (a cluster member). */
  readonly waitReady?: boolean;
}

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** One `runnel broker` child; restartable on the same port and data folder. */
export class BrokerProcess {
  readonly host = "127.0.0.1";
  readonly port: number;
  readonly dataDir: string;
  #options: BrokerProcessOptions;
  #child: ChildProcess | undefined;
  #exited: Promise<ExitStatus> | undefined;
  #output = "";
  #starts = 0;

  private constructor(port: number, dataDir: string, options: BrokerProcessOptions) {
    this.port = port;
    this.dataDir = dataDir;
    this.#options = options;
  }

  /** Starts a broker on a free port with a fresh data folder and waits until it listens. */
  static async start(options: BrokerProcessOptions = {}): Promise<BrokerProcess> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "runnel-e2e-"));
    const broker = new BrokerProcess(options.port ?? (await freePort()), dataDir, options);
    try {
      await broker.#launch();
    } catch (error) {
      await broker.dispose();
      throw error;
    }
    return broker;
  }

  get bootstrap(): string {
    return `${this.host}:${this.port}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Everything the broker printed (stdout and stderr, all starts), the last MiB of it. */
  get output(): string {
    return this.#output;
  }

  /** How many times the process was started. */
  get starts(): number {
    return this.#starts;
  }

  /** Sends `signal` and waits for the exit; SIGKILL follows if it does not exit in time. */
  async stop(signal: "SIGTERM" | "SIGKILL" = "SIGTERM", timeoutMs = 15_000): Promise<ExitStatus> {
    const child = this.#child;
    const exited = this.#exited;
    if (child === undefined || exited === undefined) return { code: null, signal: null };
    child.kill(signal);
    const status = await Promise.race([exited, delay(timeoutMs).then(() => undefined)]);
    if (status !== undefined) return status;
    child.kill("SIGKILL");
    await exited;
    throw new Error(`broker did not stop within ${timeoutMs} ms of ${signal}\n${this.#tail()}`);
  }

  /** Starts the broker again on the same port and data folder (after stop()), options changed. */
  async restart(changes: Pick<BrokerProcessOptions, "logLevel"> = {}): Promise<void> {
    if (this.#child !== undefined) throw new Error("restart() of a running broker");
    this.#options = { ...this.#options, ...changes };
    await this.#launch();
  }

  /** Stops the process (SIGKILL) if it runs and removes the data folder. Never throws. */
  async dispose(): Promise<void> {
    if (this.#child !== undefined) {
      this.#child.kill("SIGKILL");
      await Promise.race([this.#exited, delay(5_000)]);
    }
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  async #launch(): Promise<void> {
    const overrides: Record<string, string> = {
      ...this.#options.overrides,
      listeners:
        this.#options.controllerPort === undefined
          ? `PLAINTEXT://${this.host}:${this.port}`
          : `PLAINTEXT://${this.host}:${this.port},CONTROLLER://${this.host}:${this.#options.controllerPort}`,
      "log.dirs": this.dataDir,
    };
    const args = [
      ...(this.#options.nodeFlags ?? []),
      "--import",
      "tsx",
      path.join(repoRoot, "runtime", "cli.ts"),
      "broker",
      "--log-level",
      this.#options.logLevel ?? "info",
      ...Object.entries(overrides).flatMap(([key, value]) => ["--override", `${key}=${value}`]),
    ];
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#starts++;
    live.add(child);
    this.#child = child;
    const append = (chunk: Buffer) => {
      this.#output = (this.#output + chunk.toString("utf8")).slice(-OUTPUT_BYTES_MAX);
    };
    child.stdout?.on("data", append);
    child.stderr?.on("data", append);
    this.#exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        live.delete(child);
        if (this.#child === child) this.#child = undefined;
        resolve({ code, signal });
      });
    });
    const outputBefore = this.#output.length;
    await this.#waitListening(this.#options.startTimeoutMs ?? 30_000);
    if (this.#options.waitReady === true) {
      const ready = "is ready for clients";
      await this.waitForOutput((out) => out.slice(outputBefore).includes(ready), "ready");
    }
  }

  /** Waits (bounded) until the output so far satisfies `seen`; fails if the process exits. */
  async waitForOutput(
    seen: (output: string) => boolean,
    what: string,
    timeoutMs = this.#options.startTimeoutMs ?? 30_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (seen(this.#output)) return;
      if (this.#child === undefined)
        throw new Error(`broker exited before ${what}\n${this.#tail()}`);
      await delay(50);
    }
    throw new Error(`broker not ${what} within ${timeoutMs} ms\n${this.#tail()}`);
  }

  async #waitListening(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.#child === undefined) {
        throw new Error(`broker exited during start-up\n${this.#tail()}`);
      }
      if (await canConnect(this.host, this.port)) return;
      await delay(50);
    }
    throw new Error(`broker did not listen within ${timeoutMs} ms\n${this.#tail()}`);
  }

  #tail(): string {
    return this.#output.slice(-4000);
  }
}

/** A port that was free a moment ago on 127.0.0.1 (the kernel's ephemeral choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
