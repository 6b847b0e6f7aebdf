// The version's download page the GitHub Release links: `github-release.download-page` of
// release-relay.yml with the version's parts filled in. Only this file names it: a page a downstream
// reports is a claim of another repo's run and never reaches the public release page.
import type { Config } from "../config/schema.js";
import { renderTemplate } from "../downstream/template.js";
import { versionPlaceholders } from "../request/plan.js";
import type { Version } from "../request/version.js";

/** The placeholders a download page's address may use. */
export const DOWNLOAD_PAGE_PLACEHOLDERS = ["version", "major", "minor", "patch", "prerelease", "line", "tag"];

/** The page's address for `version`, or undefined when the config names none. */
export function downloadPageUrl(config: Config, version: Version): string | undefined {
  const template = config.githubRelease?.downloadPage;
  if (template === undefined) return undefined;
  return renderTemplate(
    template,
    { ...versionPlaceholders(config, version), tag: version.tag },
    "github-release.download-page",
  );
}
