// NATS JetStream as a peer (apt `nats-server`): a server on 127.0.0.1 with file storage under a
// temporary folder, and a minimal client on the plain NATS text protocol (no npm package): stream
// (re)creation, async publish with PubAcks counted on one inbox (what the Go client's
// PublishAsync does) with a bounded window, and a pull consumer with AckPolicy none.

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import { freePort, killOnExit } from "./broker-child.ts";
import { CpuMeter } from "./proc-stats.ts";

const CRLF = Buffer.from("\r\n");

export function natsInstalled(): boolean {
  return spawnSync("nats-server", ["--version"]).status === 0;
}

export interface NatsServer {
  readonly pid: number;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startNats(dir: string): Promise<NatsServer> {
  fs.mkdirSync(`${dir}/store`, { recursive: true });
  const port = await freePort();
  const child: ChildProcess = spawn(
    "nats-server",
    ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", `${dir}/store`, "-l", `${dir}/nats.log`],
    { stdio: "ignore" },
  );
  killOnExit(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  for (let i = 0; i < 200; i++) {
    const client = await NatsClient.connect(port).catch(() => undefined);
    if (client !== undefined) {
      client.close();
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    pid: child.pid!,
    port,
    async stop() {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

type MessageHandler = (subject: string, payload: Buffer, headers: string | undefined) => void;

/** The NATS text protocol, just enough for publish, subscribe and request. */
class NatsClient {
  readonly #socket: net.Socket;
  readonly #handlers = new Map<number, MessageHandler>();
  #buffer: Buffer = Buffer.alloc(0);
  #nextSid = 1;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on("data", (chunk) => this.#receive(chunk));
  }

  static connect(port: number): Promise<NatsClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: "127.0.0.1", port, noDelay: true });
      socket.once("error", reject);
      socket.once("connect", () => {
        const client = new NatsClient(socket);
        socket.write(
          `CONNECT {"verbose":false,"pedantic":false,"headers":true,"no_responders":true,"protocol":1,"lang":"runnel-bench","version":"0"}\r\nPING\r\n`,
        );
        client.#pong = () => resolve(client);
      });
    });
  }

  #pong: (() => void) | undefined;

  subscribe(subject: string, handler: MessageHandler): number {
    const sid = this.#nextSid++;
    this.#handlers.set(sid, handler);
    this.#socket.write(`SUB ${subject} ${sid}\r\n`);
    return sid;
  }

  /** Writes raw protocol bytes; false when the socket asks to wait for drain. */
  write(bytes: Buffer): boolean {
    return this.#socket.write(bytes);
  }

  onceDrain(fn: () => void): void {
    this.#socket.once("drain", fn);
  }

