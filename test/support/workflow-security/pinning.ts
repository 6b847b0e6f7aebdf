// What a workflow runs must be the code that was reviewed: a tag or a short SHA can be made to point
// at other code, and a version comment that names the wrong release misleads whoever updates the pin.
import { type Job, obj, type Step, str, type Workflow, type WorkflowProblem, where } from "./model.js";

/**
 * The release each commit the templates pin is, as "owner/repo@sha" → tag (an action in a
 * subdirectory, owner/repo/path@sha, goes by its repository). A pin of one of these commits must name
 * that tag in its comment, and a comment naming one of these tags must be on that commit.
 */
export const KNOWN_PINS: Record<string, string> = {
  "actions/attest-build-provenance@e8998f949152b193b063cb0ec769d69d929409be": "v2.4.0",
  "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683": "v4.2.2",
  "actions/create-github-app-token@df432ceedc7162793a195dd1713ff69aefc7379e": "v2.0.6",
  "actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093": "v4.3.0",
  "actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02": "v4.6.2",
  "aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502": "v4.0.2",
};

const DIGEST = /@sha256:[0-9a-f]{64}$/;

/** The `uses:` of a step, or of a job that calls a reusable workflow. */
function action(wf: Workflow, job: Job, step?: Step): WorkflowProblem[] {
  const at = step ?? job;
  const uses = str(at.data.uses);
  if (uses === undefined || uses.startsWith("./") || uses.startsWith("docker://")) return [];
  const line = at.lineOf("uses");
  const place = where(wf, job, step);
  const [, path = uses, ref = ""] = /^([^@]+)@(.*)$/.exec(uses) ?? [];
  const comment = at.commentAfter("uses");
  const version = /^v?\d[\w.+-]*/.exec(comment)?.[0] ?? "";
  if (!/^[0-9a-f]{40}$/.test(ref) || !version.startsWith("v")) {
    const why = /^[0-9a-f]{7,39}$/.test(ref)
      ? "a short SHA, which a new commit can be made to match"
      : /^[0-9a-f]{40}$/.test(ref)
        ? "with no # vX.Y.Z comment after it"
        : ref
          ? "a tag or branch, which can be moved to other code"
          : "no ref at all";
    return [
      {
        file: wf.file,
        line,
        rule: "pin",
        message: `${place}: ${uses} is not pinned by a full commit SHA with "# vX" after it (${why}); write it as ${path}@<the release's 40-hex commit> # vX.Y.Z`,
      },
    ];
  }
  const repo = path.split("/").slice(0, 2).join("/");
  const known = KNOWN_PINS[`${repo}@${ref}`];
  const sameTag = Object.entries(KNOWN_PINS).find(([k, v]) => k.startsWith(`${repo}@`) && v === version);
  const wrong = known
    ? known !== version && `that commit is ${known}`
    : sameTag && `${version} is ${sameTag[0].slice(repo.length + 1)}`;
  if (!wrong) return [];
  return [
    {
      file: wf.file,
      line,
      rule: "pin-comment",
      message: `${place}: ${uses} says # ${version}, but ${wrong}; correct the comment or the SHA so that both name the same release`,
    },
  ];
}

function image(wf: Workflow, place: string, line: number, what: string, value: unknown): WorkflowProblem[] {
  const name = str(value)?.replace(/^docker:\/\//, "");
  // An image from an expression is pinned, or not, where its value is written; the scanner cannot see it.
  if (!name || name.includes("${{") || DIGEST.test(name)) return [];
  return [
    {
      file: wf.file,
      line,
      rule: "unpinned-image",
      message: `${place}: ${what} ${name} is not pinned by digest, and its tag can be pushed again with other contents; write it as ${name.replace(/@.*$/, "")}@sha256:<digest> (docker buildx imagetools inspect ${name} prints it)`,
    },
  ];
}

export function pinning(wf: Workflow, job: Job): WorkflowProblem[] {
  const place = where(wf, job);
  const container = job.data.container;
  const services = Object.entries(obj(job.data.services));
  return [
    ...action(wf, job),
    ...image(wf, place, job.lineOf("container"), "container image", str(container) ?? obj(container).image),
    ...services.flatMap(([name, s]) =>
      image(wf, place, job.lineOf("services", name), `service ${name} image`, str(s) ?? obj(s).image),
    ),
    ...job.steps.flatMap((step) => [
      ...action(wf, job, step),
      ...(str(step.data.uses)?.startsWith("docker://")
        ? image(wf, where(wf, job, step), step.lineOf("uses"), "image", step.data.uses)
        : []),
    ]),
  ];
}
