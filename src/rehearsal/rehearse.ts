import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyEnvironment } from "../core/config/environment.js";
import { ReleaseRelayError } from "../core/errors.js";
import { parseVersion } from "../core/request/version.js";
import { type AttackName, isReportAttack } from "./attacks/catalogue.js";
import { performAttack } from "./attacks/run-attack.js";
import {
  awsRoleTrust,
  type ExampleProject,
  loadExample,
  newCredentials,
  type Revocation,
  registerTokens,
  repoSettings,
  seedRepos,
  type WorldCredentials,
  worldApps,
} from "./example-world.js";
import { closeForkPull, type ForkPull, openForkPull } from "./fork-pull.js";
import { graphqlErrorType } from "./github/accounting.js";
import { GitHubEmulator } from "./github/emulator.js";
import type { FaultPlan } from "./github/faults.js";
import type { MergeMethod } from "./github/pull-merge.js";
import { GRAPHQL_MUTATIONS, graphqlRoute } from "./github/routes/graphql.js";
import { ROUTES } from "./github/routes/route-table.js";
import { keptProject } from "./kept-world.js";
import { apiCall, mergeGreenPulls } from "./maintainer.js";
import { loadOwnProject, type OwnProjectSource } from "./own-project/own-world.js";
import { checkPrerequisites } from "./prerequisites.js";
import { RehearsalHost } from "./rehearsal-host.js";
import { awsKeys, collectOutcome, type RehearsalOutcome } from "./rehearsal-outcome.js";
import { requestNotStarted } from "./request-not-started.js";
import { LocalActions } from "./runner/local-actions.js";
import type { RunnerNotice, WorkflowEvent } from "./runner/runner-host.js";
import { restoreBucket, saveBucket } from "./s3/bucket-mirror.js";
import { LocalS3 } from "./s3/local-s3.js";

/** What `release-relay rehearse` was asked to do. */
export interface RehearseOptions {
  exampleDir: string;
  /** The maintainer's own project (its release-relay.yml and checkouts) instead of the example. */
  ownProject?: OwnProjectSource;
  /** The world's directory: kept for inspection (and `--resume`), or a temporary one. */
  dir: string;
  version?: string;
  rc?: boolean;
  faults?: { rate: number; seed: number };
  crashAfter?: number;
  resume?: boolean;
  /** The automation repo's release environment requires a reviewer; the maintainer approves each run. */
  requireApproval?: boolean;
  /** Release into an environment of the example's config (e.g. dev), requested by hand, instead of production by a tag push. */
  environment?: string;
  /** Permissions taken from the world's tokens: what a misconfigured token does to a release. */
  revoke?: Revocation[];
  /** Merge release PRs once their CI passes, as maintainers would (default true). */
  merge?: boolean;
  /** With `resume`: yank the kept world's release through the yank workflow instead of rerunning it. */
  yank?: { reason: string; dryRun?: boolean };
  /** How maintainers merge release PRs (GitHub's merge_method; default merge). */
  mergeMethod?: MergeMethod;
  /** Before the release, an outsider opens a PR from a fork with a release-named branch in a downstream. */
  forkPr?: boolean;
  /** Publish a GitHub Release for the tag as it is pushed: two requests for the release at once. */
  triggerTwice?: boolean;
  /** After the release (or, with `resume`, instead of rerunning it): forge one event and judge the answer. */
  attack?: AttackName;
  onNotice?: (notice: RunnerNotice | { kind: "phase"; text: string }) => void;
}

interface WorldFile {
  version: string;
  /** The environment released to (absent: production). */
  environment?: string;
  /** The emulated GitHub's port: URLs in the release (the source archive's) must not change on resume. */
  port: number;
  lastRunId: number;
  credentials: WorldCredentials;
  /** Runs the crash killed: a rerun re-runs them, as a maintainer does with "Re-run failed jobs". */
  interrupted?: { repo: string; file: string; event: WorkflowEvent }[];
}

const MUTATING = new Set([
  ...ROUTES.filter((r) => r.mutating).map((r) => `${r.method} ${r.template}`),
  ...[...GRAPHQL_MUTATIONS].map(graphqlRoute),
]);

function defaultVersion(exampleDir: string, rc: boolean): string {
  const defaults = JSON.parse(readFileSync(join(exampleDir, "rehearsal.json"), "utf8")) as {
    version: string;
    rc: string;
  };
  return rc ? defaults.rc : defaults.version;
}

