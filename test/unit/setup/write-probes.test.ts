import { describe, expect, it } from "vitest";
import type { RepoNeed } from "../../../src/core/setup/doctor.js";
import { WriteProbeAnswers, writeProbeTargets } from "../../../src/core/setup/write-probes.js";

const needs: RepoNeed[] = [
  { repo: "acme/widget", access: ["contents:read"], why: ["source"] },
  { repo: "acme/release", access: ["contents:write", "issues:write"], why: ["automation"] },
  { repo: "acme/hashes", access: ["contents:write", "pull_requests:write"], why: ["downstream"] },
  { repo: "Acme/site", access: ["contents:write", "pull_requests:write"], why: ["downstream"] },
  { repo: "other-org/container", access: ["contents:write", "pull_requests:write"], why: ["downstream"] },
];

describe("write probes: one per owner and permission", () => {
  it("points each repo's write access at the first repo of its owner that needs it", () => {
    const targets = writeProbeTargets(needs);
    expect(targets.get("acme/widget")).toEqual(new Map());
    expect(targets.get("acme/release")).toEqual(
      new Map([
        ["contents:write", "acme/release"],
        ["issues:write", "acme/release"],
      ]),
    );
    expect(targets.get("acme/hashes")).toEqual(
      new Map([
        ["contents:write", "acme/release"],
        ["pull_requests:write", "acme/hashes"],
      ]),
    );
    // Owners compare as GitHub compares them, without case.
    expect(targets.get("Acme/site")?.get("pull_requests:write")).toBe("acme/hashes");
    // Another owner is another installation: probed on its own.
    expect(targets.get("other-org/container")).toEqual(
      new Map([
        ["contents:write", "other-org/container"],
        ["pull_requests:write", "other-org/container"],
      ]),
    );
  });

  it("answers for a repo only from a probe made on another repo of its installation", () => {
    const answers = new WriteProbeAnswers(writeProbeTargets(needs));
    // Nothing probed yet: every repo is probed itself.
    expect(answers.answerFor("acme/hashes", "contents:write")).toBeUndefined();
    const refused = {
      check: "acme/release: contents write",
      ok: false,
      problem: "refused (GitHub answered 403)",
    };
    answers.record("acme/release", "contents:write", refused);
    expect(answers.answerFor("acme/hashes", "contents:write")).toEqual({
      repo: "acme/release",
      finding: refused,
    });
    // The probed repo itself is never answered from its own record, and other permissions or
    // owners are not answered by it.
    expect(answers.answerFor("acme/release", "contents:write")).toBeUndefined();
    expect(answers.answerFor("acme/hashes", "pull_requests:write")).toBeUndefined();
    expect(answers.answerFor("other-org/container", "contents:write")).toBeUndefined();
  });
});
