// Forged downstream reports: each is sent to the automation repo as repository_dispatch
// downstream reports with the downstream repos' real report token, naming the release's real PR and
// (but for huge-run-id) a real report-status run, as anyone who can read those public repos could.
import { randomBytes } from "node:crypto";
import { ReleaseRelayError } from "../../core/errors.js";
import { DOWNSTREAM_REPORT } from "../../core/ledger/downstream-report.js";
import type { DownstreamState } from "../../core/ledger/release-state.js";
import { type AttackWorld, type Attempt, dispatch, knownRuns, runUrl } from "./attacker.js";
import type { ReportAttack } from "./catalogue.js";
import { ledgerFact, releaseState } from "./world-facts.js";

const HOSTILE_URL = "https://evil.example/x)](javascript:alert(1))";
const REPORTER = "release-relay-reporter[bot]";

/** One downstream of the release as the attacker picks it: its recorded PR and what GitHub knows. */
interface Target {
  name: string;
  repo: string;
  pr: NonNullable<DownstreamState["pr"]>;
  /** Whether GitHub says the PR is still open (neither merged nor closed). */
  open: boolean;
  head: string;
  /** A report-status run GitHub knows in the repo: what a forged report claims to come from. */
  reportRun: number;
  /** The finished CI run of the PR's head, if any. */
  ciRun: number | undefined;
}

async function targets(world: AttackWorld): Promise<Target[]> {
  const { emulator, project } = world;
  const state = await releaseState(world);
  const out: Target[] = [];
  for (const d of project.config.downstream) {
    const pr = state.downstream.find((x) => x.name === d.name)?.pr;
    const repoState = emulator.state.repos[d.repo.toLowerCase()];
    const pull = repoState?.pulls.find((p) => p.number === pr?.number);
    const runs = knownRuns(world, d.repo);
    const reportRun = runs.find((r) => r.name === "report-status");
    if (!pr || !pull || !reportRun) continue;
    const issue = repoState?.issues.find((i) => i.number === pull.number);
    const head = pull.merged
      ? pull.headSha
      : ((await emulator.git(d.repo).readRef(`refs/heads/${pull.headRef}`)) ?? pull.headSha);
    const ci = runs.find((r) => r.event === "pull_request" && r.headSha === head && r.status === "completed");
    out.push({
      name: d.name,
      repo: d.repo,
      pr,
      open: !pull.merged && issue?.state === "open",
      head,
      reportRun: reportRun.id,
      ciRun: ci?.id,
    });
  }
  return out;
}

/** The first downstream the attack can use: `fits` (and an open PR when `open`). */
function pick(name: ReportAttack, all: Target[], fits: (t: Target) => boolean, open: boolean): Target {
  const found = all.find((t) => fits(t) && (!open || t.open)) ?? (open ? undefined : all[0]);
  if (!found)
    throw new ReleaseRelayError(
      "E_REHEARSAL",
      `${name} needs a release PR ${open ? "that is still open " : ""}with a report-status run in its repo; this world has none`,
      `rehearse a world whose PRs are left open: rehearse --no-merge --keep DIR --attack ${name}`,
    );
  return found;
}

function report(world: AttackWorld, t: Target, fields: Record<string, unknown>) {
  return {
    schemaVersion: 1,
    releaseId: `${world.project.config.project}@${world.version}`,
    repo: t.repo,
    runId: String(t.reportRun),
    ...fields,
  };
}

const via = (t: Target) => `report-status run ${t.reportRun} of ${t.repo}`;

