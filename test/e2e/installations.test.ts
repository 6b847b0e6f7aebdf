// A project whose website lives under another owner: the App has one installation per owner, and an
// installation token covers only its owner's repos (create-github-app-token's README, "token scope").
// The templates mint one token per installation, each for the release's repos of that owner, so the
// release opens, and the yank reverts, the other owner's PR too.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectNoSecrets, newWorld, rehearsalSuite, runRehearse } from "../support/rehearsal-checks.js";
import { exampleDir, ledgerEvents, readState, readSummary } from "../support/rehearsal-world.js";

const ready = rehearsalSuite();
const WEBSITE = "cachet-web/cachet-website";

describe.skipIf(!ready)("a release whose downstream repos span two owners", { timeout: 300_000 }, () => {
  it("opens and merges the other owner's PR with its own installation's token, then yanks it with such tokens too", async () => {
    const example = mkdtempSync(join(tmpdir(), "two-owners-"));
    cpSync(exampleDir, example, { recursive: true });
    const config = join(example, "release-relay.yml");
    writeFileSync(
      config,
      readFileSync(config, "utf8").replace("repo: cachet-io/cachet-website", `repo: ${WEBSITE}`),
    );
    const dir = newWorld();

    const release = await runRehearse(["--example", example, "--keep", dir]);
    expect(release.code, release.why).toBe(0);
    const website = readSummary(dir).prs.find((p) => p.downstream === "website");
    expect(website).toMatchObject({ repo: WEBSITE, state: "merged" });
    // Each token the downstream job minted covered one owner's repos of the release, and no more.
    const minted = release.notices
      .filter((n) => n.kind === "job-finished" && n.job?.id === "downstream")
      .flatMap((n) => n.job?.steps ?? [])
      .filter((s) => s.name.startsWith("Run actions/create-github-app-token"));
    // The ledger's token, then one per installation: cachet-io's and cachet-web's (no third owner).
    expect(minted.map((s) => s.outcome)).toEqual(["success", "success", "success", "skipped"]);

    const yank = await runRehearse([
      "--example",
      example,
      "--resume",
      "--keep",
      dir,
      "--yank",
      "broken website",
    ]);
    expect(yank.code, yank.why).toBe(0);
    const reverts = (readState(dir).repos[WEBSITE]?.pulls ?? []) as { headRef: string }[];
    expect(reverts.map((p) => p.headRef)).toContainEqual("release-relay/yank-1.2.1/website");
    expect(
      ledgerEvents(dir, "1.2.1")
        .filter((e) => e.type === "yank-step")
        .map((e) => `${(e as { target?: string }).target}:${(e as { outcome?: string }).outcome}`),
    ).toContain("website:revert-proposed");
    expectNoSecrets(dir);
  });
});
