import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  DOWNSTREAM_REPORT,
  downstreamReportSchema,
  EARLIER_DOWNSTREAM_REPORT,
} from "../../../src/core/ledger/downstream-report.js";
import { releasePlanSchema } from "../../../src/core/request/plan.js";
import {
  RELEASE_REQUESTED,
  releaseRequestedSchema,
  releaseRequestedV1Schema,
  requestOptionsSchema,
} from "../../../src/core/request/release-requested.js";

const root = join(import.meta.dirname, "../../..");
type Step = { id?: string; uses?: string; with?: Record<string, unknown>; run?: string };
type Job = { needs?: string | string[]; outputs?: Record<string, string>; steps?: Step[] };
type Workflow = { on: Record<string, { types?: string[] }>; jobs: Record<string, Job> };
const load = (p: string): { text: string; wf: Workflow } => {
  const text = readFileSync(join(root, "workflows-templates", p), "utf8");
  return { text, wf: parse(text) as Workflow };
};
const TEMPLATES = [
  "main-repo/release.yml",
  "automation/release.yml",
  "automation/status.yml",
  "automation/yank.yml",
  "downstream/report-status.yml",
];

function actionOf(uses: string): {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, unknown>;
} {
  const path = uses === "./.github/release-relay" ? "action.yml" : `${uses.slice(2)}/action.yml`;
  const meta = parse(readFileSync(join(root, path), "utf8"));
  return { inputs: meta.inputs ?? {}, outputs: meta.outputs ?? {} };
}

describe("workflow templates are wired to the actions they use", () => {
  it.each(TEMPLATES)(
    "%s: every input given exists, every required input is given, every output read exists",
    (file) => {
      const { wf } = load(file);
      for (const [jobName, job] of Object.entries(wf.jobs)) {
        const stepActions = new Map<string, ReturnType<typeof actionOf>>();
        for (const step of job.steps ?? []) {
          if (!step.uses?.startsWith("./")) continue;
          const action = actionOf(step.uses);
          if (step.id) stepActions.set(step.id, action);
          for (const input of Object.keys(step.with ?? {}))
            expect(Object.keys(action.inputs), `${file} ${jobName} ${step.uses} input ${input}`).toContain(
              input,
            );
          for (const [name, spec] of Object.entries(action.inputs)) {
            if (spec.required && spec.default === undefined)
              expect(Object.keys(step.with ?? {}), `${file} ${jobName} ${step.uses} needs ${name}`).toContain(
                name,
              );
          }
        }
        const jobText = JSON.stringify(job);
        for (const m of jobText.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
          const action = stepActions.get(m[1] as string);
          if (action) expect(Object.keys(action.outputs), `${file} ${jobName} reads ${m[0]}`).toContain(m[2]);
        }
        for (const m of jobText.matchAll(/needs\.([\w-]+)\.outputs\.([\w-]+)/g)) {
          expect(
            Object.keys(wf.jobs[m[1] as string]?.outputs ?? {}),
            `${file} ${jobName} reads ${m[0]}`,
          ).toContain(m[2]);
        }
      }
    },
  );

  it("dispatch event types match between senders and receivers", () => {
    expect(load("automation/release.yml").wf.on.repository_dispatch?.types).toEqual([RELEASE_REQUESTED]);
    expect(load("automation/status.yml").wf.on.repository_dispatch?.types).toEqual([
      DOWNSTREAM_REPORT,
      EARLIER_DOWNSTREAM_REPORT,
    ]);
    expect(load("downstream/report-status.yml").text).toContain(`event_type: "${DOWNSTREAM_REPORT}"`);
  });

  it("records a report sent under the event type earlier report-status workflows send, as any other", () => {
    const status = load("automation/status.yml").wf as Workflow & { jobs: Record<string, { if?: string }> };
    expect(status.on.repository_dispatch?.types).toContain(EARLIER_DOWNSTREAM_REPORT);
    expect(status.jobs.record?.if).toBe("github.event_name == 'repository_dispatch'");
  });

  it("payload fields the templates read are in the event schemas", () => {
    const fields = (text: string) =>
      [...text.matchAll(/client_payload\.([A-Za-z]+)/g)].map((m) => m[1] as string);
    // release.yml reads a request's options (schema 2), and the environment of a version 1 request.
    const read = [...load("automation/release.yml").text.matchAll(/client_payload\.([A-Za-z.]+)/g)].map(
      (m) => m[1] as string,
    );
    for (const path of read) {
      const [top, inner] = path.split(".") as [string, string | undefined];
      if (inner) expect(Object.keys(requestOptionsSchema.shape), path).toContain(inner);
      expect([
        ...Object.keys(releaseRequestedSchema.shape),
        ...Object.keys(releaseRequestedV1Schema.shape),
      ]).toContain(top);
    }
    for (const f of fields(load("automation/status.yml").text))
      expect(Object.keys(downstreamReportSchema.shape)).toContain(f);
    // What report-status builds with jq is what the receiver accepts.
    const built = [
      ...load("downstream/report-status.yml").text.matchAll(/\{schemaVersion: 1,([^}]*)\}/g),
    ].map((m) => m[1] as string);
    for (const object of built) {
      for (const key of object.split(",").map((kv) => kv.trim().split(":")[0] as string))
        expect(Object.keys(downstreamReportSchema.shape)).toContain(key);
    }
    expect(built).toHaveLength(2);
  });

  it("the plan carries what the build job reads from it", () => {
    const { text } = load("automation/release.yml");
    for (const m of text.matchAll(/fromJSON\(needs\.plan\.outputs\.plan\)\.(\w+)/g)) {
      expect(Object.keys(releasePlanSchema.shape)).toContain(m[1]);
    }
  });
});

