import { packageVersion } from "../adapters/package-files.js";
import { describeError, ReleaseRelayError } from "../core/errors.js";
import type { Command } from "./command-line/command.js";
import { commandHelp, commandList } from "./command-line/help.js";
import { parseCommandLine } from "./command-line/parse.js";
import { doctorCommand } from "./doctor-command.js";
import { editCommand } from "./edit-command.js";
import { emulatorCommand } from "./emulator-command.js";
import { initCommand } from "./init-command.js";
import { localS3Command } from "./local-s3-command.js";
import { planCommand } from "./plan-command.js";
import { rehearseCommand } from "./rehearse-command.js";
import { schemaCommand } from "./schema-command.js";
import { statusCommand } from "./status-command.js";
import { upgradeCommand } from "./upgrade-command.js";
import { validateCommand } from "./validate-command.js";
import { verifyCommand } from "./verify-command.js";
import { yankCommand } from "./yank-command.js";

/** Every command, in the order `release-relay --help` lists them. */
export const COMMANDS: readonly Command[] = [
  initCommand,
  upgradeCommand,
  doctorCommand,
  validateCommand,
  planCommand,
  editCommand,
  rehearseCommand,
  statusCommand,
  yankCommand,
  verifyCommand,
  schemaCommand,
  emulatorCommand,
  localS3Command,
];

// A wrong invocation exits 2, as with most command-line tools; a failure of the work itself exits 1.
const USAGE_EXIT = 2;

/** Runs the CLI; errors are caught here, once, and become the exit code with the message and the fix. */
export async function runCli(
  argv: string[],
  out: (text: string) => void = (t) => process.stdout.write(`${t}\n`),
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--version" || name === "-v") {
    out(await packageVersion());
    return 0;
  }
  if (name === "help" || name === "--help" || name === "-h") {
    out(commandList(COMMANDS));
    return 0;
  }
  if (name === undefined) {
    process.stderr.write(`${commandList(COMMANDS)}\n`);
    return USAGE_EXIT;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(
      `release-relay: ${new ReleaseRelayError(
        "E_USAGE",
        `${name.startsWith("-") ? "unknown option" : "unknown command"} ${name}`,
        "run `release-relay --help` for the commands",
      ).describe()}\n`,
    );
    return USAGE_EXIT;
  }
  try {
    const line = parseCommandLine(command, rest);
    if (line.help) {
      out(commandHelp(command));
      return 0;
    }
    return await command.run(line, out);
  } catch (error) {
    process.stderr.write(`release-relay ${name}: ${describeError(error)}\n`);
    return error instanceof ReleaseRelayError && error.code === "E_USAGE" ? USAGE_EXIT : 1;
  }
}
