import type { Command, OptionSpec } from "./command.js";

const HELP_LINE = { flag: "--help, -h", description: "print this help" };

/** Lines of two columns, the first padded to the widest. */
function columns(rows: { flag: string; description: string }[]): string[] {
  const width = Math.max(...rows.map((r) => r.flag.length));
  return rows.map((r) => `  ${r.flag.padEnd(width)}  ${r.description}`);
}

function optionRow(name: string, o: OptionSpec) {
  const notes = [
    ...(o.multiple ? ["repeatable"] : []),
    ...(typeof o.default === "string" ? [`default: ${o.default}`] : []),
  ];
  return {
    flag: o.type === "string" ? `--${name} ${o.value ?? "VALUE"}` : `--${name}`,
    description: `${o.description}${notes.length ? ` (${notes.join("; ")})` : ""}`,
  };
}

/** `release-relay <command> --help`: usage, arguments, options and the example. */
export function commandHelp(command: Command): string {
  const positionals = command.positionals ?? [];
  const args = positionals.map((p) => (p.option ? `[${p.name}]` : p.name));
  const hasOptions = Object.keys(command.options).length > 0;
  return [
    `Usage: release-relay ${[command.name, ...args, ...(hasOptions ? ["[options]"] : [])].join(" ")}`,
    "",
    `${command.summary[0]?.toUpperCase()}${command.summary.slice(1)}.`,
    ...(positionals.length
      ? [
          "",
          "Arguments:",
          ...columns(
            positionals.map((p) => ({
              flag: p.name,
              description: p.option ? `${p.description} (or --${p.option})` : p.description,
            })),
          ),
        ]
      : []),
    "",
    "Options:",
    ...columns([...Object.entries(command.options).map(([n, o]) => optionRow(n, o)), HELP_LINE]),
    "",
    "Example:",
    `  ${command.example}`,
  ].join("\n");
}

/** `release-relay --help`: every command with its line, and how to learn more. */
export function commandList(commands: readonly Command[]): string {
  return [
    "Usage: release-relay <command> [options]",
    "",
    "Commands:",
    ...columns(commands.map((c) => ({ flag: c.name, description: c.summary }))),
    "",
    "Options:",
    ...columns([
      { flag: "--version, -v", description: "print release-relay's version" },
      { flag: "--help, -h", description: "print this list" },
    ]),
    "",
    "Run `release-relay <command> --help` for a command's options and an example.",
  ].join("\n");
}
