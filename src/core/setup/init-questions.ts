import type { z } from "zod";
import { describeIssues } from "../inputs/validation-issues.js";
import type { RawInitAnswers } from "./init-answers.js";
import { downstreamNameSchema, initAnswersSchema, initDownstreamSchema } from "./init-plan.js";
import { STARTER_DOWNSTREAM_KINDS, starterDownstreamKind } from "./starter-edits.js";

/**
 * What init has been told so far: the answers (the answers file's keys), and the question keys
 * already settled (given by a flag or the file, or answered), which are not asked.
 */
export interface InitDraft {
  readonly raw: RawInitAnswers;
  readonly settled: readonly string[];
}

/** One question: its key (e.g. `bucket`, `downstream[0].kind`, `downstream-dir.hashes`), text and default. */
export interface InitQuestion {
  readonly key: string;
  readonly text: string;
  /** What an empty line answers; absent when an empty line is an answer of its own (or wrong). */
  readonly default?: string;
  /** The draft with this line as the answer, or why the line is refused (then ask again). */
  readonly answer: (line: string) => { draft: InitDraft } | { error: string };
}

interface Downstream {
  name: string;
  repo?: string;
  kind?: string;
}

/** A checkout question answered with this skips the checkout: nothing is written into that repo. */
export const SKIP_ANSWER = "-";

const shape = initAnswersSchema.in.shape;
const repoPart = (repo: unknown) => String(repo ?? "").split("/")[1] ?? "";

/** The draft of what flags and an answers file gave: every key they gave is settled. */
export function startDraft(given: RawInitAnswers): InitDraft {
  const settled = Object.keys(given).filter((k) => k !== "downstream-dir");
  for (const name of Object.keys((given["downstream-dir"] as object | undefined) ?? {}))
    settled.push(`downstream-dir.${name}`);
  return { raw: given, settled };
}

function checked(
  key: string,
  schema: z.ZodType,
  value: unknown,
  apply: (v: unknown) => InitDraft,
): { draft: InitDraft } | { error: string } {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return { draft: apply(result.data) };
  return {
    error: describeIssues(result.error.issues.map((i) => ({ ...i, path: [key, ...i.path] }))).join("\n"),
  };
}

const settle = (d: InitDraft, key: string, raw: RawInitAnswers = d.raw): InitDraft => ({
  raw,
  settled: [...d.settled, key],
});

function topLevel(d: InitDraft, key: keyof typeof shape, text: string, fallback?: string): InitQuestion {
  return {
    key,
    text,
    ...(fallback === undefined ? {} : { default: fallback }),
    answer: (line) => {
      const value = line.trim() || fallback || "";
      return checked(key, shape[key], value, () => settle(d, key, { ...d.raw, [key]: value }));
    },
  };
}

function downstreamQuestion(d: InitDraft): InitQuestion {
  const list = (d.raw.downstream as Downstream[] | undefined) ?? [];
  const i = list.length - 1;
  const last = list[i];
  const replaceLast = (item: Downstream) => ({ ...d.raw, downstream: [...list.slice(0, i), item] });
  if (last && last.repo === undefined) {
    return {
      key: `downstream[${i}].repo`,
      text: `Repo of downstream ${last.name} (owner/name)`,
      answer: (line) =>
        checked(`downstream[${i}].repo`, initDownstreamSchema.shape.repo, line.trim(), (repo) => ({
          ...d,
          raw: replaceLast({ ...last, repo: repo as string }),
        })),
    };
  }
  if (last && last.kind === undefined) {
    const guess = starterDownstreamKind(last.name);
    return {
      key: `downstream[${i}].kind`,
      text: `Kind of downstream ${last.name} (${STARTER_DOWNSTREAM_KINDS.join(", ")}): picks its starter edit`,
      default: guess,
      answer: (line) =>
        checked(`downstream[${i}].kind`, initDownstreamSchema.shape.kind, line.trim() || guess, (kind) => ({
          ...d,
          raw: replaceLast({ ...last, kind: kind as string }),
        })),
    };
  }
  return {
    key: `downstream[${list.length}].name`,
    text: `Downstream repo ${list.length + 1}: its name in release-relay.yml, e.g. hashes (empty when there are no more)`,
    answer: (line) => {
      const name = line.trim();
      if (!name) return { draft: settle(d, "downstream", { ...d.raw, downstream: list }) };
      if (list.some((x) => x.name === name))
        return { error: `downstream[${list.length}].name: ${JSON.stringify(name)} is already a downstream` };
      return checked(`downstream[${list.length}].name`, downstreamNameSchema, name, () => ({
        ...d,
        raw: { ...d.raw, downstream: [...list, { name }] },
      }));
    },
  };
}

