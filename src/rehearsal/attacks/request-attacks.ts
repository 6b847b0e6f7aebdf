import { ReleaseRelayError } from "../../core/errors.js";
import {
  buildReleaseRequested,
  RELEASE_REQUESTED,
  type TriggerInfo,
} from "../../core/request/release-requested.js";
import { parseTag } from "../../core/request/version.js";
import {
  type AttackWorld,
  type Attempt,
  commitOn,
  dispatch,
  knownRuns,
  moveMainOn,
  outsiderLogin,
  outsiderToken,
  runLog,
  runUrl,
  short,
} from "./attacker.js";
import type { RequestAttack } from "./catalogue.js";
import { ledgerFact, releaseState } from "./world-facts.js";

/** The honest release as GitHub and the ledger have it: what each forged request imitates. */
interface Released {
  tag: string;
  commit: string;
  /** The login of the dispatch token (what the trigger sends with). */
  bot: string;
  /** The trigger run of the source repo that sent the honest request. */
  triggerUrl: string | undefined;
}

async function released(world: AttackWorld): Promise<Released> {
  const { project } = world;
  const state = await releaseState(world);
  if (!state.request)
    throw new ReleaseRelayError(
      "E_REHEARSAL",
      `the ledger of ${world.version} records no request: the honest release never got far enough to be attacked`,
      "rehearse a new world (rehearse --keep DIR --attack NAME) and look at why its release failed",
    );
  const source = project.config.source.repo;
  const trigger = knownRuns(world, source).find((r) => r.headBranch === state.request?.tag);
  return {
    tag: state.request.tag,
    commit: state.request.commit,
    bot: `${project.config.project}-release-requester[bot]`,
    triggerUrl: trigger ? runUrl(world, source, trigger.id) : undefined,
  };
}

/** A release-requested payload as the trigger action builds it. */
function request(world: AttackWorld, tag: string, sha: string, trigger: Partial<TriggerInfo> = {}) {
  const { config } = world.project;
  return buildReleaseRequested(config.project, parseTag(tag, config.tags.pattern), sha, config.source.repo, {
    actor: `${config.project}-maintainer`,
    event: "push",
    at: new Date().toISOString(),
    ...trigger,
  });
}

type RequestAttackFn = (world: AttackWorld, r: Released) => Promise<Attempt>;

