// Whether TCP ports on 127.0.0.1 are free, asked by binding them for a moment (so `runnel cluster`
// can refuse to start with a clear message before any node half-starts).

import net from "node:net";

/** The ports of `ports` that cannot be bound on `host` right now, in the order given. */
export async function portsInUse(ports: readonly number[], host = "127.0.0.1"): Promise<number[]> {
  const taken: number[] = [];
  for (const port of ports) {
    if (!(await canBind(port, host))) taken.push(port);
  }
  return taken;
}

function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
