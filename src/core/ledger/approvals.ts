// Deployment reviews of a release run (GitHub's "review history" of the run), as ledger events:
// the tracking issue then says who let the release publish.
import { z } from "zod";
import { ReleaseRelayError } from "../errors.js";
import { describeIssues } from "../inputs/validation-issues.js";
import type { LedgerEvent } from "./events.js";

/** The parts of GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals that are recorded. */
export const runApprovalsSchema = z.array(
  z.object({
    environments: z.array(z.object({ name: z.string().min(1).max(255) })).min(1),
    state: z.enum(["approved", "rejected", "pending"]),
    user: z.object({ login: z.string().min(1).max(100) }),
    comment: z.string().max(65_536).nullish(),
  }),
);

export type RunApprovals = z.infer<typeof runApprovalsSchema>;

/** Validates GitHub's answer before anything is recorded from it. */
export function parseRunApprovals(body: unknown): RunApprovals {
  const parsed = runApprovalsSchema.safeParse(body);
  if (!parsed.success)
    throw new ReleaseRelayError(
      "E_GITHUB",
      `the run's deployment reviews are not what GitHub documents:\n${describeIssues(parsed.error.issues).join("\n")}`,
      "check that GITHUB_API_URL points at GitHub (or a GitHub Enterprise Server of a supported version)",
    );
  return parsed.data;
}

/** One event per reviewer, environment and decision of this run; recording them again changes nothing. */
export function approvalEvents(approvals: RunApprovals, runId: string, at: string): LedgerEvent[] {
  return approvals.flatMap((a) =>
    a.state === "pending"
      ? []
      : a.environments.map(
          (env): LedgerEvent => ({
            // Environment names may hold characters event ids do not.
            id: `approval:${runId}:${env.name}:${a.user.login}:${a.state}`
              .replace(/[^A-Za-z0-9._:@+-]/g, "-")
              .slice(0, 200),
            at,
            type: "approval",
            environment: env.name,
            state: a.state === "approved" ? "approved" : "rejected",
            by: a.user.login,
            ...(a.comment ? { comment: a.comment.slice(0, 1000) } : {}),
            runId,
          }),
        ),
  );
}
