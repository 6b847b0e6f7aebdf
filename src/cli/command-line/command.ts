import type { parseArgs } from "node:util";

/** One option of a command: what parsing needs and what `--help` says of it, in one place. */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly description: string;
  /** The value's name in `--help` (e.g. FILE); VALUE when absent. */
  readonly value?: string;
  readonly multiple?: boolean;
  readonly default?: string | boolean | string[];
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

/**
 * A positional argument. One that stands for an option (`validate typo.yml` is `validate --config
 * typo.yml`) is put in that option's value; the others are handed on in order.
 */
export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
  readonly option?: string;
}

// The values a strict parse of these options gives: typed by the table, as parseArgs types them.
type ParsedValues<O extends OptionTable> = ReturnType<
  typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>
>["values"];

export interface CommandInput<O extends OptionTable> {
  values: ParsedValues<O>;
  /** The positional arguments that do not stand for an option, in order. */
  positionals: string[];
}

/** A `release-relay` command: its options, arguments and example (its `--help`), and what it does. */
export interface CommandSpec<O extends OptionTable> {
  readonly name: string;
  readonly summary: string;
  readonly positionals?: readonly PositionalSpec[];
  readonly options: O;
  /** One whole command line, shown by `--help`. */
  readonly example: string;
  /** Runs with the parsed arguments; prints its result and returns the exit code. */
  readonly run: (input: CommandInput<O>, out: (text: string) => void) => Promise<number>;
}

/** A command as the command table holds it, its option types forgotten. */
export type Command = Omit<CommandSpec<OptionTable>, "run"> & {
  readonly run: (
    input: { values: Record<string, unknown>; positionals: string[] },
    out: (text: string) => void,
  ) => Promise<number>;
};

/** Declares a command; its values are typed from its own option table. */
export function defineCommand<const O extends OptionTable>(spec: CommandSpec<O>): Command {
  return spec as unknown as Command;
}