/** Sends the forged report `name`; the world's runner answers it with the automation repo's status workflow. */
export async function attackReport(name: ReportAttack, world: AttackWorld): Promise<Attempt> {
  const all = await targets(world);
  const reportsBack = (kind: string) => (t: Target) =>
    world.project.config.downstream.find((d) => d.name === t.name)?.reports.includes(kind as never) ?? false;
  const send = (payload: unknown) =>
    dispatch(world, world.credentials.reportToken, DOWNSTREAM_REPORT, payload);
  const prUrl = (t: Target) => t.pr.url;
  switch (name) {
    case "forged-merged": {
      const t = pick(name, all, reportsBack("merge"), true);
      await send(report(world, t, { kind: "merged", url: prUrl(t) }));
      return {
        sent: `downstream report “merged” for the ${t.name} PR #${t.pr.number}, which GitHub says is open, claiming to come from ${via(t)}, sent with the report token (${REPORTER})`,
        code: "E_REPORT_FORGED",
      };
    }
    case "forged-ci": {
      const t = pick(name, all, reportsBack("ci"), true);
      // A run id GitHub has never handed out in this world.
      const never = 900_000_000 + randomBytes(2).readUInt16BE();
      const url = runUrl(world, t.repo, never);
      await send(report(world, t, { kind: "ci", state: "success", url, sha: t.head }));
      return {
        sent: `downstream report “CI success” for the open ${t.name} PR #${t.pr.number} at ${t.head.slice(0, 12)}, naming CI run ${never}, which GitHub never had, claiming to come from ${via(t)}, sent with the report token (${REPORTER})`,
        code: "E_REPORT_FORGED",
      };
    }
    case "forged-image": {
      const t = pick(name, all, reportsBack("image-build"), true);
      const named = t.ciRun ?? t.reportRun;
      const digest = `sha256:${randomBytes(32).toString("hex")}`;
      await send(
        report(world, t, {
          kind: "image-build",
          state: "success",
          url: runUrl(world, t.repo, named),
          image: { digest, tags: [world.version] },
        }),
      );
      return {
        sent: `downstream report “image built” (${digest.slice(0, 19)}…) for ${t.name}, whose PR #${t.pr.number} GitHub says is not merged, naming the real finished run ${named}, claiming to come from ${via(t)}, sent with the report token (${REPORTER})`,
        code: "E_REPORT_FORGED",
      };
    }
    case "huge-run-id": {
      const t = pick(name, all, reportsBack("ci"), false);
      const url = runUrl(world, t.repo, t.ciRun ?? t.reportRun);
      await send({
        ...report(world, t, { kind: "ci", state: "success", url, sha: t.head }),
        runId: "99999999999999999999",
      });
      return {
        sent: `downstream report “CI success” for the ${t.name} PR #${t.pr.number} claiming to come from run 99999999999999999999 of ${t.repo} (past any run id GitHub hands out), sent with the report token (${REPORTER})`,
        code: "E_REPORT_FORGED",
      };
    }
    case "hostile-url": {
      const site = all.find((t) => /site|web|page|doc/i.test(t.name)) ?? all[all.length - 1];
      const t = pick(name, site ? [site] : [], () => true, false);
      await send(report(world, t, { kind: "page-published", url: HOSTILE_URL }));
      return {
        sent: `downstream report “page published” for ${t.name} from its real ${via(t)}, with the URL ${HOSTILE_URL}, sent with the report token (${REPORTER})`,
        // A published page lives outside GitHub: the report is a hint, recorded as such; what must
        // not happen is the URL becoming a link (or escaping its cell) on the tracking issue.
        allowed: (fact) => fact === ledgerFact(world, `downstream.${t.name}.page`),
        judge: () => judgeHostileUrl(world),
      };
    }
  }
}

/** The tracking issue shows the hostile URL, and only inside code: never as a link GitHub would follow. */
async function judgeHostileUrl(world: AttackWorld): Promise<{ ok: boolean; said: string }> {
  const state = await releaseState(world);
  const issue = world.emulator.state.repos[world.project.automationRepo.toLowerCase()]?.issues.find(
    (i) => i.number === state.trackingIssue?.number,
  );
  const body = issue?.body ?? "";
  const codeSpans = body.match(/`[^`\n]*`/g) ?? [];
  const shownAsCode = codeSpans.find((c) => c.includes("evil.example"));
  // Outside code spans GitHub autolinks bare URLs: the address must not appear there at all.
  const outside = body.replace(/`[^`\n]*`/g, "");
  const leaked = /evil\.example|javascript:/i.exec(outside);
  return {
    ok: shownAsCode !== undefined && leaked === null,
    said: `the report was believed as a hint (GitHub cannot confirm a page outside it) and tracking issue #${issue?.number ?? "?"} ${
      leaked
        ? `shows “${outside.slice(Math.max(0, leaked.index - 40), leaked.index + 60)}” outside code, where GitHub would link it`
        : shownAsCode
          ? `shows the URL only as code, ${shownAsCode}: no link, no escaped cell`
          : "does not show the URL at all"
    }`,
  };
}
