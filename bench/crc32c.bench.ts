// CRC-32C throughput: core's TypeScript slicing-by-8 and the native one the runtime injects, on
// 1 KiB, 16 KiB and 1 MiB buffers, each as a ratio to a plain byte loop (sum of bytes) measured in
// the same run, since the machine is shared and noisy. Run: npx tsx bench/crc32c.bench.ts

import { performance } from "node:perf_hooks";
import { crc32c } from "../core/log/crc32c.ts";
import { nativeCrc32c } from "../runtime/native-crc32c.ts";

type Kernel = (bytes: Uint8Array) => number;

/** The memory-bandwidth baseline: touch every byte once, as cheaply as JS can. */
const byteLoop: Kernel = (bytes) => {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) sum = (sum + bytes[i]!) | 0;
  return sum;
};

const kernels: readonly [string, Kernel][] = [
  ["byte loop", byteLoop],
  ["TypeScript crc32c", crc32c],
  ["native crc32c", nativeCrc32c],
];

const SIZES = [1024, 16 * 1024, 1024 * 1024];
const ROUNDS = 7;
const ROUND_MS = 120;
let sink = 0;

function filled(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let x = 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** MB/s (10^6 bytes) of `kernel` over `bytes` for about ROUND_MS. */
function measure(kernel: Kernel, bytes: Uint8Array): number {
  let iterations = 0;
  let batch = Math.max(1, Math.floor((1 << 20) / bytes.length));
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ROUND_MS) {
    for (let i = 0; i < batch; i++) sink ^= kernel(bytes);
    iterations += batch;
    elapsed = performance.now() - start;
    if (elapsed < ROUND_MS / 10) batch *= 2;
  }
  return (iterations * bytes.length) / 1e6 / (elapsed / 1000);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function main(): void {
  const rows: string[] = [];
  for (const size of SIZES) {
    const bytes = filled(size);
    // The kernels agree before they are timed, so the figures compare equal work.
    if (crc32c(bytes) !== nativeCrc32c(bytes)) throw new Error("TypeScript and native CRC differ");
    for (const [, kernel] of kernels) measure(kernel, bytes); // warm-up: let the JIT settle
    const samples = kernels.map((): number[] => []);
    for (let round = 0; round < ROUNDS; round++) {
      // Interleaved rounds, so a noisy neighbour hurts every kernel alike.
      kernels.forEach(([, kernel], k) => {
        samples[k]!.push(measure(kernel, bytes));
      });
    }
    const [loop, ts, native] = samples.map(median) as [number, number, number];
    const label = size >= 1 << 20 ? `${size >> 20} MiB` : `${size >> 10} KiB`;
    rows.push(
      `| ${label} | ${loop.toFixed(0)} | ${ts.toFixed(0)} | ${native.toFixed(0)} | ` +
        `${(ts / loop).toFixed(2)} | ${(native / loop).toFixed(2)} | ${(native / ts).toFixed(1)} |`,
    );
  }
  console.log(`CRC-32C throughput, MB/s (10^6 B/s), median of ${ROUNDS} interleaved rounds\n`);
  console.log(
    "| buffer | byte loop | TypeScript | native | TS / loop | native / loop | native / TS |",
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);
  console.log(`\n(sink ${sink & 1})`);
}

main();
