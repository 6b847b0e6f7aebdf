import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two test files at a time: the rehearsals spend much of their time waiting on their child
    // processes and the local servers, so two side by side finish well before one after the other
    // (the default on two cores is one).
    maxWorkers: 2,
    reporters: ["default", "./test/summary-reporter.ts"],
    globalSetup: ["./test/temp-root.ts"],
  },
});
