import { existsSync, statSync } from "node:fs";
import { relative, resolve } from "node:path";
import { z } from "zod";
import { ReleaseRelayError } from "../../core/errors.js";
import { releaseBranchesFor } from "../../core/request/source-gate.js";
import { parseTag, parseVersion } from "../../core/request/version.js";
import { type ExampleProject, installedByRepo, seedWorld } from "../example-world.js";
import type { GitHubEmulator } from "../github/emulator.js";
import { type CheckoutFiles, readCheckout } from "./checkout-files.js";
import { outOfDateFiles } from "./out-of-date-files.js";
import { rehearsalConfig } from "./own-config.js";
import { uncommittedFiles } from "./uncommitted-files.js";
import { standInWorkflows } from "./workflow-stand-ins.js";

/** What `rehearse --config FILE --repo OWNER/NAME=PATH …` names: the project's config and checkouts. */
export interface OwnProjectSource {
  configFile: string;
  /** `OWNER/NAME=PATH`, as given. */
  repos: string[];
  /** Use release-relay.yml and templates the automation repo's checkout has not committed (--uncommitted). */
  uncommitted?: boolean;
}

/** A maintainer's project ready to rehearse: the world's project, what to say first, and how to seed it. */
export interface OwnProject {
  project: ExampleProject;
  /** One line per thing the rehearsal does differently from GitHub, or could not do. */
  notes: string[];
  /** The version rehearsed when none is given. */
  defaultVersion: string;
  /** The tag a version is pushed as: the first of `1.2.3`, `v1.2.3` that tags.pattern accepts. */
  tagOf(version: string): string;
  /** Creates every repo in the emulator; returns lines for what it had to add. */
  seed(emulator: GitHubEmulator, version: string): Promise<string[]>;
}

const repoArgument = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9._-]+=.+$/, { error: "expected OWNER/NAME=PATH" });

/** `owner/name=path` → the repo as the config spells it and the checkout's absolute path. */
function parseRepoArgument(text: string, named: readonly string[]): { repo: string; dir: string } {
  const parsed = repoArgument.safeParse(text);
  if (!parsed.success)
    throw new ReleaseRelayError(
      "E_INPUT",
      `--repo ${text} is not OWNER/NAME=PATH`,
      "e.g. --repo acme-org/acme-hashes=../acme-hashes",
    );
  const at = text.indexOf("=");
  const name = text.slice(0, at);
  const repo = named.find((r) => r.toLowerCase() === name.toLowerCase());
  if (!repo)
    throw new ReleaseRelayError(
      "E_INPUT",
      `--repo ${name}: release-relay.yml names no such repo (it names ${named.join(", ")})`,
      "correct the OWNER/NAME to one of those, or add the repo to release-relay.yml (source.repo, tracking.repo or a downstream)",
    );
  const dir = resolve(text.slice(at + 1));
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new ReleaseRelayError(
      "E_INPUT",
      `--repo ${name}=${text.slice(at + 1)}: ${dir} is not a directory`,
      "give the path of a checkout (a git working tree or a plain directory) of that repo",
    );
  return { repo, dir };
}

function readRepoCheckout(repo: string, dir: string): CheckoutFiles {
  try {
    return readCheckout(dir);
  } catch (error) {
    throw new ReleaseRelayError(
      "E_INPUT",
      `--repo ${repo}=${dir}: could not read its files (${String(error).split("\n")[0]})`,
      "a git checkout needs at least one commit; or give a plain directory",
    );
  }
}

/**
 * Loads a maintainer's project: validates the config and every `--repo` before anything starts (a
 * refused argument leaves nothing behind), reads each checkout, and stands in for the workflows
 * the local runner cannot run.
 */
