import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHubClient, type GitHubClient } from "../../src/adapters/github/client.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { ALL_PERMISSIONS } from "../../src/rehearsal/github/permissions.js";
import { ROUTES } from "../../src/rehearsal/github/routes/route-table.js";

// The committed excerpt of GitHub's official OpenAPI description (scripts/update-openapi-excerpt.mjs).
const spec = JSON.parse(readFileSync(join(import.meta.dirname, "github-openapi.json"), "utf8"));
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** OpenAPI 3.0 → JSON Schema: `nullable` becomes a null alternative; `discriminator` is only a hint. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "discriminator" || k === "nullable") continue;
    out[k] = toJsonSchema(v);
  }
  if ((node as { nullable?: boolean }).nullable) {
    if (out.enum) out.enum = [...(out.enum as unknown[]), null];
    return typeof out.type === "string" && !out.enum
      ? { ...out, type: [out.type, "null"] }
      : { anyOf: [out, { type: "null" }] };
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(toJsonSchema({ components: spec.components }) as object, "github");

/** The JSON Schema GitHub documents for a route and status, if it documents one. */
function schemaFor(route: string, status: number): object | undefined {
  const [method, path] = route.split(" ") as [string, string];
  let response = spec.paths[path]?.[method.toLowerCase()]?.responses?.[String(status)];
  if (response?.$ref) response = spec.components.responses[response.$ref.split("/").pop()];
  const schema = response?.content?.["application/json"]?.schema;
  // Route schemas are compiled on their own: point their references at the components document.
  return schema
    ? (JSON.parse(
        JSON.stringify(toJsonSchema(schema)).replaceAll('"#/components/', '"github#/components/'),
      ) as object)
    : undefined;
}

const observed: { route: string; status: number; body: unknown }[] = [];
let emulator: GitHubEmulator;
let gh: GitHubClient;
const R = { owner: "acme", repo: "site" };

const settle = (p: Promise<unknown>) => p.catch(() => undefined);

beforeAll(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  emulator.observe((route, status, body) => observed.push({ route, status, body }));
  emulator.addToken("t", {
    login: "relay[bot]",
    repos: {
      "*": ALL_PERMISSIONS,
    },
  });
  const base = await emulator.createRepo("acme/site", {
    files: { "index.md": "hello\n", "docs/a.md": "a\n" },
  });
  gh = createGitHubClient({ token: "t", baseUrl: emulator.url, retryAfterBaseValue: 1, pace: "local" });

  // One scripted session that calls every route, successes and the errors GitHub documents.
  await gh.rest.rateLimit.get();
  await gh.rest.repos.get(R);
  await gh.rest.repos.getContent({ ...R, path: "index.md" });
  await gh.rest.repos.getBranch({ ...R, branch: "main" });
  await settle(gh.rest.repos.getBranch({ ...R, branch: "nope" }));
  await gh.rest.repos.getContent({ ...R, path: "docs" });
  await settle(gh.rest.repos.getContent({ ...R, path: "missing" }));
  await gh.rest.repos.createDispatchEvent({ ...R, event_type: "x", client_payload: {} });
  await gh.rest.actions.createWorkflowDispatch({ ...R, workflow_id: "w.yml", ref: "main" });
  for (const name of ["release", "rc"])
    await gh.rest.issues.createLabel({ ...R, name, color: "0e8a16", description: "Release tracking" });
  await settle(gh.rest.issues.createLabel({ ...R, name: "Release" }));
  await gh.rest.issues.getLabel({ ...R, name: "release" });
  await settle(gh.rest.issues.getLabel({ ...R, name: "missing" }));
  const { data: issue } = await gh.rest.issues.create({ ...R, title: "Release 1.0.0", labels: ["release"] });
  await settle(gh.rest.issues.create({ ...R, title: "" }));
  await gh.rest.issues.listForRepo({ ...R, state: "all" });
  await gh.rest.issues.get({ ...R, issue_number: issue.number });
  await settle(gh.rest.issues.get({ ...R, issue_number: 999 }));
  await gh.rest.issues.update({ ...R, issue_number: issue.number, body: "b" });
  const { data: comment } = await gh.rest.issues.createComment({
    ...R,
    issue_number: issue.number,
    body: "c",
  });
  await gh.rest.issues.listComments({ ...R, issue_number: issue.number });
  await gh.rest.issues.updateComment({ ...R, comment_id: comment.id, body: "d" });
  await gh.rest.issues.addLabels({ ...R, issue_number: issue.number, labels: ["rc"] });
  const { data: blob } = await gh.rest.git.createBlob({ ...R, content: "new\n" });
  await gh.rest.git.getBlob({ ...R, file_sha: blob.sha });
  const { data: baseCommit } = await gh.rest.git.getCommit({ ...R, commit_sha: base });
  const { data: tree } = await gh.rest.git.createTree({
    ...R,
    base_tree: baseCommit.tree.sha,
    tree: [{ path: "v1.md", mode: "100644", type: "blob", sha: blob.sha }],
  });
  await gh.rest.git.getTree({ ...R, tree_sha: tree.sha, recursive: "1" });
  const { data: commit } = await gh.rest.git.createCommit({
    ...R,
    message: "v1",
    tree: tree.sha,
    parents: [base],
  });
  await gh.rest.git.createRef({ ...R, ref: "refs/heads/rel", sha: base });
  await settle(gh.rest.git.createRef({ ...R, ref: "refs/heads/rel", sha: base }));
  await gh.rest.git.updateRef({ ...R, ref: "heads/rel", sha: commit.sha });
  await gh.rest.git.getRef({ ...R, ref: "heads/rel" });
  const { data: ahead } = await gh.rest.repos.compareCommitsWithBasehead({ ...R, basehead: "main...rel" });
  expect([ahead.status, ahead.ahead_by, ahead.behind_by]).toEqual(["ahead", 1, 0]);
  const { data: behind } = await gh.rest.repos.compareCommitsWithBasehead({
    ...R,
    basehead: `rel...${base}`,
  });
  expect([behind.status, behind.ahead_by, behind.behind_by]).toEqual(["behind", 0, 1]);
  await settle(gh.rest.repos.compareCommitsWithBasehead({ ...R, basehead: "main...no-such-branch" }));
  await gh.rest.git.listMatchingRefs({ ...R, ref: "heads/" });
  const { data: pr } = await gh.rest.pulls.create({ ...R, title: "v1", head: "rel", base: "main" });
  await settle(gh.rest.pulls.create({ ...R, title: "v1", head: "rel", base: "main" }));
  await gh.rest.pulls.list({ ...R, head: "acme:rel" });
  await gh.rest.pulls.get({ ...R, pull_number: pr.number });
  await gh.rest.pulls.update({ ...R, pull_number: pr.number, body: "x" });
  await gh.rest.repos.createCommitStatus({ ...R, sha: commit.sha, state: "success", context: "ci" });
  await gh.rest.repos.getCombinedStatusForRef({ ...R, ref: commit.sha });
  await gh.rest.checks.create({
    ...R,
    name: "ci",
    head_sha: commit.sha,
    status: "completed",
    conclusion: "success",
  });
  await gh.rest.checks.listForRef({ ...R, ref: commit.sha });
  emulator.reviewDeployment("acme/site", {
    runId: 7,
    environment: "release",
    state: "approved",
    user: "maintainer",
    comment: "ok",
  });
  await gh.rest.actions.getReviewsForRun({ ...R, run_id: 7 });
  emulator.startWorkflowRun("acme/site", {
    id: 7,
    name: "release",
    path: ".github/workflows/release.yml",
    event: "workflow_dispatch",
    headBranch: "main",
    headSha: commit.sha,
    actor: "maintainer",
  });
  await gh.rest.actions.getWorkflowRun({ ...R, run_id: 7 });
  emulator.finishWorkflowRun("acme/site", 7, "success");
  const { data: finished } = await gh.rest.actions.getWorkflowRun({ ...R, run_id: 7 });
  expect([finished.status, finished.conclusion, finished.event, finished.triggering_actor?.login]).toEqual([
    "completed",
    "success",
    "workflow_dispatch",
    "maintainer",
  ]);
  await settle(gh.rest.actions.getWorkflowRun({ ...R, run_id: 8 }));
  const job = emulator.startJobCheckRun("acme/site", {
    runId: 7,
    name: "build (linux)",
    headSha: commit.sha,
  });
  emulator.completeJobCheckRun("acme/site", job, "success");
  const { data: jobs } = await gh.rest.actions.listJobsForWorkflowRun({ ...R, run_id: 7 });
  expect(jobs.jobs.map((j) => [j.name, j.status, j.conclusion])).toEqual([
    ["build (linux)", "completed", "success"],
  ]);
  await settle(gh.rest.actions.listJobsForWorkflowRun({ ...R, run_id: 8 }));
  emulator.recordArtifact("acme/site", { runId: 7, name: "hashes", sizeInBytes: 12, retentionDays: 1 });
  emulator.advanceClock(2 * 86_400_000);
  const { data: artifacts } = await gh.rest.actions.listWorkflowRunArtifacts({ ...R, run_id: 7 });
  expect(artifacts.artifacts.map((a) => [a.name, a.expired])).toEqual([["hashes", true]]);
  await settle(gh.rest.actions.listWorkflowRunArtifacts({ ...R, run_id: 8 }));
  emulator.setEnvironment("acme/site", "release", ["maintainer"]);
  await gh.rest.repos.getEnvironment({ ...R, environment_name: "release" });
  await settle(gh.rest.repos.getEnvironment({ ...R, environment_name: "staging" }));
  // An annotated tag: its ref names a tag object, which names the commit.
  const tagger = { GIT_COMMITTER_NAME: "maintainer", GIT_COMMITTER_EMAIL: "m@example.invalid" };
  await emulator.git("acme/site").run(["tag", "-a", "-m", "v0", "0.9.0", base], { env: tagger });
  const { data: tagRef } = await gh.rest.git.getRef({ ...R, ref: "tags/0.9.0" });
  expect(tagRef.object.type).toBe("tag");
  const { data: tagObject } = await gh.rest.git.getTag({ ...R, tag_sha: tagRef.object.sha });
  expect([tagObject.tag, tagObject.object.sha, tagObject.object.type]).toEqual(["0.9.0", base, "commit"]);
  await settle(gh.rest.git.getTag({ ...R, tag_sha: base }));
  await gh.rest.pulls.merge({ ...R, pull_number: pr.number });
  await settle(gh.rest.pulls.merge({ ...R, pull_number: pr.number }));
  const { data: landed } = await gh.rest.pulls.get({ ...R, pull_number: pr.number });
  await gh.rest.repos.listPullRequestsAssociatedWithCommit({
    ...R,
    commit_sha: landed.merge_commit_sha as string,
  });
  await gh.rest.repos.createRelease({ ...R, tag_name: "1.0.0" });
  await gh.rest.repos.getReleaseByTag({ ...R, tag: "1.0.0" });
  const { data: draft } = await gh.rest.repos.createRelease({ ...R, tag_name: "1.0.1", draft: true });
  await gh.rest.repos.listReleases({ ...R, per_page: 100 });
  await gh.rest.repos.updateRelease({ ...R, release_id: draft.id, draft: false, make_latest: "true" });
  await gh.rest.repos.getLatestRelease(R);
  // Assets go to the release's upload_url, as bytes; a second asset of the name is 422 already_exists.
  const upload = (name: string) =>
    gh.request({
      method: "POST",
      url: draft.upload_url,
      name,
      data: Buffer.from("bytes\n"),
      headers: { "content-type": "application/octet-stream" },
    });
  const { data: asset } = await upload("site-1.0.1.tar.gz");
  await settle(upload("site-1.0.1.tar.gz"));
  await gh.rest.repos.getReleaseAsset({ ...R, asset_id: asset.id });
  await gh.rest.repos.deleteReleaseAsset({ ...R, asset_id: asset.id });
  await settle(gh.rest.repos.deleteReleaseAsset({ ...R, asset_id: asset.id }));
  await settle(gh.rest.repos.updateRelease({ ...R, release_id: 999_999_999, body: "x" }));
  await gh.rest.repos.downloadTarballArchive({ ...R, ref: "1.0.0" });
  await gh.rest.git.deleteRef({ ...R, ref: "heads/rel" });
});

