import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { configJsonSchema, parseConfig } from "../../../src/core/config/parse.js";
import { ReleaseRelayError } from "../../../src/core/errors.js";

const root = join(import.meta.dirname, "../../..");
const exampleText = readFileSync(join(root, "examples/valkey/release-relay.yml"), "utf8");

/** The example config with one path changed (value undefined deletes it). */
function mutate(path: (string | number)[], value: unknown): string {
  const doc = parseDocument(exampleText);
  if (value === undefined) doc.deleteIn(path);
  else doc.setIn(path, doc.createNode(value));
  return doc.toString();
}

function errorOf(text: string): ReleaseRelayError {
  try {
    parseConfig(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ReleaseRelayError);
    return error as ReleaseRelayError;
  }
  throw new Error("expected the config to be refused");
}

describe("release-relay.yml", () => {
  it("accepts the Valkey example and fills defaults", () => {
    const config = parseConfig(exampleText);
    expect(config.project).toBe("valkey");
    expect(config.source.archive).toBe("valkey-{version}.tar.gz");
    expect(config.build.targets).toHaveLength(4);
    expect(config.build.timeoutMinutes).toBe(60);
    expect(config.signing).toEqual({
      method: "gpg",
      keySecret: "RELEASE_SIGNING_KEY",
      passphraseSecret: "RELEASE_SIGNING_PASSPHRASE",
    });
    expect(config.upload.cacheControl).toBe("public, max-age=31536000, immutable");
    expect(config.downstream.map((d) => [d.name, d.mode, d.after])).toEqual([
      ["hashes", "pr", []],
      ["container", "pr", []],
      ["website", "pr", ["container"]],
    ]);
    expect(config.downstream[1]?.baseBranch).toBe("mainline");
    expect(config.downstream[0]?.pr.title).toBe("{project} {version}");
    expect(config.tracking.title).toBe("Release {version}");
  });

  it("applies safe defaults to a minimal config: no signing, downstreams in dry-run", () => {
    const config = parseConfig(`
project: demo
source: { repo: acme/demo }
build: { command: make, targets: [{ os: linux, arch: x86_64, runner: ubuntu-latest }], artifact: "demo-{version}.tgz" }
upload: { bucket: acme-downloads }
downstream:
  - { name: site, repo: acme/site, edits: [{ kind: template-create, file: "v{version}.md", template: t.md }] }
tracking: { repo: acme/releases }
`);
    expect(config.signing.method).toBe("none");
    expect(config.downstream[0]?.mode).toBe("dry-run");
    expect(config.tags.pattern).toBe("^(?<version>\\d+\\.\\d+\\.\\d+(?:-rc\\d+)?)$");
    expect(config.upload.prefix).toBe("");
    expect(config.upload.region).toBe("us-east-1");
  });

  const bad: [string, string, string][] = [
    [
      "repo without owner",
      mutate(["downstream", 1, "repo"], "valkey-container"),
      'downstream[1].repo: expected "owner/name", got "valkey-container"',
    ],
    [
      "typo in a key",
      mutate(["downstream", 0, "reop"], "x/y"),
      'downstream[0]: unknown key "reop" — did you mean "repo"?',
    ],
    [
      "typo at top level",
      mutate(["downstreams"], []),
      '(top level): unknown key "downstreams" — did you mean "downstream"?',
    ],
    [
      "unknown mode",
      mutate(["downstream", 2, "mode"], "prr"),
      'downstream[2].mode: expected one of "pr", "push", "dry-run", "off", got "prr"',
    ],
    [
      "unknown edit kind",
      mutate(["downstream", 0, "edits", 0, "kind"], "append"),
      'downstream[0].edits[0].kind: expected kind to be one of append-line, regex-replace, json-set, yaml-set, template-create, debian-changelog, image-tags, script, got "append"',
    ],
    ["missing project", mutate(["project"], undefined), "project: expected string, got nothing"],
    [
      "tag pattern does not compile",
      mutate(["tags", "pattern"], "^(\\d+$"),
      "tags.pattern: not a valid regular expression",
    ],
    [
      "tag pattern not anchored",
      mutate(["tags", "pattern"], "\\d+\\.\\d+\\.\\d+"),
      "must be anchored with ^...$ and must not match an empty tag",
    ],
    [
      "named group other than version",
      mutate(["tags", "pattern"], "^(?<v>\\d+\\.\\d+\\.\\d+)$"),
      'tags.pattern: named groups present but none is called "version"',
    ],
    [
      "artifact name collides across targets",
      mutate(["build", "artifact"], "valkey-{version}-{arch}.tar.gz"),
      'targets 0 and 2 would both produce "valkey-1.2.3-x86_64.tar.gz"'.replace("1.2.3", "{version}"),
    ],
    [
      "artifact without version",
      mutate(["build", "artifact"], "valkey-{distro}-{arch}.tar.gz"),
      "build.artifact: must contain {version}",
    ],
    [
      "unknown placeholder",
      mutate(["build", "artifact"], "valkey-{verison}-{distro}-{arch}.tgz"),
      "build.artifact: unknown placeholder {verison}",
    ],
    ["no build targets", mutate(["build", "targets"], []), "build.targets: list at least one build target"],
    [
      "duplicate target",
      mutate(["build", "targets", 1], { os: "linux", arch: "x86_64", distro: "jammy", runner: "x" }),
      "build.targets[1]: duplicates build.targets[0] (linux/x86_64/jammy)",
    ],
    [
      "unknown arch",
      mutate(["build", "targets", 0, "arch"], "amd64"),
      'build.targets[0].arch: expected one of "x86_64", "arm64"',
    ],
    [
      "signing key given as a key, not a secret name",
      mutate(["signing", "key-secret"], "-----BEGIN PGP PRIVATE KEY BLOCK-----"),
      "signing.key-secret: expected the name of a secret (A-Z, 0-9, _), got",
    ],
    [
      "gpg without key",
      mutate(["signing", "key-secret"], undefined),
      "signing.key-secret: expected string, got nothing",
    ],
    [
      "bad bucket",
      mutate(["upload", "bucket"], "Download_Valkey"),
      'upload.bucket: expected an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens), got "Download_Valkey"',
    ],
    [
      "prefix with leading slash",
      mutate(["upload", "prefix"], "/releases/"),
      'upload.prefix: expected "" or a key prefix ending in "/" without a leading "/", got "/releases/"',
    ],
    [
      "duplicate downstream names",
      mutate(["downstream", 1, "name"], "hashes"),
      'downstream[1].name: name "hashes" is used twice',
    ],
    [
      "after names an unknown downstream",
      mutate(["downstream", 2, "after"], ["containers"]),
      'downstream[2].after[0]: "containers" is not another downstream; use one of hashes, container',
    ],
    [
      "cycle between downstreams",
      mutate(["downstream", 1, "after"], ["website"]),
      "cycle in after: container → website → container",
    ],
    [
      "downstream without edits",
      mutate(["downstream", 0, "edits"], []),
      "downstream[0].edits: a downstream needs at least one edit",
    ],
    [
      "regex-replace with a broken pattern",
      mutate(["downstream", 1, "edits", 0], {
        kind: "regex-replace",
        file: "Dockerfile",
        pattern: "ENV (VERSION",
        replacement: "x",
      }),
      "downstream[1].edits[0].pattern: not a valid regular expression",
    ],
    ["notify without @", mutate(["tracking", "notify"], ["valkey-io/core-team"]), "tracking.notify[0]"],
    ["wrong type", mutate(["build", "targets"], "linux"), 'build.targets: expected array, got "linux"'],
    [
      "tracking title placeholder",
      mutate(["tracking", "title"], "Release {tag}"),
      "tracking.title: unknown placeholder {tag}",
    ],
  ];

  it.each(bad)("refuses %s with a message naming the path and the fix", (_name, text, expected) => {
    const error = errorOf(text);
    expect(error.code).toBe("E_CONFIG");
    expect(error.message).toContain(expected);
    expect(error.hint).toContain("schema/release-relay.schema.json");
  });

  it("lists every problem at once", () => {
    const doc = parseDocument(exampleText);
    doc.setIn(["downstream", 0, "repo"], "nope");
    doc.setIn(["upload", "bucket"], "UP");
    const error = errorOf(doc.toString());
    expect(error.message).toContain("downstream[0].repo");
    expect(error.message).toContain("upload.bucket");
  });

  it("refuses invalid YAML and duplicate keys with the line", () => {
    expect(errorOf("project: [unclosed\n").code).toBe("E_CONFIG_YAML");
    const dup = errorOf(`${exampleText}\nproject: other\n`);
    expect(dup.code).toBe("E_CONFIG_YAML");
    expect(dup.message).toMatch(/unique/);
    expect(dup.message).toMatch(/line \d+/);
  });

  it("refuses a __proto__ key instead of polluting objects", () => {
    const error = errorOf(`${exampleText}\n__proto__: { polluted: true }\n`);
    expect(error.message).toContain('unknown key "__proto__"');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses a document that is not a mapping", () => {
    expect(errorOf("- a\n- b\n").message).toContain("(top level): expected object");
  });
});

