// Number and time formatting for labels: simulated milliseconds as "1,234.5 ms" or "12.3 s".
// Hand-rolled: toLocaleString and Intl cost tens of microseconds a call, too slow for lists and
// labels redrawn every frame.

/** At most 3 decimals, thousands separated by commas: 1234.5 -> "1,234.5". */
export function formatNumber(value: number): string {
  const rounded = Math.round(value * 1000) / 1000;
  const text = String(Math.abs(rounded));
  if (text.includes("e")) return String(rounded);
  const dot = text.indexOf(".");
  const int = dot < 0 ? text : text.slice(0, dot);
  const frac = dot < 0 ? "" : text.slice(dot);
  let grouped = "";
  for (let i = int.length; i > 0; i -= 3) {
    const part = int.slice(Math.max(0, i - 3), i);
    grouped = grouped === "" ? part : `${part},${grouped}`;
  }
  return `${rounded < 0 ? "-" : ""}${grouped}${frac}`;
}

export function formatTime(ms: number): string {
  if (!Number.isFinite(ms)) return "—";
  if (Math.abs(ms) >= 10_000) return `${formatNumber(ms / 1000)} s`;
  return `${formatNumber(ms)} ms`;
}

export function formatCount(n: number): string {
  return formatNumber(Math.round(n));
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
