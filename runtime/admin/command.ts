// What every admin command shares: where its lines go (so tests can capture them), --help, the
// connection flags, and turning an AdminError into a message and an exit status
// (0 done, 1 the broker or the network said no, 2 bad usage).

import { AdminClient } from "./admin-client.ts";
import { AdminError } from "./admin-error.ts";
import { integerFlag, type ParsedFlags, required } from "./args.ts";

export interface CommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export const processIo: CommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** The flags every admin command takes. */
export const connectionFlags = {
  "--bootstrap-server": "value",
  "--connect-timeout-ms": "value",
  "--request-timeout-ms": "value",
  "--help": "switch",
} as const;

export const connectionHelp = `  --bootstrap-server HOST:PORT  the broker(s) to talk to (required)
  --connect-timeout-ms N        give up connecting after N ms (default 5000)
  --request-timeout-ms N        give up waiting for an answer after N ms (default 30000)
  --help                        show this help`;

export function connectAdmin(flags: ParsedFlags): Promise<AdminClient> {
  const bootstrap = required(flags, "--bootstrap-server", "(host:port of a broker)");
  return AdminClient.connect(bootstrap, {
    connectTimeoutMs: integerFlag(flags, "--connect-timeout-ms", 5_000, 1, 600_000),
    requestTimeoutMs: integerFlag(flags, "--request-timeout-ms", 30_000, 1, 600_000),
  });
}

/**
 * Runs `body` with help and error handling: `--help` prints `usage`; an AdminError prints
 * "runnel NAME: message" and exits 2 for usage, 1 otherwise. Other errors are bugs and propagate.
 */
export async function runCommand(
  name: string,
  usage: string,
  args: readonly string[],
  io: CommandIo,
  body: () => Promise<void>,
): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.out(usage);
    return 0;
  }
  try {
    await body();
    return 0;
  } catch (error) {
    if (!(error instanceof AdminError)) throw error;
    io.err(`runnel ${name}: ${error.message}`);
    if (error.kind === "usage") {
      io.err(`(runnel ${name} --help shows the options)`);
      return 2;
    }
    return 1;
  }
}

/** Lines of a table with columns padded to their widest cell, Kafka-tool style. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
