import { randomUUID } from "node:crypto";
import { z } from "zod";
import { ReleaseRelayError } from "../../core/errors.js";
import { parseJsonInput } from "../../core/inputs/json-input.js";
import { type LedgerEvent, ledgerEventSchema } from "../../core/ledger/events.js";
import type { GitHubClient } from "../github/client.js";
import { commitOnBranch, commitsThroughGraphql, readBranchFile } from "../github/graphql/commits.js";
import { readRepoFile } from "../github/repo-files.js";

/** The ledger as read at one commit. */
export interface LedgerSnapshot {
  /** Head commit of the ledger branch, or "empty" before the first event. */
  head: string;
  events: LedgerEvent[];
}

const LEDGER_FILE = "ledger.json";

/** The ledger as a writer reads it: with the last commits' bodies, where a writer finds its mark. */
interface WriterView extends LedgerSnapshot {
  exists: boolean;
  recentBodies: string[];
}

/**
 * The release ledger: a branch in the automation repo, one commit per event, each adding
 * `events/<id>.json` and rewriting `ledger.json` (all events, for a one-call read). Appends are a
 * compare-and-swap on the branch: a writer that loses the race re-reads and retries. Through GraphQL
 * an append is two calls: one query for the head and `ledger.json` there, one createCommitOnBranch
 * whose `expectedHeadOid` is the swap (and whose commit GitHub signs). The branch's first commit,
 * and every commit on a GitHub Enterprise Server without createCommitOnBranch, go through the Git
 * Data API (tree, commit, then the ref created, or moved with `force: false`).
 */
export class LedgerStore {
  private readonly owner: string;
  private readonly repo: string;
  readonly branch: string;

  constructor(
    private readonly github: GitHubClient,
    repo: string,
    /** The release's ledger key: its version, or `<environment>/<version>` (ledgerKey). */
    key: string,
    private readonly options: {
      maxAttempts?: number;
      sleep?: (ms: number) => Promise<void>;
      random?: () => number;
    } = {},
  ) {
    [this.owner, this.repo] = repo.split("/") as [string, string];
    this.branch = `release-relay-ledger/${key}`;
  }

  /** The branch head, or "empty" before the first event: one call, to check whether the ledger moved. */
  async head(): Promise<string> {
    return (await this.headSha()) ?? "empty";
  }

