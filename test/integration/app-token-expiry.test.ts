// Installation tokens work for one hour (GitHub Apps docs, "Authenticating as a GitHub App
// installation"; create-github-app-token README): the emulator refuses them afterwards as GitHub does,
// and the templates that send repository_dispatch mint theirs in the job instead of storing one.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { setupInstructions } from "../../src/core/setup/setup-instructions.js";
import { GitHubEmulator } from "../../src/rehearsal/github/emulator.js";
import { RehearsalHost } from "../../src/rehearsal/rehearsal-host.js";

const root = join(import.meta.dirname, "../..");
let emulator: GitHubEmulator;

beforeAll(async () => {
  emulator = new GitHubEmulator();
  await emulator.start();
  await emulator.createRepo("acme/automation");
  emulator.addToken("ghs_installation", {
    login: "acme-release-reporter[bot]",
    type: "Bot",
    repos: { "acme/automation": ["contents:write"] },
  });
});

afterAll(async () => {
  await emulator.stop();
});

const get = (token: string) =>
  fetch(`${emulator.url}/repos/acme/automation`, { headers: { authorization: `Bearer ${token}` } }).then(
    async (r) => ({ status: r.status, message: ((await r.json()) as { message?: string }).message }),
  );

describe("installation tokens expire", () => {
  it("answers 401 Bad credentials once a token's hour on the emulator's clock has passed", async () => {
    emulator.addToken(
      "ghs_hour",
      { login: "bot[bot]", repos: { "acme/automation": ["contents:read"] } },
      {
        expiresInMinutes: 60,
      },
    );
    expect((await get("ghs_hour")).status).toBe(200);
    emulator.advanceClock(59 * 60_000);
    expect((await get("ghs_hour")).status).toBe(200);
    emulator.advanceClock(2 * 60_000);
    expect(await get("ghs_hour")).toEqual({ status: 401, message: "Bad credentials" });
  });

  it("mints App tokens that expire after an hour, only for an installed App given its own key", async () => {
    const host = new RehearsalHost(emulator, mkdtempSync(join(tmpdir(), "host-")), {
      apps: { "3": { key: "reporter-key", installation: "ghs_installation" } },
      settings: new Map(),
      s3: { endpoint: "http://127.0.0.1:9", accessKeyId: "a", secretAccessKey: "b" },
      awsRoles: {},
      approver: { login: "m", required: false },
      firstRunId: 1,
      notify: () => {},
    } as unknown as ConstructorParameters<typeof RehearsalHost>[2]);
    const scope = { repos: ["acme/automation"], permissions: { contents: "write" as const } };
    expect(host.appToken(scope, { id: "9", key: "reporter-key" })).toEqual({
      error: "no GitHub App with id 9 is installed here",
    });
    expect(host.appToken(scope, { id: "3", key: "someone-else's-key" })).toEqual({
      error: "A JSON web token could not be decoded",
    });
    const minted = host.appToken(scope, { id: "3", key: "reporter-key" }) as { token: string };
    expect(emulator.expiryOf(minted.token)).toBe(
      new Date(emulator.clockNow().getTime() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
    );
    expect((await get(minted.token)).status).toBe(200);
    emulator.advanceClock(61 * 60_000);
    expect(await get(minted.token)).toEqual({ status: 401, message: "Bad credentials" });
    // A new run mints a new token, which works.
    expect(
      (await get((host.appToken(scope, { id: "3", key: "reporter-key" }) as { token: string }).token)).status,
    ).toBe(200);
  });
});

type Step = { id?: string; uses?: string; with?: Record<string, string>; env?: Record<string, string> };
const stepsOf = (file: string, job: string) =>
  (
    parse(readFileSync(join(root, "workflows-templates", file), "utf8")) as {
      jobs: Record<string, { steps: Step[] }>;
    }
  ).jobs[job]?.steps ?? [];

describe("the templates that dispatch to the automation repo mint their token in the job", () => {
  it.each([
    ["main-repo/release.yml", "request-release", "DISPATCH", "automation"],
    ["downstream/report-status.yml", "report", "REPORT", "report"],
  ])("%s", (file, job, app, split) => {
    const text = readFileSync(join(root, "workflows-templates", file), "utf8");
    // No stored token: one would stop working an hour after it was minted.
    expect(text).not.toMatch(/secrets\.RELEASE_RELAY_(DISPATCH|REPORT)_TOKEN/);
    const steps = stepsOf(file, job);
    const mint = steps.find((s) => s.uses?.startsWith("actions/create-github-app-token@"));
    // Pinned by the same commit as the automation templates.
    expect(mint?.uses).toBe("actions/create-github-app-token@df432ceedc7162793a195dd1713ff69aefc7379e");
    expect(mint?.with).toEqual({
      "app-id": `\${{ secrets.RELEASE_RELAY_${app}_APP_ID }}`,
      "private-key": `\${{ secrets.RELEASE_RELAY_${app}_APP_KEY }}`,
      // The automation repo alone, and only what repository_dispatch needs.
      owner: `\${{ steps.${split}.outputs.owner }}`,
      repositories: `\${{ steps.${split}.outputs.name }}`,
      "permission-contents": "write",
    });
    expect(steps.findIndex((s) => s.id === split)).toBeLessThan(steps.indexOf(mint as Step));
    expect(JSON.stringify(steps.slice(steps.indexOf(mint as Step) + 1))).toContain(
      `steps.${mint?.id}.outputs.token`,
    );
  });

  it("init tells each repo to set the App id and key, not a token", () => {
    const text = setupInstructions({
      project: "acme",
      source: "acme/acme",
      automation: "acme/release",
      bucket: "acme-releases",
      downstream: [{ name: "hashes", repo: "acme/hashes" }],
      notify: [],
    } as unknown as Parameters<typeof setupInstructions>[0]);
    expect(text).toContain("secrets RELEASE_RELAY_DISPATCH_APP_ID, RELEASE_RELAY_DISPATCH_APP_KEY");
    expect(text).toContain("secrets RELEASE_RELAY_REPORT_APP_ID, RELEASE_RELAY_REPORT_APP_KEY");
    expect(text).not.toMatch(/RELEASE_RELAY_(DISPATCH|REPORT)_TOKEN/);
  });
});
