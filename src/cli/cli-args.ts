import { type ParseArgsConfig, parseArgs } from "node:util";
import { ReleaseRelayError } from "../core/errors.js";

/** A CLI command: parses its own arguments, prints its result, returns the exit code. */
export type Command = (args: string[], out: (text: string) => void) => Promise<number>;

/** Parses a command's flags; an unknown flag is an error that lists the known ones. */
export function parseFlags<O extends NonNullable<ParseArgsConfig["options"]>>(
  args: string[],
  options: O,
  command: string,
) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new ReleaseRelayError(
      "E_INPUT",
      (error as Error).message,
      `options of ${command}: ${Object.keys(options)
        .map((o) => `--${o}`)
        .join(", ")}`,
    );
  }
}

/** The GitHub token and API address a command that calls GitHub uses: GITHUB_TOKEN (or GH_TOKEN), --api-url or GITHUB_API_URL. */
export function githubAccess(
  apiUrlFlag: string | undefined,
  tokenHint: string,
): { token: string; apiUrl: string } {
  const token = process.env.GITHUB_TOKEN ?? process.env.GH_TOKEN;
  if (!token) throw new ReleaseRelayError("E_INPUT", "no token in GITHUB_TOKEN (or GH_TOKEN)", tokenHint);
  return { token, apiUrl: apiUrlFlag ?? process.env.GITHUB_API_URL ?? "https://api.github.com" };
}
