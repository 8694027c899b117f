// One line per event, with levels; JSON lines on request (`log.format=json`). The runtime logs, the
// core never does: core's trace events reach the log through the node host.

export const LogLevel = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevelName = keyof typeof LogLevel;

export interface LoggerOptions {
  readonly level: LogLevelName;
  readonly json: boolean;
  readonly write?: (line: string) => void;
}

export class Logger {
  readonly #level: number;
  readonly #json: boolean;
  readonly #write: (line: string) => void;
  readonly #fields: Readonly<Record<string, unknown>>;

  constructor(options: LoggerOptions, fields: Readonly<Record<string, unknown>> = {}) {
    this.#level = LogLevel[options.level];
    this.#json = options.json;
    this.#write = options.write ?? ((line) => process.stderr.write(`${line}\n`));
    this.#fields = fields;
  }

  /** A logger that adds `fields` to every line (e.g. the node id or a connection). */
  with(fields: Readonly<Record<string, unknown>>): Logger {
    const options = { level: this.levelName, json: this.#json, write: this.#write };
    return new Logger(options, { ...this.#fields, ...fields });
  }

  get levelName(): LogLevelName {
    const entry = Object.entries(LogLevel).find(([, value]) => value === this.#level);
    return (entry?.[0] ?? "info") as LogLevelName;
  }

  enabled(level: LogLevelName): boolean {
    return LogLevel[level] >= this.#level;
  }

  debug(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.#log("debug", message, fields);
  }
  info(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.#log("info", message, fields);
  }
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.#log("warn", message, fields);
  }
  error(message: string, fields?: Readonly<Record<string, unknown>>): void {
    this.#log("error", message, fields);
  }

  #log(level: LogLevelName, message: string, fields?: Readonly<Record<string, unknown>>): void {
    if (!this.enabled(level)) return;
    const all = { ...this.#fields, ...fields };
    const time = new Date().toISOString();
    if (this.#json) {
      this.#write(JSON.stringify({ time, level, message, ...all }, jsonSafe));
      return;
    }
    const rest = Object.entries(all)
      .map(([key, value]) => `${key}=${formatValue(value)}`)
      .join(" ");
    this.#write(`${time} ${level.toUpperCase().padEnd(5)} ${message}${rest ? ` ${rest}` : ""}`);
  }
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  return value;
}

function formatValue(value: unknown): string {
  if (typeof value === "string") return /\s/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value, jsonSafe) ?? String(value);
}
