import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { KNOWN_PINS, scanWorkflow } from "../../support/workflow-security.js";

const root = join(import.meta.dirname, "../../..");
const templates: string[] = [];
const walk = (dir: string) => {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.ya?ml$/.test(e)) templates.push(p);
  }
};
walk(join(root, "workflows-templates"));

// An Actions expression, written so that no linter mistakes it for a template literal.
const expr = (inner: string) => ["$", "{{ ", inner, " }}"].join("");

const good = `on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - run: echo "$TITLE"
        env:
          TITLE: \${{ github.event.head_commit.message }}
`;

describe("workflow security scanner", () => {
  it("finds nothing wrong in any template release-relay installs", () => {
    expect(templates.length).toBeGreaterThanOrEqual(4);
    for (const file of templates)
      expect(scanWorkflow(relative(root, file), readFileSync(file, "utf8"))).toEqual([]);
  });

  it("accepts a workflow that follows the rules", () => {
    expect(scanWorkflow("good.yml", good)).toEqual([]);
  });

  it.each([
    [
      "a job without permissions",
      good.replace("    permissions:\n      contents: read\n", ""),
      "permissions",
      "job a does not declare permissions:",
    ],
    [
      "write-all",
      good.replace("    permissions:\n      contents: read\n", "    permissions: write-all\n"),
      "permissions",
      "job a uses write-all",
    ],
    [
      "a write permission",
      good.replace("contents: read", "contents: write"),
      "permissions",
      "asks for contents: write",
    ],
    [
      "top-level permissions",
      good.replace("permissions: {}", "permissions: read-all"),
      "permissions",
      "top-level permissions must be {}",
    ],
    [
      "a tag instead of a SHA",
      good.replace("@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2", "@v4"),
      "pin",
      "actions/checkout@v4 is not pinned",
    ],
    ["a SHA without its version", good.replace(" # v4.2.2", ""), "pin", "is not pinned by a full commit SHA"],
    [
      "event data in run:",
      good.replace('echo "$TITLE"', `echo "${expr("github.event.head_commit.message")}"`),
      "injection",
      "expression inside run:",
    ],
    [
      "event data in a multi-line run:",
      good.replace(
        '      - run: echo "$TITLE"',
        `      - run: |\n          set -e\n          echo ${expr("inputs.version")}`,
      ),
      "injection",
      "expression inside run:",
    ],
    [
      "pull_request_target checking out the PR",
      good
        .replace("on: push", "on: pull_request_target")
        .replace(
          " # v4.2.2",
          ` # v4.2.2\n        with:\n          ref: ${expr("github.event.pull_request.head.sha")}`,
        ),
      "untrusted-checkout",
      "checks out the code of the pull request or run that triggered it",
    ],
  ])("flags %s", (_name, text, rule, message) => {
    const problems = scanWorkflow("bad.yml", text);
    expect(problems.map((p) => p.rule)).toContain(rule);
    expect(problems.map((p) => p.message).join("\n")).toContain(message);
  });
});

const SHA = "11bd71901bbe5b1630ceea73d27597364c9af683";
const CHECKOUT = `actions/checkout@${SHA} # v4.2.2`;
const SCRIPT = "actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1";
const DOWNLOAD = "actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093 # v4.3.0";
const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;

// One job `a`, with what is given before its steps (`job`) and its steps, written at step depth.
const workflow = (on: string, steps: string, job = "") =>
  `on: ${on}\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n${job}    steps:\n${steps}`;
const checkoutWith = (lines: string) => `      - uses: ${CHECKOUT}\n        with:\n${lines}`;
const runWithEnv = (script: string, env: string) =>
  `      - run: ${script}\n        env:\n          ${env}\n`;