describe("GitHub's own workflow parser", () => {
  it("parses every template without an error", async () => {
    const { build } = await import("esbuild");
    const { execFileSync } = await import("node:child_process");
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const out = join(mkdtempSync(join(tmpdir(), "parser-")), "parse.mjs");
    await build({
      entryPoints: [join(root, "test/support/parse-workflows.ts")],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: out,
      logLevel: "error",
      banner: {
        js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);',
      },
    });
    const files = TEMPLATES.map((t) => join(root, "workflows-templates", t));
    const results = JSON.parse(execFileSync(process.execPath, [out, ...files]).toString()) as Record<
      string,
      { errors: string[]; jobs: string[] }
    >;
    for (const file of files) expect(results[file]?.errors, file).toEqual([]);
    expect(results[join(root, "workflows-templates/automation/release.yml")]?.jobs).toEqual([
      "doctor",
      "plan",
      "build",
      "qualify",
      "progress",
      "publish",
      "generate",
      "downstream",
      "track",
    ]);
  });
});

describe("secrets stay out of reach", () => {
  it("report-status hands the report token to curl in a file, never on a command line", () => {
    const script =
      load("downstream/report-status.yml")
        .wf.jobs.report?.steps?.map((s) => s.run ?? "")
        .join("\n") ?? "";
    const uses = script
      .split("\n")
      .filter((l) => l.includes("$REPORT_TOKEN"))
      .map((l) => l.trim());
    // printf is a shell builtin: no process is started with the token among its arguments.
    expect(uses).toEqual([
      `          (umask 077 && printf 'Authorization: Bearer %s\\n' "$REPORT_TOKEN" > "$auth")`.trim(),
    ]);
    expect(script).toContain('-H @"$auth"');
  });

  it("only jobs in the release environment are given the signing key or the publishing role", () => {
    const wf = load("automation/release.yml").wf as unknown as {
      jobs: Record<string, { environment?: string; steps?: Step[] }>;
    };
    for (const [id, job] of Object.entries(wf.jobs)) {
      const text = JSON.stringify(job.steps ?? []);
      const holds = /RELEASE_SIGNING_KEY|RELEASE_SIGNING_PASSPHRASE|vars\.RELEASE_AWS_ROLE/.test(text);
      if (holds) expect(job.environment, `job ${id}`).toBe("release");
    }
    expect(JSON.stringify(wf.jobs.doctor)).not.toContain("RELEASE_SIGNING_KEY");
  });

  it("downstream scripts run in a job with no App token, secret, environment or cloud role; the token's job runs none", () => {
    const wf = load("automation/release.yml").wf as unknown as {
      jobs: Record<
        string,
        { environment?: string; needs?: string[]; permissions?: Record<string, string>; steps?: Step[] }
      >;
    };
    const generate = wf.jobs.generate;
    expect(generate?.environment).toBeUndefined();
    expect(generate?.permissions).toEqual({ actions: "read", contents: "read" });
    expect(JSON.stringify(generate)).not.toMatch(
      /secrets\.|vars\.|create-github-app-token|configure-aws-credentials|id-token/,
    );
    expect(generate?.steps?.map((s) => s.uses)).toContain("./actions/generate-downstream-edits");
    expect(Object.keys(actionOf("./actions/generate-downstream-edits").inputs).join()).not.toMatch(
      /token|key/,
    );
    expect(wf.jobs.downstream?.needs).toContain("generate");
    expect(JSON.stringify(wf.jobs.downstream)).not.toContain("generate-downstream-edits");
  });
});

describe("reports from forks", () => {
  it("report-status never reports a branch that lives in a fork", () => {
    const script = load("downstream/report-status.yml").wf.jobs.report?.steps?.[0]?.run ?? "";
    const env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      RUNNER_TEMP: tmpdir(),
      EVENT_NAME: "pull_request_target",
      PR_BRANCH: "release-relay/8.0.2/hashes",
      PR_MERGED: "true",
      REPO: "valkey-io/valkey-hashes",
      HEAD_REPO: "mallory/valkey-hashes",
      PROJECT: "valkey",
      REPORT_TOKEN: "never-sent",
      AUTOMATION_REPO: "valkey-io/valkey-release-automation",
      // Nothing listens here: a report that got as far as sending would fail the script.
      GITHUB_API_URL: "http://127.0.0.1:9",
    };
    const result = spawnSync("bash", ["-e", "-c", script], { env, encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      "not reported: the branch lives in mallory/valkey-hashes, a fork of valkey-io/valkey-hashes\n",
    );
    // A PR whose fork was deleted has no head repository: still not reported.
    const deleted = spawnSync("bash", ["-e", "-c", script], {
      env: { ...env, HEAD_REPO: "" },
      encoding: "utf8",
    });
    expect([deleted.status, deleted.stdout]).toEqual([
      0,
      "not reported: the branch lives in a deleted repository, a fork of valkey-io/valkey-hashes\n",
    ]);
  });
});
