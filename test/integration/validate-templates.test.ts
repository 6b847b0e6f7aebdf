// `release-relay validate` on the template files a config names: a missing one and one with a
// misspelt placeholder are refused at set-up, naming the config path, rather than at a release.
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const bin = join(root, "bin/release-relay.js");

function validate(config: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [bin, "validate", config], { cwd: tmpdir() }, (e, stdout, stderr) =>
      done({ code: e ? (typeof e.code === "number" ? e.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe("release-relay validate and template files", () => {
  let dir: string;
  let config: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "release-relay-validate-"));
    cpSync(join(root, "examples/cachet/release-relay.yml"), join(dir, "release-relay.yml"));
    cpSync(join(root, "examples/cachet/templates"), join(dir, "templates"), { recursive: true });
    config = join(dir, "release-relay.yml");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("accepts the example with its template file, read beside the config", async () => {
    const { code, stdout } = await validate(config);
    expect(code).toBe(0);
    expect(stdout).toContain(`${config}: valid`);
  });

  it("refuses a template file that does not exist, naming its config path", async () => {
    const text = readFileSync(config, "utf8").replace(
      "template: templates/website-release.md",
      "template: templates/website-relase.md",
    );
    writeFileSync(config, text);
    const { code, stdout, stderr } = await validate(config);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain(
      'downstream[2].edits[0].template: template file "templates/website-relase.md" does not exist beside release-relay.yml',
    );
  });

  it("refuses a placeholder in a template file that nothing fills in, with the nearest known one", async () => {
    const page = join(dir, "templates/website-release.md");
    writeFileSync(page, `${readFileSync(page, "utf8")}\nsha256: {source-archive.sha265}\n`);
    const { code, stderr } = await validate(config);
    expect(code).toBe(1);
    expect(stderr).toContain(
      "downstream[2].edits[0].template (templates/website-release.md): unknown placeholder {source-archive.sha265} — did you mean {source-archive.sha256}?",
    );
  });
});