describe("JSON Schema", () => {
  it("is current in schema/release-relay.schema.json (npm run schema rewrites it)", () => {
    const committed = JSON.parse(readFileSync(join(root, "schema/release-relay.schema.json"), "utf8"));
    expect(committed).toEqual(configJsonSchema());
  });

  it("describes the kebab-case keys users write and the enums they may choose", () => {
    const schema = configJsonSchema() as {
      properties: Record<string, { properties?: Record<string, unknown> }>;
    };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining([
        "project",
        "source",
        "tags",
        "build",
        "signing",
        "upload",
        "downstream",
        "tracking",
      ]),
    );
    expect(Object.keys(schema.properties.upload?.properties ?? {})).toContain("public-url");
    expect(JSON.stringify(schema)).toContain('"dry-run"');
  });
});

describe("no project names in code", () => {
  it("src/ names no organisation or repository: every name lives in release-relay.yml", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const p = join(dir, entry);
        if (statSync(p).isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(join(root, "src"));
    const offenders = files.filter((f) => /valkey|\bredis\b/i.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });
});

describe("upload.public-url", () => {
  it("is https, or plain http only on this machine (a local mirror or S3)", () => {
    for (const ok of [
      "https://download.example/releases/",
      "http://127.0.0.1:9000/bucket/",
      "http://localhost/r/",
    ])
      expect(parseConfig(mutate(["upload", "public-url"], ok)).upload.publicUrl, ok).toBe(ok);
    for (const bad of ["http://download.example/releases/", "http://127.0.0.1.example/x/", "ftp://x/"])
      expect(errorOf(mutate(["upload", "public-url"], bad)).message, bad).toContain(
        "expected an https:// URL",
      );
  });
});
