// report-status listens to workflow_run of the downstream repos' CI and image workflows. GitHub runs
// workflow_run at most three levels deep (Actions docs, "Events that trigger workflows"), so what it
// listens to must not itself be started by workflow_run, or reports would stop arriving on GitHub
// while every local run still passed. Its report is a repository_dispatch: a new chain.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = join(import.meta.dirname, "../../..");
type Workflow = { name?: string; on: Record<string, { workflows?: string[] } | null> };
const read = (path: string) => parse(readFileSync(path, "utf8")) as Workflow;

describe("report-status is one workflow_run level from what it reports", () => {
  it("listens only to workflows that no workflow_run starts, in every example downstream", () => {
    const reportStatus = read(join(root, "workflows-templates/downstream/report-status.yml"));
    const listened = reportStatus.on.workflow_run?.workflows ?? [];
    expect(listened).toEqual(["CI", "Build and push images"]);
    const reposDir = join(root, "examples/cachet/repos");
    const seen: string[] = [];
    for (const repo of readdirSync(reposDir)) {
      const dir = join(reposDir, repo, ".github/workflows");
      let files: string[] = [];
      try {
        files = readdirSync(dir);
      } catch {
        continue;
      }
      for (const file of files) {
        const wf = read(join(dir, file));
        if (!wf.name || !listened.includes(wf.name)) continue;
        seen.push(wf.name);
        expect(Object.keys(wf.on), `${repo}/${file}`).not.toContain("workflow_run");
      }
    }
    expect([...new Set(seen)].sort()).toEqual([...listened].sort());
  });
});
