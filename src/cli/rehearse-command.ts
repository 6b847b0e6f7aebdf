import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { packageRoot } from "../adapters/package-files.js";
import { ReleaseRelayError } from "../core/errors.js";
import { parseAttackName } from "../rehearsal/attacks/catalogue.js";
import type { Revocation } from "../rehearsal/example-world.js";
import { defineCommand } from "./command-line/command.js";
import { finalReport, progressLine } from "./rehearsal-report.js";

function number(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new ReleaseRelayError(
      "E_INPUT",
      `--${flag} ${value} is not a number from ${min} to ${max}`,
      `e.g. --${flag} ${max <= 1 ? "0.1" : "3"}`,
    );
  return n;
}

const REVOCATION =
  /^(dispatch|app|report):([^/:\s]+\/[^/:\s]+):((?:contents|issues|pull_requests|statuses|checks|actions):(?:read|write))$/;

/** `app:owner/repo:pull_requests:write` → the permission taken from that token on that repo. */
function parseRevocation(text: string): Revocation {
  const m = REVOCATION.exec(text);
  if (!m)
    throw new ReleaseRelayError(
      "E_INPUT",
      `--revoke ${text} is not TOKEN:OWNER/REPO:PERMISSION`,
      "e.g. --revoke app:owner/hashes-repo:pull_requests:write (tokens: dispatch, app, report)",
    );
  return {
    token: m[1] as Revocation["token"],
    repo: m[2] as string,
    permission: m[3] as Revocation["permission"],
  };
}

/**
 * `release-relay rehearse`: a whole release of the example project, or with --config and --repo of
 * the maintainer's own, on this machine (emulated GitHub, local S3, the real workflow files and
 * actions), then what happened. Exit 1 if the
 * release did not complete (with --no-merge: did not reach its release PRs' merges); 130 when
 * interrupted. A world not kept with --keep is removed at the end, whatever happened.
 */