describe("workflow security scanner: untrusted data, code and pins", () => {
  it("names the file, the job, the step and the fix, on the expression's own line", () => {
    const text = workflow(
      "issues",
      `      - name: Greet\n        run: |\n          set -e\n          echo "${expr("github.event.issue.title")}"\n`,
    );
    expect(scanWorkflow("greet.yml", text)).toEqual([
      {
        file: "greet.yml",
        line: 12,
        rule: "injection",
        message: `greet.yml: job a, step 1 (Greet): expression inside run: ${expr("github.event.issue.title")} carries github.event.issue.title, which an attacker can set, and it becomes part of the code; pass it through env: (TITLE: ${expr("github.event.issue.title")}) and use "$TITLE"`,
      },
    ]);
  });

  it.each([
    [
      "event data in a flow-style run:",
      workflow("issues", `      - { run: "echo ${expr("github.event.issue.title")}" }\n`),
      "injection",
      `step 1 (run: echo ${expr("github.event.issue.title")}): expression inside run: ${expr("github.event.issue.title")} carries github.event.issue.title`,
    ],
    [
      "client_payload in a flow-style run: of a flow-style step list",
      workflow("repository_dispatch", `      [{ run: 'make ${expr("github.event.client_payload.sha")}' }]\n`),
      "injection",
      "carries github.event.client_payload.sha",
    ],
    [
      "event data in actions/github-script's script:",
      workflow(
        "pull_request_target",
        `      - uses: ${SCRIPT}\n        with:\n          script: |\n            core.info("${expr("github.event.pull_request.title")}")\n`,
      ),
      "injection",
      `expression inside actions/github-script's script: ${expr("github.event.pull_request.title")} carries github.event.pull_request.title`,
    ],
    [
      "a step output in github-script's script:",
      workflow(
        "push",
        `      - uses: ${SCRIPT}\n        with:\n          script: console.log(${expr("steps.x.outputs.name")})\n`,
      ),
      "injection",
      "carries steps.x.outputs.name",
    ],
    [
      "a workflow_run checkout of the triggering run's head",
      workflow(
        "workflow_run",
        checkoutWith(`          ref: ${expr("github.event.workflow_run.head_sha")}\n`),
      ),
      "untrusted-checkout",
      `a workflow_run workflow checks out the code of the pull request or run that triggered it (ref: ${expr("github.event.workflow_run.head_sha")})`,
    ],
    [
      "a pull_request_target checkout of the head repository",
      workflow(
        "pull_request_target",
        checkoutWith(`          repository: ${expr("github.event.pull_request.head.repo.full_name")}\n`),
      ),
      "untrusted-checkout",
      `(repository: ${expr("github.event.pull_request.head.repo.full_name")})`,
    ],
    [
      "a pull_request_target checkout of the head branch",
      workflow("[pull_request_target]", checkoutWith(`          ref: ${expr("github.head_ref")}\n`)),
      "untrusted-checkout",
      "a pull_request_target workflow checks out",
    ],
    [
      "a pull_request_target checkout of the merge ref",
      workflow(
        "pull_request_target",
        checkoutWith(`          ref: refs/pull/${expr("github.event.number")}/merge\n`),
      ),
      "untrusted-checkout",
      "(ref: refs/pull/",
    ],
    [
      "a workflow_run download of the triggering run's artifacts",
      workflow(
        "\n  workflow_run:\n    workflows: [CI]\n    types: [completed]",
        `      - uses: ${DOWNLOAD}\n        with:\n          name: report\n          run-id: ${expr("github.event.workflow_run.id")}\n`,
      ),
      "untrusted-artifact",
      `downloads an artifact of the run that triggered it (run-id: ${expr("github.event.workflow_run.id")})`,
    ],
    [
      "a container image by tag",
      workflow("push", "      - run: make\n", "    container: node:20\n"),
      "unpinned-image",
      "job a: container image node:20 is not pinned by digest",
    ],
    [
      "a container image by tag, long form",
      workflow("push", "      - run: make\n", "    container:\n      image: node:20\n"),
      "unpinned-image",
      "node:20@sha256:<digest>",
    ],
    [
      "a service image by tag",
      workflow("push", "      - run: make\n", "    services:\n      redis:\n        image: redis:7\n"),
      "unpinned-image",
      "service redis image redis:7 is not pinned by digest",
    ],
    [
      "a docker:// action by tag",
      workflow("push", "      - uses: docker://alpine:3.20\n"),
      "unpinned-image",
      "step 1 (docker://alpine:3.20): image alpine:3.20 is not pinned by digest",
    ],
    [
      "a docker:// action with a short digest",
      workflow("push", "      - uses: docker://alpine@sha256:0123abcd\n"),
      "unpinned-image",
      "image alpine@sha256:0123abcd is not pinned",
    ],
    [
      "a known commit with another version in its comment",
      workflow("push", `      - uses: actions/checkout@${SHA} # v4.1.0\n`),
      "pin-comment",
      `actions/checkout@${SHA} says # v4.1.0, but that commit is v4.2.2`,
    ],
    [
      "a known version on another commit",
      workflow("push", `      - uses: actions/checkout@${"b".repeat(40)} # v4.2.2\n`),
      "pin-comment",
      `says # v4.2.2, but v4.2.2 is ${SHA}`,
    ],
    [
      "a tag with its own name as the comment",
      workflow("push", "      - uses: actions/checkout@v4 # v4\n"),
      "pin",
      "actions/checkout@v4 is not pinned by a full commit SHA",
    ],
    [
      "a short SHA",
      workflow("push", `      - uses: actions/checkout@${SHA.slice(0, 7)} # v4.2.2\n`),
      "pin",
      "(a short SHA, which a new commit can be made to match)",
    ],
    [
      "a tag in a flow-style step",
      workflow("push", "      - { uses: actions/checkout@v4 }\n"),
      "pin",
      "actions/checkout@v4 is not pinned",
    ],
    [
      "a reusable workflow by branch",
      "on: push\npermissions: {}\njobs:\n  a:\n    permissions: {}\n    uses: org/repo/.github/workflows/x.yml@main\n",
      "pin",
      "job a: org/repo/.github/workflows/x.yml@main is not pinned",
    ],
    [
      "secrets in a job that runs another repository's code",
      workflow(
        "push",
        `${checkoutWith("          repository: other/project\n          persist-credentials: false\n")}${runWithEnv("make", `TOKEN: ${expr("secrets.DEPLOY_TOKEN")}`)}`,
      ),
      "secrets-foreign-code",
      "job a: step 1 (" +
        CHECKOUT.replace(" # v4.2.2", "") +
        ") checks out other/project@its default branch and step 2 (run: make) runs code, in a job that has secrets.DEPLOY_TOKEN",
    ],
    [
      "a secret in an if: of a job that runs code at a ref from the plan",
      workflow(
        "push",
        `${checkoutWith(`          ref: ${expr("needs.plan.outputs.sha")}\n`)}      - if: secrets.SIGNING_KEY != ''\n        run: make sign\n`,
      ),
      "secrets-foreign-code",
      "in a job that has secrets.SIGNING_KEY",
    ],
    [
      "a secret in the workflow's env: with a job that runs another repository's code",
      workflow("push", `${checkoutWith("          repository: other/project\n")}      - run: make\n`).replace(
        "permissions: {}\n",
        `permissions: {}\nenv:\n  KEY: ${expr("secrets['NPM_TOKEN']")}\n`,
      ),
      "secrets-foreign-code",
      "in a job that has secrets.NPM_TOKEN",
    ],
    ...[
      'echo "TITLE=$TITLE" >> "$GITHUB_ENV"',
      "echo TITLE=$TITLE >>$GITHUB_ENV",
      `echo "TITLE=$TITLE" | tee -a "\${GITHUB_ENV}"`,
      'echo "$TITLE" >> $GITHUB_PATH',
    ].map((script) => [
      `a write to the env file: ${script}`,
      workflow("issues", runWithEnv(`'${script}'`, `TITLE: ${expr("github.event.issue.title")}`)),
      "github-env",
      `while its env or script carries github.event.issue.title`,
    ]),
    [
      "a write to $GITHUB_ENV with an input in the job's env:",
      workflow(
        "\n  workflow_dispatch:\n    inputs:\n      channel: { type: string }",
        '      - run: echo "CHANNEL=$CHANNEL" >> "$GITHUB_ENV"\n',
        `    env:\n      CHANNEL: ${expr("inputs.channel")}\n`,
      ),
      "github-env",
      'step 1 (run: echo "CHANNEL=$CHANNEL" >> "$GITHUB_ENV"): writes to $GITHUB_ENV while its env or script carries inputs.channel',
    ],
  ])("flags %s", (_name, text, rule, message) => {
    const problems = scanWorkflow("bad.yml", text);
    expect(problems.map((p) => p.rule)).toContain(rule);
    expect(
      problems
        .filter((p) => p.rule === rule)
        .map((p) => p.message)
        .join("\n"),
    ).toContain(message);
  });

  it.each([
    [
      "a flow-style run: reading event data from env:",
      workflow(
        "issues",
        `      - { run: 'echo "$TITLE"', env: { TITLE: "${expr("github.event.issue.title")}" } }\n`,
      ),
    ],
    [
      "github-script reading event data from env:",
      workflow(
        "pull_request_target",
        `      - uses: ${SCRIPT}\n        env:\n          TITLE: ${expr("github.event.pull_request.title")}\n        with:\n          script: core.info(process.env.TITLE)\n          github-token: ${expr("github.token")}\n`,
      ),
    ],
    [
      "a script: input of another action",
      workflow(
        "push",
        `      - uses: org/act@${"a".repeat(40)} # v1.0.0\n        with:\n          script: echo ${expr("github.event.head_commit.message")}\n`,
      ),
    ],
    [
      "a pull_request_target checkout of the base",
      workflow(
        "pull_request_target",
        checkoutWith(`          ref: ${expr("github.event.pull_request.base.sha")}\n`),
      ),
    ],
    [
      "a workflow_run checkout of the default branch",
      workflow("workflow_run", checkoutWith("          persist-credentials: false\n")),
    ],
    [
      "a pull_request checkout of the head",
      workflow(
        "pull_request",
        checkoutWith(`          ref: ${expr("github.event.pull_request.head.sha")}\n`),
      ),
    ],
    [
      "a workflow_run download of its own run's artifacts",
      workflow("workflow_run", `      - uses: ${DOWNLOAD}\n        with:\n          name: report\n`),
    ],
    [
      "a push download from another run",
      workflow(
        "push",
        `      - uses: ${DOWNLOAD}\n        with:\n          run-id: ${expr("needs.plan.outputs.run")}\n`,
      ),
    ],
    [
      "images pinned by digest",
      workflow(
        "push",
        `      - uses: docker://alpine:3.20@${DIGEST}\n`,
        `    container: node:20@${DIGEST}\n    services:\n      redis:\n        image: redis@${DIGEST}\n`,
      ),
    ],
    [
      "a container image from an expression",
      workflow("push", "      - run: make\n", `    container: ${expr("matrix.image")}\n`),
    ],
    [
      "an unknown commit with its version",
      workflow("push", `      - uses: actions/checkout@${"b".repeat(40)} # v3.6.0\n`),
    ],
    [
      "a known pin in a flow-style step",
      workflow("push", `      - { uses: "actions/checkout@${SHA}" } # v4.2.2\n`),
    ],
    [
      "another repository's code in a job without secrets",
      workflow(
        "push",
        `${checkoutWith("          repository: other/project\n")}      - run: make\n        env:\n          TOKEN: ${expr("secrets.GITHUB_TOKEN")}\n`,
      ),
    ],
    [
      "secrets with the workflow's own commit",
      workflow(
        "push",
        `${checkoutWith(`          repository: ${expr("github.repository")}\n          ref: ${expr("github.sha")}\n`)}${runWithEnv("make", `TOKEN: ${expr("secrets.DEPLOY_TOKEN")}`)}`,
      ),
    ],
    [
      "secrets used only before another repository is checked out, with nothing run after it",
      workflow(
        "push",
        `${runWithEnv("make", `TOKEN: ${expr("secrets.DEPLOY_TOKEN")}`)}${checkoutWith("          repository: other/project\n")}`,
      ),
    ],
    [
      "a write to $GITHUB_ENV of a commit SHA",
      workflow(
        "pull_request_target",
        runWithEnv(
          `'echo "SHA=$SHA" >> "$GITHUB_ENV"'`,
          `SHA: ${expr("github.event.pull_request.head.sha")}`,
        ),
      ),
    ],
    [
      "event data written to $GITHUB_OUTPUT",
      workflow(
        "issues",
        runWithEnv(`'echo "title=$TITLE" >> "$GITHUB_OUTPUT"'`, `TITLE: ${expr("github.event.issue.title")}`),
      ),
    ],
    [
      "a boolean input written to $GITHUB_ENV",
      workflow(
        "\n  workflow_dispatch:\n    inputs:\n      dry-run: { type: boolean }",
        runWithEnv(`'echo "DRY=$DRY" >> "$GITHUB_ENV"'`, `DRY: ${expr("inputs.dry-run")}`),
      ),
    ],
  ])("accepts %s", (_name, text) => {
    expect(scanWorkflow("good.yml", text)).toEqual([]);
  });

  it("knows every commit the templates pin, as the version their comments name", () => {
    const pins = templates.flatMap((file) =>
      [
        ...readFileSync(file, "utf8").matchAll(
          /uses:\s*([\w.-]+\/[\w.-]+)[\w./-]*@([0-9a-f]{40})\s+#\s*(\S+)/g,
        ),
      ].map((m) => [`${m[1]}@${m[2]}`, m[3]]),
    );
    // Every known commit is one the templates pin: the table holds no pin nobody uses.
    expect(new Set(pins.map(([pin]) => pin))).toEqual(new Set(Object.keys(KNOWN_PINS)));
    for (const [pin, version] of pins) expect([pin, KNOWN_PINS[pin as string]]).toEqual([pin, version]);
  });
});

