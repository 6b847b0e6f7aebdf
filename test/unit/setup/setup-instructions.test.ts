import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { AWS_ROLES, trustedSubject } from "../../../src/core/config/aws-roles.js";
import { validateAnswers } from "../../../src/core/setup/init-answers.js";
import { AWS_ROLE_JOBS, setupInstructions } from "../../../src/core/setup/setup-instructions.js";

const answers = (bucket: string) =>
  validateAnswers({
    project: "acme",
    source: "acme-org/acme",
    automation: "acme-org/acme-release",
    bucket,
    downstream: [
      { name: "hashes", repo: "acme-org/acme-hashes" },
      { name: "web", repo: "acme-org/acme.dev" },
      { name: "container", repo: "acme-org/acme-container" },
    ],
  });

interface Job {
  environment?: string;
  steps?: { uses?: string; with?: Record<string, string> }[];
}

describe("init's list before the first release", () => {
  it("says a bucket name with dots breaks virtual-hosted HTTPS, and that it links path-style", () => {
    const text = setupInstructions(answers("downloads.acme.example"));
    expect(text).toContain("Let anyone read downloads.acme.example/releases/*");
    expect(text).toContain(
      "downloads.acme.example has dots: its virtual-hosted-style address https://downloads.acme.example.s3.<region>.amazonaws.com/ would fail HTTPS",
    );
    expect(text).toContain("*.s3.<region>.amazonaws.com matches one label");
    expect(text).toContain(
      "release-relay links path-style: https://s3.<region>.amazonaws.com/downloads.acme.example/releases/",
    );
    const plain = setupInstructions(answers("acme-downloads"));
    expect(plain).not.toContain("has dots");
    expect(plain).toContain("links go to https://acme-downloads.s3.<region>.amazonaws.com/releases/");
  });

  it("says how to publish the signing public key and where to name it", () => {
    const text = setupInstructions(answers("acme-dl"));
    expect(text).toContain("openssl pkey -in key.pem -pubout -out release-key.pem");
    expect(text).toContain("signing.public-key-url");
    expect(text).toContain("apart from acme-dl");
  });

  it("with pinned actions, says an Actions policy of selected actions must allow the actions repo", () => {
    const pin = { repo: "relay-org/release-relay", sha: "d".repeat(40), version: "1.4.0" };
    const text = setupInstructions(answers("acme-dl"), {}, pin);
    expect(text).toContain(
      "8. The workflows use release-relay's actions from relay-org/release-relay at dddddddddddd (v1.4.0)",
    );
    expect(text).toContain("add relay-org/release-relay/*");
    expect(text).toContain("--vendor");
    expect(setupInstructions(answers("acme-dl"))).not.toContain("relay-org/release-relay");
  });

  it("says, per downstream, which CI names its report-status follows: found, none found, or no checkout", () => {
    const text = setupInstructions(answers("acme-dl"), {
      hashes: { names: ["Tests", "Lint"], unreadable: [] },
      web: { names: [], unreadable: [".github/workflows/bad.yml"] },
    });
    expect(text).toContain(
      '- acme-org/acme-hashes: written: "Tests", "Lint" (its workflows that run on pull_request).',
    );
    expect(text).toContain(
      "- acme-org/acme.dev: no workflow in .github/workflows runs on pull_request (unreadable: .github/workflows/bad.yml):",
    );
    expect(text).toContain("Add a CI workflow that runs on pull_request and put its name: in place of CI.");
    expect(text).toContain("- acme-org/acme-container: no checkout given");
    expect(text).toContain("--downstream-dir container=DIR");
  });

  it("names each role's trusted subject with the jobs that assume it, as the templates assume it", () => {
    const text = setupInstructions(answers("acme-dl"));
    const assumed: Record<string, { workflow: string; job: string; environment?: string }[]> = {};
    for (const workflow of ["release.yml", "yank.yml", "status.yml"]) {
      const doc = parse(
        readFileSync(new URL(`../../../workflows-templates/automation/${workflow}`, import.meta.url), "utf8"),
      ) as { jobs: Record<string, Job> };
      for (const [job, spec] of Object.entries(doc.jobs))
        for (const step of spec.steps ?? []) {
          const variable = /vars\.(\w+)/.exec(step.with?.["role-to-assume"] ?? "")?.[1];
          if (!variable) continue;
          assumed[variable] = [
            ...(assumed[variable] ?? []),
            { workflow, job, ...(spec.environment ? { environment: spec.environment } : {}) },
          ];
        }
    }
    expect(assumed).toEqual(AWS_ROLE_JOBS);
    for (const role of AWS_ROLES)
      expect(text).toContain(
        `${role.variable}: sub = ${trustedSubject(role, "acme-org/acme-release", "main")} (assumed by`,
      );
    expect(text).toContain(
      "RELEASE_AWS_ROLE: sub = repo:acme-org/acme-release:environment:release (assumed by release.yml's publish job in environment release)",
    );
    expect(text).toContain(
      "RELEASE_AWS_READ_ROLE: sub = repo:acme-org/acme-release:ref:refs/heads/main (assumed by yank.yml's preview job, no environment;",
    );
  });
});
