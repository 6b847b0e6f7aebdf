import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { GitHubClient } from "../../../src/adapters/github/client.js";
import { installationClients } from "../../../src/adapters/github/installation-clients.js";
import { installationIndexOf, installationsOf } from "../../../src/core/config/installations.js";
import { parseConfig } from "../../../src/core/config/parse.js";
import { initAnswersSchema } from "../../../src/core/setup/init-plan.js";
import { setupInstructions } from "../../../src/core/setup/setup-instructions.js";

const text = readFileSync(join(import.meta.dirname, "../../../examples/cachet/release-relay.yml"), "utf8");
const moved = (to: Record<string, string>) =>
  parseConfig(
    Object.entries(to).reduce((t, [from, into]) => t.replace(`repo: ${from}`, `repo: ${into}`), text),
  );

describe("App installations, one per owner", () => {
  it("puts the automation repo's owner first, then each other owner in the order the config lists them", () => {
    const config = moved({
      "cachet-io/cachet-website": "cachet-web/cachet-website",
      "cachet-io/cachet-container": "Cachet-Images/container",
    });
    expect(installationsOf(config)).toEqual([
      { owner: "cachet-io", repositories: ["cachet-release-automation", "cachet-hashes"] },
      { owner: "Cachet-Images", repositories: ["container"] },
      { owner: "cachet-web", repositories: ["cachet-website"] },
    ]);
    expect(installationIndexOf(installationsOf(config), "cachet-images/CONTAINER")).toBe(1);
    expect(installationIndexOf(installationsOf(config), "cachet-io/cachet")).toBe(-1);
  });

  it("refuses a config whose repos span more owners than the workflows mint tokens for", () => {
    expect(() =>
      moved({
        "cachet-io/cachet-website": "a/website",
        "cachet-io/cachet-container": "b/container",
        "cachet-io/cachet-hashes": "c/hashes",
      }),
    ).toThrow(
      "belong to 4 owners (cachet-io, c, b, a); the workflows mint one App token per owner, for at most 3",
    );
  });

  it("reaches each repo with its owner's token, and names the missing token and how to mint it", () => {
    const config = moved({ "cachet-io/cachet-website": "cachet-web/cachet-website" });
    const made: string[] = [];
    const clientFor = installationClients(config, ["t1", undefined], (token) => {
      made.push(token);
      return { token } as unknown as GitHubClient;
    });
    expect((clientFor("cachet-io/cachet-hashes") as unknown as { token: string }).token).toBe("t1");
    // The source repo is read with the first token (a public repo needs none).
    expect((clientFor("cachet-io/cachet") as unknown as { token: string }).token).toBe("t1");
    expect(() => clientFor("cachet-web/cachet-website")).toThrow(
      "no token for cachet-web/cachet-website: it belongs to cachet-web's installation of the App, token-2",
    );
    expect(made).toEqual(["t1"]);
  });

  it("tells a project whose repos span owners to install the App once per owner", () => {
    const text = setupInstructions(
      initAnswersSchema.parse({
        project: "acme",
        source: "acme/acme",
        automation: "acme/release",
        bucket: "acme-dl",
        downstream: [
          { name: "hashes", repo: "acme/hashes" },
          { name: "website", repo: "acme-web/site" },
        ],
      }),
    );
    expect(text).toContain(
      "Its repos belong to 2 owners: install it once per owner (acme: release, hashes; acme-web: site); the workflows mint one token per installation.",
    );
  });
});
