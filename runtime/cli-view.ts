// `runnel view <trace.ndjson>`: builds the viewer (esbuild: page bundle + worker bundle + static
// files into viewer/dist/) when its sources are newer than the build, then serves the page and the
// trace on 127.0.0.1 until Ctrl-C. Invariant: the server only ever answers files under the build
// folder and the one trace it was given; it listens on loopback only.

import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { basename, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { currentCommit, generateScenarioTraces } from "./cli-view-scenarios.ts";

const viewerDir = fileURLToPath(new URL("../viewer/", import.meta.url));
export const defaultOutDir = join(viewerDir, "dist");

export interface BuildOptions {
  readonly outDir?: string;
  readonly minify?: boolean;
  /** Run the simulator for the teaching scenarios (default true). */
  readonly scenarios?: boolean;
}

export interface BuildResult {
  readonly outDir: string;
  readonly ms: number;
  readonly scenarios: readonly string[];
}

/** Bundles main.ts and worker.ts, copies index.html and style.css, generates scenario traces. */
export async function buildViewer(options: BuildOptions = {}): Promise<BuildResult> {
  const started = performance.now();
  const outDir = options.outDir ?? defaultOutDir;
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: {
      main: join(viewerDir, "main.ts"),
      worker: join(viewerDir, "worker.ts"),
      style: join(viewerDir, "style.css"),
      index: join(viewerDir, "index.html"),
    },
    loader: { ".html": "copy" },
    bundle: true,
    format: "iife",
    target: "es2022",
    minify: options.minify ?? true,
    sourcemap: "linked",
    outdir: outDir,
    logLevel: "warning",
  });
  const scenarios =
    options.scenarios === false
      ? []
      : generateScenarioTraces(join(outDir, "scenarios")).map((g) => g.id);
  if (options.scenarios === false) writeScenarioIndexIfMissing(join(outDir, "scenarios"));
  writeFileSync(
    join(outDir, "build-info.json"),
    JSON.stringify({ builtAt: Date.now(), commit: currentCommit() }),
  );
  return { outDir, ms: performance.now() - started, scenarios };
}

function writeScenarioIndexIfMissing(dir: string): void {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, "index.json"))) writeFileSync(join(dir, "index.json"), "[]");
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    if (name === "dist") continue;
    const path = join(dir, name);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestSource(path) : stat.mtimeMs);
  }
  return newest;
}

/**
 * Whether the build in `outDir` is out of date: there is none, viewer/ changed since, or it was made
 * at another commit (the scenario traces come from the simulator of the commit that built them).
 */
export function viewerIsStale(outDir = defaultOutDir): boolean {
  const marker = join(outDir, "build-info.json");
  if (!existsSync(marker)) return true;
  const info = JSON.parse(readFileSync(marker, "utf8")) as { commit?: string };
  if (info.commit !== currentCommit()) return true;
  return newestSource(viewerDir) > statSync(marker).mtimeMs;
}

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".json": "application/json",
  ".ndjson": "application/x-ndjson",
};

export interface ViewServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** The built viewer folder. */
  readonly root: string;
  /** Served as /trace.ndjson, and the printed URL opens it. */
  readonly tracePath?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
}

function sendFile(res: ServerResponse, path: string): void {
  const stat = statSync(path);
  res.writeHead(200, {
    "content-type": contentTypes[extname(path)] ?? "application/octet-stream",
    "content-length": stat.size,
    "cache-control": "no-store",
  });
  createReadStream(path).pipe(res);
}

function handler(options: ServeOptions) {
  const root = resolve(options.root);
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405).end();
      return;
    }
    if (path === "/trace.ndjson" && options.tracePath !== undefined) {
      sendFile(res, options.tracePath);
      return;
    }
    const file = normalize(join(root, path === "/" ? "index.html" : path));
    if (
      (file !== root && !file.startsWith(root + sep)) ||
      !existsSync(file) ||
      statSync(file).isDirectory()
    ) {
      res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${path}\n`);
      return;
    }
    sendFile(res, file);
  };
}

/** Serves the built viewer (and a trace) on 127.0.0.1; resolves once listening. */
export function startViewServer(options: ServeOptions): Promise<ViewServer> {
  const server = createServer(handler(options));
  return new Promise((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        reject(new Error("the viewer server has no port"));
        return;
      }
      const query = options.tracePath === undefined ? "" : "?trace=trace.ndjson";
      resolvePromise({
        url: `http://127.0.0.1:${address.port}/${query}`,
        port: address.port,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

const usage = `usage: runnel view [<trace.ndjson>] [--port N] [--rebuild]

Serves the trace viewer on 127.0.0.1 and prints its URL; Ctrl-C stops it.
Without a trace, the page opens files by picker or drag-and-drop.
  --port N     listen on port N (default: a free port)
  --rebuild    rebuild the viewer even when viewer/dist is up to date
  --dist DIR   build into and serve from DIR instead of viewer/dist
  build        only build viewer/dist (with the teaching scenarios) and exit
`;

interface ViewArgs {
  readonly trace: string | undefined;
  readonly dist: string;
  readonly port: number;
  readonly rebuild: boolean;
  readonly buildOnly: boolean;
}

function parseArgs(args: readonly string[]): ViewArgs | string {
  let trace: string | undefined;
  let port = 0;
  let rebuild = false;
  let buildOnly = false;
  let dist = defaultOutDir;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--dist") {
      const value = args[++i];
      if (value === undefined || value.startsWith("-")) return "--dist needs a folder";
      dist = resolve(value);
      continue;
    }
    if (arg === "--port") {
      const value = Number(args[++i]);
      if (!Number.isInteger(value) || value < 0 || value > 65535)
        return "--port needs a number 0-65535";
      port = value;
    } else if (arg === "--rebuild") rebuild = true;
    else if (arg === "build") buildOnly = true;
    else if (arg.startsWith("-")) return `unknown option ${arg}`;
    else if (trace === undefined) trace = arg;
    else return "only one trace at a time";
  }
  return { trace, dist, port, rebuild, buildOnly };
}

export async function runView(args: readonly string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(usage);
    return 0;
  }
  const parsed = parseArgs(args);
  if (typeof parsed === "string") {
    process.stderr.write(`runnel view: ${parsed}\n\n${usage}`);
    return 2;
  }
  if (parsed.trace !== undefined && !existsSync(parsed.trace)) {
    process.stderr.write(`runnel view: no such file: ${parsed.trace}\n`);
    return 2;
  }
  if (parsed.buildOnly || parsed.rebuild || viewerIsStale(parsed.dist)) {
    const built = await buildViewer({ outDir: parsed.dist });
    process.stdout.write(`built the viewer into ${built.outDir} in ${Math.round(built.ms)} ms\n`);
    if (parsed.buildOnly) return 0;
  }
  const server = await startViewServer({
    root: parsed.dist,
    ...(parsed.trace === undefined ? {} : { tracePath: resolve(parsed.trace) }),
    port: parsed.port,
  });
  const what = parsed.trace === undefined ? "the viewer" : basename(parsed.trace);
  process.stdout.write(`serving ${what} at ${server.url}\n(Ctrl-C to stop)\n`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      void server.close().then(done);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await runView(process.argv.slice(2));
}
