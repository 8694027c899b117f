// Number and time formatting for labels: simulated milliseconds as "1,234.5 ms" or "12.3 s".

export function formatTime(ms: number): string {
  if (!Number.isFinite(ms)) return "—";
  const abs = Math.abs(ms);
  if (abs >= 10_000)
    return `${(ms / 1000).toLocaleString("en-US", { maximumFractionDigits: 3 })} s`;
  return `${ms.toLocaleString("en-US", { maximumFractionDigits: 3 })} ms`;
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
