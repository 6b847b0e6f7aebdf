import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseVersion } from "../../src/core/request/version.js";
import { hasTool } from "../support/tools.js";
import { valkeyFixtures } from "../support/valkey-downstreams.js";

// `release-relay edit --downstream container` on a checkout of the container repo as it was just
// before each real commit that changed its Docker Hub description.
const examplePath = join(import.meta.dirname, "../../examples/valkey/release-relay.yml");
const commits = join(valkeyFixtures, "container");
const DESCRIPTION = "dockerhub-description.md";

async function edit(checkout: string, commit: string, version: string): Promise<string[]> {
  const { runCli } = await import("../../src/cli/main.js");
  const entry = JSON.parse(readFileSync(join(commits, commit, "after/versions.json"), "utf8"))[
    parseVersion(version).line
  ];
  const hashes = join(mkdtempSync(join(tmpdir(), "hashes-")), "hashes.json");
  writeFileSync(
    hashes,
    JSON.stringify([
      {
        name: `valkey-${version}.tar.gz`,
        kind: "source-archive",
        size: 1,
        sha256: entry.sha256,
        url: entry.url,
      },
    ]),
  );
  const lines: string[] = [];
  const args = ["edit", "--config", examplePath, "--downstream", "container", "--version", version];
  expect(await runCli([...args, "--hashes", hashes, "--dir", checkout], (t) => lines.push(t))).toBe(0);
  return lines;
}

const checkoutBefore = (commit: string) => {
  const dir = mkdtempSync(join(tmpdir(), "container-"));
  cpSync(join(commits, commit, "before"), dir, { recursive: true });
  return dir;
};
const tagList = (text: string) => text.split("\n").filter((l) => l.startsWith("- ["));

describe.skipIf(!hasTool("jq", "jq"))("release-relay edit: the container's Docker Hub description", () => {
  it("8.0.0: the page byte for byte, 8 and latest moving from 7.2 to 8.0", async () => {
    const dir = checkoutBefore("8.0.0");
    const out = await edit(dir, "8.0.0", "8.0.0");
    expect(out.join("\n")).toContain(
      "\n+- [`8.0.0-alpine`, `8.0-alpine`, `8-alpine`, `alpine`, `8.0.0-alpine3.20`, `8.0-alpine3.20`, `8-alpine3.20`, `alpine3.20`](https://github.com/valkey-io/valkey-container/blob/master/8.0/alpine/Dockerfile)",
    );
    expect(readFileSync(join(dir, DESCRIPTION), "utf8")).toBe(
      readFileSync(join(commits, "8.0.0/after", DESCRIPTION), "utf8"),
    );
  });

  it("8.0.0-rc2: the candidate replaces rc1 with only its own tags; 7.2 keeps 7 and latest", async () => {
    const dir = checkoutBefore("8.0.0-rc2");
    await edit(dir, "8.0.0-rc2", "8.0.0-rc2");
    const list = tagList(readFileSync(join(dir, DESCRIPTION), "utf8"));
    expect(list.slice(2, 5).map((l) => l.slice(0, l.indexOf("]") + 1))).toEqual([
      "- [`8.0.0-rc2`, `8.0.0-rc2-bookworm`]",
      "- [`8.0.0-rc2-alpine`, `8.0.0-rc2-alpine3.20`]",
      "- [`7.2.6`, `7.2`, `7`, `latest`, `7.2.6-bookworm`, `7.2-bookworm`, `7-bookworm`, `bookworm`]",
    ]);
  });

  it("7.2.6 and 8.0.0-rc1 in one commit: both lines listed, 7.2 keeping latest, the candidate only its own tags", async () => {
    const commit = "7.2.6+8.0.0-rc1";
    const dir = checkoutBefore(commit);
    await edit(dir, commit, "7.2.6");
    // The new line was set up by hand in that commit: its Dockerfiles and its variants in versions.json.
    cpSync(join(commits, commit, "after/8.0"), join(dir, "8.0"), { recursive: true });
    const { unstable, ...lines } = JSON.parse(readFileSync(join(dir, "versions.json"), "utf8"));
    const line80 = { debian: { version: "bookworm" }, alpine: { version: "3.20" } };
    writeFileSync(
      join(dir, "versions.json"),
      `${JSON.stringify({ ...lines, "8.0": line80, unstable }, null, 2)}\n`,
    );
    await edit(dir, commit, "8.0.0-rc1");
    const link = "https://github.com/valkey-io/valkey-container/blob/master";
    expect(tagList(readFileSync(join(dir, DESCRIPTION), "utf8"))).toEqual([
      `- [\`unstable\`, \`unstable-bookworm\`](${link}/unstable/debian/Dockerfile)`,
      `- [\`unstable-alpine\`, \`unstable-alpine3.20\`](${link}/unstable/alpine/Dockerfile)`,
      `- [\`8.0.0-rc1\`, \`8.0.0-rc1-bookworm\`](${link}/8.0/debian/Dockerfile)`,
      `- [\`8.0.0-rc1-alpine\`, \`8.0.0-rc1-alpine3.20\`](${link}/8.0/alpine/Dockerfile)`,
      `- [\`7.2.6\`, \`7.2\`, \`7\`, \`latest\`, \`7.2.6-bookworm\`, \`7.2-bookworm\`, \`7-bookworm\`, \`bookworm\`](${link}/7.2/debian/Dockerfile)`,
      `- [\`7.2.6-alpine\`, \`7.2-alpine\`, \`7-alpine\`, \`alpine\`, \`7.2.6-alpine3.20\`, \`7.2-alpine3.20\`, \`7-alpine3.20\`, \`alpine3.20\`](${link}/7.2/alpine/Dockerfile)`,
    ]);
  });
});
