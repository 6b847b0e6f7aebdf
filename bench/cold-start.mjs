// Cold start of each bundled action as the runner starts it (`node dist/<action>/index.js`): the
// time until its first request reaches the network (a local server that answers 503), or until it
// exits for an action that makes none, with `node -e 0` measured alongside. Prints one JSON line:
// { name: { ms, how } }.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const runs = Number(process.argv[2] ?? 3);
const work = mkdtempSync(join(tmpdir(), "cold-start-"));
const config = join(root, "examples/valkey/release-relay.yml");
writeFileSync(join(work, "a.tar.gz"), "artifact\n");
for (const file of ["output", "summary"]) writeFileSync(join(work, file), "");
// sign-upload without a key: its first request is the S3 check of the first object.
const unsigned = join(work, "release-relay.yml");
writeFileSync(
  unsigned,
  readFileSync(config, "utf8").replace(/signing:\n(?: {2}.*\n)+/, "signing:\n  method: none\n"),
);
const sha = createHash("sha256").update("artifact\n").digest("hex");
writeFileSync(
  join(work, "hashes.json"),
  JSON.stringify([{ name: "a.tar.gz", kind: "binary", size: 9, sha256: sha }]),
);

let firstRequest;
const server = createServer((req, res) => {
  firstRequest?.();
  req.resume();
  res.writeHead(503).end();
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const url = `http://127.0.0.1:${server.address().port}`;

const actions = {
  trigger: { "automation-repo": "o/automation", token: "t", "config-path": config },
  "build-matrix": { "config-path": config, version: "8.0.2", sha: "a".repeat(40), token: "t" },
  "compute-hashes": { artifacts: "a.tar.gz" },
  "sign-upload": {
    artifacts: "a.tar.gz",
    "config-path": unsigned,
    version: "8.0.2",
    "hashes-file": join(work, "hashes.json"),
    endpoint: url,
  },
  "open-downstream-prs": {
    "config-path": config,
    version: "8.0.2",
    "hashes-file": join(work, "hashes.json"),
    token: "t",
  },
  "track-status": { "config-path": config, version: "8.0.2", token: "t", stage: "build", status: "started" },
};

function once(action, inputs) {
  return new Promise((resolve) => {
    const start = performance.now();
    const child = spawn(process.execPath, [join(root, "dist", action, "index.js")], {
      cwd: work,
      stdio: "ignore",
      env: {
        PATH: process.env.PATH,
        GITHUB_ACTIONS: "true",
        GITHUB_API_URL: url,
        GITHUB_SERVER_URL: url,
        GITHUB_REPOSITORY: "valkey-io/valkey",
        GITHUB_REF: "refs/tags/8.0.2",
        GITHUB_SHA: "a".repeat(40),
        GITHUB_EVENT_NAME: "push",
        GITHUB_RUN_ID: "1",
        GITHUB_WORKSPACE: work,
        RUNNER_TEMP: work,
        GITHUB_OUTPUT: join(work, "output"),
        GITHUB_STEP_SUMMARY: join(work, "summary"),
        AWS_ACCESS_KEY_ID: "x",
        AWS_SECRET_ACCESS_KEY: "x",
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
      },
    });
    let outcome;
    const finish = (how) => {
      if (outcome) return;
      outcome = { ms: performance.now() - start, how };
      firstRequest = undefined;
      child.kill("SIGKILL");
    };
    firstRequest = () => finish("first request");
    const timer = setTimeout(() => finish("timeout"), 20_000);
    // Resolved once the child is gone: its exit never ends the next run, nor its socket the server.
    child.on("exit", () => {
      finish("exit");
      clearTimeout(timer);
      resolve(outcome);
    });
  });
}

/** `node -e 0` in the same conditions: what any Node.js process costs before it runs a line. */
function bareNode() {
  return new Promise((resolve) => {
    const start = performance.now();
    spawn(process.execPath, ["-e", "0"], { stdio: "ignore" }).on("exit", () =>
      resolve({ ms: performance.now() - start, how: "exit" }),
    );
  });
}

// `node -e 0` and the actions take turns, so a burst of load elsewhere on the machine falls on both.
const result = {};
const only = process.argv[3];
const keepBest = (name, r) => {
  if (!result[name] || r.ms < result[name].ms) result[name] = r;
};
for (let i = 0; i < runs; i++)
  for (const [action, inputs] of Object.entries(actions)) {
    if (only && action !== only) continue;
    keepBest("node -e 0", await bareNode());
    keepBest(action, await once(action, inputs));
  }
server.closeAllConnections();
server.close();
rmSync(work, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(result)}\n`);
