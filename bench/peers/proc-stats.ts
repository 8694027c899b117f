// CPU and memory of processes from /proc (Linux): CPU as a share of one core between two marks,
// RSS now and its peak over a sampling period. Benchmarks report these beside every figure.

import fs from "node:fs";

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

/** CPU seconds (user + system) used so far by `pid`, or undefined when it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Resident set size of `pid` in bytes, or undefined when it is gone. */
export function rssBytes(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match === null ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

/** CPU of one process between start() and stop(), in % of one core. */
export class CpuMeter {
  readonly #pid: number | "self";
  #startCpu = 0;
  #startWall = 0;
  #last = 0;

  constructor(pid: number | "self") {
    this.#pid = pid;
  }

  #now(): number {
    if (this.#pid === "self") {
      const usage = process.cpuUsage();
      return (usage.user + usage.system) / 1e6;
    }
    const seconds = cpuSeconds(this.#pid);
    if (seconds !== undefined) this.#last = seconds;
    return this.#last;
  }

  start(): void {
    this.#startCpu = this.#now();
    this.#startWall = performance.now();
  }

  /** Samples without stopping: keeps the last reading of a process that may exit. */
  sample(): void {
    this.#now();
  }

  /** % of one core since start(). */
  stop(): number {
    const cpu = this.#now() - this.#startCpu;
    const wall = (performance.now() - this.#startWall) / 1000;
    return wall > 0 ? (100 * cpu) / wall : 0;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; keeps the peak. */
export class RssSampler {
  peakBytes = 0;
  samples = 0;
  readonly #timer: NodeJS.Timeout;

  constructor(pid: number, everyMs = 100) {
    this.#timer = setInterval(() => {
      const rss = rssBytes(pid);
      if (rss === undefined) return;
      this.samples++;
      this.peakBytes = Math.max(this.peakBytes, rss);
    }, everyMs);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
