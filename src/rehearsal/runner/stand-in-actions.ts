import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { oidcSubject } from "../../core/config/aws-roles.js";
import { ReleaseRelayError } from "../../core/errors.js";
import { globRegExp } from "../../core/setup/filter-glob.js";
import type { RunnerHost, WorkflowEvent } from "./runner-host.js";
import { attestBuildProvenance } from "./stand-ins/attest-build-provenance.js";

const run = promisify(execFile);

/** What a stand-in action sees: the job around it and its inputs. */
export interface StandInCall {
  host: RunnerHost;
  repo: string;
  runId: number;
  workspace: string;
  event: WorkflowEvent;
  inputs: Record<string, string>;
  permissions: Record<string, string> | "none";
  jobToken: string;
  /** The environment the job named, if any (it decides the job's OIDC subject). */
  environment?: string | undefined;
  where: string;
}

/** What a stand-in action leaves: outputs, env for later steps, secrets to mask, a log. */
export interface StandInResult {
  outputs: Record<string, string>;
  env: Record<string, string>;
  masks: string[];
  log: string;
}

type StandIn = (call: StandInCall) => Promise<StandInResult>;

const done = (log: string, extra: Partial<StandInResult> = {}): StandInResult => ({
  outputs: {},
  env: {},
  masks: [],
  log,
  ...extra,
});

function fail(call: StandInCall, message: string, hint: string): never {
  throw new ReleaseRelayError("E_RUNNER_STEP", `${call.where}: ${message}`, hint);
}

function grants(permissions: StandInCall["permissions"], name: string, level: "read" | "write"): boolean {
  if (permissions === "none") return false;
  const has = permissions[name];
  return has === "write" || (level === "read" && has === "read");
}

/**
 * actions/checkout clones with its `token` (the job's GITHUB_TOKEN by default), which covers only
 * the job's own repository: a private repository needs a token that can read it, or git answers
 * "Repository not found" (actions/checkout README, "Checkout multiple repos (private)"). A public one
 * reads without. Asked of the emulated API, retried over transient failures.
 */
async function assertReadable(call: StandInCall, repo: string, token: string): Promise<void> {
  let status = 0;
  for (let attempt = 0; attempt < 6; attempt++) {
    let limited = false;
    status = await fetch(`${call.host.apiUrl}/repos/${repo}`, {
      // Asked as git asks it (a clone is no API call): not counted, no rate limit spent.
      headers: {
        authorization: `token ${token}`,
        accept: "application/vnd.github+json",
        "x-rehearsal-channel": "git",
      },
    }).then(
      (r) => {
        // A rate limit is a 403 (or 429) with retry-after or no requests remaining: wait, not refuse.
        limited = r.headers.has("retry-after") || r.headers.get("x-ratelimit-remaining") === "0";
        return r.status;
      },
      () => 0,
    );
    if (status !== 0 && status < 500 && status !== 429 && !(status === 403 && limited)) break;
    await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
  }
  if (status !== 200)
    fail(
      call,
      `could not read ${repo} (HTTP ${status}): remote: Repository not found.`,
      repo.toLowerCase() === call.repo.toLowerCase()
        ? "give the job contents: read"
        : `pass a token that can read ${repo} (the job's GITHUB_TOKEN covers only ${call.repo})`,
    );
}

/** actions/checkout: a clone of the emulated repo at the event's commit (or `ref`), into `path`. */
const checkout: StandIn = async (call) => {
  const repo = call.inputs.repository || call.repo;
  const dest = resolve(call.workspace, call.inputs.path ?? "");
  if (relative(call.workspace, dest).startsWith(".."))
    fail(call, `path ${call.inputs.path} leaves the workspace`, "use a relative path");
  const gitDir = call.host.gitDir(repo);
  if (!existsSync(gitDir)) fail(call, `repository ${repo} not found`, "check the repository input");
  if (existsSync(dest) && readdirSync(dest).length > 0)
    fail(call, `${dest} is not empty`, "check out into an empty path");
  await assertReadable(call, repo, call.inputs.token || call.jobToken);
  const ref = call.inputs.ref || (repo.toLowerCase() === call.repo.toLowerCase() ? call.event.sha : "");
  // Cloned without a working tree when a commit is asked for: it is written once, at that commit.
  // Shared (the emulated repo's objects read in place, not copied): a copy of the object directory
  // fails when the local GitHub renames a new object into it at that moment, as it does while
  // other jobs write to the same repo.
  await run("git", ["clone", "--quiet", "--shared", ...(ref ? ["--no-checkout"] : []), gitDir, dest]);
  const checkoutRef = () =>
    run("git", ["-c", "advice.detachedHead=false", "checkout", "--quiet", ref], { cwd: dest });
  if (ref)
    await checkoutRef().catch(async () => {
      // A PR's head from a fork lives only under refs/pull/N/head, which a plain clone does not fetch.
      await run("git", ["fetch", "--quiet", "origin", "+refs/pull/*:refs/remotes/origin/pull/*"], {
        cwd: dest,
      });
      await checkoutRef();
    });
  // Sparse checkout narrows what is written; the local stand-in always writes the whole tree.
  const head = /^[0-9a-f]{40}$/.test(ref)
    ? ref
    : (await run("git", ["rev-parse", "HEAD"], { cwd: dest })).stdout.trim();
  return done(`Checked out ${repo} at ${head} into ${relative(call.workspace, dest) || "."}\n`);
};

