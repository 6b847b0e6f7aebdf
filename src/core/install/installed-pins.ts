import type { DoctorFinding } from "../setup/doctor.js";
import type { PinnedUse } from "./action-pins.js";

const upgradeFix = (repo: string, version: string) =>
  `in a checkout of ${repo}, run \`npx release-relay@${version} upgrade\` (it rewrites only the pins and release-relay's workflows, and shows the diff), then commit the result`;

/**
 * The pins of release-relay's actions in one repo's workflows (path → pins): one commit for all,
 * of this version. A repo pinned to another version fails where the release runs it (`strict`),
 * and warns elsewhere.
 */
export function pinFinding(
  repo: string,
  pins: ReadonlyMap<string, readonly PinnedUse[]>,
  version: string,
  strict: boolean,
): DoctorFinding | undefined {
  const all = [...pins].flatMap(([path, uses]) => uses.map((u) => ({ path, ...u })));
  if (all.length === 0) return undefined;
  const check = `${repo}: workflows pin release-relay ${version}`;
  const shas = [...new Set(all.map((u) => u.sha))];
  const described = (u: (typeof all)[number]) =>
    `${u.path} → ${u.sha.slice(0, 12)}${u.version ? ` (v${u.version})` : ""}`;
  if (shas.length > 1)
    return {
      check,
      ok: false,
      problem: `its workflows pin ${shas.length} different commits: ${[...new Map(all.map((u) => [`${u.path}@${u.sha}`, u])).values()].map(described).join(", ")}`,
      fix: upgradeFix(repo, version),
    };
  const other = all.filter((u) => u.version !== undefined && u.version !== version.replace(/^v/, ""));
  if (other.length > 0) {
    const problem = `pinned to another version: ${[...new Set(other.map(described))].join(", ")}`;
    return strict
      ? { check, ok: false, problem, fix: upgradeFix(repo, version) }
      : { check, ok: true, warn: true, problem, fix: upgradeFix(repo, version) };
  }
  return { check: `${check} (${(shas[0] as string).slice(0, 12)})`, ok: true };
}
