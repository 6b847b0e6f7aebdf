// The doctor's check of what init installed: each repo's files against this version's, read from one
// tree per repo (blob ids), plus the text of any workflow whose blob is not this version's exactly.
import { blobSha } from "../adapters/downstream/pull-request.js";
import type { GitHubClient } from "../adapters/github/client.js";
import { readBlobText } from "../adapters/github/repo-files.js";
import { readRepoTree } from "../adapters/github/repo-tree.js";
import { installedFileShas } from "../adapters/package-files.js";
import type { Config } from "../core/config/schema.js";
import { type ActionsPin, type PinnedUse, pinnedUses } from "../core/install/action-pins.js";
import { comparableWorkflow, neutralPin } from "../core/install/comparable-workflow.js";
import { pinFinding } from "../core/install/installed-pins.js";
import { type DoctorFinding, installedFilesFinding } from "../core/setup/doctor.js";
import {
  INSTALLED_FILES,
  type InstalledFile,
  installedFilesByRepo,
  isInstalledWorkflow,
  REQUEST_WORKFLOW_PATH,
} from "../core/setup/installed-files.js";
import { tagFilterFinding } from "../core/setup/request-workflow-tags.js";
import { installedText } from "./init-files.js";

/** What the check needs besides the config. */
export interface InstalledFilesCheck {
  clientOf: (repo: string) => GitHubClient;
  defaultBranches: ReadonlyMap<string, string>;
  /** "fail" everywhere, or only in the automation repo (the release gate). */
  strictIn: "all" | "automation";
  /** release-relay's actions repo, as workflows name it when pinned. */
  actionsRepo: string | undefined;
  version: string;
  /** The pin this doctor itself runs from, when known: a workflow with exactly it is not read. */
  ownPin?: ActionsPin | undefined;
}

/** The doctor's findings about the files init installed in every repo the config names. */
export async function installedFileFindings(
  config: Config,
  c: InstalledFilesCheck,
): Promise<DoctorFinding[]> {
  const findings: DoctorFinding[] = [];
  const shas = await installedFileShas(INSTALLED_FILES);
  const neutral = c.actionsRepo ? neutralPin(c.actionsRepo, c.version) : undefined;
  for (const [repo, files] of installedFilesByRepo(config, (f) => f)) {
    const branch = c.defaultBranches.get(repo);
    // A repo whose token is missing has no branch here: it was reported before.
    const actual = branch && (await readRepoTree(c.clientOf(repo), repo, branch));
    // A repo that cannot be read is already reported by the checks before.
    if (!actual) continue;
    const strict = c.strictIn === "all" || repo === config.tracking.repo;
    const vendored = [...files.values()].some((f) => f.vendored && actual.has(f.path));
    const pinned = !vendored && neutral !== undefined;
    const asInstalled = (file: InstalledFile, pin: ActionsPin | undefined) =>
      installedText(
        file,
        config.tags.pattern,
        pinned && pin ? { layout: "pinned", pin } : { layout: "vendored" },
      );
    const expected = new Map<string, string>();
    const pins = new Map<string, PinnedUse[]>();
    for (const [path, file] of files) {
      if (file.vendored && !vendored) continue;
      if (!isInstalledWorkflow(file)) {
        expected.set(path, shas.get(file) as string);
        continue;
      }
      expected.set(
        path,
        blobSha(comparableWorkflow(path, await asInstalled(file, neutral), pinned ? neutral : undefined)),
      );
      if (!actual.has(path)) continue;
      // Exactly as this version installs it (with the doctor's own pin): nothing to read. The
      // request workflow is always read: its tag filter is checked against tags.pattern.
      const own = pinned ? c.ownPin : undefined;
      if (path !== REQUEST_WORKFLOW_PATH && (!pinned || own)) {
        const exact = await asInstalled(file, own);
        if (actual.get(path) === blobSha(exact)) {
          actual.set(path, expected.get(path) as string);
          if (own) pins.set(path, pinnedUses(exact, own.repo));
          continue;
        }
      }
      const text = await readBlobText(c.clientOf(repo), repo, actual.get(path) as string);
      if (path === REQUEST_WORKFLOW_PATH) {
        const tags = tagFilterFinding(repo, config.tags.pattern, text);
        // In the release gate the tag already got here: a filter that misses others only warns.
        findings.push(tags.ok || strict ? tags : { ...tags, ok: true, warn: true });
      }
      if (pinned) pins.set(path, pinnedUses(text, neutral.repo));
      actual.set(path, blobSha(comparableWorkflow(path, text, pinned ? neutral : undefined)));
    }
    findings.push(installedFilesFinding(repo, expected, actual, strict ? "fail" : "warn"));
    const pinsFinding = pinFinding(repo, pins, c.version, strict);
    if (pinsFinding) findings.push(pinsFinding);
  }
  return findings;
}
