// The purity and import-boundary rules of DESIGN §1, as a scanner over source text (in the spirit
// of TigerBeetle's tidy.zig). Comments and string contents are blanked before scanning, so prose
// about `Date` never trips a rule; what remains is code.

export interface Violation {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

interface BannedToken {
  readonly pattern: RegExp;
  readonly banned: string;
  readonly instead: string;
}

const pureBans: readonly BannedToken[] = [
  { pattern: /\bBuffer\b/, banned: "Buffer", instead: "Uint8Array and DataView" },
  { pattern: /\bprocess\b/, banned: "process", instead: "configuration passed as an argument" },
  { pattern: /\bDate\b/, banned: "Date", instead: "the `now` argument of step()" },
  {
    pattern: /\bMath\.random\b/,
    banned: "Math.random",
    instead: "the injected Rng with a named draw",
  },
  { pattern: /\bperformance\b/, banned: "performance", instead: "the `now` argument of step()" },
  { pattern: /\bcrypto\b/, banned: "crypto", instead: "the injected Rng" },
  { pattern: /\bset(Timeout|Interval|Immediate)\b/, banned: "timers", instead: "nextWakeup()" },
  {
    pattern: /\bqueueMicrotask\b/,
    banned: "queueMicrotask",
    instead: "effects returned from step()",
  },
  { pattern: /\bconsole\b/, banned: "console", instead: "a trace effect (outbox.trace)" },
  { pattern: /\basync\b/, banned: "async", instead: "synchronous step() with disk effects" },
  { pattern: /\bawait\b/, banned: "await", instead: "continuations via DiskIo" },
  { pattern: /\bPromise\b/, banned: "Promise", instead: "effects and inputs" },
  {
    pattern: /\bWeakRef\b/,
    banned: "WeakRef",
    instead: "explicit ownership (GC timing is not deterministic)",
  },
  {
    pattern: /\bFinalizationRegistry\b/,
    banned: "FinalizationRegistry",
    instead: "explicit ownership (GC timing is not deterministic)",
  },
  { pattern: /\brequire\s*\(/, banned: "require", instead: "an ES import from inside the folder" },
  { pattern: /\bglobalThis\b/, banned: "globalThis", instead: "an explicit argument" },
  { pattern: /\beval\b/, banned: "eval", instead: "plain code" },
];

/** Blanks comments and the contents of string and template literals, keeping line breaks. */
export function stripCommentsAndStrings(source: string): string {
  let out = "";
  let i = 0;
  const n = source.length;
  const blank = (text: string) => text.replace(/[^\n]/g, " ");
  while (i < n) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === "/" && next === "/") {
      const end = source.indexOf("\n", i);
      const stop = end === -1 ? n : end;
      out += blank(source.slice(i, stop));
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end === -1 ? n : end + 2;
      out += blank(source.slice(i, stop));
      i = stop;
    } else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < n && source[j] !== c) {
        if (source[j] === "\\") j++;
        if (c !== "`" && source[j] === "\n") break;
        j++;
      }
      out += c + blank(source.slice(i + 1, j)) + (j < n ? c : "");
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The specifiers of every import/export-from in a file, with line numbers and type-only flag. */
export function importsOf(
  source: string,
): { specifier: string; line: number; typeOnly: boolean }[] {
  const found: { specifier: string; line: number; typeOnly: boolean }[] = [];
  const pattern =
    /^\s*(import|export)\s+(type\s+)?[^;]*?from\s+["']([^"']+)["']|^\s*import\s+["']([^"']+)["']/gm;
  for (const match of source.matchAll(pattern)) {
    const line = source.slice(0, match.index).split("\n").length;
    const specifier = match[3] ?? match[4] ?? "";
    found.push({ specifier, line, typeOnly: match[2] !== undefined });
  }
  return found;
}

export type Area =
  | "core"
  | "runtime-protocol"
  | "runtime-peer-codec"
  | "sim"
  | "runtime"
  | "viewer"
  | "other";

export function areaOf(file: string): Area {
  if (file.startsWith("core/")) return "core";
  if (file.startsWith("runtime/protocol/")) return "runtime-protocol";
  if (file.startsWith("runtime/peer/codec/")) return "runtime-peer-codec";
  if (file.startsWith("runtime/")) return "runtime";
  if (file.startsWith("sim/")) return "sim";
  if (file.startsWith("viewer/")) return "viewer";
  return "other";
}

/** Resolves a relative specifier against the importing file; bare specifiers stay as they are. */
export function resolveSpecifier(file: string, specifier: string): string {
  if (!specifier.startsWith(".")) return specifier;
  const parts = file.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== ".") parts.push(part);
  }
  return parts.join("/");
}

function importAllowed(from: Area, target: string, typeOnly: boolean): string | null {
  const targetArea = areaOf(target);
  const bare = !target.includes("/") || !/^(core|sim|runtime|viewer|test|bench)\//.test(target);
  switch (from) {
    case "core":
      return targetArea === "core" ? null : "core imports only core/";
    case "runtime-protocol":
      return targetArea === "core" || targetArea === "runtime-protocol"
        ? null
        : "runtime/protocol imports only core/ and itself";
    case "runtime-peer-codec":
      return targetArea === "core" ||
        targetArea === "runtime-protocol" ||
        targetArea === "runtime-peer-codec"
        ? null
        : "runtime/peer/codec imports only core/, runtime/protocol/ and itself";
    case "sim":
      if (targetArea === "runtime") return "sim imports runtime/protocol only, never runtime/";
      return null;
    case "viewer":
      if (targetArea === "viewer") return null;
      if ((targetArea === "core" || targetArea === "sim") && typeOnly) return null;
      if (bare && target.startsWith("d3")) return null;
      return "viewer imports only viewer/, d3, and types from core/ and sim/";
    case "runtime":
    case "other":
      return null;
  }
}

/** Every rule broken by one file, as `file:line: X is banned, use Y` lines. */
export function checkFile(file: string, source: string): Violation[] {
  const area = areaOf(file);
  const violations: Violation[] = [];
  const code = stripCommentsAndStrings(source);
  for (const entry of importsOf(source)) {
    const target = resolveSpecifier(file, entry.specifier);
    const pure = area === "core" || area === "runtime-protocol" || area === "runtime-peer-codec";
    if (pure && target.startsWith("node:")) {
      violations.push({
        file,
        line: entry.line,
        message: `${target} is banned, use effects and inputs`,
      });
      continue;
    }
    const problem = importAllowed(area, target, entry.typeOnly);
    if (problem !== null) {
      violations.push({
        file,
        line: entry.line,
        message: `import of ${entry.specifier} is banned, ${problem}`,
      });
    }
  }
  if (area === "core" || area === "runtime-protocol" || area === "runtime-peer-codec") {
    const lines = code.split("\n");
    lines.forEach((text, index) => {
      for (const ban of pureBans) {
        if (ban.pattern.test(text)) {
          violations.push({
            file,
            line: index + 1,
            message: `${ban.banned} is banned, use ${ban.instead}`,
          });
        }
      }
    });
  }
  return violations;
}

export function formatViolation(violation: Violation): string {
  return `${violation.file}:${violation.line}: ${violation.message}`;
}
