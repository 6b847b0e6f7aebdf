import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { describeError } from "../core/errors.js";
import type { DoctorFinding, RepoAccess, RepoNeed } from "../core/setup/doctor.js";
import { REACH_TIMEOUT_SECONDS, TIMEOUT_CODE, unreachableError } from "../core/setup/github-reachability.js";
import type { WriteProbeAnswers } from "../core/setup/write-probes.js";
import type { GitHubClient } from "./github/client.js";
import { permissionForRoute } from "./github/route-permission.js";
import { isPreconditionFailed } from "./storage/s3.js";
import type { Signer } from "./storage/signing.js";

const status = (error: unknown) => (error as { status?: number }).status;
// The permission the refused probe needed, named as every other refusal names it.
const permissionOf = (error: unknown) => {
  const request = (error as { request?: { method: string; url: string } }).request;
  return request && permissionForRoute(request.method, request.url);
};

// A write GitHub refuses as invalid (422) only after it has checked the permission (403/404):
// the answer tells whether the token may write, and nothing is ever written.
const ZERO_SHA = "0".repeat(40);
async function probeWrite(github: GitHubClient, owner: string, repo: string, access: RepoAccess) {
  const probe = "release-relay-doctor-probe";
  switch (access) {
    case "contents:write":
      return github.rest.git.createRef({ owner, repo, ref: `refs/heads/${probe}`, sha: ZERO_SHA });
    case "pull_requests:write":
      return github.rest.pulls.create({
        owner,
        repo,
        head: `${probe}-missing`,
        base: `${probe}-missing`,
        title: probe,
      });
    case "issues:write":
      return github.rest.issues.create({ owner, repo, title: " " });
    default:
      return undefined;
  }
}

// The network error code under an Octokit RequestError (fetch's TypeError, then Node's own error).
function networkCodeOf(error: unknown): string | undefined {
  for (let e = error as { name?: string; code?: unknown; cause?: unknown } | undefined; e; ) {
    if (e.name === "TimeoutError") return TIMEOUT_CODE;
    if (typeof e.code === "string") return e.code;
    e = e.cause as typeof e | undefined;
  }
  return undefined;
}

/**
 * One request, before any other, with a short timeout and no retry: when GitHub cannot be reached
 * at all, every probe would fail the same way, each after its retries, so this says it once, at once.
 * Any HTTP answer (even 401 or 404) means GitHub is there: the probes then tell what is wrong.
 */
export async function probeGitHubReachable(
  github: GitHubClient,
  timeoutSeconds = REACH_TIMEOUT_SECONDS,
): Promise<void> {
  try {
    await github.request("GET /meta", {
      request: { retries: 0, signal: AbortSignal.timeout(timeoutSeconds * 1000) },
    });
  } catch (error) {
    if ((error as { response?: unknown }).response) return;
    const host = new URL(github.request.endpoint.DEFAULTS.baseUrl).host;
    throw unreachableError(host, networkCodeOf(error) ?? describeError(error), timeoutSeconds);
  }
}

/**
 * Checks a repo exists for the token and allows each access it needs, without changing anything;
 * returns its default branch when the token can see it.
 */
export async function probeRepo(
  github: GitHubClient,
  need: RepoNeed,
  earlier?: WriteProbeAnswers,
): Promise<{ findings: DoctorFinding[]; defaultBranch?: string; private?: boolean }> {
  const [owner, repo] = need.repo.split("/") as [string, string];
  const role = need.why.join("; ");
  let defaultBranch: string;
  let hidden: boolean;
  try {
    const { data } = await github.rest.repos.get({ owner, repo });
    defaultBranch = data.default_branch;
    hidden = data.private;
  } catch (error) {
    const code = status(error);
    const findings: DoctorFinding[] = [
      {
        check: `${need.repo} exists (${role})`,
        ok: false,
        problem:
          code === 401
            ? "the token is not valid (GitHub answered 401)"
            : code === 404 || code === 403
              ? `not found, or the token cannot see it (GitHub answered ${code})`
              : describeError(error),
        fix:
          code === 401
            ? "make a new token (or check the App's private key) and store it again"
            : "check the name in release-relay.yml (did the project move to another organisation?) and install the App on it",
      },
    ];
    return { findings };
  }
  const findings: DoctorFinding[] = [{ check: `${need.repo} exists (${role})`, ok: true }];
  for (const access of need.access) {
    const check = `${need.repo}: ${access.replace("_", " ").replace(":", " ")}`;
    const answered = earlier?.answerFor(need.repo, access);
    if (answered) {
      findings.push({
        ...answered.finding,
        check: `${check} (as on ${answered.repo}, the same installation)`,
      });
      continue;
    }
    try {
      if (access === "contents:read")
        await github.rest.repos.getBranch({ owner, repo, branch: defaultBranch });
      else await probeWrite(github, owner, repo, access);
      findings.push({ check, ok: true });
    } catch (error) {
      const code = status(error);
      // 422: allowed, and the probe was refused as invalid, as intended.
      if (code === 422) findings.push({ check, ok: true });
      else
        findings.push({
          check,
          ok: false,
          problem: code === 403 || code === 404 ? `refused (GitHub answered ${code})` : describeError(error),
          fix: `give the release token ${permissionOf(error) ?? `${access} on ${need.repo}`}`,
        });
    }
    earlier?.record(need.repo, access, findings[findings.length - 1] as DoctorFinding);
  }
  return { findings, defaultBranch, private: hidden };
}

