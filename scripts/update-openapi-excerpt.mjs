// Regenerates test/contract/github-openapi.json: the response schemas of GitHub's official OpenAPI
// description for the routes the emulator serves (test/contract/served-routes.json), with every
// component they reference. The full @octokit/openapi package is ~385 MB unpacked, so it is fetched
// into a temporary directory here and never installed as a dependency.
// Usage: node scripts/update-openapi-excerpt.mjs [openapi-version]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const typesPackage = JSON.parse(
  readFileSync(join(root, "node_modules/@octokit/openapi-types/package.json"), "utf8"),
);
const version = process.argv[2] ?? typesPackage.octokit["openapi-version"];
const tmp = mkdtempSync(join(tmpdir(), "openapi-"));
try {
  execFileSync("npm", ["pack", `@octokit/openapi@${version}`, "--silent"], {
    cwd: tmp,
    stdio: ["ignore", "pipe", "inherit"],
  });
  execFileSync("tar", ["xzf", `octokit-openapi-${version}.tgz`, "package/generated/api.github.com.json"], {
    cwd: tmp,
  });
  const spec = JSON.parse(readFileSync(join(tmp, "package/generated/api.github.com.json"), "utf8"));
  const routes = JSON.parse(readFileSync(join(root, "test/contract/served-routes.json"), "utf8"));
  const strip = (node) => {
    if (Array.isArray(node)) return node.map(strip);
    if (node && typeof node === "object") {
      const out = {};
      for (const [k, v] of Object.entries(node)) {
        if (["description", "example", "examples", "title", "x-github"].includes(k)) continue;
        out[k] = strip(v);
      }
      return out;
    }
    return node;
  };
  const refs = new Set();
  const collect = (node) => {
    if (Array.isArray(node)) node.forEach(collect);
    else if (node && typeof node === "object") {
      for (const [k, v] of Object.entries(node)) {
        if (k === "$ref" && typeof v === "string") {
          const name = v.split("/").pop();
          const kind = v.split("/")[2];
          const key = `${kind}/${name}`;
          if (!refs.has(key)) {
            refs.add(key);
            collect(spec.components[kind][name]);
          }
        } else collect(v);
      }
    }
  };
  const paths = {};
  for (const route of routes) {
    const [method, path] = route.split(" ");
    const op = spec.paths[path]?.[method.toLowerCase()];
    if (!op) throw new Error(`${route} is not in GitHub's OpenAPI description ${version}`);
    const responses = {};
    for (const [code, response] of Object.entries(op.responses)) {
      responses[code] = strip(response);
      collect(response);
    }
    paths[path] = { ...paths[path], [method.toLowerCase()]: { responses } };
  }
  const components = {};
  for (const key of [...refs].sort()) {
    const [kind, name] = key.split("/");
    components[kind] ??= {};
    components[kind][name] = strip(spec.components[kind][name]);
  }
  const out = {
    openapi: spec.openapi,
    info: { title: "GitHub REST API (excerpt)", version },
    paths,
    components,
  };
  writeFileSync(join(root, "test/contract/github-openapi.json"), `${JSON.stringify(out, null, 1)}\n`);
  console.log(
    `wrote test/contract/github-openapi.json: ${routes.length} routes, ${refs.size} components, @octokit/openapi ${version}`,
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
