import { defineConfig } from "vitest/config";

// One suite for CI and the README: `npm test`. Long soaks and benchmarks live outside it.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
