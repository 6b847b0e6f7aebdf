import { ReleaseRelayError } from "../../core/errors.js";

/** Attacks on a release request, sent as the main repo's trigger would send one. */
export const REQUEST_ATTACKS = {
  "forged-commit": "release-requested for the released tag, naming another commit of the source repo",
  "fork-commit": "release-requested for the released tag, naming a commit that exists only in a fork",
  "missing-tag": "release-requested for a tag the source repo does not have",
  "moved-tag": "the released version requested again after its tag was moved to another commit on main",
  "forged-override": "release-requested with a CI override and a workflow_dispatch no run confirms",
  "wrong-sender": "a correct-looking release-requested sent with an outside collaborator's token",
} as const;

/** Attacks on downstream reports, sent as a downstream's report-status workflow would send one. */
export const REPORT_ATTACKS = {
  "forged-merged": "a merged report for a release PR that is still open",
  "forged-ci": "a CI success report naming a run GitHub never had",
  "forged-image": "an image-built report for a release PR that is not merged",
  "huge-run-id": "a report whose run id is past any real one (99999999999999999999)",
  "hostile-url": "a page-published report whose URL tries to break out of its Markdown link",
} as const;

export type RequestAttack = keyof typeof REQUEST_ATTACKS;
export type ReportAttack = keyof typeof REPORT_ATTACKS;
export type AttackName = RequestAttack | ReportAttack;

export const ATTACK_NAMES = [...Object.keys(REQUEST_ATTACKS), ...Object.keys(REPORT_ATTACKS)] as AttackName[];

export function isReportAttack(name: AttackName): name is ReportAttack {
  return name in REPORT_ATTACKS;
}

/** What one attack does, in a line. */
export function describeAttack(name: AttackName): string {
  return isReportAttack(name) ? REPORT_ATTACKS[name] : REQUEST_ATTACKS[name as RequestAttack];
}

/** `--attack NAME`, checked before anything is created: an unknown name lists the known ones. */
export function parseAttackName(text: string): AttackName {
  if ((ATTACK_NAMES as string[]).includes(text)) return text as AttackName;
  throw new ReleaseRelayError(
    "E_INPUT",
    `--attack ${text} is not an attack the rehearsal knows; nothing was created`,
    `use one of:\n${ATTACK_NAMES.map((n) => `  ${n.padEnd(16)} ${describeAttack(n)}`).join("\n")}`,
  );
}
