// Git objects never change once named: what one call of the local GitHub read or wrote, the next
// call gets from memory instead of a git process. Bounded, so a long rehearsal does not grow it.
import type { TreeEntry } from "./git-object-text.js";

const MAX_OBJECT_BYTES = 1024 * 1024;
const MAX_TOTAL_BYTES = 64 * 1024 * 1024;
const MAX_LISTINGS = 20_000;

export class ObjectCache {
  private objects = new Map<string, { type: string; content?: Buffer }>();
  private listings = new Map<string, TreeEntry[]>();
  private bytes = 0;

  /** An object's content (kept when small enough) and type. */
  wrote(sha: string, type: string, content: Buffer): void {
    if (this.objects.get(sha)?.content) return;
    const keep = content.length <= MAX_OBJECT_BYTES;
    if (keep && this.bytes + content.length > MAX_TOTAL_BYTES) this.clear();
    this.objects.set(sha, keep ? { type, content } : { type });
    if (keep) this.bytes += content.length;
  }

  typed(sha: string, type: string): void {
    if (!this.objects.has(sha)) this.objects.set(sha, { type });
  }

  type(sha: string): string | undefined {
    return this.objects.get(sha)?.type;
  }

  /** The content of an object of this type, when known. */
  content(sha: string, type: string): Buffer | undefined {
    const o = this.objects.get(sha);
    return o?.type === type ? o.content : undefined;
  }

  blob(sha: string): Buffer | undefined {
    return this.content(sha, "blob");
  }

  listing(key: string): TreeEntry[] | undefined {
    return this.listings.get(key);
  }

  listed(key: string, entries: TreeEntry[]): void {
    if (this.listings.size >= MAX_LISTINGS) this.listings.clear();
    this.listings.set(key, entries);
  }

  private clear(): void {
    this.objects.clear();
    this.listings.clear();
    this.bytes = 0;
  }
}
