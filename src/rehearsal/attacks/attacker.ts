// The attacker's side of a rehearsal world: the real tokens it may hold, and the emulator's REST API
// it sends forged events through, exactly as a script with a stolen token would.
import { randomBytes } from "node:crypto";
import { ReleaseRelayError } from "../../core/errors.js";
import type { ExampleProject, WorldCredentials } from "../example-world.js";
import type { GitHubEmulator } from "../github/emulator.js";
import type { WorkflowRunState } from "../github/state.js";
import { apiCall } from "../maintainer.js";
import type { LocalActions } from "../runner/local-actions.js";
import type { RunRecord } from "../runner/runner-host.js";
import type { LocalS3 } from "../s3/local-s3.js";

/** Everything an attack may touch: the running world of a rehearsal after its honest release. */
export interface AttackWorld {
  emulator: GitHubEmulator;
  s3: LocalS3;
  actions: LocalActions;
  project: ExampleProject;
  credentials: WorldCredentials;
  version: string;
  say: (text: string) => void;
}

/** What an attack sent and how the automation side must answer it. */
export interface Attempt {
  /** What was sent, by whom, in a sentence. */
  sent: string;
  /** The error code the answering run must fail with; absent when the claim is to be dropped, not refused. */
  code?: string;
  /** Changes to the world that are the honest answer to the attack (keys of the world's facts). */
  allowed?: (fact: string) => boolean;
  /** Judges what only this attack can: whether the forged claim was disbelieved, and what says so. */
  judge?: (runs: RunRecord[]) => Promise<{ ok: boolean; said: string }>;
  /** Puts back what the attack's setup changed outside the facts judged (a moved tag). */
  restore?: () => Promise<void>;
}

export const short = (sha: string) => sha.slice(0, 12);

/** The account of an outside collaborator: write access to the automation repo, named nowhere in the config. */
export function outsiderLogin(project: ExampleProject): string {
  return `${project.config.project}-outside-collaborator`;
}

/** A token of the outside collaborator, valid for this run of the world only. */
export function outsiderToken(world: AttackWorld): string {
  const token = `ghp_rehearsal_outsider_${randomBytes(8).toString("hex")}`;
  world.emulator.addToken(token, {
    login: outsiderLogin(world.project),
    repos: { [world.project.automationRepo]: ["contents:write"] },
  });
  return token;
}

/** Sends a repository_dispatch to the automation repo with `token`, as `curl` with that token would. */
export async function dispatch(
  world: AttackWorld,
  token: string,
  eventType: string,
  clientPayload: unknown,
): Promise<void> {
  const path = `/repos/${world.project.automationRepo}/dispatches`;
  const reply = (await apiCall(world.emulator.url, token, "POST", path, {
    event_type: eventType,
    client_payload: clientPayload,
  })) as { status: number; body?: { message?: string } };
  if (reply.status !== 204)
    throw new ReleaseRelayError(
      "E_REHEARSAL",
      `the attack's ${eventType} dispatch was answered ${reply.status}: ${reply.body?.message ?? ""}`,
      "the world's tokens are not as release-relay init documents them; rehearse a new world",
    );
}

const IDENT = { name: "a developer", email: "dev@users.noreply.localhost" };

/** A new commit on top of `parent` in `repo`, adding one file; `branch` is moved to it when given. */
export async function commitOn(
  world: AttackWorld,
  repo: string,
  parent: string,
  file: string,
  content: string,
  branch?: string,
): Promise<string> {
  const git = world.emulator.git(repo);
  const blob = await git.writeBlob(Buffer.from(content));
  const base = await git.text(["rev-parse", `${parent}^{tree}`]);
  const tree = await git.writeTree(base, [{ path: file, mode: "100644", sha: blob }]);
  const who = { ...IDENT, date: new Date().toISOString() };
  const sha = await git.writeCommit(tree, [parent], `${file}: ${content.trim()}\n`, who, who);
  if (branch) await git.run(["update-ref", `refs/heads/${branch}`, sha, parent]);
  return sha;
}

/** Development goes on after a release: one more commit on the source repo's default branch. */
export async function moveMainOn(world: AttackWorld, note: string): Promise<string> {
  const source = world.project.config.source.repo;
  const branch = world.emulator.state.repos[source.toLowerCase()]?.defaultBranch ?? "main";
  const head = await world.emulator.git(source).text(["rev-parse", `refs/heads/${branch}`]);
  const sha = await commitOn(world, source, head, "NEWS", `${note}\n`, branch);
  world.say(`meanwhile ${source} ${branch} moved on to ${short(sha)} (${note})`);
  return sha;
}

/** The runs GitHub knows in `repo`, newest first. */
export function knownRuns(world: AttackWorld, repo: string): WorkflowRunState[] {
  return [...(world.emulator.state.repos[repo.toLowerCase()]?.workflowRuns ?? [])].sort(
    (a, b) => b.id - a.id,
  );
}

/** The run page of `id` in `repo` on the world's GitHub. */
export function runUrl(world: AttackWorld, repo: string, id: number): string {
  return `${world.emulator.url}/${repo}/actions/runs/${id}`;
}

/** Everything a run logged (steps' output and errors), for finding what a refusal said. */
export function runLog(run: RunRecord): string {
  return run.jobs.flatMap((j) => j.steps.flatMap((s) => [s.log, ...s.errors])).join("\n");
}
