import { describe, expect, it } from "vitest";
import { validateAnswers } from "../../../src/core/setup/init-answers.js";
import { type InitDraft, nextQuestion, startDraft } from "../../../src/core/setup/init-questions.js";

/** Answers each question in turn with the next line; returns the keys asked, the defaults shown, the errors. */
function converse(draft: InitDraft, lines: string[]) {
  const asked: string[] = [];
  const defaults: Record<string, string | undefined> = {};
  const errors: string[] = [];
  let current = draft;
  for (let q = nextQuestion(current); q; q = nextQuestion(current)) {
    const line = lines.shift();
    if (line === undefined) throw new Error(`no line left for ${q.key}`);
    asked.push(q.key);
    defaults[q.key] = q.default;
    const result = q.answer(line);
    if ("error" in result) errors.push(result.error);
    else current = result.draft;
  }
  return { asked, defaults, errors, draft: current };
}

describe("init's questions", () => {
  it("asks in a fixed order, each downstream's name, repo and kind, then a checkout of each repo", () => {
    const { asked, draft } = converse(startDraft({}), [
      "acme",
      "acme-org/acme",
      "",
      "downloads.acme.example",
      "hashes",
      "acme-org/acme-hashes",
      "",
      "site-assets",
      "acme-org/site-assets",
      "hashes",
      "",
      "@acme-org/release-team @alice",
      "",
      ".",
      "",
      "-",
      "../assets",
    ]);
    expect(asked).toEqual([
      "project",
      "source",
      "automation",
      "bucket",
      "downstream[0].name",
      "downstream[0].repo",
      "downstream[0].kind",
      "downstream[1].name",
      "downstream[1].repo",
      "downstream[1].kind",
      "downstream[2].name",
      "notify",
      "tag-pattern",
      "main-dir",
      "automation-dir",
      "downstream-dir.hashes",
      "downstream-dir.site-assets",
    ]);
    const answers = validateAnswers(draft.raw);
    expect(answers).toMatchObject({
      project: "acme",
      automation: "acme-org/acme-release",
      downstream: [
        { name: "hashes", repo: "acme-org/acme-hashes", kind: "hashes" },
        { name: "site-assets", repo: "acme-org/site-assets", kind: "hashes" },
      ],
      notify: ["@acme-org/release-team", "@alice"],
      tagPattern: "^(?<version>\\d+\\.\\d+\\.\\d+(?:-rc\\d+)?)$",
      mainDir: ".",
      automationDir: "../acme-release",
      downstreamDir: { "site-assets": "../assets" },
    });
  });

  it("offers defaults that follow from the answers before: the automation repo, the kind by name, checkouts beside", () => {
    const { defaults } = converse(startDraft({}), [
      "acme",
      "acme-org/acme",
      "",
      "acme-dl",
      "web",
      "acme-org/acme.dev",
      "",
      "packaging",
      "acme-org/pkg",
      "",
      "",
      "",
      "",
      "",
      "",
      "",
      "",
    ]);
    expect(defaults).toMatchObject({
      project: undefined,
      automation: "acme-org/acme-release",
      "downstream[0].kind": "website",
      "downstream[1].kind": "other",
      "tag-pattern": "^(?<version>\\d+\\.\\d+\\.\\d+(?:-rc\\d+)?)$",
      "main-dir": ".",
      "automation-dir": "../acme-release",
      "downstream-dir.web": "../acme.dev",
      "downstream-dir.packaging": "../pkg",
    });
  });

  it("asks again, with the schema's reason, after a wrong answer", () => {
    const { asked, errors, draft } = converse(startDraft({}), [
      "acme corp",
      "acme",
      "acme",
      "acme-org/acme",
      "",
      "Bad_Bucket",
      "acme-dl",
      "Hashes",
      "hashes",
      "nope",
      "acme-org/acme-hashes",
      "checksums",
      "hashes",
      "hashes",
      "",
      "alice",
      "@alice",
      "^v\\d+$",
      "",
      "",
      "",
      "",
    ]);
    expect(asked.slice(0, 2)).toEqual(["project", "project"]);
    expect(errors).toEqual([
      'project: expected a project name (letters, digits, . _ -) (got "acme corp")',
      'source: expected "owner/name", got "acme"',
      'bucket: expected an S3 bucket name (3 to 63 lowercase letters, digits, . and -) (got "Bad_Bucket")',
      'downstream[0].name: expected a downstream name: a lowercase letter, then lowercase letters, digits and - (e.g. hashes) (got "Hashes")',
      'downstream[0].repo: expected "owner/name", got "nope"',
      'downstream[0].kind: expected one of "hashes", "container", "website", "other", got "checksums"',
      'downstream[1].name: "hashes" is already a downstream',
      'notify[0]: expected a @user or @org/team to mention, got "alice"',
      'tag-pattern: expected a (?<version>…) group naming the version inside the tag, e.g. "^v(?<version>\\d+\\.\\d+\\.\\d+)$" (got "^v\\\\d+$")',
    ]);
    expect(validateAnswers(draft.raw).downstream).toEqual([
      { name: "hashes", repo: "acme-org/acme-hashes", kind: "hashes" },
    ]);
  });

  it("asks nothing the flags or the answers file gave", () => {
    const { asked } = converse(
      startDraft({
        project: "acme",
        source: "acme-org/acme",
        automation: "acme-org/acme-release",
        downstream: [{ name: "hashes", repo: "acme-org/acme-hashes" }],
        "main-dir": ".",
        "downstream-dir": { hashes: "../acme-hashes" },
      }),
      ["acme-dl", "", "", "-"],
    );
    expect(asked).toEqual(["bucket", "notify", "tag-pattern", "automation-dir"]);
  });
});
