import { execFileSync } from "node:child_process";
import { ReleaseRelayError } from "../../core/errors.js";
import type { GitHubEmulator } from "../github/emulator.js";
import { runWorkflow } from "./run-workflow.js";
import type { RunnerHost, RunRecord, WorkflowEvent } from "./runner-host.js";
import { triggers } from "./triggers.js";
import { parseWorkflowFile, type WorkflowSpec } from "./workflow-file.js";

interface Delivery {
  repo: string;
  event: WorkflowEvent;
  /** Only this workflow file (workflow_dispatch names one). */
  file?: string;
}

// A release is a few dozen runs; more means workflows trigger each other without end.
const MAX_DELIVERIES = 500;
// Runs at once: enough to overlap one run's waiting on the API with another's work on two cores.
const CONCURRENT_RUNS = 3;
// "You can't use workflow_run to chain together more than three levels of workflows" (Actions docs,
// "Events that trigger workflows", workflow_run): A → B → C → D runs, a fourth workflow_run does not.
const MAX_WORKFLOW_RUN_DEPTH = 3;
// How many workflow_run levels led to an event (kept beside it; GitHub keeps it to itself).
const depths = new WeakMap<WorkflowEvent, number>();

/**
 * GitHub Actions on one machine: delivers events to the workflows each emulated repo holds, and
 * turns what those runs do through the API (repository_dispatch, workflow_dispatch, opened and
 * updated pull requests) and their completion (workflow_run) into further events, until quiet.
 */
export class LocalActions {
  readonly runs: RunRecord[] = [];
  /** Runs a crash killed, with the event that started them: what "Re-run failed jobs" would redo. */
  readonly interrupted: { repo: string; file: string; event: WorkflowEvent }[] = [];
  private queue: Delivery[] = [];
  private delivered = 0;
  /** Called after each batch of runs, before the next: where people act (merge a PR) between events. */
  betweenBatches: (() => Promise<void>) | undefined;
  // Parsed workflow files by git blob: a file is parsed once however many events read it.
  private parsed = new Map<string, Promise<WorkflowSpec>>();

  constructor(
    private readonly host: RunnerHost,
    private readonly emulator: GitHubEmulator,
  ) {
    emulator.observe((route, status, body, params) => this.onApiReply(route, status, body, params));
  }

  /** Queues an event for a repo (a pushed tag, a merged PR); `drain` delivers it. */
  enqueue(repo: string, event: WorkflowEvent, file?: string): void {
    this.queue.push({ repo, event, ...(file ? { file } : {}) });
  }

  /**
   * Delivers queued events, and every event they cause, until nothing is left to run. Runs start as
   * soon as their event arrives (GitHub runs workflows of different events concurrently), a few at a
   * time; `betweenBatches` is called whenever a run ends, before the next ones start.
   */
  async drain(): Promise<RunRecord[]> {
    const started = this.runs.length;
    let active = 0;
    let chain = Promise.resolve();
    await new Promise<void>((resolve, reject) => {
      // One pump at a time: starting runs and people's actions never interleave.
      const pump = () => {
        chain = chain
          .then(async () => {
            await this.betweenBatches?.();
            this.collectDispatches();
            while (active < CONCURRENT_RUNS && this.queue.length > 0) {
              const next = this.queue.shift() as Delivery;
              if (++this.delivered > MAX_DELIVERIES)
                throw new ReleaseRelayError(
                  "E_REHEARSAL",
                  `more than ${MAX_DELIVERIES} events: workflows trigger each other without end`,
                  "check the workflows' triggers",
                );
              active++;
              this.deliver(next).then(() => {
                active--;
                pump();
              }, reject);
            }
            if (active === 0 && this.queue.length === 0) resolve();
          })
          .catch(reject);
      };
      pump();
    });
    return this.runs.slice(started);
  }