export async function loadOwnProject(source: OwnProjectSource): Promise<OwnProject> {
  const configPath = resolve(source.configFile);
  const own = rehearsalConfig(configPath);
  const { config } = own;
  const named = [
    ...new Set([config.source.repo, config.tracking.repo, ...config.downstream.map((d) => d.repo)]),
  ];
  const given = new Map<string, string>();
  for (const text of source.repos) {
    const { repo, dir } = parseRepoArgument(text, named);
    if (given.has(repo))
      throw new ReleaseRelayError("E_INPUT", `--repo ${repo} is given twice`, "give each repo once");
    given.set(repo, dir);
  }
  const project: ExampleProject = {
    config,
    configText: own.configText,
    automationRepo: config.tracking.repo,
    downstreamRepos: config.downstream.map((d) => d.repo),
    skippedTargets: own.skippedTargets,
  };
  const notes = [`config: ${configPath}`, ...own.notes];
  const installed = await installedByRepo(project);
  const files = new Map<string, Record<string, Buffer | string>>();
  const checkouts = new Map<string, CheckoutFiles>();
  for (const repo of named) {
    const init = installed.get(repo) ?? {};
    const dir = given.get(repo);
    if (!dir) {
      const kind =
        repo === config.source.repo
          ? "it starts with only what init installs, so the build has no sources"
          : repo === config.tracking.repo
            ? "it starts with what init installs, the config and its templates"
            : "it starts empty, so its edits may fail";
      notes.push(`${repo}: no --repo given; ${kind} (pass --repo ${repo}=../${repo.split("/")[1]})`);
      files.set(repo, {});
      continue;
    }
    const checkout = readRepoCheckout(repo, dir);
    checkouts.set(repo, checkout);
    const readsConfig = repo === config.tracking.repo && !relative(dir, configPath).startsWith("..");
    notes.push(
      `${repo}: from ${dir}: ${checkout.how}${readsConfig && checkout.head ? "; release-relay.yml and its templates are read as they are on disk" : ""}`,
    );
    if (readsConfig)
      notes.push(
        ...uncommittedFiles(
          { repo, dir, checkout },
          configPath,
          Object.keys(own.templates),
          source.uncommitted === true,
        ),
      );
    // The config is the project's own, whatever init's starter holds.
    const added = Object.keys(init).filter(
      (p) => checkout.files[p] === undefined && p !== "release-relay.yml",
    );
    const differing = await outOfDateFiles(init, checkout.files);
    if (added.length > 0)
      notes.push(
        `${repo}: ${added.length} file(s) init installs added, missing from the checkout (${added.slice(0, 3).join(", ")}${added.length > 3 ? ", …" : ""})`,
      );
    if (differing.length > 0)
      notes.push(
        `${repo}: ${differing.join(", ")} ${differing.length === 1 ? "differs" : "differ"} from what this version's init installs and ${differing.length === 1 ? "is" : "are"} used as ${differing.length === 1 ? "it is" : "they are"}; \`release-relay upgrade\` would bring ${differing.length === 1 ? "it" : "them"} to this version`,
      );
    const standIns = await standInWorkflows(repo, { ...init, ...checkout.files }, new Set(Object.keys(init)));
    notes.push(...standIns.notes);
    files.set(repo, standIns.files);
  }
  const tagOf = (version: string): string => {
    for (const tag of [version, `v${version}`]) {
      try {
        parseTag(tag, config.tags.pattern);
        return tag;
      } catch {}
    }
    throw new ReleaseRelayError(
      "E_INPUT",
      `neither ${version} nor v${version} matches tags.pattern ${config.tags.pattern}`,
      "give --version a version whose tag the pattern accepts",
    );
  };
  return {
    project,
    notes,
    defaultVersion: "0.1.0",
    tagOf,
    seed: async (emulator, version) => {
      await seedWorld(emulator, project, {
        files: (repo) => files.get(repo) ?? {},
        automationFiles: own.templates,
        defaultBranch: (repo) => checkouts.get(repo)?.branch,
        executables: (repo) => checkouts.get(repo)?.executables ?? [],
        ownCopiesWin: true,
      });
      return releaseBranches(emulator, config.source.repo, config.source.releaseBranches, version);
    },
  };
}

/**
 * The source gate wants the tagged commit on a release branch (`{line}` → 1.2): each one the
 * checkout did not have is created at the default branch's head, as a maintainer would before tagging.
 */
async function releaseBranches(
  emulator: GitHubEmulator,
  repo: string,
  patterns: readonly string[] | undefined,
  version: string,
): Promise<string[]> {
  if (!patterns) return [];
  const git = emulator.git(repo);
  const defaultBranch = emulator.state.repos[repo.toLowerCase()]?.defaultBranch ?? "main";
  const head = (await git.readRef(`refs/heads/${defaultBranch}`)) as string;
  const wanted = releaseBranchesFor(patterns, parseVersion(version)).filter((b) => !/[*?[]/.test(b));
  if (wanted.includes(defaultBranch)) return [];
  const created: string[] = [];
  for (const branch of wanted)
    if (
      (await git.readRef(`refs/heads/${branch}`)) === undefined &&
      (await git.casRef(`refs/heads/${branch}`, head, ""))
    )
      created.push(branch);
  return created.length > 0
    ? [
        `${repo}: branch ${created.join(", ")} created at ${defaultBranch}'s head: source.release-branches names it for ${version}`,
      ]
    : [];
}
