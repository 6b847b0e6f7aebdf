import { describe, expect, it } from "vitest";
import {
  RELEASE_BODY_LIMIT,
  type ReleaseBodyInput,
  renderReleaseBody,
} from "../../../src/core/github-release/release-body.js";
import { releaseUpdate, wantedRelease } from "../../../src/core/github-release/wanted-release.js";

const sha = (c: string) => c.repeat(64);
const base: ReleaseBodyInput = {
  version: "8.0.3",
  notes: { found: true, text: "Upgrade urgency LOW." },
  notesUrl: "https://github.com/valkey-io/valkey/blob/8.0.3/00-RELEASENOTES",
  files: [
    {
      name: "valkey-8.0.3-jammy-x86_64.tar.gz",
      size: 2_500_000,
      sha256: sha("a"),
      url: "https://download.valkey.io/releases/valkey-8.0.3-jammy-x86_64.tar.gz",
    },
    {
      name: "valkey-8.0.3-jammy-x86_64.tar.gz.asc",
      size: 833,
      sha256: sha("b"),
      url: "https://download.valkey.io/releases/valkey-8.0.3-jammy-x86_64.tar.gz.asc",
    },
    {
      name: "valkey-8.0.3-jammy-x86_64.tar.gz.intoto.jsonl",
      size: 4000,
      sha256: sha("c"),
      url: "https://download.valkey.io/releases/valkey-8.0.3-jammy-x86_64.tar.gz.intoto.jsonl",
    },
    {
      name: "evil.tar.gz",
      size: 1,
      sha256: sha("d"),
      url: "https://evil.example/evil.tar.gz",
    },
  ],
  signing: "gpg",
  publicKeyUrl: "https://download.valkey.io/releases/valkey-8.0.3-release-key.asc",
  containerImage: "valkey/valkey",
  containerTags: ["8.0.3", "8.0.3-bookworm"],
  downloadPage: "https://valkey.io/download/releases/v8-0-3/",
  allowed: {
    server: "https://github.com",
    downloads: "https://download.valkey.io/releases/",
    repos: ["valkey-io/valkey"],
  },
};

describe("renderReleaseBody", () => {
  it("lists the notes, then every published file of any kind with size, sha256 and its link", () => {
    const body = renderReleaseBody(base);
    expect(body.startsWith("Upgrade urgency LOW.\n\n## Downloads")).toBe(true);
    for (const f of base.files.slice(0, 3)) {
      expect(body).toContain(`[${f.name}](${f.url})`);
      expect(body).toContain(f.sha256);
    }
    expect(body).toContain("| 3.9 KiB |");
    expect(body).toContain("npx release-relay verify --dir . --public-key release-key.asc");
    expect(body).toContain("gpg --verify FILE.asc FILE");
    expect(body).toContain(
      "[release-key.asc](https://download.valkey.io/releases/valkey-8.0.3-release-key.asc)",
    );
    expect(body).toContain(
      "Container image `valkey/valkey`, tags `8.0.3`, `8.0.3-bookworm`: `docker pull valkey/valkey:8.0.3`",
    );
    expect(body).toContain(
      "Download page: [https://valkey.io/download/releases/v8-0-3/](https://valkey.io/download/releases/v8-0-3/)",
    );
  });

  it("names the tags alone without an image, and neither tags nor page when there are none", () => {
    expect(renderReleaseBody({ ...base, containerImage: undefined })).toContain(
      "Container image tags: `8.0.3`, `8.0.3-bookworm`\n",
    );
    const bare = renderReleaseBody({ ...base, containerTags: [], downloadPage: undefined });
    expect(bare).not.toContain("Container image");
    expect(bare).not.toContain("Download page");
  });

  it("never links a file outside the download location", () => {
    const body = renderReleaseBody(base);
    expect(body).not.toContain("](https://evil.example");
    expect(body).toContain("`https://evil.example/evil.tar.gz`");
  });

  it("says where notes are expected when the file or the version's section is missing", () => {
    expect(
      renderReleaseBody({ ...base, notes: { found: false, file: "00-RELEASENOTES", why: "no-file" } }),
    ).toMatch(
      /^_No release notes: \[00-RELEASENOTES\]\(https:\/\/github\.com\/valkey-io\/valkey\/blob\/8\.0\.3\/00-RELEASENOTES\) does not exist at this tag\._/,
    );
    const body = renderReleaseBody({
      ...base,
      notes: { found: false, file: "00-RELEASENOTES", why: "no-section", heading: "^Valkey {version} " },
    });
    expect(body).toContain("has no section whose heading matches `^Valkey {version} `");
    expect(body).toContain("## Downloads");
  });

  it("cuts notes too long for GitHub at a line, closes an open code block, and links the whole file", () => {
    const line = "x".repeat(99);
    const long = `\`\`\`\n${Array.from({ length: 2000 }, () => line).join("\n")}`;
    const body = renderReleaseBody({ ...base, notes: { found: true, text: long } });
    expect(body.length).toBeLessThanOrEqual(RELEASE_BODY_LIMIT);
    expect(body).toContain(
      `\n\`\`\`\`\`\`\n\n_The notes are cut here; read them in full in [the notes file](${base.notesUrl})._`,
    );
    expect(body).toContain("## Downloads");
    expect(body).toContain("[valkey-8.0.3-jammy-x86_64.tar.gz.intoto.jsonl]");
  });

  it("leads a yanked release with who yanked it and why, as code", () => {
    const body = renderReleaseBody({
      ...base,
      yanked: { at: "2026-12-01T10:00:00Z", reason: "broken [link](https://evil.example)", by: "alice" },
    });
    expect(
      body.startsWith(
        "> [!CAUTION]\n> **Yanked** on 2026-12-01 by `alice`: `broken [link](https://evil.example)`",
      ),
    ).toBe(true);
  });
});

