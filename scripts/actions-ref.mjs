// Writes actions-ref.json into the package as it is packed (and removes it afterwards): a packed
// copy has no git, yet init must pin the workflows to the commit of the actions repo it came from.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const file = join(root, "actions-ref.json");
const git = (...args) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();

if (process.argv[2] === "remove") {
  rmSync(file, { force: true });
  process.exit(0);
}
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const url = typeof pkg.repository === "string" ? pkg.repository : (pkg.repository?.url ?? "");
const repo =
  /github\.com\/([^/]+\/[^/]+?)(?:\.git)?$/.exec(url)?.[1] ?? /^(?:github:)?([^/:]+\/[^/]+)$/.exec(url)?.[1];
let sha;
try {
  sha = git("rev-parse", "HEAD");
} catch {
  // Packed from a copy without git: init will ask for --actions-ref (or --vendor).
  if (existsSync(file)) rmSync(file);
  console.warn("actions-ref.json not written: not a git checkout");
  process.exit(0);
}
const uncommitted = git("status", "--porcelain", "--", "action.yml", "actions", "dist") !== "";
if (uncommitted)
  console.warn(`actions-ref.json: ${sha} does not hold the uncommitted changes to the actions`);
writeFileSync(
  file,
  `${JSON.stringify({ repo, sha, version: pkg.version, ...(uncommitted ? { uncommitted } : {}) }, null, 2)}\n`,
);
