import { parse, stringify } from "yaml";
import { ReleaseRelayError } from "../../core/errors.js";
import { resolvePinnedAction } from "../runner/pinned-actions.js";
import { standInFor } from "../runner/stand-in-actions.js";
import { parseWorkflowFile, type WorkflowSpec } from "../runner/workflow-file.js";

const WORKFLOW_PATH = /^\.github\/workflows\/[^/]+\.ya?ml$/;

const messageOf = (error: unknown) =>
  (error instanceof ReleaseRelayError ? error.message : String(error)).split("\n")[0]?.slice(0, 300) ?? "";

/** Why the local runner cannot run a workflow's steps, or undefined when it can. */
async function unrunnableStep(
  spec: WorkflowSpec,
  files: Record<string, Buffer | string>,
): Promise<string | undefined> {
  for (const job of spec.jobs)
    for (const step of job.steps) {
      const uses = step.uses;
      if (uses === undefined) continue;
      if (uses.startsWith("./")) {
        const dir = uses.replace(/^\.\//, "").replace(/\/$/, "");
        const meta = files[`${dir}/action.yml`] ?? files[`${dir}/action.yaml`];
        const using = meta
          ? String((parse(meta.toString()) as { runs?: { using?: unknown } })?.runs?.using)
          : "";
        if (!/^node(20|24)$/.test(using))
          return `uses ${uses}, which is not a JavaScript action of the repo the local runner can run`;
        continue;
      }
      // release-relay's own actions, pinned by commit, run from this package's files.
      if (await resolvePinnedAction(uses)) continue;
      try {
        standInFor(uses, `${spec.file}:${step.line}`);
      } catch (error) {
        return /not pinned/.test(messageOf(error))
          ? `uses ${uses}, not pinned by a full commit SHA, which the local runner does not run`
          : `uses ${uses}, which the local runner cannot run`;
      }
    }
  return undefined;
}

/**
 * A workflow with the original's name, triggers and jobs whose one step says why it stands in:
 * what other workflows and checks wait for (report-status's `workflow_run` names, the source
 * gate's check names) still arrive, and pass.
 */
function standInWorkflow(text: string, file: string, why: string): string | undefined {
  let raw: Record<string, unknown>;
  try {
    raw = parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!raw || typeof raw !== "object" || !raw.on || !raw.jobs || typeof raw.jobs !== "object")
    return undefined;
  const jobs = Object.fromEntries(
    Object.entries(raw.jobs as Record<string, Record<string, unknown> | null>).map(([id, job]) => {
      const name = job?.name;
      const needs = job?.needs;
      return [
        id,
        {
          ...(typeof name === "string" && !name.includes("${{") ? { name } : {}),
          ...(needs !== undefined ? { needs } : {}),
          "runs-on": "ubuntu-latest",
          steps: [
            {
              name: "stand-in",
              env: { STAND_IN: `stand-in: ${file} ${why}; this job passes without running` },
              run: 'echo "$STAND_IN"',
            },
          ],
        },
      ];
    }),
  );
  return stringify({
    ...(typeof raw.name === "string" ? { name: raw.name } : {}),
    on: raw.on,
    permissions: {},
    jobs,
  });
}

/** A repo's files with each workflow the local runner cannot run replaced by a stand-in, and what was done. */
export interface StandInResult {
  files: Record<string, Buffer | string>;
  notes: string[];
}

/**
 * Checks every workflow of a maintainer's repo the way the local runner will read it. One it cannot
 * run (a feature outside its subset, or a `uses:` with no local stand-in) is replaced by a stand-in
 * whose jobs pass and say why, rather than failing the release far from the cause; one whose
 * triggers the runner cannot read either is left out. Each gets one line. `keep` are the files init
 * installs: the product's own workflows, never stood in.
 */
export async function standInWorkflows(
  repo: string,
  files: Record<string, Buffer | string>,
  keep: ReadonlySet<string>,
): Promise<StandInResult> {
  const out = { ...files };
  const notes: string[] = [];
  for (const path of Object.keys(files).sort()) {
    if (!WORKFLOW_PATH.test(path) || keep.has(path)) continue;
    const text = (files[path] as Buffer | string).toString();
    let why: string | undefined;
    try {
      why = await unrunnableStep(await parseWorkflowFile(path, text), files);
    } catch (error) {
      why = `cannot be read by the local runner (${messageOf(error).replace(`${path}:`, "line ")})`;
    }
    if (why === undefined) continue;
    const standIn = standInWorkflow(text, path, why);
    const readable = standIn
      ? await parseWorkflowFile(path, standIn).then(
          () => true,
          () => false,
        )
      : false;
    if (standIn && readable) {
      out[path] = standIn;
      notes.push(
        `${repo}: stand-in: ${path} ${why}; its jobs pass without running${why.startsWith("uses ") ? " (a local stand-in for that action would be needed to run it)" : ""}`,
      );
    } else {
      delete out[path];
      notes.push(
        `${repo}: left out: ${path} ${why}, and its triggers cannot be read either; it does not run`,
      );
    }
  }
  return { files: out, notes };
}
