// The rules of `github-release:` that span fields: the download page is an https address on a host
// it writes out, whatever version fills its placeholders, and container-tags names the output of a
// downstream that has a script to write it.
import type { z } from "zod";
import { containerTagsSource } from "../github-release/container-tags.js";
import { DOWNLOAD_PAGE_PLACEHOLDERS, downloadPageUrl } from "../github-release/download-page.js";
import { closest } from "../inputs/closest-name.js";
import { parseVersion } from "../request/version.js";
import { checkPlaceholders } from "./placeholder-checks.js";
import type { Config } from "./schema.js";

type Ctx = z.core.$RefinementCtx<unknown>;

const HTTPS_PAGE = /^https:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:\/[^\s<>"'`()[\]\\]*)?$/;

/** The host (and port) written out: a placeholder there would let whoever names the tag pick the site. */
const LITERAL_HOST = /^https:\/\/[^{}/?#]+(?:[/?#]|$)/;

/** Versions the page is rendered for at config time: a release and prereleases of both forms. */
const SAMPLE_VERSIONS = ["1.2.3", "1.2.3-rc1", "1.2.3-beta.2"];

export function checkGitHubRelease(config: Config, ctx: Ctx): void {
  checkDownloadPage(config, ctx);
  checkContainerTags(config, ctx);
}

function checkDownloadPage(config: Config, ctx: Ctx): void {
  const template = config.githubRelease?.downloadPage;
  if (template === undefined) return;
  const path = ["github-release", "download-page"];
  const issue = (message: string) => ctx.addIssue({ code: "custom", path, message });
  if (!checkPlaceholders(template, DOWNLOAD_PAGE_PLACEHOLDERS, path, ctx)) return;
  const names = DOWNLOAD_PAGE_PLACEHOLDERS.map((p) => `{${p}}`).join(", ");
  if (/\{[#^/]/.test(template)) {
    issue(`takes plain placeholders only (${names}), not {#…}, {^…} or {/…} blocks`);
    return;
  }
  // Filled in for any version, it must be a page users can open, on the site this file names:
  // https, the host written out, and nothing that would end a Markdown link early.
  const example = "e.g. https://example.org/download/{version}/";
  if (!LITERAL_HOST.test(template)) {
    issue(
      `expected an https:// address with its host written out (${example}), got ${JSON.stringify(template)}`,
    );
    return;
  }
  const bad = SAMPLE_VERSIONS.map((v) => downloadPageUrl(config, parseVersion(v)) ?? "").find(
    (url) => !HTTPS_PAGE.test(url),
  );
  if (bad !== undefined)
    issue(
      `expected an https:// address without spaces, quotes, brackets or parentheses (${example}), got ${JSON.stringify(template)}, which is ${JSON.stringify(bad)} for one version`,
    );
}

function checkContainerTags(config: Config, ctx: Ctx): void {
  const settings = config.githubRelease;
  if (!settings) return;
  if (settings.containerImage !== undefined && settings.containerTags === undefined)
    ctx.addIssue({
      code: "custom",
      path: ["github-release", "container-image"],
      message:
        "name where its tags come from too: container-tags: <downstream>.<output> (e.g. container.tags)",
    });
  if (settings.containerTags !== undefined) {
    const path = ["github-release", "container-tags"];
    const { downstream, output } = containerTagsSource(settings.containerTags);
    const d = config.downstream.find((x) => x.name === downstream);
    if (!d) {
      const guess = closest(
        downstream,
        config.downstream.map((x) => x.name),
      );
      ctx.addIssue({
        code: "custom",
        path,
        message: `no downstream named ${JSON.stringify(downstream)}${guess ? ` — did you mean ${guess}.${output}?` : ": name a downstream of this file, or leave out container-tags (and container-image)"}`,
      });
    } else if (!d.edits.some((e) => e.kind === "script"))
      ctx.addIssue({
        code: "custom",
        path,
        message: `downstream ${downstream} has no script edit to write ${output}: name the output of a downstream whose script writes the image tags to $RELEASE_RELAY_OUTPUT`,
      });
  }
}
