import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // The unit project's pool (see there). The worlds' two forks each run their files one after
    // another in one process, so src and the test support load once per fork, not once per file
    // (69 s of collecting on 2 cores, 34 s so). Each file starts its own emulator, local S3 and
    // temporary directories, and puts back each environment variable it sets (test/support/process-env.ts).
    poolOptions: { threads: { isolate: false }, forks: { isolate: false } },
    // Two test files at a time: the rehearsals spend much of their time waiting on their child
    // processes and the local servers, so two side by side finish well before one after the other
    // (the default on two cores is one).
    maxWorkers: 2,
    reporters: ["default", "./test/summary-reporter.ts"],
    globalSetup: ["./test/temp-root.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          // src/core is pure: its tests share one module graph in worker threads instead of loading
          // it again in a process per file (22 s of the suite's time on 2 cores, 6 s shared).
          pool: "threads",
        },
      },
      {
        extends: true,
        test: {
          name: "worlds",
          include: ["test/**/*.test.ts"],
          exclude: ["test/unit/**"],
        },
      },
    ],
  },
});
