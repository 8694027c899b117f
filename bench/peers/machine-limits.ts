// The machine's limits, measured in the same run as the broker: sequential disk write with dd
// (page cache, and with fdatasync), loopback TCP between two Node processes, and a zero-protocol
// Node process that only receives TCP and appends every chunk to a file (tcp-sink.mjs).

import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { killOnExit } from "./broker-child.ts";
import { CpuMeter } from "./proc-stats.ts";

export interface LimitFigure {
  readonly mbPerSec: number;
  /** CPU of the receiving (or writing) process, % of one core. */
  readonly serverCpu: number;
  /** CPU of the sending process, % of one core (0 for dd). */
  readonly clientCpu: number;
}

/** dd of `mib` MiB in 1 MiB blocks into `dir`, with or without conv=fdatasync. */
export function ddWrite(dir: string, mib: number, fdatasync: boolean): LimitFigure {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "dd.bin");
  fs.rmSync(file, { force: true });
  const args = ["if=/dev/zero", `of=${file}`, "bs=1M", `count=${mib}`];
  if (fdatasync) args.push("conv=fdatasync");
  const started = performance.now();
  const result = spawnSync("dd", args, { stdio: "ignore" });
  const seconds = (performance.now() - started) / 1000;
  fs.rmSync(file, { force: true });
  if (result.status !== 0) throw new Error("dd failed");
  return { mbPerSec: (mib * 1024 * 1024) / 1e6 / seconds, serverCpu: 0, clientCpu: 0 };
}

/** Sends `mib` MiB in 64 KiB writes (with backpressure) to a tcp-sink.mjs child in `mode`. */
export async function tcpToSink(
  mode: "discard" | "file",
  dir: string,
  mib: number,
): Promise<LimitFigure> {
  fs.mkdirSync(dir, { recursive: true });
  const child = spawn(
    process.execPath,
    [path.join(import.meta.dirname, "tcp-sink.mjs"), mode, dir],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  killOnExit(child);
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
  });
  for (let i = 0; i < 400 && !out.includes("\n"); i++) await new Promise((r) => setTimeout(r, 25));
  const port = Number(out.split("\n")[0]);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const socket = net.connect({ host: "127.0.0.1", port });
  await new Promise((resolve) => socket.once("connect", resolve));
  const chunk = Buffer.alloc(64 * 1024, 7);
  const total = mib * 1024 * 1024;
  const sinkCpu = new CpuMeter(child.pid!);
  const selfCpu = new CpuMeter("self");
  const started = performance.now();
  sinkCpu.start();
  selfCpu.start();
  await new Promise<void>((resolve) => {
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once("drain", pump);
      }
      socket.end();
      // The sink answers its byte count once it has read everything.
      socket.once("data", () => resolve());
    };
    pump();
  });
  const seconds = (performance.now() - started) / 1000;
  const figure = {
    mbPerSec: total / 1e6 / seconds,
    serverCpu: sinkCpu.stop(),
    clientCpu: selfCpu.stop(),
  };
  socket.destroy();
  await exited;
  fs.rmSync(dir, { recursive: true, force: true });
  return figure;
}
