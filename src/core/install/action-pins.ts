import { z } from "zod";
import { repoNameSchema } from "../config/schema.js";

/**
 * The commit of release-relay's actions repo that installed workflows use. Pinned by full commit
 * SHA, the only immutable reference ("Pin actions to a full length commit SHA", GitHub Docs,
 * "Security hardening for GitHub Actions"), with the version as a trailing comment, which Dependabot
 * and Renovate read and rewrite when they bump the SHA.
 */
export const actionsPinSchema = z.strictObject({
  repo: repoNameSchema,
  sha: z.string().regex(/^[0-9a-f]{40}$/, { error: "expected a full 40-hex commit SHA" }),
  version: z.string().min(1),
});

export type ActionsPin = z.infer<typeof actionsPinSchema>;

/** How installed workflows reach release-relay's actions. */
export type ActionsLayout = "pinned" | "vendored";

/** `owner/repo@sha` as `--actions-ref` takes it. */
export function parseActionsRef(text: string, version: string): ActionsPin {
  const at = text.lastIndexOf("@");
  return actionsPinSchema.parse({ repo: text.slice(0, at), sha: text.slice(at + 1), version });
}

// The templates name the actions as the vendored layout does: `./actions/<name>` in the automation
// repo, `./.github/release-relay` (the trigger at the package root) in the main repo.
const LOCAL_USES = /^(\s*(?:-\s+)?uses:\s+)\.\/(?:actions\/([a-z0-9-]+)|\.github\/release-relay)[ \t]*$/gm;

/** `owner/repo[/actions/name]@sha # vX`: one of release-relay's actions, pinned. */
const PINNED_USES =
  /^(\s*(?:-\s+)?uses:\s+)([A-Za-z0-9-]+\/[A-Za-z0-9._-]+)(?:\/actions\/([a-z0-9-]+))?@([0-9a-f]{40})(?:[ \t]+#[ \t]*v?(\S+))?[ \t]*$/gm;

// The main repo's template checks out .github/release-relay for the vendored trigger; a pinned
// trigger is fetched by the runner itself, so that step is left out.
const VENDORED_CHECKOUT =
  /^( *)- uses: actions\/checkout@[0-9a-f]{40}[^\n]*\n(?:\1 {2}[^\n]*\n)*?\1 {2,}sparse-checkout: \.github\/release-relay\n(?:\1 {3}[^\n]*\n)*/m;

/** `owner/repo[/actions/name]@sha # vX`: how an installed workflow names one of our actions. */
function pinnedReference(pin: ActionsPin, action: string | undefined): string {
  return `${pin.repo}${action ? `/actions/${action}` : ""}@${pin.sha} # v${pin.version.replace(/^v/, "")}`;
}

/** A workflow template as installed with pinned remote actions. */
export function pinWorkflow(template: string, pin: ActionsPin): string {
  return template
    .replace(VENDORED_CHECKOUT, "")
    .replace(LOCAL_USES, (_, lead: string, action?: string) => `${lead}${pinnedReference(pin, action)}`);
}

/** One of release-relay's actions a workflow uses by a pinned commit. */
export interface PinnedUse {
  /** The action's folder under actions/; absent for the trigger at the repo's root. */
  action?: string;
  sha: string;
  /** The version in the trailing comment, if any. */
  version?: string;
}

/** The actions of `repo` (release-relay's actions repo) a workflow uses, by pin. */
export function pinnedUses(workflow: string, repo: string): PinnedUse[] {
  const out: PinnedUse[] = [];
  for (const m of workflow.matchAll(PINNED_USES)) {
    const [, , r, action, sha, version] = m;
    if (r?.toLowerCase() !== repo.toLowerCase()) continue;
    out.push({ sha: sha as string, ...(action ? { action } : {}), ...(version ? { version } : {}) });
  }
  return out;
}

/** Whether a workflow reaches release-relay's actions from the repo itself (`./actions/…`). */
export function usesVendoredActions(workflow: string): boolean {
  return new RegExp(LOCAL_USES.source, "m").test(workflow);
}

/**
 * A pinned workflow with every pin of `repo` written as `pin`: what an upgrade changes, and how the
 * doctor compares a repo's workflow with this version's after putting this version's pin in.
 */
export function repinWorkflow(workflow: string, repo: string, pin: ActionsPin): string {
  return workflow.replace(PINNED_USES, (line, lead: string, r: string, action?: string) =>
    r.toLowerCase() === repo.toLowerCase() ? `${lead}${pinnedReference(pin, action)}` : line,
  );
}

/**
 * The actions repo a package.json `repository` names (`owner/name`, `github:owner/name`, or a
 * github.com git URL); undefined for anything else.
 */
export function actionsRepoOf(repository: unknown): string | undefined {
  const text =
    typeof repository === "string"
      ? repository
      : typeof repository === "object" && repository !== null && "url" in repository
        ? String(repository.url)
        : "";
  const m =
    /^(?:github:)?([A-Za-z0-9-]+\/[A-Za-z0-9._-]+)$/.exec(text) ??
    /^(?:git\+)?(?:https:\/\/|ssh:\/\/git@|git:\/\/)github\.com\/([A-Za-z0-9-]+\/[A-Za-z0-9._-]+?)(?:\.git)?\/?$/.exec(
      text,
    );
  return m?.[1];
}

/** What `actions-ref.json` (written when the package is packed) says: the pin, and how it was made. */
export const actionsRefFileSchema = actionsPinSchema.extend({
  /** The tree had changes its commit does not hold: the pinned actions differ from this package's. */
  uncommitted: z.boolean().optional(),
});