/** Writes a probe object under a temporary prefix and deletes it: the release can publish here. */
export async function probeBucket(s3: S3Client, bucket: string, prefix: string): Promise<DoctorFinding[]> {
  const key = `${prefix}.release-relay-doctor/${randomUUID()}`;
  const check = `s3://${bucket}/${prefix} is writable`;
  try {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "probe", IfNoneMatch: "*" }));
  } catch (error) {
    // The key is new and ours alone: "taken" means a retry after an attempt that wrote it lost its reply.
    if (!isPreconditionFailed(error))
      return [
        {
          check,
          ok: false,
          problem: `a probe object could not be written: ${(error as Error).name}: ${(error as Error).message}`,
          fix: `allow the release role s3:PutObject on ${bucket}/${prefix}* (and check upload.bucket, region and endpoint)`,
        },
      ];
  }
  const findings: DoctorFinding[] = [{ check, ok: true }];
  try {
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    // The bucket takes the release's writes; a probe left behind is only untidy.
    findings.push({
      check: "the probe object was removed",
      ok: true,
      warn: true,
      problem: `s3://${bucket}/${key} is left behind: ${(error as Error).name}`,
      fix: `allow the release role s3:DeleteObject on ${bucket}/${prefix}.release-relay-doctor/* (only there), or delete it by hand`,
    });
  }
  return findings;
}

/** Loads the signing key and, when the config names a published public key, checks it is the same key. */
export async function probeSigningKey(
  load: () => Promise<Signer | undefined>,
  published: { url: string; text: () => Promise<string> } | undefined,
): Promise<DoctorFinding[]> {
  let signer: Signer | undefined;
  try {
    signer = await load();
  } catch (error) {
    return [
      {
        check: "signing key loads",
        ok: false,
        problem: describeError(error),
        fix: "store the right key in the signing secret",
      },
    ];
  }
  if (!signer) return [];
  const findings: DoctorFinding[] = [{ check: `signing key loads (${signer.method})`, ok: true }];
  const dir = await mkdtemp(join(tmpdir(), "release-relay-doctor-"));
  try {
    if (published) {
      const [ours] = await signer.writePublicKeys(dir);
      const keyLine = (text: string) =>
        text
          .split("\n")
          .find((l) => l && !l.startsWith("untrusted comment:"))
          ?.trim();
      let theirs: string | undefined;
      try {
        theirs = keyLine(await published.text());
      } catch (error) {
        findings.push({
          check: `published public key ${published.url} matches`,
          ok: false,
          problem: `cannot read it: ${describeError(error)}`,
          fix: "publish the public key there, or correct signing.public-key-url",
        });
        return findings;
      }
      const same = theirs !== undefined && theirs === keyLine(await readFile(ours as string, "utf8"));
      findings.push({
        check: `published public key ${published.url} matches`,
        ok: same,
        ...(same
          ? {}
          : {
              problem:
                "the signing key is not the key users verify with: every signature would fail to verify",
              fix: "store the matching private key in the signing secret, or publish the new public key",
            }),
      });
    }
  } finally {
    await signer.close();
    await rm(dir, { recursive: true, force: true });
  }
  return findings;
}

/**
 * The published public key, without the private one: it can be read and is a minisign public key
 * (Ed25519: "Ed", an 8-byte key id, 32 bytes of key), so users can verify with it.
 */
export async function probePublishedKey(url: string, text: () => Promise<string>): Promise<DoctorFinding> {
  const check = `published public key ${url} is readable and an Ed25519 key`;
  let body: string;
  try {
    body = await text();
  } catch (error) {
    return {
      check,
      ok: false,
      problem: `cannot read it: ${describeError(error)}`,
      fix: "publish the public key there, or correct signing.public-key-url",
    };
  }
  const line = body
    .split("\n")
    .find((l) => l.trim() && !l.startsWith("untrusted comment:"))
    ?.trim();
  const raw = line && /^[A-Za-z0-9+/]+={0,2}$/.test(line) ? Buffer.from(line, "base64") : undefined;
  const ok = raw !== undefined && raw.length === 42 && raw.subarray(0, 2).toString("latin1") === "Ed";
  return ok
    ? { check, ok }
    : {
        check,
        ok,
        problem: "it is not a minisign public key",
        fix: "publish the file `release-relay` wrote as minisign.pub (or `minisign -G`'s .pub) there",
      };
}

/** Reads a published file over HTTP(S); a refusal is an error with its status. */
export async function fetchText(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.text();
}