  private async deliver(next: Delivery): Promise<void> {
    for (const workflow of await this.workflowsOf(next.repo, next.event)) {
      if (next.file && workflow.file !== next.file) continue;
      if (!triggers(workflow, next.event)) continue;
      // A run is cut short if the runner was dead when it started or died while it ran (another
      // run may already have brought it back by the time this one ends).
      const crashesBefore = this.host.crashes();
      const startedStopped = this.host.stopped();
      const run = await runWorkflow(this.host, next.repo, workflow, next.event);
      if (startedStopped || this.host.crashes() !== crashesBefore)
        this.interrupted.push({ repo: next.repo, file: workflow.file, event: next.event });
      this.host.recover();
      this.runs.push(run);
      const depth = next.event.name === "workflow_run" ? (depths.get(next.event) ?? 1) : 0;
      if (depth >= MAX_WORKFLOW_RUN_DEPTH) continue;
      const pullHead = (
        next.event.payload.pull_request as { head?: { repo?: { full_name?: string } } } | undefined
      )?.head?.repo?.full_name;
      const completed: WorkflowEvent = {
        name: "workflow_run",
        ref: `refs/heads/${await this.defaultBranch(next.repo)}`,
        sha: await this.head(next.repo),
        actor: next.event.actor,
        payload: {
          action: "completed",
          workflow_run: {
            id: run.id,
            name: run.workflow,
            event: run.event,
            conclusion: run.conclusion,
            head_branch: run.headBranch,
            head_sha: run.headSha,
            // Where the branch lives: a fork's PR names the fork (jbolda/covector#328).
            head_repository: { full_name: pullHead ?? next.repo },
            head_commit: { id: run.headSha, message: await this.commitMessage(next.repo, run.headSha) },
            html_url: run.url,
          },
          repository: { full_name: next.repo },
        },
      };
      depths.set(completed, depth + 1);
      this.enqueue(next.repo, completed);
    }
  }

  private collectDispatches(): void {
    for (const d of this.emulator.takeDispatches())
      this.queue.push({
        repo: d.repo,
        event: {
          name: "repository_dispatch",
          ref: "",
          sha: "",
          actor: d.sender,
          payload: {
            action: d.eventType,
            branch: "",
            client_payload: d.clientPayload,
            repository: { full_name: d.repo },
          },
        },
      });
    for (const d of this.emulator.takeWorkflowDispatches())
      this.queue.push({
        repo: d.repo,
        file: `.github/workflows/${d.workflow}`,
        event: {
          name: "workflow_dispatch",
          ref: d.ref.startsWith("refs/") ? d.ref : `refs/heads/${d.ref}`,
          sha: "",
          actor: d.sender,
          payload: { inputs: d.inputs, ref: d.ref, workflow: d.workflow, repository: { full_name: d.repo } },
        },
      });
  }

