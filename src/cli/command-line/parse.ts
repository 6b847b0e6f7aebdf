import { parseArgs } from "node:util";
import { ReleaseRelayError } from "../../core/errors.js";
import type { Command } from "./command.js";

export type CommandLine =
  | { help: true }
  | { help: false; values: Record<string, unknown>; positionals: string[] };

/**
 * Reads a command's arguments against its table. parseArgs splits them (its lenient mode, so that
 * nothing it says reaches the user); every refusal is this tool's own: an unknown option, a value
 * missing or not expected, an argument too many, one value given two ways.
 */
export function parseCommandLine(command: Command, args: string[]): CommandLine {
  const usage = (message: string) =>
    new ReleaseRelayError(
      "E_USAGE",
      message,
      `run \`release-relay ${command.name} --help\` for its options and an example`,
    );
  const options = Object.fromEntries(
    Object.entries(command.options).map(([name, o]) => [
      name,
      {
        type: o.type,
        ...(o.multiple ? { multiple: true } : {}),
        ...(o.default !== undefined ? { default: o.default } : {}),
      },
    ]),
  );
  const { values, positionals, tokens } = parseArgs({
    args,
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const given = tokens.flatMap((t) => (t.kind === "option" ? [t] : []));
  if (given.some((t) => t.rawName === "--help" || t.rawName === "-h")) return { help: true };
  for (const t of given) {
    const spec = t.rawName.startsWith("--") ? command.options[t.name] : undefined;
    if (!spec) throw usage(`unknown option ${t.rawName}`);
    if (spec.type === "boolean" && t.value !== undefined) throw usage(`${t.rawName} takes no value`);
    if (spec.type === "string" && t.value === undefined) throw usage(`${t.rawName} needs a value`);
    // `--config --yes`: the next word was taken as the value; an option is far likelier meant.
    if (spec.type === "string" && t.inlineValue === false && t.value?.startsWith("-"))
      throw usage(
        `${t.rawName} needs a value (it is followed by ${t.value}; write ${t.rawName}=${t.value} if that is the value)`,
      );
  }
  const declared = command.positionals ?? [];
  if (positionals.length > declared.length) {
    const extra = positionals[declared.length] as string;
    throw usage(
      declared.length === 0
        ? `${command.name} takes no arguments, only options (got ${JSON.stringify(extra)})`
        : `unexpected argument ${JSON.stringify(extra)}: ${command.name} takes ${declared.map((p) => (p.option ? `[${p.name}]` : p.name)).join(" ")}`,
    );
  }
  const plain: string[] = [];
  for (const [i, value] of positionals.entries()) {
    const option = declared[i]?.option;
    if (!option) {
      plain.push(value);
      continue;
    }
    const flagged = given.filter((t) => t.name === option).map((t) => t.value);
    if (flagged.some((v) => v !== value))
      throw usage(`${option} given twice: ${value} and --${option} ${flagged.find((v) => v !== value)}`);
    values[option] = value;
  }
  return { help: false, values, positionals: plain };
}
