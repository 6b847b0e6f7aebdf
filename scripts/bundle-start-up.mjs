// What keeps a bundled action quick to start: a runner starts a fresh `node dist/<name>/index.js`
// for every step, so what a bundle parses and runs before its first useful work is paid each time.
import { readFile } from "node:fs/promises";

/**
 * `import { z } from "zod"` binds zod's namespace re-export, which esbuild keeps whole (every
 * locale, 750 KB); `import * as z` is the same API and lets it keep only what the code uses.
 */
const zodNamespace = (root) => ({
  name: "zod-namespace",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      if (!path.startsWith(`${root}src/`)) return undefined;
      const source = await readFile(path, "utf8");
      return {
        contents: source.replace(/^import \{ z \} from "zod";$/m, 'import * as z from "zod";'),
        loader: "ts",
      };
    });
  },
});

/**
 * @actions/core imports its OIDC client's HTTP stack (@actions/http-client, undici: 800 KB, run at
 * start) for `getIDToken`, which no action calls. Marked free of side effects, it is left out
 * unless something uses it.
 */
const unusedHttpClient = () => ({
  name: "unused-http-client",
  setup(build) {
    build.onResolve({ filter: /^(@actions\/http-client|undici|tunnel)(\/|$)/ }, async (args) => {
      if (args.pluginData === "resolved") return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: "resolved",
      });
      return { ...resolved, sideEffects: false };
    });
  },
});

/** The esbuild options every bundle is built with, the benchmark's included. */
export const startUpOptions = (root) => ({
  plugins: [zodNamespace(root), unusedHttpClient()],
  // The AWS SDK's ES module builds (its `module` field) let esbuild keep only the commands and
  // credential providers used; its CommonJS builds come whole (400 KB more in sign-upload).
  mainFields: ["module", "main"],
});
