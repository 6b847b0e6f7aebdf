// The container image tags a GitHub Release names: the ones the release PR release-relay opened sets,
// read from the script output `github-release.container-tags` names (`container.tags`). A report's
// tags are a claim of another repo's run; these come from the change the release itself made.
import { z } from "zod";
import type { TemplateValue } from "../downstream/template.js";

/** A tag as registries take it (the distribution spec's tag grammar). */
export const CONTAINER_TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** At most this many tags are recorded: an image of one version has a handful. */
export const MAX_CONTAINER_TAGS = 100;

/** The tags as the prs output and the ledger hold them; none when the output was refused. */
export const containerTagListSchema = z.array(z.string().regex(CONTAINER_TAG)).max(MAX_CONTAINER_TAGS);

/** The downstream and output a `<downstream>.<output>` reference names. */
export function containerTagsSource(ref: string): { downstream: string; output: string } {
  const dot = ref.indexOf(".");
  return { downstream: ref.slice(0, dot), output: ref.slice(dot + 1) };
}

export interface ContainerTags {
  tags: string[];
  /** Why no tags (or not all of them) were taken, for the job's log. */
  refused?: string | undefined;
}

/**
 * The tags an output holds: a list (`tags[]=…` lines) or one value of tags separated by commas or
 * spaces (`tags=1.2.1, 1.2`). Every item must be a tag: one that is not refuses the whole output,
 * so the body never names a subset as if it were all.
 */
export function containerTagsOf(ref: string, value: TemplateValue | undefined): ContainerTags {
  if (value === undefined)
    return { tags: [], refused: `no output ${ref}: the script wrote no ${containerTagsSource(ref).output}` };
  const items: unknown[] = Array.isArray(value)
    ? value.map((v) => (typeof v === "object" ? v : String(v).trim()))
    : String(value)
        .split(/[\s,]+/)
        .filter((t) => t !== "");
  const bad = items.find((t) => typeof t !== "string" || !CONTAINER_TAG.test(t));
  if (bad !== undefined)
    return {
      tags: [],
      refused: `${ref} holds ${typeof bad === "string" ? JSON.stringify(bad.slice(0, 80)) : "a record"}, which is not an image tag`,
    };
  const tags = [...new Set(items as string[])];
  if (tags.length === 0) return { tags, refused: `${ref} lists no tag` };
  if (tags.length > MAX_CONTAINER_TAGS)
    return { tags: [], refused: `${ref} lists ${tags.length} tags, more than ${MAX_CONTAINER_TAGS}` };
  return { tags };
}

/**
 * A short digest of a list of tags (FNV-1a, 32 bits) for the ledger event's id: the same tags of the
 * same commit are recorded once, other tags of that commit (a rerun's refused or changed output) anew.
 */
export function tagsDigest(tags: readonly string[]): string {
  let hash = 0x811c9dc5;
  for (const char of tags.join(",")) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
