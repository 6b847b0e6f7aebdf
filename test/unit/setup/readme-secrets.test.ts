import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { AWS_ROLES, RELEASE_ENVIRONMENT } from "../../../src/core/config/aws-roles.js";

const root = new URL("../../../", import.meta.url);

interface Reader {
  kind: "secret" | "variable";
  jobs: string[];
  /** Every job that reads it runs in the release environment: only there may it live. */
  environmentOnly: boolean;
}

/** Every `secrets.X` and `vars.X` the installed workflows read, with the jobs that read each. */
function readByTemplates(): Map<string, Reader> {
  const found = new Map<string, Reader & { envs: boolean[] }>();
  for (const dir of ["automation", "main-repo", "downstream"])
    for (const file of readdirSync(new URL(`workflows-templates/${dir}/`, root)).sort()) {
      const text = readFileSync(new URL(`workflows-templates/${dir}/${file}`, root), "utf8");
      const jobs = (parse(text) as { jobs: Record<string, { environment?: string }> }).jobs;
      for (const [id, job] of Object.entries(jobs))
        for (const m of JSON.stringify(job).matchAll(/\b(secrets|vars)\.([A-Z0-9_]+)/g)) {
          const name = m[2] as string;
          const entry = found.get(name) ?? {
            kind: m[1] === "secrets" ? "secret" : "variable",
            jobs: [],
            environmentOnly: true,
            envs: [],
          };
          const where = `${dir}/${file}: ${id}`;
          if (!entry.jobs.includes(where)) entry.jobs.push(where);
          entry.envs.push(job.environment === RELEASE_ENVIRONMENT);
          found.set(name, entry);
        }
      // Nothing outside a job may read one: the table names a job for each.
      const outside = text.replace(/^jobs:[\s\S]*$/m, "");
      expect(outside, `${dir}/${file}`).not.toMatch(/\$\{\{[^}]*\b(secrets|vars)\./);
    }
  return new Map(
    [...found].map(([name, e]) => [
      name,
      { kind: e.kind, jobs: e.jobs, environmentOnly: e.envs.every(Boolean) },
    ]),
  );
}

/** The README's table of secrets and variables, by name. */
function readmeTable(): Map<string, Reader & { setIn: string }> {
  const lines = readFileSync(new URL("README.md", root), "utf8").split("\n");
  const start = lines.findIndex((l) => l.startsWith("| name | secret or variable | set in |"));
  expect(start, "the README's table of secrets and variables").toBeGreaterThan(0);
  const rows = new Map<string, Reader & { setIn: string }>();
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    const [name, kind, setIn, , readBy] = line
      .split(" | ")
      .map((c) => c.replace(/^\|\s*|\s*\|$/g, "").replaceAll("`", "")) as [
      string,
      string,
      string,
      string,
      string,
    ];
    const jobs = readBy.split("; ").flatMap((group) => {
      const [file, ids] = group.split(": ") as [string, string];
      return ids.split(", ").map((id) => `${file}: ${id}`);
    });
    expect(rows.has(name), `${name} is listed once`).toBe(false);
    rows.set(name, {
      kind: kind as Reader["kind"],
      jobs,
      environmentOnly: setIn.includes(`environment ${RELEASE_ENVIRONMENT}`),
      setIn,
    });
  }
  return rows;
}

describe("the README's table of secrets and variables", () => {
  it("lists exactly what the workflow templates read, as a secret or a variable, read by the same jobs", () => {
    const templates = readByTemplates();
    const table = readmeTable();
    expect([...table.keys()].sort()).toEqual([...templates.keys()].sort());
    for (const [name, reader] of templates) {
      const row = table.get(name);
      expect({ kind: row?.kind, jobs: row?.jobs.sort() }, name).toEqual({
        kind: reader.kind,
        jobs: reader.jobs.sort(),
      });
      expect(row?.environmentOnly, `${name}: set in the release environment iff only its jobs read it`).toBe(
        reader.environmentOnly,
      );
    }
  });

  it("names every AWS role init prints, where init says it lives", () => {
    const table = readmeTable();
    for (const role of AWS_ROLES) {
      expect(table.get(role.variable)?.kind, role.variable).toBe("variable");
      expect(table.get(role.variable)?.environmentOnly, role.variable).toBe(role.scope === "environment");
    }
  });
});