function checkoutQuestion(d: InitDraft, key: string, repo: string, fallback: string): InitQuestion {
  const [field, name] = key.split(".") as [string, string | undefined];
  return {
    key,
    text: `Checkout of ${repo} to write into (${SKIP_ANSWER} for none)`,
    default: fallback,
    answer: (line) => {
      const dir = line.trim() || fallback;
      if (dir === SKIP_ANSWER) return { draft: settle(d, key) };
      return checked(key, shape["main-dir"], dir, () => {
        const raw = name
          ? { ...d.raw, [field]: { ...((d.raw[field] as object | undefined) ?? {}), [name]: dir } }
          : { ...d.raw, [field]: dir };
        return settle(d, key, raw);
      });
    },
  };
}

/**
 * The next question init asks, in a fixed order: project, source, automation, bucket, the
 * downstreams (name, repo, kind; an empty name ends them), notify, the tag pattern, then a checkout
 * of each repo to write into. Undefined when everything is settled. The defaults follow from the
 * answers before: the automation repo beside the main one, a kind guessed from the name, checkouts
 * beside the current directory.
 */
export function nextQuestion(d: InitDraft): InitQuestion | undefined {
  const open = (key: string) => !d.settled.includes(key);
  const project = String(d.raw.project ?? "");
  const owner = String(d.raw.source ?? "").split("/")[0];
  if (open("project")) return topLevel(d, "project", "Project name, e.g. acme");
  if (open("source")) return topLevel(d, "source", "Main repo, where releases are tagged (owner/name)");
  if (open("automation"))
    return topLevel(
      d,
      "automation",
      "Automation repo, where releases run (owner/name)",
      owner ? `${owner}/${project}-release` : undefined,
    );
  if (open("bucket")) return topLevel(d, "bucket", "S3 bucket releases are published to");
  if (open("downstream")) return downstreamQuestion(d);
  if (open("notify")) {
    return {
      key: "notify",
      text: "Who the tracking issue mentions: @users or @org/teams, space-separated (empty for none)",
      answer: (line) => {
        const mentions = line.split(/[\s,]+/).filter(Boolean);
        return checked("notify", shape.notify, mentions, () =>
          settle(d, "notify", { ...d.raw, notify: mentions }),
        );
      },
    };
  }
  if (open("tag-pattern")) {
    const fallback = shape["tag-pattern"].parse(undefined);
    return topLevel(d, "tag-pattern", "Release tags: a regex with a (?<version>…) group", fallback);
  }
  if (open("main-dir")) return checkoutQuestion(d, "main-dir", String(d.raw.source), ".");
  if (open("automation-dir"))
    return checkoutQuestion(
      d,
      "automation-dir",
      String(d.raw.automation),
      `../${repoPart(d.raw.automation)}`,
    );
  for (const ds of (d.raw.downstream as Downstream[] | undefined) ?? []) {
    const key = `downstream-dir.${ds.name}`;
    if (open(key)) return checkoutQuestion(d, key, String(ds.repo), `../${repoPart(ds.repo)}`);
  }
  return undefined;
}