afterAll(async () => {
  await emulator.stop();
});

describe("the emulator answers as GitHub's OpenAPI description says", () => {
  it("called every served route with success at least once", () => {
    const succeeded = new Set(observed.filter((o) => o.status < 400).map((o) => o.route));
    expect(ROUTES.map((r) => `${r.method} ${r.template}`).filter((r) => !succeeded.has(r))).toEqual([]);
  });

  it("every documented response body validates against the official schema", () => {
    const failures: string[] = [];
    let checked = 0;
    for (const o of observed) {
      const schema = schemaFor(o.route, o.status);
      if (!schema) continue;
      checked++;
      if (!ajv.validate(schema, o.body)) {
        failures.push(
          `${o.route} ${o.status}: ${ajv.errorsText(ajv.errors, { separator: "; " }).slice(0, 600)}`,
        );
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(35);
  });

  it("uses only status codes GitHub documents for each route (plus the universal 401/403/404/5xx)", () => {
    const undocumented = observed
      .filter((o) => o.route !== "unmatched" && o.status < 500 && ![401, 403].includes(o.status))
      .filter((o) => {
        const [method, path] = o.route.split(" ") as [string, string];
        const codes = Object.keys(spec.paths[path][method.toLowerCase()].responses);
        return !codes.includes(String(o.status)) && o.status !== 404;
      })
      .map((o) => `${o.route} ${o.status}`);
    expect([...new Set(undocumented)]).toEqual([]);
  });

  it("shapes errors like GitHub: message and documentation_url", () => {
    const errors = observed.filter((o) => o.status >= 400);
    expect(errors.length).toBeGreaterThan(5);
    for (const e of errors) {
      expect(e.body).toMatchObject({ message: expect.any(String), documentation_url: expect.any(String) });
    }
    const conflict = observed.find(
      (o) => o.route === "POST /repos/{owner}/{repo}/git/refs" && o.status === 422,
    );
    expect(conflict?.body).toMatchObject({ message: "Reference already exists" });
  });
});