export const rehearseCommand = defineCommand({
  name: "rehearse",
  summary:
    "run a whole release of the example project, or your own, on this machine (no account, no network)",
  options: {
    version: { type: "string", value: "VERSION", description: "the version to tag (else the example's)" },
    rc: { type: "boolean", default: false, description: "release the example's release candidate" },
    faults: {
      type: "string",
      value: "RATE",
      description: "make this share (0 to 0.5) of GitHub and S3 requests fail",
    },
    seed: { type: "string", value: "N", default: "1", description: "the seed of --faults" },
    "crash-after": {
      type: "string",
      value: "N",
      description: "kill the workflows right after the N-th successful mutating API call",
    },
    resume: {
      type: "boolean",
      default: false,
      description: "rerun a kept world (with --keep) after a crash",
    },
    "require-approval": {
      type: "boolean",
      default: false,
      description: "give the release environment a required reviewer who approves each run",
    },
    environment: {
      type: "string",
      value: "NAME",
      description: "release into one of the example's environments, by hand instead of a tag push",
    },
    keep: {
      type: "string",
      value: "DIR",
      description: "keep the whole world in DIR (else a temporary one, removed at the end)",
    },
    example: {
      type: "string",
      value: "DIR",
      description: "rehearse another example laid out like examples/cachet/",
    },
    config: {
      type: "string",
      value: "FILE",
      description: "rehearse your own project: its release-relay.yml (templates beside it)",
    },
    repo: {
      type: "string",
      value: "OWNER/NAME=PATH",
      multiple: true,
      description: "with --config: a checkout (git working tree or directory) that seeds that repo",
    },
    uncommitted: {
      type: "boolean",
      default: false,
      description: "with --config: use release-relay.yml and templates its checkout has not committed",
    },
    "no-merge": {
      type: "boolean",
      default: false,
      description: "stop with the release PRs open, waiting for merges (exit 0 when all before succeeded)",
    },
    yank: {
      type: "string",
      value: "REASON",
      description: "yank a kept world's release (with --resume --keep) instead of rerunning it",
    },
    "dry-run": { type: "boolean", default: false, description: "with --yank: show what it would do" },
    json: { type: "boolean", default: false, description: "one JSON object per line instead of text" },
    revoke: {
      type: "string",
      value: "TOKEN:OWNER/REPO:PERMISSION",
      multiple: true,
      description:
        "take one permission from one of the world's App tokens (dispatch, app, report), on every repo of OWNER",
    },
    attack: {
      type: "string",
      value: "NAME",
      description: "after the release, forge one event and check it is refused",
    },
    "merge-method": {
      type: "string",
      value: "METHOD",
      description: "how the release PRs are merged: merge (default), squash or rebase",
    },
    "fork-pr": {
      type: "boolean",
      default: false,
      description: "an outsider opens a PR from a fork on a branch named like the release's",
    },
    "trigger-twice": {
      type: "boolean",
      default: false,
      description: "publish a GitHub Release for the tag too: the release is requested twice at once",
    },
  },
  example: "release-relay rehearse --keep ./world --faults 0.1 --seed 7",
  run: async ({ values }, out) => {
    if (values.resume && !values.keep)
      throw new ReleaseRelayError(
        "E_INPUT",
        "--resume needs --keep DIR (the world to rerun)",
        "e.g. rehearse --resume --keep ./world",
      );
    if (values.yank !== undefined && !values.resume)
      throw new ReleaseRelayError(
        "E_INPUT",
        "--yank yanks a kept world's release: it needs --resume --keep DIR",
        'e.g. rehearse --resume --keep ./world --yank "broken build" --dry-run',
      );
    if (values.uncommitted && values.config === undefined)
      throw new ReleaseRelayError(
        "E_INPUT",
        "--uncommitted is about your own project's release-relay.yml: it needs --config FILE",
        "e.g. rehearse --config ../acme-release/release-relay.yml --repo acme-org/acme-release=../acme-release --uncommitted",
      );
    if (values.repo !== undefined && values.config === undefined)
      throw new ReleaseRelayError(
        "E_INPUT",
        "--repo seeds a repo of your own project: it needs --config FILE",
        "e.g. rehearse --config ../acme-release/release-relay.yml --repo acme-org/acme=../acme",
      );
    const apart = (["example", "rc", "resume"] as const).filter(
      (f) => values[f] !== undefined && values[f] !== false,
    );
    if (values.config !== undefined && apart.length > 0)
      throw new ReleaseRelayError(
        "E_INPUT",
        `--config rehearses your own project; it does not go with --${apart.join(", --")}`,
        "drop those options (a kept world is rerun with --resume --keep DIR alone)",
      );
    // Checked before any world exists: a refused attack leaves nothing behind.
    const attack = values.attack === undefined ? undefined : parseAttackName(values.attack);
    const alone = (["yank", "environment", "crash-after", "faults"] as const).filter(
      (f) => values[f] !== undefined,
    );
    if (attack && alone.length > 0)
      throw new ReleaseRelayError(
        "E_INPUT",
        `--attack is judged on a plain production release; it does not go with --${alone.join(", --")}`,
        `e.g. rehearse --keep ./world --attack ${attack}, then rehearse --resume --keep ./world --attack NAME`,
      );
    const mergeMethod = values["merge-method"] ?? "merge";
    if (mergeMethod !== "merge" && mergeMethod !== "squash" && mergeMethod !== "rebase")
      throw new ReleaseRelayError(
        "E_INPUT",
        `--merge-method ${mergeMethod} is not one of GitHub's merge methods`,
        "use --merge-method merge, squash or rebase",
      );
    const rate = number(values.faults, "faults", 0, 0.5);
    const seed = number(values.seed, "seed", 0, 2 ** 31) ?? 1;
    const crashAfter = number(values["crash-after"], "crash-after", 1, 100_000);
    const revoke = (values.revoke ?? []).map(parseRevocation);
    // Loaded when used: the workflow parser it needs loads only from the bundle, not from the sources.
    const { rehearse, discardWorld, stopRehearsalProcesses } = await import("../rehearsal/rehearse.js");
    // Every argument is checked above, before any world exists: a refused one leaves nothing behind.
    const kept = values.keep !== undefined;
    const dir = kept
      ? resolve(values.keep as string)
      : mkdtempSync(join(tmpdir(), "release-relay-rehearsal-"));
    // Interrupted (Ctrl-C): the steps still running are stopped and a world not asked for is removed.
    const interrupted = () => {
      stopRehearsalProcesses();
      if (!kept) discardWorld(dir);
      process.stderr.write(
        `release-relay rehearse: interrupted${kept ? `; the world is kept in ${dir}` : ", the temporary world removed"}\n`,
      );
      process.exit(130);
    };
    process.once("SIGINT", interrupted);
    let outcome: Awaited<ReturnType<typeof rehearse>>;
    try {
      outcome = await rehearse({
        exampleDir: values.example ? resolve(values.example) : join(packageRoot, "examples", "cachet"),
        ...(values.config !== undefined
          ? {
              ownProject: {
                configFile: values.config,
                repos: values.repo ?? [],
                uncommitted: values.uncommitted,
              },
            }
          : {}),
        dir,
        ...(values.version ? { version: values.version } : {}),
        rc: values.rc,
        ...(rate ? { faults: { rate, seed } } : {}),
        ...(crashAfter ? { crashAfter } : {}),
        resume: values.resume,
        requireApproval: values["require-approval"],
        ...(values.environment ? { environment: values.environment } : {}),
        merge: !values["no-merge"],
        ...(values.yank !== undefined ? { yank: { reason: values.yank, dryRun: values["dry-run"] } } : {}),
        revoke,
        ...(attack ? { attack } : {}),
        mergeMethod,
        forkPr: values["fork-pr"],
        triggerTwice: values["trigger-twice"],
        onNotice: (n) => {
          if (values.json)
            out(
              JSON.stringify(
                n.kind === "run-finished" ? { kind: n.kind, run: { ...n.run, jobs: undefined } } : n,
              ),
            );
          else {
            const line = progressLine(n);
            if (line) out(line);
          }
        },
      });
    } finally {
      process.off("SIGINT", interrupted);
      // A world not asked for is removed however the rehearsal ended (the report says so).
      if (!kept) discardWorld(dir);
    }
    out(
      values.json
        ? JSON.stringify({ kind: "summary", summary: outcome.summary })
        : finalReport(outcome, dir, kept),
    );
    const judged = outcome.summary.attack;
    if (judged) {
      const held = judged.refused && judged.published.length === 0;
      if (!values.json)
        out(
          `\n════ Attack ${judged.name} ════\n${judged.detail}\n${held ? "✅" : "❌"} ${judged.name}: ${judged.refused ? "refused" : "not refused"}, ${judged.published.length === 0 ? "nothing published" : `${judged.published.length} change(s) that should not have happened`}`,
        );
      return held ? 0 : 1;
    }
    if (values.yank !== undefined) return values["dry-run"] || outcome.summary.yanked ? 0 : 1;
    // --no-merge stops where people would merge: reaching that point is its success.
    if (values["no-merge"]) return outcome.summary.completed || outcome.summary.waitingForMerges ? 0 : 1;
    return outcome.summary.completed ? 0 : 1;
  },
});
