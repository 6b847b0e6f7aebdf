// Runs small worlds through LocalActions (the emulator, a RehearsalHost, real git) and prints, as
// JSON, which workflows ran on which events. Run bundled (the workflow parser only loads from a bundle).
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { ALL_PERMISSIONS } from "../../src/rehearsal/github/permissions.js";
import { apiCall } from "../../src/rehearsal/maintainer.js";
import { RehearsalHost } from "../../src/rehearsal/rehearsal-host.js";
import { LocalActions } from "../../src/rehearsal/runner/local-actions.js";

const emulator = new GitHubEmulator();
await emulator.start();
emulator.addToken("t-user", { login: "maintainer", repos: { "*": ALL_PERMISSIONS } });
emulator.addToken("t-app", { login: "release-relay[bot]", type: "Bot", repos: { "*": ALL_PERMISSIONS } });
const workDir = mkdtempSync(join(tmpdir(), "actions-probe-"));
const host = new RehearsalHost(emulator, workDir, {
  apps: {},
  settings: new Map(),
  s3: { endpoint: "http://127.0.0.1:9", accessKeyId: "a", secretAccessKey: "b" },
  awsRoles: new Map(),
  approver: { login: "maintainer", required: false },
  firstRunId: 1,
  notify: () => {},
} as unknown as ConstructorParameters<typeof RehearsalHost>[2]);
const actions = new LocalActions(host, emulator);
const api = (token: string, method: string, path: string, body?: unknown) =>
  apiCall(emulator.url, token, method, path, body) as Promise<{
    status: number;
    body: Record<string, unknown>;
  }>;
const git = (repo: string, args: string[]) =>
  execFileSync("git", ["--git-dir", host.gitDir(repo), ...args], {
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "m",
      GIT_AUTHOR_EMAIL: "m@x",
      GIT_COMMITTER_NAME: "m",
      GIT_COMMITTER_EMAIL: "m@x",
    },
  })
    .toString()
    .trim();
/** A commit on `branch` (created from `from`) setting `files`. */
function commit(repo: string, from: string, branch: string, files: Record<string, string>): string {
  const work = mkdtempSync(join(tmpdir(), "probe-work-"));
  const run = (...args: string[]) =>
    execFileSync("git", ["-C", work, "-c", "user.name=m", "-c", "user.email=m@x", ...args])
      .toString()
      .trim();
  execFileSync("git", ["clone", "-q", host.gitDir(repo), work]);
  run("checkout", "-q", "-B", branch, `origin/${from}`);
  for (const [path, content] of Object.entries(files)) {
    execFileSync("mkdir", ["-p", join(work, path, "..")]);
    execFileSync("bash", ["-c", `cat > "$1"`, "_", join(work, path)], { input: content });
    run("add", path);
  }
  run("commit", "-qm", `change ${Object.keys(files).join(" ")}`);
  run("push", "-q", "origin", `HEAD:refs/heads/${branch}`);
  return run("rev-parse", "HEAD");
}
const wf = (name: string, on: string, script = "true") =>
  `name: ${name}\non:\n${on}\npermissions: {}\njobs:\n  run:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${script}\n`;
const ran = (repo: string) =>
  actions.runs
    .filter((r) => r.repo === repo)
    .map((r) => ({ workflow: r.workflow, event: r.event, headSha: r.headSha, conclusion: r.conclusion }));
const out: Record<string, unknown> = {};

// 1. A PR with merge conflicts gets no pull_request run; a clean one does.
{
  const repo = "acme/conflicts";
  await emulator.createRepo(repo, {
    files: { "file.txt": "base\n", ".github/workflows/ci.yml": wf("CI", "  pull_request:") },
  });
  commit(repo, "main", "clean", { "other.txt": "x\n" });
  commit(repo, "main", "clash", { "file.txt": "theirs\n" });
  commit(repo, "main", "main", { "file.txt": "ours\n" });
  const clean = await api("t-app", "POST", `/repos/${repo}/pulls`, {
    title: "clean",
    head: "clean",
    base: "main",
  });
  await api("t-app", "POST", `/repos/${repo}/pulls`, { title: "clash", head: "clash", base: "main" });
  await actions.drain();
  out.conflicts = { runs: ran(repo), cleanHead: (clean.body.head as { sha: string }).sha };
}

// 2. pull_request_target runs the base branch's workflow at the base branch's head.
{
  const repo = "acme/target";
  await emulator.createRepo(repo, {
    files: { ".github/workflows/t.yml": wf("target-main", "  pull_request_target:\n    types: [closed]") },
  });
  const stable = commit(repo, "main", "stable", {
    ".github/workflows/t.yml": wf("target-stable", "  pull_request_target:\n    types: [closed]"),
  });
  const head = commit(repo, "stable", "feature", { "f.txt": "f\n" });
  actions.enqueue(repo, {
    name: "pull_request_target",
    ref: "",
    sha: "",
    actor: "maintainer",
    payload: {
      action: "closed",
      pull_request: {
        number: 1,
        merged: false,
        head: { ref: "feature", sha: head, repo: { full_name: repo } },
        base: { ref: "stable", repo: { full_name: repo } },
      },
      repository: { full_name: repo },
    },
  });
  await actions.drain();
  out.target = { runs: ran(repo).filter((r) => r.event === "pull_request_target"), stable, head };
}

