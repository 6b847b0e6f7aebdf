import { existsSync, readFileSync } from "node:fs";
import { mkdir, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import type { Downstream } from "../../core/config/schema.js";
import { applyEdits, type EditedFile, editApplies } from "../../core/downstream/edits.js";
import type { ScriptOutputs } from "../../core/downstream/script-outputs.js";
import type { EditValues } from "../../core/downstream/template.js";
import { renderTemplate } from "../../core/downstream/template.js";
import { ReleaseRelayError } from "../../core/errors.js";
import { runScriptEdit, snapshotFiles } from "./script-edit.js";

/**
 * Applies a downstream's edits to the files of a checkout, in order, on disk — scripts included
 * (the repo's own generator). What changed is read by comparing the files before and after; a
 * script's outputs are added to `values` as `{<downstream>.<key>}` for later downstreams, and
 * returned as the script wrote them.
 */
export async function applyEditsInDir(
  dir: string,
  d: Downstream,
  values: EditValues,
  prerelease: boolean,
  templates: (path: string) => string | undefined,
): Promise<{ edited: EditedFile[]; executable: Set<string>; outputs: ScriptOutputs }> {
  const before = await snapshotFiles(dir);
  const outputs: ScriptOutputs = {};
  for (const [i, edit] of d.edits.entries()) {
    if (!editApplies(edit, prerelease)) continue;
    if (edit.kind === "script") {
      const env = Object.fromEntries(
        Object.entries(edit.env).map(([k, v]) => [
          k,
          renderTemplate(v, values, `downstream ${d.name} edits[${i}].env.${k}`),
        ]),
      );
      const { outputs: scriptOutputs } = await runScriptEdit(
        dir,
        renderTemplate(edit.run, values, `downstream ${d.name} edits[${i}].run`),
        env,
        edit.timeoutSeconds,
      );
      Object.assign(outputs, scriptOutputs);
      for (const [k, v] of Object.entries(scriptOutputs)) values[`${d.name}.${k}`] = v;
      continue;
    }
    const inRepo = (p: string) => {
      const target = resolve(dir, p);
      if (relative(dir, target).startsWith(".."))
        throw new ReleaseRelayError(
          "E_DOWNSTREAM",
          `edit path ${p} leaves the repository`,
          "use paths inside the repository",
        );
      return target;
    };
    for (const f of applyEdits(
      [edit],
      (p) => (existsSync(inRepo(p)) ? readFileSync(inRepo(p), "utf8") : undefined),
      values,
      prerelease,
      templates,
    )) {
      await mkdir(dirname(inRepo(f.path)), { recursive: true });
      await writeFile(inRepo(f.path), f.after);
    }
  }
  const after = await snapshotFiles(dir);
  const deleted = [...before.keys()].filter((p) => !after.has(p));
  if (deleted.length)
    throw new ReleaseRelayError(
      "E_DOWNSTREAM",
      `${d.name}: the script deleted ${deleted.join(", ")}`,
      "release edits may add and change files, not delete them",
    );
  const changed: EditedFile[] = [];
  const executable = new Set<string>();
  for (const [path, content] of after) {
    const old = before.get(path);
    if (old?.equals(content)) continue;
    if (content.includes(0))
      throw new ReleaseRelayError(
        "E_DOWNSTREAM",
        `${d.name}: the script changed a binary file, ${path}`,
        "release edits change text files only",
      );
    changed.push({ path, before: old?.toString("utf8"), after: content.toString("utf8") });
    if (((await stat(join(dir, path))).mode & 0o111) !== 0) executable.add(path);
  }
  return { edited: changed.sort((a, b) => (a.path < b.path ? -1 : 1)), executable, outputs };
}
