/**
 * The commit a `git archive` tarball was made from, from its pax global header (`comment=<sha>`): GitHub's
 * source archives are made by git archive and carry it. Reads the first tar blocks of the uncompressed
 * archive; undefined when they hold no such header.
 */
export function archiveCommit(head: Uint8Array): string | undefined {
  if (head.length < 1024) return undefined;
  const text = (from: number, length: number) =>
    Buffer.from(head.subarray(from, from + length))
      .toString("latin1")
      .replace(/\0[\s\S]*$/, "");
  // ustar: the type flag at 156 ("g": a pax global header), the size in octal at 124.
  if (text(156, 1) !== "g") return undefined;
  const size = Number.parseInt(text(124, 12).trim(), 8);
  if (!(size > 0) || 512 + size > head.length) return undefined;
  const records = Buffer.from(head.subarray(512, 512 + size)).toString("utf8");
  return /(?:^|\n)\d+ comment=([0-9a-f]{40})\n/.exec(records)?.[1];
}
