// Runs one job of a workflow file with the local runner against a throwaway host and prints, as
// JSON, the job record or the error. Run bundled (the workflow parser only loads from a bundle).
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConcurrencyGroups } from "../../src/rehearsal/runner/concurrency.js";
import { runWorkflow } from "../../src/rehearsal/runner/run-workflow.js";
import type { RunnerHost } from "../../src/rehearsal/runner/runner-host.js";
import { parseWorkflowFile } from "../../src/rehearsal/runner/workflow-file.js";

const [file, eventName = "workflow_dispatch", inputs = "{}"] = process.argv.slice(2) as [
  string,
  string?,
  string?,
];
const workDir = mkdtempSync(join(tmpdir(), "runner-probe-"));
let runId = 100;
const checkRuns: {
  id: number;
  name: string;
  headSha: string;
  runId: number;
  status: string;
  conclusion?: string;
}[] = [];
const host: RunnerHost = {
  apiUrl: "http://127.0.0.1:9",
  gitDir: () => "/nonexistent",
  jobToken: () => "ghs_probe_job_token_0123456789",
  appToken: () => ({ token: "ghs_probe_app_token" }),
  settings: () => ({ vars: { NAME: "probe" }, secrets: { SECRET_VALUE: "s3cr3t-canary-value" } }),
  s3: { endpoint: "http://127.0.0.1:9", accessKeyId: "a", secretAccessKey: "b" },
  // Two roles, trusting what init prints for the release environment's role and for a repository one.
  assumeRole: (role, subject) => {
    const trusted = {
      "arn:release": "repo:owner/repo:environment:release",
      "arn:doctor": "repo:owner/repo:ref:refs/heads/main",
    }[role];
    return trusted === subject
      ? {}
      : { error: `the role trusts ${trusted}, the job's token says ${subject}` };
  },
  workDir,
  concurrency: new ConcurrencyGroups(),
  artifactUploaded: () => {},
  artifactExpired: () => false,
  nextRunId: () => ++runId,
  startCheckRun: (_repo, job) => {
    checkRuns.push({ id: checkRuns.length + 1, ...job, status: "in_progress" });
    return checkRuns.length;
  },
  completeCheckRun: (_repo, id, conclusion) => {
    Object.assign(checkRuns[id - 1] as object, { status: "completed", conclusion });
  },
  approve: () => "probe",
  notify: () => {},
  stopped: () => false,
  recover: () => {},
  crashes: () => 0,
};
try {
  const workflow = await parseWorkflowFile(file, readFileSync(file, "utf8"));
  const run = await runWorkflow(host, "owner/repo", workflow, {
    name: eventName,
    ref: "refs/heads/main",
    sha: "0".repeat(40),
    actor: "probe",
    payload: { inputs: JSON.parse(inputs) },
  });
  process.stdout.write(JSON.stringify({ run, checkRuns }));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: (error as Error).message }));
}
