import { type ParseArgsConfig, parseArgs } from "node:util";
import { ReleaseRelayError } from "../core/errors.js";

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
