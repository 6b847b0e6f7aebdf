import { createGitHubClient } from "../../src/adapters/github/client.js";
import type { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";

/** The checks the Valkey example's `source.required-checks` names. */
export const VALKEY_REQUIRED_CHECKS = ["test-ubuntu-latest", "test-sanitizer-address", "build-macos-latest"];

/** How one check ended (or `in_progress`), as the source repo's CI reports it. */
export type CheckOutcome = "success" | "failure" | "cancelled" | "in_progress";

/** Reports check runs on a commit of `repo` as its CI would (through the REST API, as a CI app). */
export async function reportChecks(
  emulator: GitHubEmulator,
  repo: string,
  sha: string,
  checks: Record<string, CheckOutcome>,
): Promise<void> {
  emulator.addToken("source-ci-app", { login: "github-actions[bot]", repos: { [repo]: ["checks:write"] } });
  const gh = createGitHubClient({ token: "source-ci-app", baseUrl: emulator.url, pace: "local" });
  const [owner, name] = repo.split("/") as [string, string];
  for (const [check, outcome] of Object.entries(checks))
    await gh.rest.checks.create({
      owner,
      repo: name,
      name: check,
      head_sha: sha,
      ...(outcome === "in_progress"
        ? { status: "in_progress" }
        : { status: "completed", conclusion: outcome }),
    });
}

/** A source repo commit ready to release: on branch `line`, tagged, every required check green. */
export async function seedReleasableCommit(
  emulator: GitHubEmulator,
  repo: string,
  options: { line?: string; tag?: string; checks?: readonly string[] } = {},
): Promise<string> {
  const git = emulator.git(repo);
  const sha = (await git.text(["rev-parse", "HEAD"])).trim();
  await git.run(["update-ref", `refs/heads/${options.line ?? "8.0"}`, sha]);
  await git.run(["tag", "-f", options.tag ?? "8.0.2", sha]);
  await reportChecks(
    emulator,
    repo,
    sha,
    Object.fromEntries((options.checks ?? VALKEY_REQUIRED_CHECKS).map((c) => [c, "success" as const])),
  );
  return sha;
}

/**
 * The source repo of a trigger test: a releasable commit and a token that reads it as the job's
 * GITHUB_TOKEN would. Private, so the token's permissions matter (a public repo's checks are
 * readable by any token, as on GitHub).
 */
export async function seedSourceRepo(emulator: GitHubEmulator, repo: string): Promise<string> {
  await emulator.createRepo(repo, {
    private: true,
    files: { "src/server.c": "int main(void) { return 0; }\n" },
  });
  emulator.addToken("source-reader", {
    login: "github-actions[bot]",
    repos: { [repo]: ["contents:read", "checks:read", "statuses:read"] },
  });
  return seedReleasableCommit(emulator, repo);
}

/** The inputs the request-release workflow passes the trigger; source-token stands for GITHUB_TOKEN. */
export const triggerInputs = (
  automationRepo: string,
  configPath: string,
  overrides: Record<string, string> = {},
) => ({
  "automation-repo": automationRepo,
  token: "dispatch-token",
  "source-token": "source-reader",
  "config-path": configPath,
  ...overrides,
});