describe("workflow security scanner: the pin check", () => {
  // An action the scanner knows no release of, so only the shape of the pin can be judged.
  const step = (uses: string) => workflow("push", `      - uses: ${uses}\n`);
  const pinProblem = (uses: string, why: string) => [
    {
      file: "pin.yml",
      line: 9,
      rule: "pin",
      message: `pin.yml: job a, step 1 (${uses.replace(/ #.*$/, "")}): ${uses.replace(/ #.*$/, "")} is not pinned by a full commit SHA with "# vX" after it (${why}); write it as x/y@<the release's 40-hex commit> # vX.Y.Z`,
    },
  ];

  it("flags a tag whose comment repeats it", () => {
    expect(scanWorkflow("pin.yml", step("x/y@v4 # v4"))).toEqual(
      pinProblem("x/y@v4 # v4", "a tag or branch, which can be moved to other code"),
    );
  });

  it.each([7, 12, 39])("flags a short SHA of %i hex digits, whatever its comment says", (length) => {
    const uses = `x/y@${"0123456789abcdef0123456789abcdef01234567".slice(0, length)} # v4.2.2`;
    expect(scanWorkflow("pin.yml", step(uses))).toEqual(
      pinProblem(uses, "a short SHA, which a new commit can be made to match"),
    );
  });

  it("accepts the full SHA of the same action with a version comment", () => {
    expect(scanWorkflow("pin.yml", step(`x/y@${"0123456789abcdef".repeat(2)}01234567 # v4.2.2`))).toEqual([]);
  });
});
