import { type AttackOutcome, judgeAttack } from "./attack-outcome.js";
import type { AttackWorld } from "./attacker.js";
import { type AttackName, describeAttack, isReportAttack } from "./catalogue.js";
import { attackReport } from "./report-attacks.js";
import { attackRequest } from "./request-attacks.js";
import { worldFacts } from "./world-facts.js";

export type { AttackWorld } from "./attacker.js";

/**
 * Performs one attack on a world whose release already ran: sends the forged event through the
 * emulator's REST API with the token the attacker holds, lets the local runner answer it exactly as
 * for real events, and judges the answer and what changed.
 */
export async function performAttack(name: AttackName, world: AttackWorld): Promise<AttackOutcome> {
  // Nobody merges anything while an attack is judged: every change must be the attack's.
  world.actions.betweenBatches = undefined;
  world.say(`attack ${name}: ${describeAttack(name)}`);
  const before = await worldFacts(world);
  const attempt = isReportAttack(name) ? await attackReport(name, world) : await attackRequest(name, world);
  const runs = await world.actions.drain();
  await attempt.restore?.();
  const after = await worldFacts(world);
  const outcome = await judgeAttack({
    name,
    attempt,
    answering: runs.filter(
      (r) => r.repo === world.project.automationRepo && r.event === "repository_dispatch",
    ),
    before,
    after,
  });
  world.say(
    `attack ${name}: ${outcome.refused ? "refused" : "NOT refused"}${outcome.published.length ? `, ${outcome.published.length} change(s) that should not have happened` : ", nothing changed"}`,
  );
  return outcome;
}
