import { describe, expect, it } from "vitest";
import { artifactRunsNeeded, stagesToRemake } from "../../../src/core/ledger/artifact-retention.js";
import type { LedgerEvent } from "../../../src/core/ledger/events.js";
import { deriveState } from "../../../src/core/ledger/release-state.js";

const done = (stage: string, runId: string, status = "succeeded"): LedgerEvent =>
  ({
    id: `stage:${stage}:${status}:${runId}-1`,
    at: "2025-01-07T10:00:00Z",
    type: "stage",
    stage,
    status,
    runId,
  }) as LedgerEvent;
const build = (expired: boolean) => [
  { name: "build-linux-x86_64-abc", expired, expiresAt: "2025-01-14T10:00:00Z" },
  { name: "build-linux-arm64-abc", expired: false, expiresAt: "2025-01-14T10:00:00Z" },
];

describe("artifacts a rerun would reuse", () => {
  const failedPublish = deriveState([
    done("build-matrix", "100"),
    done("build", "100"),
    done("qualify", "100"),
    done("compute-hashes", "100", "failed"),
  ]);

  it("asks for the build's run when a later stage uses its files, and for the publishing run when only the PRs are redone", () => {
    expect(
      artifactRunsNeeded(failedPublish, ["compute-hashes", "sign-upload", "open-downstream-prs"]),
    ).toEqual({
      build: "100",
    });
    const prsOnly = deriveState([done("build", "100"), done("sign-upload", "200")]);
    expect(artifactRunsNeeded(prsOnly, ["open-downstream-prs"])).toEqual({ hashes: "200", build: "100" });
    expect(artifactRunsNeeded(failedPublish, ["build", "qualify", "compute-hashes"])).toEqual({});
  });

  it("builds and qualifies again when the build's artifacts expired, and says so", () => {
    const wanted = ["compute-hashes", "sign-upload", "open-downstream-prs"] as const;
    expect(
      stagesToRemake(
        failedPublish,
        wanted,
        { "100": build(false) },
        { targets: ["linux-x86_64", "linux-arm64"], commit: "abc" },
      ),
    ).toEqual({
      stages: [],
      reasons: [],
    });
    expect(
      stagesToRemake(
        failedPublish,
        wanted,
        { "100": build(true) },
        { targets: ["linux-x86_64", "linux-arm64"], commit: "abc" },
      ),
    ).toEqual({
      stages: ["build", "qualify"],
      reasons: [
        "the build artifacts of run 100 expired on 2025-01-14: built again from the same commit and build time",
      ],
    });
    // A run nobody asked GitHub about is not judged gone.
    expect(
      stagesToRemake(failedPublish, wanted, {}, { targets: ["linux-x86_64", "linux-arm64"], commit: "abc" }),
    ).toEqual({ stages: [], reasons: [] });
  });

  it("hashes and uploads again when the hashes expired, and then needs the build's files too", () => {
    const prsOnly = deriveState([
      done("build", "100"),
      done("qualify", "100", "skipped"),
      done("sign-upload", "200"),
    ]);
    const hashes = [{ name: "hashes", expired: true, expiresAt: null }];
    expect(
      stagesToRemake(
        prsOnly,
        ["open-downstream-prs"],
        { "200": hashes, "100": build(false) },
        { targets: ["linux-x86_64", "linux-arm64"], commit: "abc" },
      ).stages,
    ).toEqual(["compute-hashes", "sign-upload"]);
    const remade = stagesToRemake(
      prsOnly,
      ["open-downstream-prs"],
      { "200": hashes, "100": [] },
      { targets: ["linux-x86_64", "linux-arm64"], commit: "abc" },
    );
    // Without a qualify command there is nothing to qualify again.
    expect(remade.stages).toEqual(["compute-hashes", "sign-upload", "build"]);
    expect(remade.reasons[1]).toContain("the build artifacts of run 100 are gone");
  });
});
