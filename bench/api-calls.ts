// Child process of the benchmark: GitHub API calls of open-downstream-prs for a Valkey-shaped
// release against the emulator — per new PR (its base and edited files read in one GraphQL query),
// and mutating calls on an identical rerun.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createGitHubClient } from "../src/adapters/github/client.js";
import { parseConfig } from "../src/core/config/parse.js";
import { GitHubEmulator } from "../src/rehearsal/github/emulator.js";
import { openDownstreamPrs } from "../src/steps/downstream/open-prs.js";
import { generateEdits } from "../test/support/generate-then-open.js";
import { SHA_802, seedValkeyDownstreams } from "../test/support/valkey-downstreams.js";

const [examplePath, fixtures] = process.argv.slice(2) as [string, string];
const emulator = new GitHubEmulator();
await emulator.start();
await seedValkeyDownstreams(emulator, fixtures);
emulator.addToken("t", {
  login: "bot[bot]",
  repos: { "*": ["contents:write", "pull_requests:write", "issues:write"] },
});
const github = createGitHubClient({ token: "t", baseUrl: emulator.url });
const hashesFile = join(mkdtempSync(join(tmpdir(), "h-")), "hashes.json");
writeFileSync(
  hashesFile,
  JSON.stringify([
    {
      name: "valkey-8.0.2.tar.gz",
      kind: "source-archive",
      size: 1,
      sha256: SHA_802,
      url: "https://github.com/valkey-io/valkey/archive/refs/tags/8.0.2.tar.gz",
    },
    ...["jammy-x86_64", "jammy-arm64", "noble-x86_64", "noble-arm64"].map((t, i) => ({
      name: `valkey-8.0.2-${t}.tar.gz`,
      kind: "binary",
      size: 1,
      sha256: `${i + 1}`.repeat(64),
      url: `https://download.valkey.io/releases/valkey-8.0.2-${t}.tar.gz`,
    })),
  ]),
);
const config = parseConfig(readFileSync(examplePath, "utf8"));
// The generate job's work (no token, no PR): the container's script, before anything is counted.
const { file: generatedEdits } = await generateEdits(
  emulator.url,
  { version: "8.0.2", hashesFile, releasedVersions: [], releaseDate: "2025-01-07" },
  config,
  dirname(examplePath),
);
const settings = (recordedPrs: string[]) => ({
  configPath: examplePath,
  environment: undefined,
  version: "8.0.2",
  hashesFile,
  token: "t",
  releasedVersions: [],
  trackingIssueUrl: undefined,
  releaseDate: "2025-01-07",
  recordedPrs,
  generatedEdits,
});
const deps = { github, configDir: dirname(examplePath), today: "2025-01-07" };
// A first attempt, as the release workflow makes it: the ledger holds no PR yet.
const first = emulator.log.mark();
const results = await openDownstreamPrs(settings([]), config, deps);
const calls = emulator.log.calls({ since: first });
const perPr = results.map((r) => ({
  downstream: r.downstream,
  outcome: r.outcome,
  calls: calls.filter((c) => c.path.startsWith(`/repos/${r.repo}/`) || c.repo === r.repo).length,
  files: r.files.length,
}));
// The same run again, the ledger now holding every PR.
const mark = emulator.log.mark();
await openDownstreamPrs(settings(results.map((r) => r.downstream)), config, deps);
const rerun = emulator.log.summary(mark);
await emulator.stop();
process.stdout.write(
  `${JSON.stringify({ perPr, rerunMutating: rerun.mutating, rerunTotal: rerun.total, ms: 0, maxRssMb: 0 })}\n`,
);