  private onApiReply(route: string, status: number, body: unknown, params: Record<string, string>): void {
    const repo = `${params.owner}/${params.repo}`;
    this.pushEvent(route, status, body, params);
    if (route === "POST /repos/{owner}/{repo}/pulls" && status === 201) this.pullEvent(repo, "opened", body);
    if (route === "PATCH /repos/{owner}/{repo}/git/refs/{ref}" && status === 200 && params.ref) {
      const branch = params.ref.replace(/^heads\//, "");
      const state = this.emulator.state.repos[repo.toLowerCase()];
      const pull = state?.pulls.find((p) => p.headRef === branch && !p.merged && p.mergedAt === null);
      const issue = pull && state?.issues.find((i) => i.number === pull.number);
      if (pull && issue?.state === "open") {
        const sha = (body as { object?: { sha?: string } }).object?.sha ?? "";
        this.pullEvent(repo, "synchronize", {
          number: pull.number,
          head: { ref: branch, sha, repo: { full_name: repo } },
          base: { ref: pull.baseRef, repo: { full_name: repo } },
        });
      }
    }
  }

  /**
   * A branch moved through the API (a `mode: push` downstream's release commit, a new branch): GitHub
   * delivers `push` to the repo's workflows, unless the job's GITHUB_TOKEN moved it (Actions docs,
   * "Triggering a workflow from a workflow": its events start no workflow).
   */
  private pushEvent(route: string, status: number, body: unknown, params: Record<string, string>): void {
    const moved = route === "PATCH /repos/{owner}/{repo}/git/refs/{ref}" && status === 200;
    const created = route === "POST /repos/{owner}/{repo}/git/refs" && status === 201;
    if (!moved && !created) return;
    const ref = (body as { ref?: string }).ref ?? "";
    const sha = (body as { object?: { sha?: string } }).object?.sha ?? "";
    if (!ref.startsWith("refs/heads/") || !sha) return;
    const [call] = this.emulator.log.calls({ since: this.emulator.log.mark() - 1 });
    if (call?.login === "github-actions[bot]") return;
    const repo = `${params.owner}/${params.repo}`;
    this.enqueue(repo, {
      name: "push",
      ref,
      sha,
      actor: call?.login ?? "",
      payload: { ref, after: sha, created, repository: { full_name: repo } },
    });
  }

  private pullEvent(repo: string, action: string, pull: unknown): void {
    const p = pull as { number: number; head: { ref: string; sha: string }; base: { ref: string } };
    // No pull_request run while the PR has merge conflicts (github/docs#8766): GitHub cannot make
    // the merge commit such a run tests.
    if (!this.mergesCleanly(repo, p.base.ref, p.head.sha)) return;
    this.enqueue(repo, {
      name: "pull_request",
      ref: `refs/pull/${p.number}/merge`,
      // The local runner tests the PR's head commit (GitHub tests a merge commit with the base).
      sha: p.head.sha,
      actor: "release-relay[bot]",
      payload: { action, number: p.number, pull_request: pull, repository: { full_name: repo } },
    });
  }

  private mergesCleanly(repo: string, base: string, head: string): boolean {
    try {
      execFileSync(
        "git",
        ["--git-dir", this.host.gitDir(repo), "merge-tree", "--write-tree", `refs/heads/${base}`, head],
        {
          stdio: "ignore",
        },
      );
      return true;
    } catch {
      return false;
    }
  }

  private async commitMessage(repo: string, sha: string): Promise<string> {
    // The emulator's object store knows the commits it wrote or read: no git process per event.
    const commit = await this.emulator
      .git(repo)
      .readCommit(sha)
      .catch(() => undefined);
    return commit?.message.trim() ?? "";
  }

  private async defaultBranch(repo: string): Promise<string> {
    return this.emulator.state.repos[repo.toLowerCase()]?.defaultBranch ?? "main";
  }

  private async head(repo: string, branch?: string): Promise<string> {
    // The ref file as the emulator reads it, without starting git for every event.
    const ref = `refs/heads/${branch ?? (await this.defaultBranch(repo))}`;
    const sha = await this.emulator.git(repo).readRef(ref);
    if (!sha) throw new Error(`${repo} has no ${ref}`);
    return sha;
  }

  /** The workflow files of a repo as of the event's commit (the default branch for dispatches). */
  private async workflowsOf(repo: string, event: WorkflowEvent): Promise<WorkflowSpec[]> {
    // pull_request_target runs the workflow of the PR's base branch, at that branch's head
    // (github.sha = the base branch's last commit; Actions docs, "Events that trigger workflows").
    const targetBase =
      event.name === "pull_request_target"
        ? (event.payload.pull_request as { base?: { ref?: string } } | undefined)?.base?.ref
        : undefined;
    if (targetBase) {
      event.ref = `refs/heads/${targetBase}`;
      event.sha = (await this.head(repo, targetBase).catch(() => "")) || event.sha;
    }
    if (!event.sha) event.sha = await this.head(repo);
    if (!event.ref) event.ref = `refs/heads/${await this.defaultBranch(repo)}`;
    const revision = ["push", "pull_request", "pull_request_target"].includes(event.name)
      ? event.sha
      : await this.head(repo);
    // Listed and read through the emulator's object store, which answers a tree or blob it has
    // seen from memory: most events of a release name the same few commits.
    const store = this.emulator.git(repo);
    const [dir] = await store.listTree(revision, false, ".github/workflows").catch(() => []);
    const entries = dir?.type === "tree" ? await store.listTree(dir.sha, false) : [];
    const out: WorkflowSpec[] = [];
    for (const { path: name, type, sha: blob } of entries) {
      if (type !== "blob" || !/\.ya?ml$/.test(name)) continue;
      const path = `.github/workflows/${name}`;
      const key = `${path}@${blob}`;
      let spec = this.parsed.get(key);
      if (!spec) {
        spec = store.readBlob(blob).then((content) => parseWorkflowFile(path, content.toString("utf8")));
        this.parsed.set(key, spec);
      }
      out.push(await spec);
    }
    return out;
  }
}
