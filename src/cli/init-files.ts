import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ReleaseRelayError } from "../core/errors.js";
import { type InitAnswers, renderStarterConfig } from "../core/init-plan.js";

// The package's own files: templates, action metadata and bundles, vendored into the user's repos.
const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Every file init writes, by destination path, with its content. */
export async function plannedFiles(
  a: InitAnswers,
  dirs: { main?: string; automation?: string; downstream: Record<string, string> },
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const copy = async (from: string, to: string) =>
    out.set(to, await readFile(join(packageRoot, from), "utf8"));
  // Vendored bundles are ES modules: a package.json beside them says so, whatever the repo's own says.
  const esm = `${JSON.stringify({ type: "module", private: true }, null, 2)}\n`;
  if (dirs.automation) {
    const d = dirs.automation;
    out.set(join(d, "release-relay.yml"), renderStarterConfig(a));
    await copy("workflows-templates/automation/release.yml", join(d, ".github/workflows/release.yml"));
    await copy("workflows-templates/automation/status.yml", join(d, ".github/workflows/status.yml"));
    await copy("workflows-templates/automation/yank.yml", join(d, ".github/workflows/yank.yml"));
    for (const name of [
      "build-matrix",
      "compute-hashes",
      "sign-upload",
      "open-downstream-prs",
      "track-status",
      "yank",
    ]) {
      await copy(`actions/${name}/action.yml`, join(d, "actions", name, "action.yml"));
      await copy(`dist/${name}/index.js`, join(d, "dist", name, "index.js"));
    }
    out.set(join(d, "dist", "package.json"), esm);
  }
  if (dirs.main) {
    await copy(
      "workflows-templates/main-repo/release.yml",
      join(dirs.main, ".github/workflows/release-relay.yml"),
    );
    await copy("action.yml", join(dirs.main, ".github/release-relay/action.yml"));
    await copy("dist/trigger/index.js", join(dirs.main, ".github/release-relay/dist/trigger/index.js"));
    out.set(join(dirs.main, ".github/release-relay/package.json"), esm);
  }
  for (const [name, dir] of Object.entries(dirs.downstream)) {
    if (!a.downstream.some((d) => d.name === name))
      throw new ReleaseRelayError(
        "E_INPUT",
        `--downstream-dir ${name}=… names no downstream`,
        "give --downstream name=owner/repo first",
      );
    await copy(
      "workflows-templates/downstream/report-status.yml",
      join(dir, ".github/workflows/release-relay-report-status.yml"),
    );
  }
  return out;
}
