// The `runnel` command line: one table of subcommands, each in its own module, loaded on demand so
// that `runnel sim` never pays for the broker's start-up and vice versa.

interface Command {
  readonly summary: string;
  readonly run: (args: readonly string[]) => Promise<number>;
}

const commands: Record<string, Command> = {
  broker: {
    summary: "run one node (broker and controller) on the Kafka wire protocol",
    run: async (args) => (await import("./cli-broker.ts")).runBroker(args),
  },
  cluster: {
    summary: "run N local nodes as one cluster for development (Ctrl-C stops them all)",
    run: async (args) => (await import("./cli-cluster.ts")).runCluster(args),
  },
  topics: {
    summary: "create, list, describe and delete topics (like kafka-topics.sh)",
    run: async (args) => (await import("./cli-admin-topics.ts")).runTopics(args),
  },
  groups: {
    summary: "list and describe consumer groups with lag, reset their offsets",
    run: async (args) => (await import("./cli-admin-groups.ts")).runGroups(args),
  },
  offsets: {
    summary: "print the log offsets of a topic's partitions (like kafka-get-offsets.sh)",
    run: async (args) => (await import("./cli-admin-offsets.ts")).runOffsets(args),
  },
  sim: {
    summary: "run deterministic simulations with faults and checkers; replay a seed",
    run: async (args) => (await import("../sim/cli.ts")).runSim(args),
  },
  view: {
    summary: "replay a simulator trace in the browser (serves the viewer on 127.0.0.1)",
    run: async (args) => (await import("./cli-view.ts")).runView(args),
  },
  help: { summary: "show this help", run: async () => printHelp(0) },
};

function printHelp(code: number): number {
  const lines = ["usage: runnel <command> [options]", "", "commands:"];
  for (const [name, command] of Object.entries(commands)) {
    lines.push(`  ${name.padEnd(10)} ${command.summary}`);
  }
  lines.push("", "Each command takes --help.");
  (code === 0 ? process.stdout : process.stderr).write(`${lines.join("\n")}\n`);
  return code;
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h") return printHelp(0);
  const command = commands[name];
  if (command === undefined) {
    process.stderr.write(`runnel: unknown command '${name}'\n\n`);
    return printHelp(2);
  }
  return command.run(rest);
}

process.exitCode = await main(process.argv.slice(2));
