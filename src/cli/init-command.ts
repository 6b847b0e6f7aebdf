import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, relative } from "node:path";
import { createInterface } from "node:readline/promises";
import { parseConfig } from "../core/config/parse.js";
import { ReleaseRelayError } from "../core/errors.js";
import { describeIssues } from "../core/inputs/validation-issues.js";
import { initAnswersSchema, renderStarterConfig, setupInstructions } from "../core/setup/init-plan.js";
import { describeTagFilter } from "../core/setup/request-workflow-tags.js";
import { plannedFiles } from "../steps/init-files.js";
import { defineCommand } from "./command-line/command.js";

async function ask(question: string, fallback?: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = (await rl.question(`${question}${fallback ? ` [${fallback}]` : ""}: `)).trim();
    return answer || fallback || "";
  } finally {
    rl.close();
  }
}

/**
 * `release-relay init`: writes release-relay.yml, the workflows and the vendored actions into the
 * given repo checkouts with the project's names, then says which secrets and permissions each repo
 * needs. Interactive on a terminal; `--yes` takes the flags alone. A file that exists with other
 * content is never overwritten without `--force`.
 */
export const initCommand = defineCommand({
  name: "init",
  summary: "write release-relay.yml, the workflows and the vendored actions into your repos",
  options: {
    project: { type: "string", value: "NAME", description: "the project's name, e.g. acme" },
    source: { type: "string", value: "OWNER/REPO", description: "the main repo, where releases are tagged" },
    automation: {
      type: "string",
      value: "OWNER/REPO",
      description: "the automation repo, where releases run",
    },
    bucket: { type: "string", value: "NAME", description: "the S3 bucket releases are published to" },
    downstream: {
      type: "string",
      value: "NAME=OWNER/REPO",
      multiple: true,
      default: [],
      description: "a downstream repo that gets a PR for each release",
    },
    notify: {
      type: "string",
      value: "@USER",
      multiple: true,
      default: [],
      description: "a @user or @org/team the tracking issue mentions",
    },
    "main-dir": { type: "string", value: "DIR", description: "a checkout of the main repo to write into" },
    "automation-dir": {
      type: "string",
      value: "DIR",
      description: "a checkout of the automation repo to write into",
    },
    "downstream-dir": {
      type: "string",
      value: "NAME=DIR",
      multiple: true,
      default: [],
      description: "a checkout of a downstream repo to write into",
    },
    "tag-pattern": {
      type: "string",
      value: "REGEX",
      description:
        "tags.pattern: the release tags, with a (?<version>…) group (default: plain MAJOR.MINOR.PATCH[-rcN]); the main repo's workflow starts on tags matching it",
    },
    yes: { type: "boolean", default: false, description: "ask nothing: take the options alone" },
    force: { type: "boolean", default: false, description: "overwrite files that exist with other content" },
  },
  example:
    "release-relay init --yes --project acme --source acme/acme --automation acme/release-automation --bucket downloads.acme.dev --automation-dir ../release-automation --main-dir .",
  run: async ({ values }, out) => {
    const interactive = !values.yes && process.stdin.isTTY;
    const get = async (key: "project" | "source" | "automation" | "bucket", question: string) =>
      values[key] ?? (interactive ? await ask(question) : undefined);
    const raw = {
      project: await get("project", "Project name (e.g. acme)"),
      source: await get("source", "Main repo (owner/name)"),
      automation: await get("automation", "Automation repo (owner/name)"),
      bucket: await get("bucket", "S3 bucket for releases"),
      downstream: (values.downstream as string[]).map((d) => {
        const [name, repo] = d.split("=");
        return { name, repo };
      }),
      notify: values.notify,
      "tag-pattern": values["tag-pattern"],
    };
    const parsed = initAnswersSchema.safeParse(raw, { reportInput: true });
    if (!parsed.success) {
      throw new ReleaseRelayError(
        "E_INPUT",
        `init needs:\n${describeIssues(parsed.error.issues)
          .map((l) => `  --${l}`)
          .join("\n")}`,
        "pass --project, --source, --automation, --bucket (and --downstream name=owner/repo, --tag-pattern '^v(?<version>\\d+\\.\\d+\\.\\d+)$'), or run it in a terminal",
      );
    }
    const answers = parsed.data;
    parseConfig(renderStarterConfig(answers), "the generated release-relay.yml");
    const downstreamDirs = Object.fromEntries(
      (values["downstream-dir"] as string[]).map((d) => d.split("=") as [string, string]),
    );
    if (!values["main-dir"] && !values["automation-dir"] && Object.keys(downstreamDirs).length === 0) {
      throw new ReleaseRelayError(
        "E_INPUT",
        "init has nowhere to write",
        "pass --automation-dir, --main-dir and/or --downstream-dir name=DIR (checkouts of those repos)",
      );
    }
    const files = await plannedFiles(answers, {
      main: values["main-dir"],
      automation: values["automation-dir"],
      downstream: downstreamDirs,
    });
    const changed: string[] = [];
    for (const [path, content] of files) {
      if (existsSync(path) && (await readFile(path, "utf8")) !== content) changed.push(path);
    }
    if (changed.length > 0 && !values.force) {
      throw new ReleaseRelayError(
        "E_INPUT",
        `these files exist with other content:\n${changed.map((c) => `  ${c}`).join("\n")}`,
        "nothing was written; review them, then rerun with --force to overwrite",
      );
    }
    for (const [path, content] of files) {
      const state = !existsSync(path) ? "created" : changed.includes(path) ? "overwritten" : "unchanged";
      if (state !== "unchanged") {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, content);
      }
      out(`${state.padEnd(11)} ${relative(process.cwd(), path)}`);
    }
    out("");
    if (values["main-dir"]) out(`${describeTagFilter(answers.tagPattern)}\n`);
    out(setupInstructions(answers));
    return 0;
  },
});
