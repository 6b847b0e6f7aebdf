import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  answersFromFlags,
  downstreamFromFlag,
  mergeAnswers,
  parseAnswersFile,
  validateAnswers,
} from "../../../src/core/setup/init-answers.js";
import { renderStarterConfig } from "../../../src/core/setup/init-plan.js";

const GOOD = `
project: acme
source: acme-org/acme
automation: acme-org/acme-release
bucket: acme-dl
downstream:
  - { name: site-assets, repo: acme-org/site-assets, kind: hashes }
  - { name: web, repo: acme-org/acme.dev }
notify: ["@acme-org/release-team"]
tag-pattern: '^v(?<version>\\d+\\.\\d+\\.\\d+)$'
main-dir: ../acme
automation-dir: ../acme-release
downstream-dir: { web: ../acme.dev }
`;

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return `${(e as Error).message}\n${(e as { hint?: string }).hint ?? ""}`;
  }
  throw new Error("not refused");
};

describe("init's answers", () => {
  it("reads an answers file with the flags' keys, YAML or JSON alike", () => {
    const answers = validateAnswers(parseAnswersFile(GOOD, "answers.yml"));
    expect(answers).toMatchObject({
      project: "acme",
      downstream: [
        { name: "site-assets", repo: "acme-org/site-assets", kind: "hashes" },
        { name: "web", repo: "acme-org/acme.dev" },
      ],
      tagPattern: "^v(?<version>\\d+\\.\\d+\\.\\d+)$",
      mainDir: "../acme",
      automationDir: "../acme-release",
      downstreamDir: { web: "../acme.dev" },
    });
    const json = JSON.stringify(parse(GOOD));
    expect(validateAnswers(parseAnswersFile(json, "answers.json"))).toEqual(answers);
  });

  it("refuses an unknown key naming it, the file and the key meant", () => {
    const said = refusal(() =>
      parseAnswersFile(
        "project: acme\ntag_pattern: x\ndownstream: [{ name: a, repo: o/a, knd: hashes }]\n",
        "answers.yml",
      ),
    );
    expect(said).toContain('answers.yml: unknown key "tag_pattern" — did you mean "tag-pattern"?');
    expect(said).toContain('answers.yml: downstream[0]: unknown key "knd" — did you mean "kind"?');
    expect(said).toContain("fix these keys in answers.yml");
  });

  it("refuses a value of the wrong type, and a file that is not a mapping", () => {
    expect(refusal(() => parseAnswersFile("project: acme\nnotify: '@alice'\n", "a.yml"))).toContain(
      'a.yml: notify: expected array, got "@alice"',
    );
    expect(
      refusal(() => parseAnswersFile("downstream: [{ name: w, repo: o/w, kind: blog }]\n", "a.yml")),
    ).toContain('downstream[0].kind: expected one of "hashes", "container", "website", "other", got "blog"');
    expect(refusal(() => parseAnswersFile("- project\n", "a.yml"))).toContain(
      "a.yml holds no mapping of answers",
    );
    expect(refusal(() => parseAnswersFile("project: [\n", "a.yml"))).toContain("a.yml is not YAML or JSON");
  });

  it("takes the kind after the repo in --downstream, and flags over the file key by key", () => {
    expect(downstreamFromFlag("web=acme-org/acme.dev:website")).toEqual({
      name: "web",
      repo: "acme-org/acme.dev",
      kind: "website",
    });
    expect(downstreamFromFlag("hashes=acme-org/acme-hashes")).toEqual({
      name: "hashes",
      repo: "acme-org/acme-hashes",
    });
    expect(refusal(() => downstreamFromFlag("acme-org/acme-hashes"))).toContain(
      "expected NAME=OWNER/REPO[:KIND]",
    );
    const flags = answersFromFlags({
      bucket: "other-dl",
      "downstream-dir": ["site-assets=../assets"],
      notify: [],
    });
    expect(flags).toEqual({ bucket: "other-dl", "downstream-dir": { "site-assets": "../assets" } });
    const answers = validateAnswers(mergeAnswers(parseAnswersFile(GOOD, "answers.yml"), flags));
    expect(answers.bucket).toBe("other-dl");
    expect(answers.downstreamDir).toEqual({ web: "../acme.dev", "site-assets": "../assets" });
  });

  it("gives a downstream the starter edit of its kind when one is given, else of its name's", () => {
    const answers = validateAnswers(parseAnswersFile(GOOD, "answers.yml"));
    const config = parse(renderStarterConfig(answers)) as {
      downstream: { name: string; edits: { kind: string }[] }[];
    };
    // "site-assets" sounds like a website; its kind says hashes.
    expect(config.downstream.map((d) => [d.name, d.edits.map((e) => e.kind)])).toEqual([
      ["site-assets", ["append-line"]],
      ["web", ["template-create"]],
    ]);
  });

  it("refuses a checkout of a downstream not given", () => {
    expect(
      refusal(() => validateAnswers({ ...parse(GOOD), "downstream-dir": { hashes: "../h" } })),
    ).toContain("--downstream-dir hashes: names no downstream");
  });
});
