// A repository created outside the API, as its owner would: a bare repository with a first commit.
import { GitStore } from "./git/git-store.js";
import type { World } from "./world.js";

/** A repo to create: its default branch and first commit's files. */
export interface RepoSeed {
  defaultBranch?: string;
  files?: Record<string, string | Buffer>;
  message?: string;
  private?: boolean;
  /** Paths to create executable besides `*.sh` (a checkout's mode 755 files). */
  executables?: string[];
  /** The "immutable releases" setting (Settings → General → Releases). */
  immutableReleases?: boolean;
  /** false: release assets are listed without a digest, as servers that predate digests list them. */
  releaseAssetDigests?: boolean;
}

/** Creates a repository with a first commit holding `files`; returns the commit sha. */
export async function seedRepo(world: World, full: string, seed: RepoSeed): Promise<string> {
  const [owner, name] = full.split("/") as [string, string];
  const defaultBranch = seed.defaultBranch ?? "main";
  const git = await GitStore.init(world.gitDir(full), defaultBranch);
  world.state.repos[full.toLowerCase()] = {
    id: world.nextId(),
    owner,
    name,
    defaultBranch,
    private: seed.private ?? false,
    createdAt: world.now(),
    nextNumber: 1,
    issues: [],
    comments: [],
    pulls: [],
    labels: [],
    statuses: [],
    checkRuns: [],
    releases: [],
    ...(seed.immutableReleases ? { immutableReleases: true } : {}),
    ...(seed.releaseAssetDigests === false ? { releaseAssetDigests: false } : {}),
  };
  world.user(owner);
  const entries = [];
  for (const [path, content] of Object.entries(seed.files ?? { "README.md": `# ${name}\n` })) {
    const executable = path.endsWith(".sh") || (seed.executables ?? []).includes(path);
    entries.push({
      path,
      mode: executable ? "100755" : "100644",
      sha: await git.writeBlob(Buffer.from(content)),
    });
  }
  const tree = await git.writeTree(undefined, entries);
  const ident = { name: owner, email: `${owner}@users.noreply.localhost`, date: world.now() };
  const sha = await git.writeCommit(tree, [], `${seed.message ?? "Initial commit"}\n`, ident, ident);
  await git.casRef(`refs/heads/${defaultBranch}`, sha, "");
  return sha;
}
