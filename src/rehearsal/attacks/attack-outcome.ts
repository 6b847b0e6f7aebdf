import type { RunRecord } from "../runner/runner-host.js";
import { type Attempt, runLog } from "./attacker.js";
import type { AttackName } from "./catalogue.js";
import { changedFacts, type WorldFacts } from "./world-facts.js";

/** `summary.json`'s `attack`: whether the automation side refused it, and what changed that should not have. */
export interface AttackOutcome {
  name: AttackName;
  /** The forged claim was not believed: refused with the expected error, or dropped and said so. */
  refused: boolean;
  /** Facts the attack changed (bucket objects, PRs, branches, issues, ledger state); empty when none. */
  published: string[];
  detail: string;
}

/** The first line of a run's log naming `code`: what the refusing step said. */
function refusalLine(runs: RunRecord[], code: string): { run: RunRecord; line: string } | undefined {
  for (const run of runs) {
    const line = runLog(run)
      .split("\n")
      .find((l) => l.includes(code));
    if (line)
      return {
        run,
        line: line
          .replace(/^.*?::error::/, "")
          .trim()
          .slice(0, 600),
      };
  }
  return undefined;
}

/**
 * Judges an attack from the runs that answered it and the world's facts before and after: refused
 * only if the answering run failed with the expected code (or the attack's own judge says the claim
 * was dropped), and nothing may have changed but a refused line on the dashboard.
 */
export async function judgeAttack(input: {
  name: AttackName;
  attempt: Attempt;
  /** Runs of the automation repo the attack's dispatch started. */
  answering: RunRecord[];
  before: WorldFacts;
  after: WorldFacts;
}): Promise<AttackOutcome> {
  const { name, attempt, answering, before, after } = input;
  const published = changedFacts(before, after, attempt.allowed);
  const runs = answering.map((r) => `${r.workflow} run ${r.id} (${r.conclusion})`).join(", ");
  let refused: boolean;
  let answer: string;
  if (answering.length === 0) {
    refused = false;
    answer = "No run of the automation repo answered it";
  } else if (attempt.code) {
    const found = refusalLine(
      answering.filter((r) => r.conclusion === "failure"),
      attempt.code,
    );
    refused = found !== undefined;
    answer = found
      ? `${found.run.workflow} run ${found.run.id} refused it: ${found.line}`
      : `${runs} did not refuse it with ${attempt.code}`;
  } else {
    const judged = (await attempt.judge?.(answering)) ?? { ok: false, said: "nothing judged it" };
    refused = judged.ok;
    answer = `${runs}: ${judged.said}`;
  }
  const newRefusals = after.refused - before.refused;
  // What the attack may honestly cause (a hint recorded as such) is said, not hidden.
  const honest = changedFacts(before, after).filter((c) => !published.includes(c));
  const unchanged =
    "the bucket, the downstream PRs and branches, GitHub releases, the tracking issues and the ledgers' derived state are as they were";
  const consequence = [
    published.length > 0
      ? `${published.length} thing(s) changed that should not have: ${published.join("; ")}`
      : honest.length > 0
        ? `The one change is what this attack may honestly cause: ${honest.join("; ")}; nothing else was published, signed, merged or recorded: ${unchanged}`
        : `Nothing was published, signed, merged or recorded as fact: ${unchanged}`,
    ...(newRefusals > 0
      ? [`the ledger records the refusal (${newRefusals} refused event, one line on the tracking issue)`]
      : []),
  ].join("; ");
  return { name, refused, published, detail: `Sent: ${attempt.sent}. ${answer}. ${consequence}.` };
}
