import { parse } from "yaml";
import { ReleaseRelayError } from "../errors.js";
import { describeIssues } from "../inputs/validation-issues.js";
import { type InitAnswers, initAnswersSchema, initDownstreamSchema } from "./init-plan.js";

/**
 * Init's answers as given, before validation: the answers file's keys (kebab-case, as the flags),
 * each present only if given.
 */
export type RawInitAnswers = Record<string, unknown>;

/** The flags of `release-relay init` that carry answers, as parseArgs gives them. */
export interface InitAnswerFlags {
  project?: string | undefined;
  source?: string | undefined;
  automation?: string | undefined;
  bucket?: string | undefined;
  downstream?: string[] | undefined;
  notify?: string[] | undefined;
  "tag-pattern"?: string | undefined;
  "main-dir"?: string | undefined;
  "automation-dir"?: string | undefined;
  "downstream-dir"?: string[] | undefined;
}

/** The keys an answers file may hold: the flags' names. */
export const INIT_ANSWER_KEYS = Object.keys(initAnswersSchema.in.shape);
const DOWNSTREAM_KEYS = Object.keys(initDownstreamSchema.shape);

function split(flag: string, value: string, form: string): [string, string] {
  const at = value.indexOf("=");
  if (at <= 0) {
    throw new ReleaseRelayError(
      "E_INPUT",
      `--${flag} ${JSON.stringify(value)}: expected ${form}`,
      `e.g. --${flag} ${form === "NAME=DIR" ? "hashes=../acme-hashes" : "hashes=acme-org/acme-hashes:hashes"}`,
    );
  }
  return [value.slice(0, at), value.slice(at + 1)];
}

/**
 * `--downstream NAME=OWNER/REPO[:KIND]`: a repo name holds no colon, so a colon after it starts the
 * kind (hashes, container, website, other); without one the kind is guessed from the name.
 */
export function downstreamFromFlag(value: string): RawInitAnswers {
  const [name, rest] = split("downstream", value, "NAME=OWNER/REPO[:KIND]");
  const colon = rest.indexOf(":");
  return colon < 0 ? { name, repo: rest } : { name, repo: rest.slice(0, colon), kind: rest.slice(colon + 1) };
}

/** The answers the flags give, each key only if its flag was given. */
export function answersFromFlags(flags: InitAnswerFlags): RawInitAnswers {
  const raw: RawInitAnswers = {};
  for (const key of [
    "project",
    "source",
    "automation",
    "bucket",
    "tag-pattern",
    "main-dir",
    "automation-dir",
  ] as const)
    if (flags[key] !== undefined) raw[key] = flags[key];
  if (flags.downstream?.length) raw.downstream = flags.downstream.map(downstreamFromFlag);
  if (flags.notify?.length) raw.notify = flags.notify;
  if (flags["downstream-dir"]?.length)
    raw["downstream-dir"] = Object.fromEntries(
      flags["downstream-dir"].map((d) => split("downstream-dir", d, "NAME=DIR")),
    );
  return raw;
}

/**
 * An answers file (`init --answers FILE`, YAML or JSON) with the flags' keys. Refused with every
 * problem, each naming its key and the file: an unknown key (with the nearest known one), a value of
 * the wrong type. Missing keys are fine here: flags or questions may give them.
 */
export function parseAnswersFile(text: string, file: string): RawInitAnswers {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new ReleaseRelayError(
      "E_INPUT",
      `${file} is not YAML or JSON: ${(error as Error).message.split("\n")[0]}`,
      "write the answers as a YAML mapping, e.g. project: acme",
    );
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new ReleaseRelayError(
      "E_INPUT",
      `${file} holds no mapping of answers`,
      `write its keys as in init's flags: ${INIT_ANSWER_KEYS.join(", ")}`,
    );
  }
  const checked = initAnswersSchema.in.partial().safeParse(doc, { reportInput: true });
  if (!checked.success) {
    const lines = describeIssues(checked.error.issues, (path) =>
      path.length === 0 ? INIT_ANSWER_KEYS : path[0] === "downstream" ? DOWNSTREAM_KEYS : [],
    ).flatMap((l) => l.split("\n"));
    throw new ReleaseRelayError(
      "E_INPUT",
      lines.map((l) => `${file}: ${l.replace(/^\(top level\): /, "")}`).join("\n"),
      `fix these keys in ${file}; its keys are init's flags: ${INIT_ANSWER_KEYS.join(", ")}`,
    );
  }
  return doc as RawInitAnswers;
}

/** The file's answers with the flags' over them, key by key (a checkout directory name by name). */
export function mergeAnswers(file: RawInitAnswers, flags: RawInitAnswers): RawInitAnswers {
  const merged = { ...file, ...flags };
  if (file["downstream-dir"] && flags["downstream-dir"])
    merged["downstream-dir"] = {
      ...(file["downstream-dir"] as object),
      ...(flags["downstream-dir"] as object),
    };
  return merged;
}

/** The answers, whole and valid; every problem at once, by flag, with how to give it. */
export function validateAnswers(raw: RawInitAnswers): InitAnswers {
  const parsed = initAnswersSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    throw new ReleaseRelayError(
      "E_INPUT",
      `init needs:\n${describeIssues(parsed.error.issues)
        .map((l) => `  --${l}`)
        .join("\n")}`,
      "pass --project, --source, --automation, --bucket (and --downstream name=owner/repo[:kind], --tag-pattern '^v(?<version>\\d+\\.\\d+\\.\\d+)$') or --answers FILE, or answer init's questions (in a terminal, or with --interactive)",
    );
  }
  const a = parsed.data;
  const unknown = Object.keys(a.downstreamDir ?? {}).filter((n) => !a.downstream.some((d) => d.name === n));
  if (unknown.length > 0) {
    throw new ReleaseRelayError(
      "E_INPUT",
      `--downstream-dir ${unknown.join(", ")}: names no downstream`,
      `give the downstream first (--downstream ${unknown[0]}=owner/repo), or name one of: ${a.downstream.map((d) => d.name).join(", ") || "(none given)"}`,
    );
  }
  return a;
}