// 3. workflow_run chains at most three levels deep: A → B → C → D run, E does not.
{
  const repo = "acme/chain";
  const level = (name: string, after: string) =>
    wf(name, `  workflow_run:\n    workflows: [${after}]\n    types: [completed]`);
  await emulator.createRepo(repo, {
    files: {
      ".github/workflows/a.yml": wf("A", "  push:\n    branches: [main]"),
      ".github/workflows/b.yml": level("B", "A"),
      ".github/workflows/c.yml": level("C", "B"),
      ".github/workflows/d.yml": level("D", "C"),
      ".github/workflows/e.yml": level("E", "D"),
    },
  });
  const sha = git(repo, ["rev-parse", "refs/heads/main"]);
  actions.enqueue(repo, {
    name: "push",
    ref: "refs/heads/main",
    sha,
    actor: "maintainer",
    payload: { ref: "refs/heads/main", after: sha, repository: { full_name: repo } },
  });
  await actions.drain();
  out.chain = ran(repo).map((r) => r.workflow);
}

// 4. A branch moved through the API by an App runs push workflows; by a job's GITHUB_TOKEN, none.
{
  const repo = "acme/pushed";
  await emulator.createRepo(repo, {
    files: { ".github/workflows/p.yml": wf("on-push", "  push:\n    branches: [main]") },
  });
  const base = git(repo, ["rev-parse", "refs/heads/main"]);
  const tree = git(repo, ["rev-parse", `${base}^{tree}`]);
  const next = git(repo, ["commit-tree", tree, "-p", base, "-m", "release 1.2.1"]);
  await api("t-app", "PATCH", `/repos/${repo}/git/refs/heads/main`, { sha: next });
  await actions.drain();
  const byApp = ran(repo);
  const jobToken = host.jobToken(repo, { contents: "write" });
  const again = git(repo, ["commit-tree", tree, "-p", next, "-m", "by the job"]);
  await api(jobToken, "PATCH", `/repos/${repo}/git/refs/heads/main`, { sha: again });
  await actions.drain();
  out.pushed = { byApp, all: ran(repo), next };
}

// 5. A fork's PR: its CI's workflow_run names the fork as the head repository.
{
  const repo = "acme/forked";
  await emulator.createRepo(repo, {
    files: {
      // CI checks out the PR's head, which lives in the fork (GitHub keeps it as refs/pull/N/head).
      ".github/workflows/ci.yml":
        "name: CI\non:\n  pull_request:\npermissions:\n  contents: read\njobs:\n  run:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n      - run: cat x.txt\n",
      ".github/workflows/report.yml":
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression, evaluated by the runner, not by JavaScript
        'name: report\non:\n  workflow_run:\n    workflows: [CI]\n    types: [completed]\npermissions: {}\njobs:\n  run:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          HEAD_REPO: ${{ github.event.workflow_run.head_repository.full_name }}\n        run: echo "head repository $HEAD_REPO"\n',
    },
  });
  await emulator.createRepo("mallory/forked");
  git("mallory/forked", ["fetch", "-q", host.gitDir(repo), "+main:main"]);
  commit("mallory/forked", "main", "release-relay/1.0.0/x", { "x.txt": "x\n" });
  const pr = await api("t-user", "POST", `/repos/${repo}/pulls`, {
    title: "x",
    head: "mallory:release-relay/1.0.0/x",
    base: "main",
  });
  await actions.drain();
  const report = actions.runs.find((r) => r.repo === repo && r.workflow === "report");
  out.fork = {
    pr: pr.status,
    runs: ran(repo),
    reportLog: report?.jobs[0]?.steps.map((s) => s.log).join("") ?? "",
  };
}

// 6. actions/checkout of a private repo needs a token that can read it.
{
  await emulator.createRepo("acme/private-data", { private: true, files: { "secret.txt": "s\n" } });
  const repo = "acme/reader";
  const checkout = (token: string) =>
    `      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683\n        with:\n          repository: acme/private-data\n          path: data\n${token ? `          token: ${token}\n` : ""}`;
  await emulator.createRepo(repo, {
    files: {
      ".github/workflows/r.yml": `name: reader\non:\n  push:\n    branches: [main]\npermissions:\n  contents: read\njobs:\n  job-token:\n    runs-on: ubuntu-latest\n    steps:\n${checkout("")}  with-token:\n    runs-on: ubuntu-latest\n    steps:\n${checkout("t-user")}      - run: cat data/secret.txt\n`,
    },
  });
  const sha = git(repo, ["rev-parse", "refs/heads/main"]);
  actions.enqueue(repo, {
    name: "push",
    ref: "refs/heads/main",
    sha,
    actor: "maintainer",
    payload: { ref: "refs/heads/main", after: sha, repository: { full_name: repo } },
  });
  await actions.drain();
  const run = actions.runs.find((r) => r.repo === repo);
  out.checkout = run?.jobs.map((j) => ({
    id: j.id,
    result: j.result,
    log: j.steps.map((s) => s.log).join(""),
  }));
}

process.stdout.write(JSON.stringify(out));
await emulator.stop();
