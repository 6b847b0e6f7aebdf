import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { ReleaseRelayError } from "../core/errors.js";
import { describeIssues } from "../core/inputs/validation-issues.js";
import { parseWorkflowRef } from "../core/provenance/statement.js";

const runContextSchema = z.object({
  GITHUB_REPOSITORY: z.string().regex(/^[^/\s]+\/[^/\s]+$/),
  GITHUB_REF: z.string().default(""),
  GITHUB_SHA: z
    .string()
    .regex(/^[0-9a-f]{40}$/)
    .optional(),
  GITHUB_ACTOR: z.string().default("unknown"),
  GITHUB_EVENT_NAME: z.string().default("workflow_dispatch"),
  GITHUB_SERVER_URL: z.url().default("https://github.com"),
  GITHUB_API_URL: z.url().default("https://api.github.com"),
  GITHUB_RUN_ID: z.string().optional(),
  GITHUB_WORKSPACE: z.string().optional(),
  // Set for a step that runs an action: the repo and ref it was taken from ("Variables reference",
  // GitHub Docs: GITHUB_ACTION_REPOSITORY, GITHUB_ACTION_REF); empty for a local `./` action.
  GITHUB_ACTION_REPOSITORY: z.string().optional(),
  GITHUB_ACTION_REF: z.string().optional(),
});

/** What the Actions runner tells a step about the run, from its environment variables. */
export interface RunContext {
  repository: string;
  ref: string;
  sha: string | undefined;
  actor: string;
  eventName: string;
  serverUrl: string;
  apiUrl: string;
  runUrl: string | undefined;
  workspace: string;
  /** The repo and commit this action was taken from, when a workflow pinned it by full SHA. */
  actionPin: { repo: string; sha: string } | undefined;
}

/** Reads the runner's `GITHUB_*` variables; fails with a clear message outside a workflow run. */
export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const result = runContextSchema.safeParse(env, { reportInput: true });
  if (!result.success) {
    throw new ReleaseRelayError(
      "E_INPUT",
      `not running in a GitHub Actions job: ${describeIssues(result.error.issues).join("; ")}`,
      "run this action from a workflow, or set GITHUB_REPOSITORY and friends when testing",
    );
  }
  const e = result.data;
  return {
    repository: e.GITHUB_REPOSITORY,
    ref: e.GITHUB_REF,
    sha: e.GITHUB_SHA,
    actor: e.GITHUB_ACTOR,
    eventName: e.GITHUB_EVENT_NAME,
    serverUrl: e.GITHUB_SERVER_URL,
    apiUrl: e.GITHUB_API_URL,
    runUrl: e.GITHUB_RUN_ID
      ? `${e.GITHUB_SERVER_URL}/${e.GITHUB_REPOSITORY}/actions/runs/${e.GITHUB_RUN_ID}`
      : undefined,
    workspace: e.GITHUB_WORKSPACE ?? process.cwd(),
    actionPin:
      e.GITHUB_ACTION_REPOSITORY && /^[0-9a-f]{40}$/.test(e.GITHUB_ACTION_REF ?? "")
        ? { repo: e.GITHUB_ACTION_REPOSITORY, sha: e.GITHUB_ACTION_REF as string }
        : undefined,
  };
}

/** This attempt of the run (`<run id>-<attempt>`): what a failure recorded in the ledger is per. */
export function runAttemptId(env: NodeJS.ProcessEnv = process.env): string {
  return `${env.GITHUB_RUN_ID ?? "local"}-${env.GITHUB_RUN_ATTEMPT ?? "1"}`;
}

/**
 * The account that caused this run's event, as GitHub wrote it into the event payload (`sender`): for
 * a repository_dispatch, the owner of the token that sent it. Undefined outside a workflow run.
 */
export function readEventSender(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const path = env.GITHUB_EVENT_PATH;
  if (!path || !existsSync(path)) return undefined;
  try {
    const login = (JSON.parse(readFileSync(path, "utf8")) as { sender?: { login?: unknown } }).sender?.login;
    return typeof login === "string" && login !== "" ? login : undefined;
  } catch {
    return undefined;
  }
}

/** The web address of the GitHub whose API is `apiUrl` (github.com's, or a GitHub Enterprise host's). */
export function serverUrlFor(apiUrl: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.GITHUB_SERVER_URL) return env.GITHUB_SERVER_URL;
  if (apiUrl.replace(/\/+$/, "") === "https://api.github.com") return "https://github.com";
  return apiUrl.replace(/\/api\/v3\/?$/, "").replace(/\/+$/, "");
}

/**
 * The workflow run a step is part of, for provenance: the workflow file and ref (GITHUB_WORKFLOW_REF),
 * run id and attempt ("Variables reference", GitHub Docs). Fails outside a workflow run.
 */
export function readPublishingRun(env: NodeJS.ProcessEnv = process.env): {
  workflow: { repo: string; path: string; ref: string; runId: string; attempt: string };
  serverUrl: string;
} {
  const workflow = parseWorkflowRef(env.GITHUB_WORKFLOW_REF ?? "");
  if (!workflow || !env.GITHUB_RUN_ID)
    throw new ReleaseRelayError(
      "E_INPUT",
      `not running in a GitHub Actions workflow run: GITHUB_WORKFLOW_REF is ${JSON.stringify(env.GITHUB_WORKFLOW_REF ?? "")} and GITHUB_RUN_ID ${JSON.stringify(env.GITHUB_RUN_ID ?? "")}`,
      "provenance names the run that published: run sign-upload in the release workflow",
    );
  return {
    workflow: { ...workflow, runId: env.GITHUB_RUN_ID, attempt: env.GITHUB_RUN_ATTEMPT ?? "1" },
    serverUrl: env.GITHUB_SERVER_URL ?? "https://github.com",
  };
}
