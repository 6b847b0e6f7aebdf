import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";

/** The real files of the Valkey downstream repos just before 8.0.2, from the shared fixtures. */
export const valkeyFixtures = join(import.meta.dirname, "../fixtures/valkey");

/** Reads a fixture file. */
export const readFixture = (path: string, dir = valkeyFixtures): string =>
  readFileSync(join(dir, path), "utf8");

/** The sha256 of GitHub's source archive of Valkey 8.0.2, as the hashes repo lists it. */
export const SHA_802 = "e052c45b3cbe512e24fdfdc3fd337f9f5e4b8f8b8713f349ba867b829c8ff11a";

/** Creates the three downstream repos of the Valkey example as they were before 8.0.2 (`dir`: the fixtures, when bundled elsewhere). */
export async function seedValkeyDownstreams(
  emulator: GitHubEmulator,
  dir = valkeyFixtures,
  changed: { repo?: string; files?: Record<string, string> } = {},
): Promise<void> {
  const readFixture = (path: string) => readFileSync(join(dir, path), "utf8");
  const files = (repo: string, seeded: Record<string, string>) => ({
    ...seeded,
    ...(changed.repo === repo ? changed.files : {}),
  });
  await emulator.createRepo("valkey-io/valkey-hashes", {
    files: files("valkey-io/valkey-hashes", { README: readFixture("hashes/8.0.2/README.before") }),
  });
  await emulator.createRepo("valkey-io/valkey-container", {
    defaultBranch: "mainline",
    files: files("valkey-io/valkey-container", {
      "versions.json": readFixture("container/8.0.2/before/versions.json"),
      "8.0/debian/Dockerfile": readFixture("container/8.0.2/before/8.0/debian/Dockerfile"),
      "8.0/alpine/Dockerfile": readFixture("container/8.0.2/before/8.0/alpine/Dockerfile"),
      // 8.0.2's commit left the page alone: it is as the last commit that touched it (8.0.0) left it.
      "dockerhub-description.md": readFixture("container/8.0.0/after/dockerhub-description.md"),
    }),
  });
  await emulator.createRepo("valkey-io/valkey-io.github.io", {
    files: files("valkey-io/valkey-io.github.io", { "content/download/releases/v8-0-1.md": "old page\n" }),
  });
}
