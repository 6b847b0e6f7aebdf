// What an attack must leave as it was: the bucket, the downstream repos' PRs and branches, GitHub
// releases, the tracking issues and their comments, and every ledger's derived state. A refused
// line on a release's dashboard is the one change an attack may cause, and it is counted apart.
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { ledgerKey } from "../../core/config/environment.js";
import type { ReleaseState } from "../../core/ledger/release-state.js";
import { readRelease } from "../../steps/read-release.js";
import { emulatorClient } from "../emulator-client.js";
import type { AttackWorld } from "./attacker.js";

/** The world's facts as "what → value", plus the refused lines of each ledger. */
export interface WorldFacts {
  values: Map<string, string>;
  refused: number;
}

const LEDGER_PREFIX = "refs/heads/release-relay-ledger/";
// Bookkeeping of the ledger itself: a refused line moves these and nothing else.
const LEDGER_BOOKKEEPING = new Set(["refused", "eventCount", "lastAt"]);

/** Leaf values of a derived state: lists of named things by name, other lists as one value. */
function flatten(path: string, value: unknown, emit: (path: string, value: string) => void): void {
  const at = (k: string) => (path ? `${path}.${k}` : k);
  if (value instanceof Set) {
    flatten(path, [...value].sort(), emit);
    return;
  }
  if (Array.isArray(value)) {
    const named = value.map((v) => (v && typeof v === "object" ? (v.name ?? v.target) : undefined));
    if (value.length > 0 && named.every((n) => typeof n === "string"))
      value.forEach((v, i) => {
        flatten(at(named[i] as string), v, emit);
      });
    else emit(path, JSON.stringify(value));
    return;
  }
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) flatten(at(k), v, emit);
    return;
  }
  if (value !== undefined) emit(path, JSON.stringify(value));
}

async function bucketFacts(world: AttackWorld, out: Map<string, string>): Promise<void> {
  const bucket = world.project.config.upload.bucket;
  const client = world.s3.client();
  try {
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      for (const o of page.Contents ?? [])
        out.set(`bucket ${bucket}: ${o.Key}`, `${o.Size ?? 0} bytes, ETag ${o.ETag ?? "?"}`);
      token = page.NextContinuationToken;
    } while (token);
  } finally {
    client.destroy();
  }
}

async function repoFacts(world: AttackWorld, out: Map<string, string>): Promise<void> {
  const { emulator, project } = world;
  for (const repo of [project.config.source.repo, project.automationRepo, ...project.downstreamRepos]) {
    const state = emulator.state.repos[repo.toLowerCase()];
    if (!state) continue;
    for (const r of state.releases) out.set(`${repo}: GitHub release ${r.tagName}`, JSON.stringify(r));
    if (repo === project.config.source.repo) continue;
    const git = emulator.git(repo);
    for (const pull of state.pulls) {
      const issue = state.issues.find((i) => i.number === pull.number);
      const head = pull.merged
        ? pull.headSha
        : ((await git.readRef(`refs/heads/${pull.headRef}`)) ?? pull.headSha);
      const stateText = pull.merged ? "merged" : (issue?.state ?? "open");
      out.set(`${repo}: PR #${pull.number}`, `${stateText} at ${head.slice(0, 12)}`);
    }
    for (const ref of await git.listRefs("refs/"))
      if (!ref.ref.startsWith(LEDGER_PREFIX)) out.set(`${repo}: ${ref.ref}`, ref.sha.slice(0, 12));
    if (repo !== project.automationRepo) continue;
    for (const issue of state.issues.filter((i) => !i.isPull)) {
      const comments = state.comments.filter((c) => c.issueNumber === issue.number).length;
      out.set(`${repo}: issue #${issue.number}`, `${issue.state} “${issue.title}”, ${comments} comment(s)`);
    }
  }
}

/** Reads every fact an attack must not change. */
/** The state a ledger of the attacked world derives, read as the maintainer (the release's by default). */
export async function releaseState(
  world: AttackWorld,
  key = ledgerKey(world.project.config, world.version),
): Promise<ReleaseState> {
  const { emulator, credentials, project } = world;
  const github = emulatorClient(emulator.url, credentials.maintainerToken);
  return (await readRelease(github, project.automationRepo, key)).state;
}

export async function worldFacts(world: AttackWorld): Promise<WorldFacts> {
  const { emulator, project } = world;
  const values = new Map<string, string>();
  await bucketFacts(world, values);
  await repoFacts(world, values);
  let refused = 0;
  const ledgers = await emulator.git(project.automationRepo).listRefs(LEDGER_PREFIX);
  for (const { ref } of ledgers) {
    const key = ref.slice(LEDGER_PREFIX.length);
    const state = await releaseState(world, key);
    refused += state.refused.length;
    const kept = Object.fromEntries(Object.entries(state).filter(([k]) => !LEDGER_BOOKKEEPING.has(k)));
    flatten("", kept, (path, value) => values.set(`ledger ${key}: ${path}`, value));
  }
  return { values, refused };
}

/** The ledger fact key of `path` (e.g. `downstream.website.page`) in the released version's ledger. */
export function ledgerFact(world: AttackWorld, path: string, version = world.version): string {
  return `ledger ${ledgerKey(world.project.config, version)}: ${path}`;
}

const shown = (v: string) => (v.length > 160 ? `${v.slice(0, 157)}...` : v);

/** What changed between two readings, except what `allowed` accepts: one line per fact. */
export function changedFacts(
  before: WorldFacts,
  after: WorldFacts,
  allowed: (fact: string) => boolean = () => false,
): string[] {
  const out: string[] = [];
  for (const [fact, value] of after.values) {
    const was = before.values.get(fact);
    if (was === value || allowed(fact)) continue;
    out.push(
      was === undefined ? `new: ${fact} = ${shown(value)}` : `${fact}: ${shown(was)} → ${shown(value)}`,
    );
  }
  for (const [fact, was] of before.values)
    if (!after.values.has(fact) && !allowed(fact)) out.push(`gone: ${fact} (was ${shown(was)})`);
  return out;
}
