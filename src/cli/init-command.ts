import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { packagePin } from "../adapters/actions-pin.js";
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
 * `release-relay init`: writes release-relay.yml and the workflows (which pin release-relay's actions
 * by commit, or with `--vendor` the copies beside them) into the given repo checkouts with the project's names, then says which secrets and permissions each repo
 * needs. Answers come from the flags, over an answers file (`--answers`); what they leave open is
 * asked on a terminal (or on any stdin with `--interactive`); `--yes` asks nothing. A file that
 * exists with other content is never overwritten without `--force`.
 */
export const initCommand = defineCommand({
  name: "init",
  summary: "write release-relay.yml and the workflows (pinning release-relay's actions) into your repos",
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
    vendor: {
      type: "boolean",
      default: false,
      description:
        "copy release-relay's actions into the repos (actions/, dist/, .github/release-relay/) instead of pinning them by commit: for GitHub Enterprise Server without access to github.com actions",
    },
    "actions-ref": {
      type: "string",
      value: "OWNER/REPO@SHA",
      description:
        "the actions repo and full commit SHA the workflows pin (default: the commit this package was made from)",
    },
    force: {
      type: "boolean",
      default: false,
      description:
        "overwrite files that exist with other content (never release-relay.yml: that one is kept)",
    },
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
    const pin = values.vendor ? undefined : await packagePin(values["actions-ref"]);
    const files = await plannedFiles(
      answers,
      { main: answers.mainDir, automation: answers.automationDir, downstream: answers.downstreamDir ?? {} },
      pin ? { layout: "pinned", pin: pin.pin } : { layout: "vendored" },
    );
    const ci = await detectDownstreamCi(answers, files);
    const changed: string[] = [];
    const kept: string[] = [];
    for (const [path, content] of files) {
      if (!existsSync(path) || (await readFile(path, "utf8")) === content) continue;
      // The project's own config: init writes a starter, and never over the one a project wrote.
      if (answers.automationDir && resolve(path) === resolve(answers.automationDir, "release-relay.yml"))
        kept.push(path);
      else changed.push(path);
    }
    if (changed.length > 0 && !values.force) {
      throw new ReleaseRelayError(
        "E_INPUT",
        `these files exist with other content:\n${changed.map((c) => `  ${c}`).join("\n")}`,
        "nothing was written. To bring repos set up by an earlier version to this one, run `release-relay upgrade` (it shows the diff and never touches release-relay.yml); --force overwrites these files",
      );
    }
    for (const [path, content] of files) {
      if (kept.includes(path)) {
        out(`${"kept".padEnd(11)} ${relative(process.cwd(), path)} (yours: init never overwrites it)`);
        continue;
      }
      const state = !existsSync(path) ? "created" : changed.includes(path) ? "overwritten" : "unchanged";
      if (state !== "unchanged") {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, content);
      }
      out(`${state.padEnd(11)} ${relative(process.cwd(), path)}`);
    }
    out("");
    out(
      pin
        ? `The workflows use release-relay's actions from ${pin.pin.repo}@${pin.pin.sha} (v${pin.pin.version}; from the ${pin.source}): Dependabot or Renovate can bump the pin, \`release-relay upgrade\` rewrites it.${pin.caveat ? `\nwarning: ${pin.caveat}` : ""}\n`
        : "release-relay's actions are vendored into the repos (--vendor): `release-relay upgrade` replaces them with the next version's.\n",
    );
    if (answers.mainDir) out(`${describeTagFilter(answers.tagPattern)}\n`);
    out(setupInstructions(answers, ci, pin?.pin));
    return 0;
  },
});