  private async headSha(): Promise<string | undefined> {
    try {
      const { data } = await this.github.rest.git.getRef({
        owner: this.owner,
        repo: this.repo,
        ref: `heads/${this.branch}`,
      });
      return data.object.sha;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
  }

  private async eventsAt(sha: string): Promise<LedgerEvent[]> {
    // Read through readRepoFile: a ledger past 1 MB comes from the contents API without its content.
    return this.parse(await readRepoFile(this.github, `${this.owner}/${this.repo}`, LEDGER_FILE, sha), sha);
  }

  private parse(text: string | undefined, sha: string): LedgerEvent[] {
    if (text === undefined)
      throw new ReleaseRelayError(
        "E_LEDGER",
        `${LEDGER_FILE} on ${this.branch} is missing or not a file`,
        "do not edit the ledger branch by hand",
      );
    // A ledger that is not JSON (or not events) is refused with the fix, never thrown as a SyntaxError.
    return parseJsonInput(
      text,
      z.array(ledgerEventSchema),
      `${LEDGER_FILE} at ${sha.slice(0, 12)}`,
      "do not edit the ledger branch by hand; restore it from its history",
      "E_LEDGER",
    );
  }

  /** The events at the branch head (none before the first append). */
  async read(): Promise<LedgerSnapshot> {
    const { head, events } = await this.view();
    return { head, events };
  }

  /** The head and its events: one GraphQL call, or the ref then the file through REST. */
  private async view(): Promise<WriterView> {
    if (commitsThroughGraphql(this.github)) {
      const file = await readBranchFile(this.github, `${this.owner}/${this.repo}`, this.branch, LEDGER_FILE);
      if (file !== "unsupported") {
        if (!file.head) return { head: "empty", events: [], exists: false, recentBodies: [] };
        const events = file.tooLarge ? await this.eventsAt(file.head) : this.parse(file.text, file.head);
        return { head: file.head, events, exists: true, recentBodies: file.recentBodies };
      }
    }
    const head = await this.headSha();
    return head
      ? { head, events: await this.eventsAt(head), exists: true, recentBodies: [] }
      : { head: "empty", events: [], exists: false, recentBodies: [] };
  }

  /** Records an event once: an id already in the ledger changes nothing (and costs no write). */
  async append(event: LedgerEvent): Promise<{ head: string; appended: boolean }> {
    return this.appendAll([event]);
  }

  /** Records several events in one commit; those already in the ledger are left out (none new: no write). */
  async appendAll(batch: readonly LedgerEvent[]): Promise<{ head: string; appended: boolean }> {
    const all = batch.map((e) => ledgerEventSchema.parse(e));
    return this.appendDecided(() => all);
  }

  /**
   * Records what `decide` makes of the ledger as it stands, in one compare-and-swap: when another
   * writer moves the branch first, `decide` sees the new events and decides again. This is how a
   * claim is made: two runs deciding at once cannot both see nothing claimed.
   */
  async appendDecided(
    decide: (events: readonly LedgerEvent[]) => readonly LedgerEvent[],
  ): Promise<{ head: string; appended: boolean }> {
    const max = this.options.maxAttempts ?? 30;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
    const random = this.options.random ?? Math.random;
    // This writer's mark, in the body of each commit it makes through GraphQL: a commit that landed
    // although its answer was lost (and Octokit's retry then found the branch moved) is recognised.
    const mark = `Ledger-Writer: ${randomUUID()}`;
    for (let attempt = 0; attempt < max; attempt++) {
      const started = performance.now();
      const seen = await this.view();
      if (attempt > 0 && seen.recentBodies.some((b) => b.includes(mark)))
        return { head: seen.head, appended: true };
      const { events } = seen;
      const all = decide(events).map((e) => ledgerEventSchema.parse(e));
      const known = new Set(events.map((e) => e.id));
      const fresh = all.filter((e, i) => !known.has(e.id) && all.findIndex((x) => x.id === e.id) === i);
      if (fresh.length === 0) return { head: seen.head, appended: false };
      const headline =
        fresh.length === 1
          ? `${fresh[0]?.type} ${fresh[0]?.id}`
          : `${fresh.length} events: ${fresh.map((e) => e.id).join(", ")}`.slice(0, 1000);
      const files = [
        ...fresh.map((e) => ({
          path: `events/${e.id.replaceAll(":", "_")}.json`,
          content: `${JSON.stringify(e, null, 2)}\n`,
        })),
        { path: LEDGER_FILE, content: `${JSON.stringify([...events, ...fresh], null, 1)}\n` },
      ];
      const head = seen.exists ? seen.head : undefined;
      const landed =
        head && commitsThroughGraphql(this.github)
          ? await commitOnBranch(this.github, {
              repo: `${this.owner}/${this.repo}`,
              branch: this.branch,
              expectedHead: head,
              headline,
              body: mark,
              files,
            })
          : await this.commitThroughGitData(head, headline, files);
      if (landed === "unsupported") continue; // an older GHES: the next attempt goes through REST
      if (landed !== "stale") return { head: landed.oid, appended: true };
      // Lost the race: back off (with jitter, so racers spread out) and try on the new head. The
      // window grows from what one attempt took: a writer wins only when nobody commits between its
      // read and its commit, so when GitHub answers slowly a fixed window keeps every writer losing.
      const spent = Math.max(10, performance.now() - started);
      await sleep(Math.min(30_000, spent * 2 ** Math.min(attempt, 6)) * (0.5 + random()));
    }
    throw new ReleaseRelayError(
      "E_LEDGER",
      `could not append to ${this.branch} after ${max} attempts`,
      "too many writers at once: rerun the job",
    );
  }

  /** Tree, commit, then the ref created or moved (`force: false`); "stale" when another writer moved it first. */
  private async commitThroughGitData(
    head: string | undefined,
    message: string,
    files: { path: string; content: string }[],
  ): Promise<{ oid: string } | "stale"> {
    const baseTree = head
      ? (await this.github.rest.git.getCommit({ owner: this.owner, repo: this.repo, commit_sha: head })).data
          .tree.sha
      : undefined;
    const { data: tree } = await this.github.rest.git.createTree({
      owner: this.owner,
      repo: this.repo,
      ...(baseTree ? { base_tree: baseTree } : {}),
      tree: files.map((f) => ({
        path: f.path,
        mode: "100644" as const,
        type: "blob" as const,
        content: f.content,
      })),
    });
    const { data: commit } = await this.github.rest.git.createCommit({
      owner: this.owner,
      repo: this.repo,
      message,
      tree: tree.sha,
      parents: head ? [head] : [],
    });
    try {
      if (head)
        await this.github.rest.git.updateRef({
          owner: this.owner,
          repo: this.repo,
          ref: `heads/${this.branch}`,
          sha: commit.sha,
          force: false,
        });
      else
        await this.github.rest.git.createRef({
          owner: this.owner,
          repo: this.repo,
          ref: `refs/heads/${this.branch}`,
          sha: commit.sha,
        });
      return { oid: commit.sha };
    } catch (error) {
      const e = error as { status?: number; response?: { data?: { message?: string } } };
      const lost =
        e.status === 422 && /not a fast forward|already exists/i.test(e.response?.data?.message ?? "");
      if (!lost) throw error;
      return "stale";
    }
  }
}
