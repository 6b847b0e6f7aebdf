#!/usr/bin/env node
// A closed pipe (`release-relay status 8.0.2 | head`) ends the output, not the program with a trace.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});
await import("../dist/cli/index.js");
