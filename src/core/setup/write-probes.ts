// GitHub counts every write request against its secondary limit on content-creating requests (500
// an hour), refused ones included as far as its docs say, and the doctor runs before every release.
// A GitHub App's permissions are chosen for the App and granted per installation, one installation
// per owner, for every repository the installation covers ("Choosing permissions for a GitHub App",
// https://docs.github.com/en/apps/creating-github-apps/registering-a-github-app/choosing-permissions-for-a-github-app):
// one refused-write probe per owner and permission tells for all that owner's repos. A personal
// token is another matter (a classic token writes where its user may), so only the release
// workflow's doctor, whose tokens are installation tokens minted per owner, probes this way.
import type { DoctorFinding, RepoAccess, RepoNeed } from "./doctor.js";

/** Accesses that can only be checked by a write GitHub refuses (reads are checked on every repo). */
export const isWriteProbe = (access: RepoAccess): boolean => access !== "contents:read";

/**
 * For each repo and write access it needs, the repo whose probe answers for it: the first repo of the
 * same owner that needs the same access (itself when it is that first one).
 */
export function writeProbeTargets(needs: readonly RepoNeed[]): Map<string, Map<RepoAccess, string>> {
  const first = new Map<string, string>();
  const targets = new Map<string, Map<RepoAccess, string>>();
  for (const need of needs) {
    const owner = need.repo.split("/")[0]?.toLowerCase() ?? "";
    const mine = new Map<RepoAccess, string>();
    for (const access of need.access.filter(isWriteProbe)) {
      const key = `${owner} ${access}`;
      if (!first.has(key)) first.set(key, need.repo);
      mine.set(access, first.get(key) as string);
    }
    targets.set(need.repo, mine);
  }
  return targets;
}

/**
 * The write probes already made, and which probe answers for which repo (writeProbeTargets): a
 * repo whose owner's installation was probed for an access is not probed again for it.
 */
export class WriteProbeAnswers {
  private answers = new Map<string, DoctorFinding>();
  constructor(private readonly targets: ReadonlyMap<string, ReadonlyMap<RepoAccess, string>>) {}

  answerFor(repo: string, access: RepoAccess): { repo: string; finding: DoctorFinding } | undefined {
    const probed = this.targets.get(repo)?.get(access);
    const finding = probed && probed !== repo ? this.answers.get(`${probed} ${access}`) : undefined;
    return finding && probed ? { repo: probed, finding } : undefined;
  }

  record(repo: string, access: RepoAccess, finding: DoctorFinding): void {
    this.answers.set(`${repo} ${access}`, finding);
  }
}
