// Redis 7 Streams as a peer (apt `redis-server`, `redis-tools`): a server on 127.0.0.1 with
// appendonly yes / appendfsync everysec and its data under a temporary folder; XADD load from
// redis-benchmark (-c 50 -P 100), with the server's and the generator's CPU.

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import { freePort, killOnExit } from "./broker-child.ts";
import type { PeerFigure } from "./nats-jetstream.ts";
import { CpuMeter } from "./proc-stats.ts";

export function redisInstalled(): boolean {
  return (
    spawnSync("redis-server", ["--version"]).status === 0 &&
    spawnSync("redis-benchmark", ["--version"]).status === 0
  );
}

export interface RedisServer {
  readonly pid: number;
  readonly port: number;
  stop(): Promise<void>;
}

export async function startRedis(dir: string): Promise<RedisServer> {
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const child: ChildProcess = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--daemonize",
      "no",
      "--appendonly",
      "yes",
      "--appendfsync",
      "everysec",
      "--save",
      "",
      "--logfile",
      `${dir}/redis.log`,
    ],
    { stdio: "ignore" },
  );
  killOnExit(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  for (let i = 0; i < 200; i++) {
    if (
      spawnSync("redis-cli", ["-h", "127.0.0.1", "-p", String(port), "PING"])
        .stdout?.toString()
        .includes("PONG")
    )
      break;
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

/** redis-benchmark XADD of `count` entries with one field of `bytes` bytes, 50 clients, -P 100. */
export async function redisXadd(
  server: RedisServer,
  count: number,
  bytes: number,
): Promise<PeerFigure> {
  spawnSync("redis-cli", ["-h", "127.0.0.1", "-p", String(server.port), "DEL", "s"]);
  const serverCpu = new CpuMeter(server.pid);
  const args = [
    "-h",
    "127.0.0.1",
    "-p",
    String(server.port),
    "--csv",
    "-c",
    "50",
    "-n",
    String(count),
    "-P",
    "100",
    "XADD",
    "s",
    "*",
    "f",
    "x".repeat(bytes),
  ];
  serverCpu.start();
  const child = spawn("redis-benchmark", args, { stdio: ["ignore", "pipe", "ignore"] });
  const clientCpu = new CpuMeter(child.pid!);
  clientCpu.start();
  const sampler = setInterval(() => {
    clientCpu.sample();
    serverCpu.sample();
  }, 100);
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
  });
  const started = performance.now();
  await new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  // CSV: "test","rps","avg_latency_ms",...; the second line holds the figures.
  const row = out.trim().split("\n").at(-1)?.split(",") ?? [];
  const rps = Number((row[1] ?? "").replaceAll('"', ""));
  if (!Number.isFinite(rps) || rps <= 0) throw new Error(`redis-benchmark printed ${out}`);
  void seconds;
  return {
    msgsPerSec: rps,
    mbPerSec: (rps * bytes) / 1e6,
    serverCpu: serverCpu.stop(),
    clientCpu: clientCpu.stop(),
  };
}
