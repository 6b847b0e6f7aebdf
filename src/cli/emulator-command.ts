import { ReleaseRelayError } from "../core/errors.js";
import { GitHubEmulator } from "../rehearsal/github/emulator.js";
import { ALL_PERMISSIONS } from "../rehearsal/github/permissions.js";
import { defineCommand } from "./command-line/command.js";

/**
 * `release-relay github-emulator --repo owner/name… --token T [--dir DIR]`: serves the local GitHub
 * REST emulator on 127.0.0.1 until stdin closes or SIGTERM; prints `{"url": …}` once ready.
 * The token may do everything in every repo; repos start with a README on `main`.
 */
export const emulatorCommand = defineCommand({
  name: "github-emulator",
  summary: "serve the local GitHub REST emulator on 127.0.0.1",
  options: {
    repo: {
      type: "string",
      value: "OWNER/NAME",
      multiple: true,
      default: [],
      description: "a repo to create, with a README on main",
    },
    token: { type: "string", value: "TOKEN", description: "the token clients send (required)" },
    dir: {
      type: "string",
      value: "DIR",
      description: "where the repos' git data is kept (else a temporary one)",
    },
  },
  example: "release-relay github-emulator --token local --repo acme/acme --repo acme/release-automation",
  run: async ({ values }, out) => {
    if (!values.token)
      throw new ReleaseRelayError(
        "E_INPUT",
        "--token is required",
        "pass the token clients will send, e.g. --token local",
      );
    const emulator = new GitHubEmulator(values.dir ? { dir: values.dir } : {});
    const url = await emulator.start();
    emulator.addToken(values.token, { login: "release-relay-local[bot]", repos: { "*": ALL_PERMISSIONS } });
    for (const repo of values.repo as string[]) await emulator.createRepo(repo);
    out(JSON.stringify({ url, repos: values.repo }));
    await new Promise<void>((resolve) => {
      process.once("SIGTERM", resolve);
      process.once("SIGINT", resolve);
      process.stdin.once("end", resolve);
      process.stdin.resume();
    });
    await emulator.stop();
    return 0;
  },
});
