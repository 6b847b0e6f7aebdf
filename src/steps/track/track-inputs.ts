// track-status's inputs, declared once: what one call records, and the run it reads it from.
import { z } from "zod";
import { actionInputs } from "../../adapters/action-inputs.js";
import { extraTokenInputs, installationTokens } from "../../adapters/github/installation-clients.js";
import { environmentNameSchema } from "../../core/config/environment-name.js";
import { STAGES } from "../../core/ledger/events.js";
import { versionOfReport } from "../../core/ledger/track-request.js";
import { versionInputSchema } from "../../core/request/version.js";

/** A comma-separated list of stages (build,qualify). */
const stageList = z
  .string()
  .transform((s) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(STAGES)).min(1));

const runId = z.string().regex(/^\d{1,20}$/, { error: "expected a workflow run id (github.run_id)" });

export const trackStatusInputs = actionInputs(
  {
    "config-path": z.string().default("release-relay.yml"),
    environment: environmentNameSchema.optional(),
    version: versionInputSchema.optional(),
    token: z.string().min(1),
    ...extraTokenInputs,
    event: z.string().optional(),
    stage: z.enum(STAGES).optional(),
    status: z.enum(["started", "succeeded", "failed", "skipped"]).optional(),
    detail: z.string().max(2000).optional(),
    report: z.string().optional(),
    plan: z.string().optional(),
    rerun: z
      .string()
      .transform((s) =>
        s === "failed" || s === "all"
          ? s
          : s
              .split(",")
              .map((x) => x.trim())
              .filter(Boolean),
      )
      .pipe(z.union([z.literal("failed"), z.literal("all"), z.array(z.enum(STAGES)).min(1)]))
      .optional(),
    prs: z.string().optional(),
    "hashes-file": z.string().optional(),
    "job-results": z.string().optional(),
    "qualify-logs": z.string().optional(),
    "approvals-of-run": runId.optional(),
    "run-token": z.string().min(1).optional(),
    "release-token": z.string().min(1).optional(),
    // The release's files as this job holds them (github-release.assets: upload): uploaded to the
    // GitHub Release, each only if its bytes are the ones published.
    "release-files": z.string().min(1).optional(),
    "app-slug": z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, {
        error: "expected a GitHub App slug (create-github-app-token's app-slug output)",
      })
      .optional(),
    sweep: z.literal("open-releases", { error: 'expected "open-releases"' }).optional(),
    "progress-of-run": runId.optional(),
    "awaiting-approval": z
      .string()
      .regex(/^[^\s/][^/]{0,254}$/, { error: "expected a deployment environment's name (e.g. release)" })
      .optional(),
    "awaiting-stages": stageList.optional(),
    starting: stageList.optional(),
  },
  ({ token2, token3, qualifyLogs, ...i }, ctx) => {
    // A job's outcome (job-results, prs, hashes-file, ...) may be recorded together, and so may the
    // plan job's claim (rerun) with its plan and its own stage outcome; anything else alone.
    const claiming = i.rerun !== undefined;
    const asked = [
      i.event,
      claiming ? undefined : i.stage,
      i.report,
      claiming ? undefined : i.plan,
      i.rerun,
      i.sweep,
      i.prs ?? i.hashesFile ?? i.jobResults ?? qualifyLogs ?? i.approvalsOfRun,
    ];
    const rules: [boolean, string][] = [
      [
        asked.filter((x) => x !== undefined).length <= 1,
        "give one of `event`, `stage` + `status`, `report`, `plan`, `rerun` (which may come with `plan` and `stage` + `status`), `sweep`, or `job-results` / `prs` / `hashes-file` / `qualify-logs` / `approvals-of-run`",
      ],
      [(i.stage === undefined) === (i.status === undefined), "`stage` and `status` go together"],
      [
        (i.awaitingApproval === undefined) === (i.awaitingStages === undefined),
        "`awaiting-approval` (the environment) and `awaiting-stages` go together",
      ],
    ];
    for (const [ok, message] of rules) if (!ok) ctx.addIssue({ code: "custom", message, input: i });
    if (i.releaseFiles !== undefined && i.releaseToken === undefined)
      ctx.addIssue({ code: "custom", message: "`release-files` needs `release-token`", input: i });
    if (rules.some(([ok]) => !ok) || (i.releaseFiles !== undefined && i.releaseToken === undefined))
      return z.NEVER;
    return {
      ...i,
      // A report names its release ("<project>@<version>"); the payload is validated in full later.
      // A sweep looks at every open release; each is then tracked under its own version.
      version: i.version ?? (i.sweep ? "" : versionOfReport(i.report as string)),
      qualifyLogsDir: qualifyLogs,
      /** Every installation's token: reports from downstream repos of other owners are read with theirs. */
      tokens: installationTokens({ token: i.token, token2, token3 }),
    };
  },
);

export type TrackStatusSettings = z.output<typeof trackStatusInputs.schema>;
