import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  AWS_ROLES,
  oidcSubject,
  RELEASE_ENVIRONMENT,
  trustedSubject,
} from "../../../src/core/config/aws-roles.js";
import { initAnswersSchema } from "../../../src/core/setup/init-plan.js";
import { setupInstructions } from "../../../src/core/setup/setup-instructions.js";

const templates = join(import.meta.dirname, "../../../workflows-templates/automation");

interface Job {
  environment?: string;
  steps?: { uses?: string; with?: Record<string, string> }[];
}

describe("AWS roles and the OIDC subjects they trust", () => {
  it("derives GitHub's sub from the job: its environment, else its ref", () => {
    expect(
      oidcSubject("o/r", { environment: "release", event: "workflow_dispatch", ref: "refs/heads/main" }),
    ).toBe("repo:o/r:environment:release");
    expect(oidcSubject("o/r", { event: "repository_dispatch", ref: "refs/heads/main" })).toBe(
      "repo:o/r:ref:refs/heads/main",
    );
    expect(oidcSubject("o/r", { event: "push", ref: "refs/tags/1.0.0" })).toBe(
      "repo:o/r:ref:refs/tags/1.0.0",
    );
    expect(oidcSubject("o/r", { event: "pull_request", ref: "refs/pull/3/merge" })).toBe(
      "repo:o/r:pull_request",
    );
  });

  it("prints, in init's setup steps, each role with the subject the rehearsal's roles trust", () => {
    const text = setupInstructions(
      initAnswersSchema.parse({
        project: "acme",
        source: "acme/acme",
        automation: "acme/release",
        bucket: "acme-dl",
      }),
    );
    for (const role of AWS_ROLES)
      expect(text).toContain(`${role.variable}: sub = ${trustedSubject(role, "acme/release", "main")}`);
  });

  it("assumes each role in the templates only from a job whose subject the role trusts", () => {
    let seen = 0;
    for (const file of readdirSync(templates)) {
      const jobs = (parse(readFileSync(join(templates, file), "utf8")) as { jobs: Record<string, Job> }).jobs;
      for (const [id, job] of Object.entries(jobs))
        for (const step of job.steps ?? []) {
          if (!step.uses?.startsWith("aws-actions/configure-aws-credentials@")) continue;
          const variable = /vars\.(\w+)/.exec(step.with?.["role-to-assume"] ?? "")?.[1];
          const role = AWS_ROLES.find((r) => r.variable === variable);
          expect(role, `${file} ${id}: ${variable} is not a role init documents`).toBeDefined();
          const environment = role?.scope === "environment" ? RELEASE_ENVIRONMENT : undefined;
          expect(job.environment, `${file} ${id} assumes ${variable}`).toBe(environment);
          seen++;
        }
    }
    expect(seen).toBeGreaterThanOrEqual(4);
  });
});
