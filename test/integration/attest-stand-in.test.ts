// The local runner's actions/attest-build-provenance: what the real action needs of the job, and a
// record of what it would have attested, read back for the rehearsal's summary.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { standInFor } from "../../src/rehearsal/runner/stand-in-actions.js";
import {
  attestBuildProvenance,
  recordedAttestations,
} from "../../src/rehearsal/runner/stand-ins/attest-build-provenance.js";

function job(permissions: Record<string, string> | "none", subjectPath = "dist-artifacts/build-*/*") {
  const workDir = mkdtempSync(join(tmpdir(), "runner-"));
  const workspace = mkdtempSync(join(tmpdir(), "workspace-"));
  for (const target of ["linux-x86_64", "linux-arm64"]) {
    mkdirSync(join(workspace, "dist-artifacts", `build-${target}-abc`), { recursive: true });
    writeFileSync(
      join(workspace, "dist-artifacts", `build-${target}-abc`, `cachet-${target}.tar.gz`),
      target,
    );
  }
  writeFileSync(join(workspace, "dist-artifacts", "SHA256SUMS"), "not a subject\n");
  return {
    workDir,
    call: {
      host: { workDir },
      repo: "cachet-io/cachet-release-automation",
      runId: 17,
      workspace,
      inputs: { "subject-path": subjectPath },
      permissions,
      where: "release.yml publish step 6",
    },
  };
}

describe("the actions/attest-build-provenance stand-in", () => {
  it("is the runner's stand-in for the pinned action", () => {
    expect(standInFor("actions/attest-build-provenance@e8998f949152b193b063cb0ec769d69d929409be", "x")).toBe(
      attestBuildProvenance,
    );
  });

  it("records each file the subject path names, with its sha256, as the rehearsal's summary reads it", async () => {
    const { workDir, call } = job({ "id-token": "write", attestations: "write", contents: "read" });
    const result = await attestBuildProvenance(call);
    expect(result.log).toContain("Would attest 2 subject(s)");
    const recorded = recordedAttestations(workDir);
    expect(recorded.map((r) => r.subject.name).sort()).toEqual([
      "cachet-linux-arm64.tar.gz",
      "cachet-linux-x86_64.tar.gz",
    ]);
    for (const r of recorded) {
      const target = r.subject.name.replace(/^cachet-|\.tar\.gz$/g, "");
      expect(r.subject.digest.sha256).toBe(createHash("sha256").update(target).digest("hex"));
      expect(r).toMatchObject({ predicateType: "https://slsa.dev/provenance/v1", runId: 17 });
    }
  });

  it("fails as the real action does without id-token: write, attestations: write, or files to attest", async () => {
    await expect(attestBuildProvenance(job({ attestations: "write" }).call)).rejects.toThrowError(
      "Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable",
    );
    await expect(attestBuildProvenance(job({ "id-token": "write" }).call)).rejects.toThrowError(
      "Failed to persist attestation",
    );
    await expect(
      attestBuildProvenance(job({ "id-token": "write", attestations: "write" }, "nothing/*").call),
    ).rejects.toThrowError("Could not find subject at path nothing/*");
  });
});