const ATTACKS: Record<RequestAttack, RequestAttackFn> = {
  "forged-commit": async (world, r) => {
    const other = await moveMainOn(world, `work after ${r.tag}`);
    await dispatch(
      world,
      world.credentials.dispatchToken,
      RELEASE_REQUESTED,
      request(world, r.tag, other, r.triggerUrl ? { runUrl: r.triggerUrl } : {}),
    );
    return {
      sent: `release-requested for tag ${r.tag} naming commit ${short(other)} (a real commit of ${world.project.config.source.repo}, but the tag points at ${short(r.commit)}), sent with the dispatch token (${r.bot})`,
      code: "E_REQUEST_FORGED",
    };
  },

  "fork-commit": async (world, r) => {
    const { emulator, project } = world;
    const source = project.config.source.repo;
    const fork = `${outsiderLogin(project)}/${source.split("/")[1]}`;
    if (!emulator.state.repos[fork.toLowerCase()]) {
      // A fork holds the source's history; only its own commits are missing from the source repo.
      await emulator.createRepo(fork, { files: { "README.md": "fork\n" } });
      await emulator
        .git(fork)
        .run(["fetch", "--quiet", emulator.git(source).dir, `+${r.commit}:refs/heads/main`]);
    }
    const forkOnly = await commitOn(world, fork, "refs/heads/main", "backdoor.c", "int backdoor;\n", "main");
    world.say(`${fork} (a fork) has commit ${short(forkOnly)}, which ${source} does not`);
    await dispatch(
      world,
      world.credentials.dispatchToken,
      RELEASE_REQUESTED,
      request(world, r.tag, forkOnly, r.triggerUrl ? { runUrl: r.triggerUrl } : {}),
    );
    return {
      sent: `release-requested for tag ${r.tag} naming commit ${short(forkOnly)}, which exists only in the fork ${fork}, sent with the dispatch token (${r.bot})`,
      code: "E_REQUEST_FORGED",
    };
  },

  "missing-tag": async (world, r) => {
    const { config } = world.project;
    const git = world.emulator.git(config.source.repo);
    const v = parseTag(r.tag, config.tags.pattern);
    let patch = v.patch + 1;
    while (await git.readRef(`refs/tags/${v.major}.${v.minor}.${patch}`)) patch++;
    const missing = `${v.major}.${v.minor}.${patch}`;
    await dispatch(
      world,
      world.credentials.dispatchToken,
      RELEASE_REQUESTED,
      request(world, missing, r.commit),
    );
    return {
      sent: `release-requested for tag ${missing}, which ${config.source.repo} does not have, naming the released commit ${short(r.commit)}, sent with the dispatch token (${r.bot})`,
      code: "E_REQUEST_FORGED",
    };
  },

  "moved-tag": async (world, r) => {
    const source = world.project.config.source.repo;
    const git = world.emulator.git(source);
    const other = await moveMainOn(world, `fix after ${r.tag}`);
    const tagRef = `refs/tags/${r.tag}`;
    const was = (await git.readRef(tagRef)) as string;
    await git.run(["update-ref", tagRef, other, was]);
    world.say(`tag ${r.tag} of ${source} moved from ${short(r.commit)} to ${short(other)}`);
    await dispatch(world, world.credentials.dispatchToken, RELEASE_REQUESTED, request(world, r.tag, other));
    return {
      sent: `release-requested for ${r.tag} again, after its tag was moved to ${short(other)} on main (GitHub confirms the tag; the ledger recorded ${short(r.commit)}), sent with the dispatch token (${r.bot})`,
      code: "E_VERSION_CONFLICT",
      // The world is kept for more rehearsals: its tag goes back to the released commit.
      restore: async () => {
        await git.run(["update-ref", tagRef, was, other]);
        world.say(`tag ${r.tag} of ${source} put back at ${short(r.commit)}`);
      },
    };
  },

  "forged-override": async (world, r) => {
    const by = `${world.project.config.project}-maintainer`;
    const source = world.project.config.source.repo;
    // The example has no required checks, so no request can be refused for red CI: the honest
    // commit is requested with an override and a hand-run claim that no workflow_dispatch confirms.
    await dispatch(
      world,
      world.credentials.dispatchToken,
      RELEASE_REQUESTED,
      request(world, r.tag, r.commit, {
        actor: by,
        event: "workflow_dispatch",
        ...(r.triggerUrl ? { runUrl: r.triggerUrl } : {}),
        checksOverride: { by, reason: "CI is flaky, release anyway", failing: ["test (failure)"] },
      }),
    );
    const dropped = `override of red CI by ${by} dropped`;
    return {
      sent: `release-requested for ${r.tag} at its real commit ${short(r.commit)} claiming ${by} ran it by hand (workflow_dispatch) and overrode red CI, pointing at ${r.triggerUrl ?? "no run"} (the tag push's run), sent with the dispatch token (${r.bot})`,
      judge: async (runs) => {
        const line = runs.flatMap((run) => runLog(run).split("\n")).find((l) => l.includes(dropped));
        const recorded = (await releaseState(world)).request?.checksOverride;
        return {
          ok: line !== undefined && recorded === undefined,
          said: `${line ? `the plan step said “${line.trim()}”` : `no step said “${dropped}”`}; the ledger's request ${recorded ? `holds an override by ${recorded.by}` : "holds no override"}. ${source} has no required checks, so an override could never unblock anything here; the ledger already held this commit's request, confirmed by the tag push's own run, so it is not recorded again and the tracking issue does not change`,
        };
      },
      allowed: (fact) => fact.startsWith(ledgerFact(world, "request.unverified")),
    };
  },

  "wrong-sender": async (world, r) => {
    const token = outsiderToken(world);
    await dispatch(
      world,
      token,
      RELEASE_REQUESTED,
      request(world, r.tag, r.commit, r.triggerUrl ? { runUrl: r.triggerUrl } : {}),
    );
    return {
      sent: `a correct release-requested for ${r.tag} at ${short(r.commit)}, sent with the token of ${outsiderLogin(world.project)} (an outside collaborator with write access to ${world.project.automationRepo}, not in senders.release-requested)`,
      code: "E_SENDER",
    };
  },
};

/** Sends the forged request `name` after the honest release; the world's runner answers it. */
export async function attackRequest(name: RequestAttack, world: AttackWorld): Promise<Attempt> {
  return ATTACKS[name](world, await released(world));
}