  /** A JSON request to a JetStream API subject; resolves with the JSON answer. */
  request(subject: string, body: unknown): Promise<Record<string, unknown>> {
    const inbox = `_INBOX.req.${this.#nextSid}`;
    return new Promise((resolve) => {
      const sid = this.subscribe(inbox, (_s, payload) => {
        this.#socket.write(`UNSUB ${sid}\r\n`);
        this.#handlers.delete(sid);
        resolve(JSON.parse(payload.toString("utf8") || "{}"));
      });
      const text = Buffer.from(JSON.stringify(body));
      this.#socket.write(
        Buffer.concat([Buffer.from(`PUB ${subject} ${inbox} ${text.length}\r\n`), text, CRLF]),
      );
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #receive(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    let at = 0;
    for (;;) {
      const eol = this.#buffer.indexOf(CRLF, at);
      if (eol === -1) break;
      const line = this.#buffer.toString("latin1", at, eol);
      if (line.startsWith("MSG ") || line.startsWith("HMSG ")) {
        const parts = line.split(" ");
        const headered = parts[0] === "HMSG";
        const total = Number(parts.at(-1));
        const headerBytes = headered ? Number(parts.at(-2)) : 0;
        const start = eol + 2;
        if (this.#buffer.length < start + total + 2) break;
        const handler = this.#handlers.get(Number(parts[2]));
        const headers = headered
          ? this.#buffer.toString("latin1", start, start + headerBytes)
          : undefined;
        handler?.(parts[1]!, this.#buffer.subarray(start + headerBytes, start + total), headers);
        at = start + total + 2;
        continue;
      }
      if (line === "PING") this.#socket.write("PONG\r\n");
      else if (line === "PONG") this.#pong?.();
      else if (line.startsWith("-ERR")) throw new Error(`nats: ${line}`);
      at = eol + 2;
    }
    this.#buffer = this.#buffer.subarray(at);
  }
}

export interface PeerFigure {
  readonly msgsPerSec: number;
  readonly mbPerSec: number;
  readonly serverCpu: number;
  readonly clientCpu: number;
}

async function recreateStream(client: NatsClient): Promise<void> {
  await client.request("$JS.API.STREAM.DELETE.BENCH", {});
  const created = await client.request("$JS.API.STREAM.CREATE.BENCH", {
    name: "BENCH",
    subjects: ["bench.>"],
    storage: "file",
    num_replicas: 1,
    retention: "limits",
  });
  if (created.error !== undefined) throw new Error(`stream: ${JSON.stringify(created.error)}`);
}

/** Publishes `count` messages of `bytes` with at most `window` un-acked; counts PubAcks. */
export async function natsPublish(
  server: NatsServer,
  count: number,
  bytes: number,
  window = 1_000,
): Promise<PeerFigure> {
  const client = await NatsClient.connect(server.port);
  await recreateStream(client);
  const payload = Buffer.alloc(bytes, 120);
  const frame = Buffer.concat([Buffer.from(`PUB bench.x _INBOX.acks ${bytes}\r\n`), payload, CRLF]);
  const serverCpu = new CpuMeter(server.pid);
  const clientCpu = new CpuMeter("self");
  let sent = 0;
  let acked = 0;
  let errors = 0;
  const started = performance.now();
  serverCpu.start();
  clientCpu.start();
  await new Promise<void>((resolve) => {
    const pump = () => {
      const frames: Buffer[] = [];
      while (sent < count && sent - acked < window && frames.length < 256) {
        frames.push(frame);
        sent++;
      }
      if (frames.length > 0 && !client.write(Buffer.concat(frames))) client.onceDrain(pump);
    };
    client.subscribe("_INBOX.acks", (_subject, ack) => {
      acked++;
      if (ack.includes("error")) errors++;
      if (acked === count) resolve();
      else if (sent - acked < window / 2) pump();
    });
    pump();
  });
  const seconds = (performance.now() - started) / 1000;
  const figure = {
    msgsPerSec: count / seconds,
    mbPerSec: (count * bytes) / 1e6 / seconds,
    serverCpu: serverCpu.stop(),
    clientCpu: clientCpu.stop(),
  };
  client.close();
  if (errors > 0) throw new Error(`nats: ${errors} publishes were refused`);
  return figure;
}

/** Reads the whole stream back with a pull consumer (AckPolicy none), 1000 per pull. */
export async function natsConsume(
  server: NatsServer,
  count: number,
  bytes: number,
): Promise<PeerFigure> {
  const client = await NatsClient.connect(server.port);
  const created = await client.request("$JS.API.CONSUMER.DURABLE.CREATE.BENCH.reader", {
    stream_name: "BENCH",
    config: { durable_name: "reader", ack_policy: "none", deliver_policy: "all", max_waiting: 8 },
  });
  if (created.error !== undefined) throw new Error(`consumer: ${JSON.stringify(created.error)}`);
  const serverCpu = new CpuMeter(server.pid);
  const clientCpu = new CpuMeter("self");
  const pull = Buffer.from(JSON.stringify({ batch: 1_000, expires: 2_000_000_000 }));
  const request = Buffer.concat([
    Buffer.from(`PUB $JS.API.CONSUMER.MSG.NEXT.BENCH.reader _INBOX.pull ${pull.length}\r\n`),
    pull,
    CRLF,
  ]);
  let received = 0;
  const started = performance.now();
  serverCpu.start();
  clientCpu.start();
  await new Promise<void>((resolve) => {
    client.subscribe("_INBOX.pull", (_subject, _payload, headers) => {
      if (headers !== undefined) return; // a status (timeout / no messages), not a message
      received++;
      if (received === count) resolve();
      else if (received % 1_000 === 0) client.write(request);
    });
    client.write(Buffer.concat([request, request]));
  });
  const seconds = (performance.now() - started) / 1000;
  client.close();
  return {
    msgsPerSec: count / seconds,
    mbPerSec: (count * bytes) / 1e6 / seconds,
    serverCpu: serverCpu.stop(),
    clientCpu: clientCpu.stop(),
  };
}
