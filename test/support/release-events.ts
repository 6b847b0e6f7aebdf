import type { DashboardContext } from "../../src/core/dashboard/context.js";
import type { DownstreamExpectation } from "../../src/core/ledger/completion.js";
import type { LedgerEvent } from "../../src/core/ledger/events.js";

const t = (minute: number, second = 0) =>
  new Date(Date.UTC(2025, 0, 7, 10, minute, second)).toISOString().replace(".000Z", "Z");
const run = (n: number) => `https://github.com/valkey-io/valkey-release-automation/actions/runs/${n}`;

/** The downstreams `valkeyReleaseEvents` reports on, as the config expects them. */
export const valkeyExpectations: (DownstreamExpectation & { repo: string })[] = [
  { name: "hashes", repo: "valkey-io/valkey-hashes", mode: "pr", reports: ["ci", "merge"] },
  {
    name: "container",
    repo: "valkey-io/valkey-container",
    mode: "pr",
    reports: ["ci", "merge", "image-build"],
  },
  { name: "website", repo: "valkey-io/valkey-io.github.io", mode: "pr", reports: ["ci", "merge"] },
];

/** A Valkey-shaped release told as ledger events: plan, 4 builds, checksums, upload, 3 downstream PRs. */
export function valkeyReleaseEvents(options: { failBuildOnce?: boolean } = {}): LedgerEvent[] {
  const events: LedgerEvent[] = [
    {
      id: "stage:build-matrix:started:1",
      at: t(0),
      type: "stage",
      stage: "build-matrix",
      status: "started",
      runUrl: run(1),
    },
    {
      id: "stage:build-matrix:succeeded:1",
      at: t(0, 12),
      type: "stage",
      stage: "build-matrix",
      status: "succeeded",
      runUrl: run(1),
    },
    {
      id: "stage:build:started:1",
      at: t(0, 15),
      type: "stage",
      stage: "build",
      status: "started",
      runUrl: run(1),
    },
  ];
  if (options.failBuildOnce) {
    events.push(
      {
        id: "stage:build:failed:1",
        at: t(6),
        type: "stage",
        stage: "build",
        status: "failed",
        runUrl: run(1),
        detail: "linux-noble-arm64: make exited 2 (src/server.c:42: error)",
      },
      {
        id: "rerun:2",
        at: t(20),
        type: "rerun-requested",
        stages: ["build", "qualify", "compute-hashes", "sign-upload", "open-downstream-prs"],
        by: "maintainer",
      },
      {
        id: "stage:build:started:2",
        at: t(20, 5),
        type: "stage",
        stage: "build",
        status: "started",
        runUrl: run(2),
      },
    );
  }
  const r = options.failBuildOnce ? 2 : 1;
  const m = options.failBuildOnce ? 20 : 0;
  const names = ["jammy-x86_64", "jammy-arm64", "noble-x86_64", "noble-arm64"].map(
    (x) => `valkey-8.0.2-${x}.tar.gz`,
  );
  events.push({
    id: `stage:build:succeeded:${r}`,
    at: t(m + 9),
    type: "stage",
    stage: "build",
    status: "succeeded",
    runUrl: run(r),
  });
  for (const [i, name] of names.entries()) {
    events.push({
      id: `artifact:${name}:uploaded`,
      at: t(m + 12, i),
      type: "artifact",
      name,
      state: "uploaded",
      size: 4_000_000 + i * 1000,
      sha256: String(i).repeat(64),
      url: `https://download.valkey.io/releases/${name}`,
    });
  }
  const later = ["qualify", "compute-hashes", "sign-upload", "open-downstream-prs"] as const;
  for (const stage of later) {
    events.push({
      id: `stage:${stage}:started:${r}`,
      at: t(m + 10 + later.indexOf(stage) * 2),
      type: "stage",
      stage,
      status: "started",
      runUrl: run(r),
    });
    events.push({
      id: `stage:${stage}:succeeded:${r}`,
      at: t(m + 11 + later.indexOf(stage) * 2),
      type: "stage",
      stage,
      status: "succeeded",
      runUrl: run(r),
    });
  }
  const repos = {
    hashes: "valkey-io/valkey-hashes",
    container: "valkey-io/valkey-container",
    website: "valkey-io/valkey-io.github.io",
  } as const;
  for (const [i, [name, repo]] of Object.entries(repos).entries()) {
    events.push({
      id: `pr:${name}`,
      at: t(m + 16, i),
      type: "pull-request",
      downstream: name,
      repo,
      number: 40 + i,
      url: `https://github.com/${repo}/pull/${40 + i}`,
      action: "opened",
    });
    events.push({
      id: `report:${name}:ci:success`,
      at: t(m + 25, i),
      type: "downstream-ci",
      downstream: name,
      state: "success",
    });
    events.push({
      id: `report:${name}:merged`,
      at: t(m + 40, i),
      type: "pull-request-closed",
      downstream: name,
      merged: true,
      by: "reviewer",
    });
  }
  events.push({
    id: "report:container:image",
    at: t(m + 55),
    type: "image-build",
    downstream: "container",
    status: "succeeded",
    digest: `sha256:${"a".repeat(64)}`,
    tags: ["8.0.2", "8.0", "8", "latest"],
  });
  events.push({
    id: "report:website:page",
    at: t(m + 50),
    type: "page-published",
    downstream: "website",
    url: "https://valkey.io/download/releases/v8-0-2/",
  });
  return events;
}

/** A dashboard context with no downstream to wait for, for tests of one section of the dashboard. */
export function bareDashboardContext(version: string, ledgerHead = "1".repeat(40)): DashboardContext {
  return { version, ledgerHead, expected: [], rerunCommand: "rerun", yankCommand: "yank" };
}

/** The i-th artifact reporter r uploads, in the ledger races (distinct ids, one sha). */
export const racedArtifact = (r: number, i: number): LedgerEvent => ({
  id: `artifact:r${r}-${i}`,
  at: `2025-01-07T10:${String(r).padStart(2, "0")}:0${i}Z`,
  type: "artifact",
  name: `file-${r}-${i}.tar.gz`,
  state: "uploaded",
  size: 100,
  sha256: "a".repeat(64),
});
