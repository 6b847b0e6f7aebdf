import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, relative } from "node:path";
import { parseConfig } from "../core/config/parse.js";
import { ReleaseRelayError } from "../core/errors.js";
import { answersFromFlags, mergeAnswers, validateAnswers } from "../core/setup/init-answers.js";
import { renderStarterConfig } from "../core/setup/init-plan.js";
import { startDraft } from "../core/setup/init-questions.js";
import { describeTagFilter } from "../core/setup/request-workflow-tags.js";
import { setupInstructions } from "../core/setup/setup-instructions.js";
import { detectDownstreamCi, readAnswersFile } from "../steps/init-answers.js";
import { plannedFiles } from "../steps/init-files.js";
import { askQuestions } from "./command-line/ask-questions.js";
import { defineCommand } from "./command-line/command.js";

/**
 * `release-relay init`: writes release-relay.yml, the workflows and the vendored actions into the
 * given repo checkouts with the project's names, then says which secrets and permissions each repo
 * needs. Answers come from the flags, over an answers file (`--answers`); what they leave open is
 * asked on a terminal (or on any stdin with `--interactive`); `--yes` asks nothing. A file that
 * exists with other content is never overwritten without `--force`.
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
      value: "NAME=OWNER/REPO[:KIND]",
      multiple: true,
      default: [],
      description:
        "a downstream repo that gets a PR for each release; KIND (hashes, container, website, other) picks its starter edit, guessed from NAME when left out",
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
      description:
        "a checkout of a downstream repo to write into; the names of its workflows that run on pull_request go into its report-status workflow",
    },
    "tag-pattern": {
      type: "string",
      value: "REGEX",
      description:
        "tags.pattern: the release tags, with a (?<version>…) group (default: plain MAJOR.MINOR.PATCH[-rcN]); the main repo's workflow starts on tags matching it",
    },
    answers: {
      type: "string",
      value: "FILE",
      description:
        "a YAML or JSON file of answers with the options' names as keys (downstream: [{name, repo, kind}], downstream-dir: {NAME: DIR}); options given too win",
    },
    yes: {
      type: "boolean",
      default: false,
      description: "ask nothing: take the options (and --answers) alone",
    },
    interactive: {
      type: "boolean",
      default: false,
      description:
        "ask what the options leave open even when stdin is not a terminal, one answer per line (e.g. piped); without it, init asks only on a terminal and never with --answers",
    },
    force: { type: "boolean", default: false, description: "overwrite files that exist with other content" },
  },
  example:
    "release-relay init --yes --project acme --source acme/acme --automation acme/release-automation --bucket downloads.acme.dev --automation-dir ../release-automation --main-dir .",
  run: async ({ values }, out) => {
    if (values.yes && values.interactive) {
      throw new ReleaseRelayError("E_USAGE", "--yes asks nothing and --interactive asks", "pass one of them");
    }
    const given = mergeAnswers(
      values.answers ? await readAnswersFile(values.answers) : {},
      answersFromFlags(values),
    );
    const asking = values.interactive || (!values.yes && !values.answers && process.stdin.isTTY === true);
    const answers = validateAnswers(asking ? (await askQuestions(startDraft(given))).raw : given);
    parseConfig(renderStarterConfig(answers), "the generated release-relay.yml");
    if (!answers.mainDir && !answers.automationDir && Object.keys(answers.downstreamDir ?? {}).length === 0) {
      throw new ReleaseRelayError(
        "E_INPUT",
        "init has nowhere to write",
        "pass --automation-dir, --main-dir and/or --downstream-dir name=DIR (checkouts of those repos)",
      );
    }
    const files = await plannedFiles(answers, {
      main: answers.mainDir,
      automation: answers.automationDir,
      downstream: answers.downstreamDir ?? {},
    });
    const ci = await detectDownstreamCi(answers, files);
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
    if (answers.mainDir) out(`${describeTagFilter(answers.tagPattern)}\n`);
    out(setupInstructions(answers, ci));
    return 0;
  },
});
