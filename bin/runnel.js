#!/usr/bin/env node
// The `runnel` command: runs the CLI as a cached esbuild bundle (bin/bundle.js), the way a release
// ships it; RUNNEL_TSX=1 runs the TypeScript sources through tsx instead (stack traces then name
// source lines, at some cost in speed).
if (process.env.RUNNEL_TSX === "1") {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../runtime/cli.ts");
} else {
  const { runBundled, simulatorNodeFlags } = await import("./bundle.js");
  await runBundled("runtime/cli.ts", process.argv[2] === "sim" ? simulatorNodeFlags : []);
}
