import { describe, expect, it } from "vitest";
import type { GeneratedEdits } from "../../../src/core/downstream/generated-edits.js";
import {
  type DownstreamResult,
  failedGenerators,
  failedPullRequests,
  renderGeneratedSummary,
  renderPrSummary,
} from "../../../src/core/downstream/stage-results.js";

const results: DownstreamResult[] = [
  {
    downstream: "hashes",
    repo: "valkey-io/valkey-hashes",
    outcome: "opened",
    number: 41,
    url: "https://github.com/valkey-io/valkey-hashes/pull/41",
    files: ["README", "8.0.2/valkey-8.0.2.tar.gz.sha256"],
  },
  {
    downstream: "website",
    repo: "valkey-io/valkey-io.github.io",
    outcome: "failed",
    files: [],
    error: "a | b",
  },
  {
    downstream: "container",
    repo: "valkey-io/valkey-container",
    outcome: "dry-run",
    files: [],
    diff: "+8.0.2\n",
  },
];

describe("the PR stage's results", () => {
  it("shows one row per downstream, a failure's error escaped, and a dry run's diff", () => {
    const summary = renderPrSummary(results);
    expect(summary).toContain(
      "| hashes | valkey-io/valkey-hashes | opened | [#41](https://github.com/valkey-io/valkey-hashes/pull/41) | `README` `8.0.2/valkey-8.0.2.tar.gz.sha256` |",
    );
    expect(summary).toContain("| website | valkey-io/valkey-io.github.io | failed |  | a \\| b |");
    expect(summary).toContain("### container (dry-run: nothing was opened)\n\n```diff\n+8.0.2\n```");
  });

  it("fails the job naming each failed downstream, once the others are opened", () => {
    expect(failedPullRequests(results)?.message).toBe("1 downstream(s) failed: website: a | b");
    expect(failedPullRequests(results.slice(0, 1))).toBeUndefined();
  });

  it("says the others were opened only when some were: a dry run opens nothing", () => {
    const failed = results.find((r) => r.outcome === "failed") as DownstreamResult;
    const dryRun: DownstreamResult = { downstream: "hashes", repo: "o/h", outcome: "dry-run", files: [] };
    expect(failedPullRequests(results)?.hint).toMatch(/^the others were opened; 1 in dry-run opened nothing/);
    const hint = failedPullRequests([dryRun, failed])?.hint;
    expect(hint).not.toContain("opened;");
    expect(hint).toBe(
      "1 in dry-run opened nothing (their diffs are in the job summary); fix these and rerun (only what is missing is redone)",
    );
  });
});

describe("the generate job's results", () => {
  const generated: GeneratedEdits = {
    schemaVersion: 1,
    version: "8.0.2",
    downstreams: {
      container: {
        status: "generated",
        repo: "valkey-io/valkey-container",
        edits: "e".repeat(64),
        baseSha: "b".repeat(40),
        files: [{ path: "library/valkey", content: "x", executable: false }],
        outputs: { tags: ["8.0.2"] },
      },
      website: {
        status: "failed",
        repo: "valkey-io/valkey-io.github.io",
        edits: "e".repeat(64),
        error: "exit 1\nboom",
      },
    },
  };

  it("shows what each generator changed, or why it failed on one line", () => {
    const summary = renderGeneratedSummary(generated);
    expect(summary).toContain(
      "| container | valkey-io/valkey-container | 1 file(s) at bbbbbbbbbbbb | tags |",
    );
    expect(summary).toContain("| website | valkey-io/valkey-io.github.io | failed | exit 1 boom |");
    expect(renderGeneratedSummary({ ...generated, downstreams: {} })).toContain(
      "No downstream runs a script.",
    );
  });

  it("fails the job naming the failed generators", () => {
    expect(failedGenerators(generated)?.message).toBe("1 downstream generator(s) failed: website");
    expect(failedGenerators({ ...generated, downstreams: {} })).toBeUndefined();
  });
});