/**
 * Runs a whole release of the example project on this machine: the emulated GitHub with every repo,
 * the local S3, and the real workflow files run by the local runner, from a pushed tag (or, with
 * `resume`, a workflow_dispatch rerun of a kept world) until nothing is left to run.
 */
export async function rehearse(options: RehearseOptions): Promise<RehearsalOutcome> {
  checkPrerequisites(options.ownProject === undefined);
  const t0 = Date.now();
  const say = (text: string) => options.onNotice?.({ kind: "phase", text });
  const worldFile = join(options.dir, "world.json");
  if (options.resume && !existsSync(worldFile))
    throw new ReleaseRelayError(
      "E_REHEARSAL",
      `${options.dir} holds no kept rehearsal`,
      "run rehearse --keep DIR first",
    );
  if (!options.resume && existsSync(options.dir) && readdirSync(options.dir).length > 0)
    throw new ReleaseRelayError(
      "E_REHEARSAL",
      `${options.dir} is not empty`,
      "give --keep a new directory, or add --resume to rerun that world",
    );
  const kept: WorldFile | undefined = options.resume
    ? JSON.parse(readFileSync(worldFile, "utf8"))
    : undefined;
  const environment = kept ? kept.environment : options.environment;
  // A kept world goes on with the config it was kept with, whichever example it came from.
  const own = options.ownProject && !kept ? await loadOwnProject(options.ownProject) : undefined;
  const example: ExampleProject = kept
    ? keptProject(options.dir)
    : (own?.project ?? loadExample(options.exampleDir));
  // Everything the rehearsal judges (bucket, ledger, downstream modes) is as the environment has it.
  const project: ExampleProject = { ...example, config: applyEnvironment(example.config, environment) };
  const version =
    kept?.version ??
    options.version ??
    (own ? own.defaultVersion : defaultVersion(options.exampleDir, options.rc ?? false));
  parseVersion(version);
  // The example's tags are its versions; a project's own are whatever its tags.pattern accepts.
  const tag = own ? own.tagOf(version) : version;
  // Only once everything asked is known good: a refused rehearsal leaves no directory behind.
  mkdirSync(options.dir, { recursive: true });
  const credentials = kept?.credentials ?? newCredentials();

  const emulator = new GitHubEmulator({ dir: options.dir });
  const s3 = new LocalS3();
  await emulator.start(kept?.port ?? 0);
  await s3.start([project.config.upload.bucket]);
  try {
    if (kept) {
      emulator.loadState(readFileSync(join(options.dir, "emulator-state.json"), "utf8"));
      await restoreBucket(s3, project.config.upload.bucket, join(options.dir, "s3"));
    } else {
      for (const skipped of project.skippedTargets) say(`target left out: ${skipped}`);
      if (own) {
        for (const note of own.notes) say(note);
        for (const note of await own.seed(emulator, version)) say(note);
      } else await seedRepos(emulator, options.exampleDir, project);
    }
    registerTokens(emulator, project, credentials, options.revoke ?? []);
    for (const r of options.revoke ?? [])
      say(`revoked: ${r.permission} on ${r.repo} from the ${r.token} token`);
    const maintainer = `${project.config.project}-maintainer`;
    // The release environment, as init tells a project to create it: with the maintainer as its
    // required reviewer when approval is rehearsed, otherwise with none (jobs run at once).
    emulator.setEnvironment(project.automationRepo, "release", options.requireApproval ? [maintainer] : []);
    const host = new RehearsalHost(emulator, join(options.dir, "actions"), {
      apps: worldApps(credentials),
      settings: repoSettings(project, credentials),
      s3: { endpoint: s3.endpoint, ...awsKeys(credentials) },
      awsRoles: awsRoleTrust(
        project,
        emulator.state.repos[project.automationRepo.toLowerCase()]?.defaultBranch ?? "main",
      ),
      approver: { login: maintainer, required: options.requireApproval ?? false },
      firstRunId: kept?.lastRunId ?? 1000,
      notify: (n) => options.onNotice?.(n),
      onRecover: () => {
        emulator.setFaults(userFaults);
        s3.setFaults(s3Faults);
      },
    });
    const actions = new LocalActions(host, emulator);
    const userFaults: FaultPlan | undefined = options.faults
      ? { ...options.faults, kinds: ["500", "502", "503", "secondary-rate-limit", "reset", "latency"] }
      : undefined;
    // S3 faults come from their own sequence; "either": some PUTs are stored and then lose their reply.
    const s3Faults: FaultPlan | undefined = options.faults
      ? { rate: options.faults.rate, seed: options.faults.seed + 1, phase: "either" }
      : undefined;
    emulator.setFaults(userFaults);
    s3.setFaults(s3Faults);
    let mutations = 0;
    emulator.observe((route, status, body) => {
      const changed = MUTATING.has(route) && status < 400 && graphqlErrorType(body) === undefined;
      if (!changed || options.crashAfter === undefined || host.stopped()) return;
      if (++mutations === options.crashAfter) {
        say(`crash: the release run dies right after mutating call ${mutations} (${route})`);
        host.crash();
        // Whatever the dying run still sends is lost; GitHub itself goes on once it is gone.
        emulator.setFaults({ rate: 1, seed: 0, kinds: ["reset"], phase: "before" });
        s3.setFaults({ rate: 1, seed: 0, kinds: ["reset"], phase: "before" });
      }
    });
    const mark = emulator.log.mark();
    let forkPull: ForkPull | undefined;
    let taggedSha: string | undefined;
    const forkerToken = `ghp_rehearsal_forker_${randomBytes(8).toString("hex")}`;
    const tOrchestration = Date.now();
    if (kept && options.attack) {
      say(`kept world: ${version} as it stands, attacked without rerunning it`);
    } else if (kept) {
      // Downstream CI and reports killed with the crash are re-run where they failed; the release
      // workflow itself is rerun below by workflow_dispatch, which redoes only what the ledger lacks.
      for (const run of kept.interrupted ?? []) {
        if (run.repo === project.automationRepo && run.file.endsWith("/release.yml")) continue;
        say(`re-run failed jobs: ${run.file} in ${run.repo} (${run.event.name}), killed by the crash`);
        actions.enqueue(run.repo, run.event, run.file);
      }
      const [workflow, inputs] = options.yank
        ? ([
            "yank.yml",
            { version, reason: options.yank.reason, "dry-run": String(options.yank.dryRun === true) },
          ] as const)
        : (["release.yml", { version, stages: "failed" }] as const);
      say(
        `workflow_dispatch: ${workflow} in ${project.automationRepo} (version ${version}${options.yank ? `, reason “${options.yank.reason}”${options.yank.dryRun ? ", dry-run" : ""}` : ", stages failed"})`,
      );
      await apiCall(
        emulator.url,
        credentials.maintainerToken,
        "POST",
        `/repos/${project.automationRepo}/actions/workflows/${workflow}/dispatches`,
        {
          ref: emulator.state.repos[project.automationRepo.toLowerCase()]?.defaultBranch ?? "main",
          inputs: { ...inputs, ...(environment ? { environment } : {}) },
        },
      );
    } else {
      if (options.forkPr) {
        const target = project.config.downstream.find((d) => d.mode === "pr" && !d.dispatch);
        if (target) {
          forkPull = await openForkPull(emulator, host, target.repo, target.name, version, forkerToken);
          say(
            `fork PR: ${forkPull.fork} opened ${target.repo}#${forkPull.number} from its branch ${forkPull.branch} (changes nothing; not the release's)`,
          );
        }
      }
      const gitDir = host.gitDir(project.config.source.repo);
      const sha = execFileSync("git", ["--git-dir", gitDir, "rev-parse", "HEAD"]).toString().trim();
      execFileSync("git", ["--git-dir", gitDir, "update-ref", `refs/tags/${tag}`, sha]);
      if (environment) {
        // Not production: a maintainer requests the existing tag by hand, for that environment.
        const source = project.config.source.repo;
        say(`workflow_dispatch: request-release in ${source} (tag ${version}, environment ${environment})`);
        await apiCall(
          emulator.url,
          credentials.maintainerToken,
          "POST",
          `/repos/${source}/actions/workflows/release-relay.yml/dispatches`,
          {
            ref: emulator.state.repos[source.toLowerCase()]?.defaultBranch ?? "main",
            inputs: { tag, environment },
          },
        );
      } else {
        say(`git push origin ${tag}: tag ${tag} at ${sha.slice(0, 12)} in ${project.config.source.repo}`);
        taggedSha = sha;
        const onTag = (name: string, payload: Record<string, unknown>) =>
          actions.enqueue(project.config.source.repo, {
            name,
            ref: `refs/tags/${tag}`,
            sha,
            actor: maintainer,
            payload: { ...payload, repository: { full_name: project.config.source.repo } },
          });
        onTag("push", { ref: `refs/tags/${tag}`, after: sha, created: true });
        if (options.triggerTwice) {
          // Both events start request-release: a tag push and the GitHub Release published for it
          // (Netflix/archaius#678). The automation repo gets the same release requested twice at once.
          say(`gh release create ${tag}: a GitHub Release for the tag, published at the same moment`);
          onTag("release", {
            action: "published",
            release: { tag_name: tag, target_commitish: sha, draft: false, prerelease: false },
          });
        }
      }
    }
    // Maintainers merge each release PR as soon as its CI has passed, while the rest goes on.
    // A yank is not a release: nobody merges its PRs while it closes them. Reports are forged
    // against PRs still open.
    const reportAttack = options.attack !== undefined && isReportAttack(options.attack);
    if (reportAttack && !kept) say("release PRs are left open: the attack reports on them");
    if (options.merge !== false && !options.yank && !reportAttack)
      actions.betweenBatches = async () => {
        const merged = await mergeGreenPulls(
          emulator,
          actions,
          host,
          credentials.maintainerToken,
          project.downstreamRepos,
          version,
          options.mergeMethod ?? "merge",
          project.config.downstream.filter((d) => !d.reports.includes("ci")).map((d) => d.repo),
        );
        if (merged > 0) say(`maintainers merged ${merged} release PR(s) whose CI passed`);
      };
    await actions.drain();
    if (forkPull) {
      // Whoever opened it gives up: closing a fork's PR reports nothing either.
      await closeForkPull(emulator, (repo, event) => actions.enqueue(repo, event), forkPull, forkerToken);
      say(`fork PR: ${forkPull.repo}#${forkPull.number} closed by ${forkPull.fork.split("/")[0]}`);
      await actions.drain();
    }
    emulator.setFaults(undefined);
    s3.setFaults(undefined);
    const attack = options.attack
      ? await performAttack(options.attack, { emulator, s3, actions, project, credentials, version, say })
      : undefined;
    // Build legs of a run run side by side: a run's build time is its longest leg.
    const buildMs = actions.runs
      .map((r) => Math.max(0, ...r.jobs.filter((j) => j.id === "build").map((j) => j.durationMs)))
      .reduce((n, ms) => n + ms, 0);
    // A dry run's yank changes nothing the release left: its outcome is not written over the world's.
    const preview = options.yank?.dryRun
      ? mkdtempSync(join(tmpdir(), "release-relay-yank-preview-"))
      : undefined;
    const outcome = await collectOutcome({
      emulator,
      s3,
      project,
      version,
      dir: preview ?? options.dir,
      runnerDir: host.workDir,
      runs: actions.runs,
      maintainerToken: credentials.maintainerToken,
      credentials,
      maintainerLogin: maintainer,
      since: mark,
      ...(attack ? { attack } : {}),
      durationsMs: {
        total: Date.now() - t0,
        builds: buildMs,
        orchestration: Date.now() - tOrchestration - buildMs,
      },
    }).finally(() => preview && rmSync(preview, { recursive: true, force: true }));
    if (taggedSha) {
      const notStarted = requestNotStarted({
        runs: actions.runs,
        sourceRepo: project.config.source.repo,
        gitDir: host.gitDir(project.config.source.repo),
        tag,
        sha: taggedSha,
        tagPattern: project.config.tags.pattern,
      });
      if (notStarted) outcome.notStarted = notStarted;
    }
    writeFileSync(
      worldFile,
      JSON.stringify(
        {
          version,
          ...(environment ? { environment } : {}),
          port: Number(new URL(emulator.url).port),
          lastRunId: host.lastRunId,
          credentials,
          // An attack on a kept world reran nothing: what a crash killed is still to be re-run.
          interrupted: [...(options.attack ? (kept?.interrupted ?? []) : []), ...actions.interrupted],
        } satisfies WorldFile,
        null,
        2,
      ),
    );
    writeFileSync(join(options.dir, "emulator-state.json"), emulator.dump());
    await saveBucket(s3, project.config.upload.bucket, join(options.dir, "s3"));
    return outcome;
  } finally {
    await s3.stop();
    await emulator.stop();
  }
}

/** Removes a world directory that was not asked to be kept. */
export function discardWorld(dir: string): void {
  // Retried: a git process stopped a moment ago may still be letting go of a file.
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** Stops what an interrupted rehearsal still runs on this machine: the steps' processes. */
export { stopStepProcesses as stopRehearsalProcesses } from "./runner/step-process.js";