function artifactRoot(call: StandInCall, runId: string | number, name?: string): string {
  const base = join(call.host.workDir, "artifacts", call.repo.replace("/", "__"), String(runId));
  return name ? join(base, name) : base;
}

function expandPath(pattern: string): string[] {
  if (!pattern.includes("*")) return existsSync(pattern) ? [pattern] : [];
  const dir = dirname(pattern);
  if (dir.includes("*")) throw new Error(`only the last part of a path may hold * (${pattern})`);
  const re = new RegExp(
    `^${basename(pattern)
      .replace(/[.+?^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")}$`,
  );
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => re.test(f))
        .map((f) => join(dir, f))
    : [];
}

/** actions/upload-artifact (v4): files or directories kept per run under a name that must be new. */
const uploadArtifact: StandIn = async (call) => {
  const name = call.inputs.name || "artifact";
  const target = artifactRoot(call, call.runId, name);
  if (existsSync(target))
    fail(call, `an artifact named ${name} already exists in this run`, "give each upload its own name");
  const paths = (call.inputs.path ?? "")
    .split("\n")
    .map((p) => p.trim())
    .filter(Boolean)
    .flatMap((p) => expandPath(isAbsolute(p) ? p : join(call.workspace, p)));
  if (paths.length === 0) {
    const mode = call.inputs["if-no-files-found"] || "warn";
    if (mode === "error")
      fail(
        call,
        `no files were found with the provided path: ${call.inputs.path}`,
        "check the build wrote them",
      );
    return done(
      `No files were found with the provided path: ${call.inputs.path}. No artifacts will be uploaded.\n`,
    );
  }
  // Kept retention-days (1 to 90; the repo's default, 90, when not given), then gone.
  const days = call.inputs["retention-days"] ? Number(call.inputs["retention-days"]) : 90;
  if (!Number.isInteger(days) || days < 1 || days > 90)
    fail(
      call,
      `retention-days ${call.inputs["retention-days"]} is not 1 to 90`,
      "give a number of days from 1 to 90",
    );
  mkdirSync(target, { recursive: true });
  for (const p of paths) cpSync(p, join(target, basename(p)), { recursive: true });
  const sizeInBytes = paths.reduce((n, p) => n + (statSync(p).isFile() ? statSync(p).size : 0), 0);
  call.host.artifactUploaded(call.repo, { runId: call.runId, name, sizeInBytes, retentionDays: days });
  return done(`Artifact ${name} uploaded (${paths.map((p) => basename(p)).join(", ")})\n`, {
    outputs: { "artifact-id": `${call.runId}-${name}` },
  });
};

/** actions/download-artifact (v4): one named artifact, or all of them (merged or one folder each), from this or another run. */
const downloadArtifact: StandIn = async (call) => {
  const runId = call.inputs["run-id"] || String(call.runId);
  if (runId !== String(call.runId)) {
    if (!call.inputs["github-token"])
      fail(call, "run-id needs github-token", "pass github-token (the job's github.token)");
    if (!grants(call.permissions, "actions", "read"))
      fail(
        call,
        "reading another run's artifacts needs `actions: read`",
        "add actions: read to the job's permissions",
      );
  }
  // An expired artifact is gone: asked for by name it is not found; a pattern no longer matches it.
  const expired = (name: string) => call.host.artifactExpired(call.repo, Number(runId), name) === true;
  const base = artifactRoot(call, runId);
  const dest = resolve(call.workspace, call.inputs.path || ".");
  // As the real action: a name must exist; a pattern that matches nothing downloads nothing.
  const pattern = call.inputs.pattern ? globRegExp(call.inputs.pattern) : undefined;
  const names = call.inputs.name
    ? [call.inputs.name]
    : (existsSync(base) ? readdirSync(base).sort() : []).filter(
        (n) => (!pattern || pattern.test(n)) && !expired(n),
      );
  if (call.inputs.name && (!existsSync(join(base, call.inputs.name)) || expired(call.inputs.name)))
    fail(
      call,
      `Artifact not found for name: ${call.inputs.name} (run ${runId}${expired(call.inputs.name) ? ": it expired" : ""})`,
      "check the name and the run id; an expired artifact must be made again",
    );
  if (names.length === 0 && !pattern) fail(call, `no artifacts in run ${runId}`, "check the run id");
  for (const name of names) {
    const into = call.inputs.name || call.inputs["merge-multiple"] === "true" ? dest : join(dest, name);
    mkdirSync(into, { recursive: true });
    cpSync(join(base, name), into, { recursive: true });
  }
  return done(
    `Downloaded ${names.join(", ") || `nothing (no artifact matches ${call.inputs.pattern})`} from run ${runId} into ${relative(call.workspace, dest) || "."}\n`,
    {
      outputs: { "download-path": dest },
    },
  );
};

