import { AWS_ROLES, RELEASE_ENVIRONMENT, trustedSubject } from "../config/aws-roles.js";
import { installationsOf } from "../config/installations.js";
import type { ActionsPin } from "../install/action-pins.js";
import type { CiWorkflowNames } from "./ci-workflow-names.js";
import type { InitAnswers } from "./init-plan.js";

/**
 * The jobs of the installed workflows that assume each AWS role, and the environment each names (its
 * OIDC subject follows from it). Checked against workflows-templates/automation/*.yml by the tests.
 */
export const AWS_ROLE_JOBS: Readonly<
  Record<string, readonly { workflow: string; job: string; environment?: string }[]>
> = {
  RELEASE_AWS_ROLE: [{ workflow: "release.yml", job: "publish", environment: RELEASE_ENVIRONMENT }],
  RELEASE_AWS_YANK_ROLE: [{ workflow: "yank.yml", job: "yank", environment: RELEASE_ENVIRONMENT }],
  RELEASE_AWS_DOCTOR_ROLE: [{ workflow: "release.yml", job: "doctor" }],
  RELEASE_AWS_READ_ROLE: [{ workflow: "yank.yml", job: "preview" }],
};

/** Where the starter config's objects go: the bucket and upload.prefix. */
const PREFIX = "releases/";

/** One installation of the App per owner: the workflows mint one token per installation. */
function installationLines(a: InitAnswers): string[] {
  const installations = installationsOf({ tracking: { repo: a.automation }, downstream: a.downstream });
  if (installations.length < 2) return [];
  return [
    `   Its repos belong to ${installations.length} owners: install it once per owner (${installations.map((i) => `${i.owner}: ${i.repositories.join(", ")}`).join("; ")}); the workflows mint one token per installation.`,
  ];
}

function roleLines(a: InitAnswers): string[] {
  return [
    `   Each role trusts GitHub's OIDC provider (token.actions.githubusercontent.com, an identity provider of your AWS account)`,
    `   with aud = sts.amazonaws.com and exactly the subject of the jobs that assume it:`,
    ...AWS_ROLES.map((r) => {
      const jobs = (AWS_ROLE_JOBS[r.variable] ?? [])
        .map(
          (j) =>
            `${j.workflow}'s ${j.job} job${j.environment ? ` in environment ${j.environment}` : ", no environment"}`,
        )
        .join("; ");
      const branch =
        r.scope === "repository"
          ? "; the repo's default branch, where dispatched runs run, if it is not main"
          : "";
      return `   - ${r.variable}: sub = ${trustedSubject(r, a.automation, "main")} (assumed by ${jobs}${branch})`;
    }),
  ];
}

/**
 * The bucket's public face. A bucket name with dots breaks the virtual-hosted-style HTTPS address
 * release-relay links by default (`https://BUCKET.s3.REGION.amazonaws.com/`): S3's certificate is
 * for *.s3.REGION.amazonaws.com, and a wildcard matches one label only, so `a.b.s3…` fails TLS.
 */
function bucketLines(a: InitAnswers, n: number): string[] {
  const lines = [
    `${n}. Let anyone read ${a.bucket}/${PREFIX}* (a bucket policy allowing s3:GetObject, or a CDN in front of the bucket),`,
    `   and set upload.public-url in release-relay.yml to the address users download from (it stands for ${a.bucket}/${PREFIX}).`,
  ];
  if (!a.bucket.includes(".")) {
    return [
      ...lines,
      `   Without it, links go to https://${a.bucket}.s3.<region>.amazonaws.com/${PREFIX} (<region>: upload.region, us-east-1 unless set).`,
    ];
  }
  return [
    ...lines,
    `   ${a.bucket} has dots: its virtual-hosted-style address https://${a.bucket}.s3.<region>.amazonaws.com/ would fail HTTPS`,
    `   (S3's wildcard certificate *.s3.<region>.amazonaws.com matches one label, not "${a.bucket}.s3…"), so without`,
    `   upload.public-url release-relay links path-style: https://s3.<region>.amazonaws.com/${a.bucket}/${PREFIX} (<region>: upload.region,`,
    `   us-east-1 unless set). A CDN in front of the bucket, with its own certificate, gives shorter links:`,
    `   e.g. upload.public-url: https://${a.bucket}/${PREFIX} served by the CDN.`,
  ];
}

function signingLines(a: InitAnswers, n: number): string[] {
  return [
    `${n}. Publish the signing key's public half where users fetch it from, apart from ${a.bucket} (whoever can replace the files`,
    `   there could replace a key beside them), and name it in release-relay.yml as signing.public-key-url:`,
    `   \`openssl pkey -in key.pem -pubout -out release-key.pem\` (key.pem: the private key stored as RELEASE_SIGNING_KEY).`,
    `   doctor checks that the published key matches the secret's before each release.`,
  ];
}

function ciLines(a: InitAnswers, ci: Readonly<Record<string, CiWorkflowNames>>, n: number): string[] {
  const lines = [
    `${n}. release-relay-report-status.yml follows each downstream's CI by workflow name (on.workflow_run.workflows),`,
    `   which must name the repo's own workflows that run on pull_request (the template's "CI" is a placeholder; its image build entry stays):`,
  ];
  for (const d of a.downstream) {
    const found = ci[d.name];
    if (!found) {
      lines.push(
        `   - ${d.repo}: no checkout given: write the names of its pull_request workflows (their name:) in place of CI,`,
        `     or rerun init with --downstream-dir ${d.name}=DIR to find them.`,
      );
    } else if (found.names.length === 0) {
      lines.push(
        `   - ${d.repo}: no workflow in .github/workflows runs on pull_request${found.unreadable.length ? ` (unreadable: ${found.unreadable.join(", ")})` : ""}:`,
        `     its release PRs get no CI report. Add a CI workflow that runs on pull_request and put its name: in place of CI.`,
      );
    } else {
      lines.push(
        `   - ${d.repo}: written: ${found.names.map((x) => JSON.stringify(x)).join(", ")} (its workflows that run on pull_request)${found.unreadable.length ? `; unreadable, not looked at: ${found.unreadable.join(", ")}` : ""}.`,
      );
    }
  }
  return lines;
}

