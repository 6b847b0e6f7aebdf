import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { fileURLToPath } from "node:url";
import { parseConfig } from "../core/config-parse.js";
import { ReleaseRelayError } from "../core/errors.js";
import {
  type InitAnswers,
  initAnswersSchema,
  renderStarterConfig,
  setupInstructions,
} from "../core/init-plan.js";
import { describeIssues } from "../core/validation-issues.js";
import { parseFlags } from "./cli-args.js";
import type { Command } from "./main.js";

// The package's own files: templates, action metadata and bundles, vendored into the user's repos.
const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Every file init writes, by destination path, with its content. */
async function plannedFiles(
  a: InitAnswers,
  dirs: { main?: string; automation?: string; downstream: Record<string, string> },
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const copy = async (from: string, to: string) =>
    out.set(to, await readFile(join(packageRoot, from), "utf8"));
  // Vendored bundles are ES modules: a package.json beside them says so, whatever the repo's own says.
  const esm = `${JSON.stringify({ type: "module", private: true }, null, 2)}\n`;
  if (dirs.automation) {
    const d = dirs.automation;
    out.set(join(d, "release-relay.yml"), renderStarterConfig(a));
    await copy("workflows-templates/automation/release.yml", join(d, ".github/workflows/release.yml"));
    await copy("workflows-templates/automation/status.yml", join(d, ".github/workflows/status.yml"));
    for (const name of [
      "build-matrix",
      "compute-hashes",
      "sign-upload",
      "open-downstream-prs",
      "track-status",
    ]) {
      await copy(`actions/${name}/action.yml`, join(d, "actions", name, "action.yml"));
      await copy(`dist/${name}/index.js`, join(d, "dist", name, "index.js"));
    }
    out.set(join(d, "dist", "package.json"), esm);
  }
  if (dirs.main) {
    await copy(
      "workflows-templates/main-repo/release.yml",
      join(dirs.main, ".github/workflows/release-relay.yml"),
    );
    await copy("action.yml", join(dirs.main, ".github/release-relay/action.yml"));
    await copy("dist/trigger/index.js", join(dirs.main, ".github/release-relay/dist/trigger/index.js"));
    out.set(join(dirs.main, ".github/release-relay/package.json"), esm);
  }
  for (const [name, dir] of Object.entries(dirs.downstream)) {
    if (!a.downstream.some((d) => d.name === name))
      throw new ReleaseRelayError(
        "E_INPUT",
        `--downstream-dir ${name}=… names no downstream`,
        "give --downstream name=owner/repo first",
      );
    await copy(
      "workflows-templates/downstream/report-status.yml",
      join(dir, ".github/workflows/release-relay-report-status.yml"),
    );
  }
  return out;
}

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
export const initCommand: Command = async (args, out) => {
  const { values } = parseFlags(
    args,
    {
      project: { type: "string" },
      source: { type: "string" },
      automation: { type: "string" },
      bucket: { type: "string" },
      downstream: { type: "string", multiple: true, default: [] },
      notify: { type: "string", multiple: true, default: [] },
      "main-dir": { type: "string" },
      "automation-dir": { type: "string" },
      "downstream-dir": { type: "string", multiple: true, default: [] },
      yes: { type: "boolean", default: false },
      force: { type: "boolean", default: false },
    },
    "init",
  );
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
  };
  const parsed = initAnswersSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    throw new ReleaseRelayError(
      "E_INPUT",
      `init needs:\n${describeIssues(parsed.error.issues)
        .map((l) => `  --${l}`)
        .join("\n")}`,
      "pass --project, --source, --automation, --bucket (and --downstream name=owner/repo), or run it in a terminal",
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
  out(setupInstructions(answers));
  return 0;
};
