import { defineConfig } from "vitest/config";

// One suite for CI and the README: `npm test`. Long soaks and benchmarks live outside it.
// CI sets RUNNEL_TEST_REPORT to also write a JSON report it summarises as "N passed, N failed".
const report = process.env.RUNNEL_TEST_REPORT;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    reporters: report === undefined ? ["default"] : ["default", "json"],
    ...(report === undefined ? {} : { outputFile: { json: report } }),
  },
});