/**
 * Pinned workflows fetch release-relay's actions from its repo: an organisation that allows only
 * selected actions ("Allow enterprise, and select non-enterprise, actions and reusable workflows",
 * GitHub Docs, "Managing GitHub Actions settings for a repository") must allow that repo's.
 */
function actionsPolicyLines(a: InitAnswers, pin: ActionsPin, n: number): string[] {
  return [
    `${n}. The workflows use release-relay's actions from ${pin.repo} at ${pin.sha.slice(0, 12)} (v${pin.version}). If ${a.automation.split("/")[0]}'s`,
    `   or ${a.source.split("/")[0]}'s Actions policy allows only selected actions, add ${pin.repo}/* (and ${pin.repo}@*) to it.`,
    "   On GitHub Enterprise Server without access to github.com actions, rerun init with --vendor instead.",
  ];
}

/** What each repo needs before the first release, printed at the end of init, with the project's names. */
export function setupInstructions(
  a: InitAnswers,
  ci: Readonly<Record<string, CiWorkflowNames>> = {},
  pin?: ActionsPin,
): string {
  const downstreamRepos = a.downstream.map((d) => d.repo);
  const bucketPath = `${a.bucket}/${PREFIX.slice(0, -1)}`;
  return [
    "Before the first release:",
    "",
    `0. In ${a.automation}'s release-relay.yml, write the project's build (build.command: the starter one fails, saying so)`,
    "   and its smoke test (qualify.command: the starter one only checks the tarball holds a program).",
    `1. Create a GitHub App (the release bot) and install it on ${[a.automation, ...downstreamRepos].join(", ")} with exactly:`,
    `   - ${a.automation}: Contents read & write (ledger branch), Issues read & write (tracking issue)`,
    ...downstreamRepos.map(
      (r) =>
        `   - ${r}: Contents read & write, Pull requests read & write, Actions read (reports are confirmed against its runs)`,
    ),
    `   - ${a.source}: Contents read, only if it is private (the tag's source archive is hashed); Contents read & write`,
    "     when release-relay.yml keeps the tag's GitHub Release (github-release: a token for that repo alone writes it)",
    ...installationLines(a),
    "   (Not GITHUB_TOKEN: its PRs would not start the downstream repos' CI.)",
    `2. In ${a.automation}: repository secrets RELEASE_RELAY_APP_ID, RELEASE_RELAY_APP_KEY.`,
    `   Create an environment "${RELEASE_ENVIRONMENT}" (add required reviewers for an approval gate before anything is public). Its secrets`,
    `   and variables reach only the jobs that sign, publish and yank:`,
    `   - environment secret RELEASE_SIGNING_KEY (\`openssl genpkey -algorithm ed25519 -out key.pem\`), and RELEASE_SIGNING_PASSPHRASE for gpg;`,
    ...AWS_ROLES.filter((r) => r.scope === "environment").map(
      (r) =>
        `   - environment variable ${r.variable}: the ARN of an IAM role allowed ${r.allows(bucketPath)};`,
    ),
    `   Repository variables for the jobs outside the environment:`,
    ...AWS_ROLES.filter((r) => r.scope === "repository").map(
      (r) => `   - ${r.variable}: the ARN of an IAM role allowed ${r.allows(bucketPath)};`,
    ),
    ...roleLines(a),
    // Installation tokens expire after one hour (GitHub Apps docs, "Authenticating as a GitHub App
    // installation"): a token stored as a secret stops working, so each workflow mints its own.
    `3. Create a GitHub App "${a.project}-release-requester", install it on ${a.automation} only with Contents read & write`,
    `   (what repository_dispatch needs). In ${a.source}: secrets RELEASE_RELAY_DISPATCH_APP_ID, RELEASE_RELAY_DISPATCH_APP_KEY`,
    `   (its id and a private key), variable RELEASE_RELAY_AUTOMATION_REPO=${a.automation}. Each run mints a one-hour token for`,
    `   ${a.automation} alone; put the App's "name[bot]" under senders.release-requested in release-relay.yml.`,
    ...(downstreamRepos.length
      ? [
          `4. Create a GitHub App "${a.project}-release-reporter", install it on ${a.automation} only with Contents read & write.`,
          `   In ${downstreamRepos.join(", ")}: secrets RELEASE_RELAY_REPORT_APP_ID, RELEASE_RELAY_REPORT_APP_KEY, variables`,
          `   RELEASE_RELAY_AUTOMATION_REPO=${a.automation}, RELEASE_RELAY_PROJECT=${a.project}; put the App's "name[bot]" under`,
          `   senders.downstream-report in release-relay.yml.`,
        ]
      : []),
    ...bucketLines(a, 5),
    ...signingLines(a, 6),
    ...(downstreamRepos.length ? ciLines(a, ci, 7) : []),
    ...(pin ? actionsPolicyLines(a, pin, downstreamRepos.length ? 8 : 7) : []),
  ].join("\n");
}
