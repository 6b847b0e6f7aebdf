// Bundles every action and the CLI into dist/. With --check, builds into a temporary
// directory and fails if dist/ differs, so a stale committed bundle cannot ship.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { build } from "esbuild";
import { startUpOptions } from "./bundle-start-up.mjs";

const root = new URL("..", import.meta.url).pathname;
const check = process.argv.includes("--check");

/** dist/<name>/index.js ← the module whose main() it runs. */
export const ENTRIES = {
  trigger: "src/actions/trigger.ts",
  "build-matrix": "src/actions/build-matrix.ts",
  "compute-hashes": "src/actions/compute-hashes.ts",
  "sign-upload": "src/actions/sign-upload.ts",
  "generate-downstream-edits": "src/actions/generate-downstream-edits.ts",
  "open-downstream-prs": "src/actions/open-downstream-prs.ts",
  "track-status": "src/actions/track-status.ts",
  yank: "src/actions/yank.ts",
  "app-installations": "src/actions/app-installations.ts",
  cli: "src/cli/main.ts",
  // Last: it carries the blob sha of every file this version installs, bundles included.
  doctor: "src/actions/doctor.ts",
};

/** What a bundle imports before anything else, to start work that takes a while. */
const EARLY = {
  "compute-hashes": 'import "./src/adapters/storage/early-hash-workers.ts"; ',
};
/** What every action imports before its own modules (see the module). */
const ACTION_FIRST = 'import "./src/actions/parse-without-jit.ts"; ';

const banner = [
  "// Bundled by release-relay's scripts/build.mjs; do not edit. Source: src/.",
  'import { createRequire as __createRequire } from "node:module";',
  "const require = __createRequire(import.meta.url);",
].join("\n");

const blobSha = (bytes) => createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");

/** Package path → git blob sha of each file init may install, the other bundles as just built. */
function installableFileShas(outRoot) {
  const shas = {};
  const add = (path, file) => {
    shas[path] = blobSha(readFileSync(file));
  };
  for (const f of listFiles(join(root, "workflows-templates")))
    add(`workflows-templates/${f}`, join(root, "workflows-templates", f));
  add("action.yml", join(root, "action.yml"));
  for (const name of Object.keys(ENTRIES)) {
    const action = join(root, "actions", name, "action.yml");
    if (existsSync(action)) add(`actions/${name}/action.yml`, action);
    if (name !== "cli" && name !== "doctor") add(`dist/${name}/index.js`, join(outRoot, name, "index.js"));
  }
  return shas;
}

async function bundle(outRoot) {
  for (const [name, source] of Object.entries(ENTRIES)) {
    const isCli = name === "cli";
    const define =
      name === "doctor"
        ? {
            __RELEASE_RELAY_FILE_SHAS__: JSON.stringify(JSON.stringify(installableFileShas(outRoot))),
            // A vendored doctor has no templates or package.json beside it: it checks pinned
            // workflows against these.
            __RELEASE_RELAY_WORKFLOW_TEMPLATES__: JSON.stringify(JSON.stringify(workflowTemplates())),
            __RELEASE_RELAY_PACKAGE__: JSON.stringify(JSON.stringify(packageIdentity())),
          }
        : undefined;
    await build({
      stdin: {
        contents: isCli
          ? `import { runCli } from "./${source}"; process.exitCode = await runCli(process.argv.slice(2));`
          : `${EARLY[name] ?? ""}${ACTION_FIRST}import { main } from "./${source}"; import { runAction } from "./src/actions/run-action.ts"; await runAction(main);`,
        resolveDir: root,
        sourcefile: `${name}-entry.ts`,
        loader: "ts",
      },
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      outfile: join(outRoot, name, "index.js"),
      banner: { js: banner },
      legalComments: "none",
      logLevel: "warning",
      charset: "utf8",
      define,
      ...startUpOptions(root),
    });
  }
}

/** Package path → text of each workflow template. */
function workflowTemplates() {
  return Object.fromEntries(
    listFiles(join(root, "workflows-templates")).map((f) => [
      `workflows-templates/${f}`,
      readFileSync(join(root, "workflows-templates", f), "utf8"),
    ]),
  );
}

/** The package's version and repository, as its package.json says. */
function packageIdentity() {
  const { version, repository } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  return { version, repository };
}

function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d)) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

if (check) {
  const tmp = mkdtempSync(join(tmpdir(), "release-relay-dist-"));
  try {
    await bundle(tmp);
    const dist = join(root, "dist");
    const want = listFiles(tmp);
    const have = statSync(dist, { throwIfNoEntry: false }) ? listFiles(dist) : [];
    const stale = [
      ...want.filter(
        (f) => !have.includes(f) || !readFileSync(join(tmp, f)).equals(readFileSync(join(dist, f))),
      ),
      ...have.filter((f) => !want.includes(f)),
    ];
    if (stale.length > 0) {
      console.error(`dist/ is stale: ${stale.join(", ")}\nRun \`npm run build\` and commit dist/.`);
      process.exit(1);
    }
    console.log(`check-dist: dist/ matches the sources (${want.length} files)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
} else {
  rmSync(join(root, "dist"), { recursive: true, force: true });
  await bundle(join(root, "dist"));
  console.log(`built dist/ (${Object.keys(ENTRIES).join(", ")})`);
}