describe("wantedRelease", () => {
  const input = {
    project: "valkey",
    version: "8.0.9",
    isPrerelease: false,
    mode: "publish" as const,
    complete: true,
    yanked: false,
    body: "b",
    publishedVersions: ["8.0.8"],
  };

  it("is a draft until the release is complete, then published and latest when highest", () => {
    expect(wantedRelease({ ...input, complete: false })).toMatchObject({ draft: true, makeLatest: "false" });
    expect(wantedRelease(input)).toEqual({
      name: "valkey 8.0.9",
      body: "b",
      draft: false,
      prerelease: false,
      makeLatest: "true",
    });
  });

  it("never makes an older maintenance line latest, nor a release candidate", () => {
    expect(wantedRelease({ ...input, publishedVersions: ["8.1.0", "8.0.8"] }).makeLatest).toBe("false");
    expect(
      wantedRelease({ ...input, version: "9.0.0-rc1", isPrerelease: true, publishedVersions: ["8.1.0"] }),
    ).toMatchObject({ prerelease: true, draft: false, makeLatest: "false" });
    // A release candidate of a later version does not hold a stable release back.
    expect(wantedRelease({ ...input, publishedVersions: ["8.1.0-rc1"] }).makeLatest).toBe("true");
  });

  it("stays a draft when the config keeps it so, and goes back to one when yanked", () => {
    expect(wantedRelease({ ...input, mode: "draft" }).draft).toBe(true);
    expect(wantedRelease({ ...input, yanked: true })).toMatchObject({
      draft: true,
      name: "[YANKED] valkey 8.0.9",
    });
  });
});

describe("releaseUpdate", () => {
  const current = {
    id: 1,
    tagName: "8.0.9",
    name: "valkey 8.0.9",
    body: "b",
    draft: true,
    prerelease: false,
    htmlUrl: "https://github.com/valkey-io/valkey/releases/tag/untagged-1",
    immutable: false,
    uploadUrl: "https://uploads.github.com/repos/valkey-io/valkey/releases/1/assets{?name,label}",
    assets: [],
  };
  const wanted = {
    name: "valkey 8.0.9",
    body: "b",
    draft: true,
    prerelease: false,
    makeLatest: "false" as const,
  };

  it("changes nothing when the release is as wanted", () => {
    expect(releaseUpdate(current, wanted)).toBeUndefined();
  });

  it("sends only what changed, and make_latest only when publishing", () => {
    expect(releaseUpdate(current, { ...wanted, body: "c" })).toEqual({ body: "c" });
    expect(releaseUpdate(current, { ...wanted, draft: false, makeLatest: "true" })).toEqual({
      draft: false,
      makeLatest: "true",
    });
    expect(releaseUpdate({ ...current, draft: false }, { ...wanted, name: "[YANKED] valkey 8.0.9" })).toEqual(
      {
        name: "[YANKED] valkey 8.0.9",
        draft: true,
      },
    );
  });
});
