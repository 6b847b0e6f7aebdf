// What the dashboards need besides the ledger: the release's version, the commands people run and
// what each downstream must reach.
import type { Config } from "../config/schema.js";
import type { DownstreamExpectation } from "../ledger/completion.js";
import { type AllowedLinks, allowedLinks, GITHUB_COM } from "./safe-links.js";

/** What the dashboard needs besides the ledger. */
export interface DashboardContext {
  version: string;
  /** The ledger commit rendered, written into the hidden marker. */
  ledgerHead: string;
  expected: readonly (DownstreamExpectation & { repo: string })[];
  /** The command people run to redo what failed. */
  rerunCommand: string;
  /** The command that runs the yank of this release (the reason is added to it). */
  yankCommand: string;
  /** The environment released to; absent for production. */
  environment?: string | undefined;
  /** What may be linked; github.com's release pages alone when not given. */
  links?: AllowedLinks | undefined;
}

/** The links a context allows. */
export const linksOf = (ctx: DashboardContext): AllowedLinks => ctx.links ?? { server: GITHUB_COM };

/** What each configured downstream must reach before the release is complete. */
export function downstreamExpectations(config: Config): (DownstreamExpectation & { repo: string })[] {
  return config.downstream.map((d) => ({
    name: d.name,
    repo: d.repo,
    mode: d.mode,
    reports: d.reports,
    ...(d.dispatch ? { dispatch: true } : {}),
  }));
}

/**
 * The dashboard's context for a release of this config, rendered at ledger commit `head`; `serverUrl`
 * is the GitHub server the release runs on (the run's GITHUB_SERVER_URL).
 */
export function dashboardContext(
  config: Config,
  version: string,
  head: string,
  serverUrl: string = GITHUB_COM,
): DashboardContext {
  const env = config.environment ? ` -f environment=${config.environment}` : "";
  return {
    version,
    ledgerHead: head,
    expected: downstreamExpectations(config),
    rerunCommand: `gh workflow run release.yml --repo ${config.tracking.repo} -f version=${version}${env} -f stages=failed`,
    yankCommand: `gh workflow run yank.yml --repo ${config.tracking.repo} -f version=${version}${env}`,
    ...(config.environment ? { environment: config.environment } : {}),
    links: allowedLinks(config, serverUrl),
  };
}
