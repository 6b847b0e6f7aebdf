import { ReleaseRelayError } from "../core/errors.js";
import { GitHubEmulator } from "../rehearsal/github/emulator.js";
import { ALL_PERMISSIONS } from "../rehearsal/github/permissions.js";
import type { Command } from "./cli-args.js";
import { parseFlags } from "./cli-args.js";

/**
 * `release-relay github-emulator --repo owner/name… --token T [--dir DIR]`: serves the local GitHub
 * REST emulator on 127.0.0.1 until stdin closes or SIGTERM; prints `{"url": …}` once ready.
 * The token may do everything in every repo; repos start with a README on `main`.
 */
export const emulatorCommand: Command = async (args, out) => {
  const { values } = parseFlags(
    args,
    {
      repo: { type: "string", multiple: true, default: [] },
      token: { type: "string" },
      dir: { type: "string" },
    },
    "github-emulator",
  );
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
};