/** aws-actions/configure-aws-credentials: OIDC needs `id-token: write`; exports credentials for the local S3. */
const configureAwsCredentials: StandIn = async (call) => {
  if (!call.inputs["aws-region"]) fail(call, "aws-region is required", "set aws-region");
  if (!call.inputs["role-to-assume"] && !call.inputs["aws-access-key-id"])
    fail(call, "no role-to-assume and no access keys", "set role-to-assume (the RELEASE_AWS_ROLE variable)");
  if (call.inputs["role-to-assume"] && !grants(call.permissions, "id-token", "write"))
    fail(
      call,
      "assuming a role through OIDC needs `id-token: write`",
      "add id-token: write to the job's permissions",
    );
  const role = call.inputs["role-to-assume"];
  if (role) {
    const subject = oidcSubject(call.repo, {
      environment: call.environment,
      event: call.event.name,
      ref: call.event.ref,
    });
    const refused = call.host.assumeRole(role, subject).error;
    if (refused)
      fail(
        call,
        `could not assume ${role}: ${refused}`,
        "trust exactly the subject `release-relay init` prints for this role (repo:OWNER/REPO:environment:release for the roles in the release environment)",
      );
  }
  const { s3 } = call.host;
  return done(`Assumed ${call.inputs["role-to-assume"] || "the given keys"} (local S3 at ${s3.endpoint})\n`, {
    env: {
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      AWS_REGION: call.inputs["aws-region"] as string,
      AWS_DEFAULT_REGION: call.inputs["aws-region"] as string,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
    },
    // As the real action does, both keys are masked.
    masks: [s3.accessKeyId, s3.secretAccessKey],
  });
};

/** actions/create-github-app-token: the App's installation token, once its id and key are given. */
const createGitHubAppToken: StandIn = async (call) => {
  if (!call.inputs["app-id"] || !call.inputs["private-key"])
    fail(
      call,
      "app-id and private-key are required",
      "set the RELEASE_RELAY_APP_ID and RELEASE_RELAY_APP_KEY secrets",
    );
  // As the action asks GitHub (its README, "token scope"): no owner and no repositories, the current
  // repository only; an owner alone, every repository of that owner's installation; repositories, only
  // those (of owner, or of the current repository's owner); permission-<name> inputs narrow what the
  // token may do, and one the installation lacks fails the step.
  const owner = call.inputs.owner || (call.repo.split("/")[0] as string);
  const names = (call.inputs.repositories ?? "").split(/[\s,]+/).filter(Boolean);
  const permissions: Record<string, "read" | "write"> = {};
  for (const [key, value] of Object.entries(call.inputs))
    if (key.startsWith("permission-") && value) {
      if (value !== "read" && value !== "write")
        fail(call, `${key}: ${value} is not read or write`, "ask for read or write");
      permissions[key.slice("permission-".length).replaceAll("-", "_")] = value as "read" | "write";
    }
  const minted = call.host.appToken(
    {
      ...(names.length > 0
        ? { repos: names.map((n) => `${owner}/${n}`) }
        : call.inputs.owner
          ? { owner }
          : { repos: [call.repo] }),
      ...(Object.keys(permissions).length > 0 ? { permissions } : {}),
    },
    { id: call.inputs["app-id"] as string, key: call.inputs["private-key"] as string },
  );
  if ("error" in minted) fail(call, minted.error, "grant the App that permission, or ask for less");
  const { token } = minted as { token: string };
  return done("Created an installation token\n", {
    outputs: { token, "installation-id": "1", "app-slug": "release-relay" },
    masks: [token],
  });
};

/** The third-party actions the templates use, by `owner/name`, and their local stand-ins. */
export const STAND_IN_ACTIONS: Record<string, StandIn> = {
  "actions/checkout": checkout,
  "actions/upload-artifact": uploadArtifact,
  "actions/download-artifact": downloadArtifact,
  "aws-actions/configure-aws-credentials": configureAwsCredentials,
  "actions/create-github-app-token": createGitHubAppToken,
  "actions/attest-build-provenance": attestBuildProvenance,
};

/** The stand-in for a third-party `uses:`; unknown or unpinned actions fail with the file and line. */
export function standInFor(uses: string, where: string): StandIn {
  const [name, ref] = uses.split("@") as [string, string | undefined];
  const standIn = STAND_IN_ACTIONS[name];
  if (!standIn)
    throw new ReleaseRelayError(
      "E_RUNNER_UNSUPPORTED",
      `${where}: ${uses} has no local stand-in`,
      `the local runner knows ${Object.keys(STAND_IN_ACTIONS).join(", ")} and ./ actions`,
    );
  if (!ref || !/^[0-9a-f]{40}$/.test(ref))
    throw new ReleaseRelayError(
      "E_RUNNER_UNPINNED",
      `${where}: ${uses} is not pinned by a full commit SHA`,
      "pin third-party actions by SHA",
    );
  return standIn;
}
