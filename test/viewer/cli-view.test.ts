// `runnel view`'s server: serves the built page, the one trace it was given, and nothing outside
// the build folder; listens on 127.0.0.1 only; argument errors are exit code 2 with a message.

import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runView, startViewServer, type ViewServer } from "../../runtime/cli-view.ts";

let dir: string;
let server: ViewServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "runnel-view-"));
  mkdirSync(join(dir, "dist"));
  writeFileSync(join(dir, "dist", "index.html"), "<p>viewer</p>");
  writeFileSync(join(dir, "secret.txt"), "nope");
  writeFileSync(join(dir, "t.ndjson"), '{"format":"runnel-trace"}\n');
  server = await startViewServer({ root: join(dir, "dist"), tracePath: join(dir, "t.ndjson") });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("view server", () => {
  it("prints a loopback URL that opens the trace", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?trace=trace\.ndjson$/);
  });

  it.each([
    ["/", 200, "<p>viewer</p>", "text/html"],
    ["/trace.ndjson", 200, '{"format":"runnel-trace"}\n', "application/x-ndjson"],
    ["/../secret.txt", 404, undefined, undefined],
    ["/%2e%2e/secret.txt", 404, undefined, undefined],
    ["/missing.js", 404, undefined, undefined],
  ])("GET %s answers %i", async (path, status, body, type) => {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`);
    expect(response.status).toBe(status);
    const text = await response.text();
    if (body !== undefined) expect(text).toBe(body);
    if (type !== undefined) expect(response.headers.get("content-type")).toContain(type);
  });

  it.each([
    [["--port", "x"]],
    [["--bogus"]],
    [["a.ndjson", "b.ndjson"]],
    [["/no/such/trace.ndjson"]],
  ])("rejects %j with exit code 2", async (args) => {
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      errors.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      expect(await runView(args)).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(errors.join("")).toMatch(/runnel view: /);
  });

  it("runnel view builds, prints its URL, serves the trace and stops on Ctrl-C", async () => {
    const cli = join(import.meta.dirname, "..", "..", "runtime", "cli-view.ts");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", cli, join(dir, "t.ndjson"), "--dist", join(dir, "built")],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const exited = new Promise<number | null>((resolve) =>
      child.on("exit", (code) => resolve(code)),
    );
    try {
      let output = "";
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${output}`)), 30_000);
        child.stdout.on("data", (chunk: Buffer) => {
          output += chunk.toString();
          const match =
            /serving t\.ndjson at (http:\/\/127\.0\.0\.1:\d+\/\?trace=trace\.ndjson)/.exec(output);
          if (match !== null) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      });
      expect(output).toMatch(/built the viewer into .*built/);
      const origin = new URL(url).origin;
      expect(await (await fetch(`${origin}/trace.ndjson`)).text()).toBe(
        '{"format":"runnel-trace"}\n',
      );
      expect((await fetch(`${origin}/main.js`)).status).toBe(200);
      expect((await fetch(`${origin}/worker.js`)).status).toBe(200);
      child.kill("SIGINT");
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
