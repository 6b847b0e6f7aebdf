// The rules of `github-release:` that span fields: the download page is an https address once its
// placeholders are filled in, and container-tags names the output of a downstream that has a script
// to write it.
import type { z } from "zod";
import { findPlaceholders } from "../downstream/template.js";
import { containerTagsSource } from "../github-release/container-tags.js";
import { DOWNLOAD_PAGE_PLACEHOLDERS, downloadPageUrl } from "../github-release/download-page.js";
import { closest } from "../inputs/closest-name.js";
import { parseVersion } from "../request/version.js";
import type { Config } from "./schema.js";

type Ctx = z.core.$RefinementCtx<unknown>;

const HTTPS_PAGE = /^https:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:\/[^\s<>"'`()[\]\\]*)?$/;

export function checkGitHubRelease(config: Config, ctx: Ctx): void {
  const settings = config.githubRelease;
  if (!settings) return;
  if (settings.downloadPage !== undefined) {
    const path = ["github-release", "download-page"];
    const unknown = findPlaceholders(settings.downloadPage).filter(
      (p) => !DOWNLOAD_PAGE_PLACEHOLDERS.includes(p),
    );
    for (const name of unknown) {
      const guess = closest(name, DOWNLOAD_PAGE_PLACEHOLDERS);
      ctx.addIssue({
        code: "custom",
        path,
        message: `unknown placeholder {${name}}${guess ? ` — did you mean {${guess}}?` : `; use ${DOWNLOAD_PAGE_PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`}`,
      });
    }
    // Filled in for a sample version, it must be a page users can open: https, and nothing that
    // would end a Markdown link early.
    const sample = unknown.length === 0 ? downloadPageUrl(config, parseVersion("1.2.3-rc1")) : undefined;
    if (sample !== undefined && !HTTPS_PAGE.test(sample))
      ctx.addIssue({
        code: "custom",
        path,
        message: `expected an https:// address (e.g. https://example.org/download/{version}/), got ${JSON.stringify(settings.downloadPage)}`,
      });
  }
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
