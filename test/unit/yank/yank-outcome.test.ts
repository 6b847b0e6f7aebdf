import { describe, expect, it } from "vitest";
import { describeFileRevert } from "../../../src/core/downstream/file-revert.js";
import { renderYankOutcome, storageStep, yankFailed } from "../../../src/core/yank/yank-outcome.js";
import type { YankPlan } from "../../../src/core/yank/yank-plan.js";

const plan: YankPlan = {
  version: "8.0.2",
  reason: "the arm64 build crashes on start",
  yankedPrefix: "releases/yanked/",
  downstream: [
    {
      downstream: "hashes",
      repo: "valkey-io/valkey-hashes",
      kind: "pr",
      number: 9,
      url: "https://github.com/valkey-io/valkey-hashes/pull/9",
    },
    { downstream: "container", repo: "valkey-io/valkey-container", kind: "by-hand", why: "push mode" },
  ],
};

describe("the storage part of a yank", () => {
  it("counts what was moved now or before, and a public key never published is no failure", () => {
    expect(
      storageStep(
        [
          { key: "releases/valkey-8.0.2.tar.gz", optional: false, outcome: "moved" },
          { key: "releases/valkey-8.0.2.tar.gz.sig", optional: false, outcome: "already-moved" },
          { key: "releases/minisign.pub", optional: true, outcome: "absent" },
        ],
        "releases/",
      ),
    ).toEqual({ target: "storage", outcome: "moved", detail: "2 objects under releases/yanked/" });
  });

  it("fails naming each object the release published that is neither at its key nor yanked", () => {
    expect(
      storageStep(
        [
          { key: "releases/valkey-8.0.2.tar.gz", optional: false, outcome: "absent" },
          { key: "releases/hashes.json", optional: false, outcome: "moved" },
        ],
        "releases/",
      ),
    ).toEqual({
      target: "storage",
      outcome: "failed",
      detail: "not found, neither published nor yanked: releases/valkey-8.0.2.tar.gz",
    });
  });
});

describe("what a yank did, in words", () => {
  const steps = [
    {
      target: "hashes",
      outcome: "pr-closed" as const,
      detail: "PR #9 closed with a comment",
      url: "https://github.com/valkey-io/valkey-hashes/pull/9",
    },
    { target: "container", outcome: "by-hand" as const, detail: "push mode" },
    { target: "storage", outcome: "failed" as const, detail: "access denied" },
  ];

  it("says what was done, part by part, after the plan", () => {
    const text = renderYankOutcome(plan, steps, false, undefined);
    expect(text).toContain("Yank 8.0.2: “the arm64 build crashes on start”");
    expect(text).toContain(
      "Done:\n  hashes: pr-closed — PR #9 closed with a comment (https://github.com/valkey-io/valkey-hashes/pull/9)\n  container: by-hand — push mode\n  storage: failed — access denied",
    );
  });

  it("in a dry run lists the objects it would move and says nothing was changed", () => {
    const text = renderYankOutcome(plan, steps, true, [{ key: "releases/minisign.pub", optional: true }]);
    expect(text).toContain("    releases/minisign.pub\n");
    expect(text).toContain("Dry run — nothing was changed. It would do:");
  });

  it("needs a person while any part failed", () => {
    expect(yankFailed(steps)).toBe(true);
    expect(yankFailed(steps.slice(0, 2))).toBe(false);
  });
});

describe("a file's revert, in words", () => {
  it("says whether the file was restored, removed, or why it was left", () => {
    expect(describeFileRevert("README", { kind: "write", content: "x" })).toBe("README: restored");
    expect(describeFileRevert("8.0.2/SHA256SUMS", { kind: "delete" })).toBe(
      "8.0.2/SHA256SUMS: removed (the release created it)",
    );
    expect(
      describeFileRevert("download.md", { kind: "conflict", why: "download.md changed after the release" }),
    ).toBe("download.md changed after the release");
  });
});
