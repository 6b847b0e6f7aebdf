import semver from "semver";
import { z } from "zod";
import { ReleaseRelayError } from "../../errors.js";
import { defineUpdater } from "./updater.js";

/** A new entry of a Debian changelog (debian/changelog, Debian Policy §4.4). */
export interface ChangelogEntry {
  /** Source package; defaults to the newest entry's. */
  package?: string | undefined;
  /** Upstream version as released (8.1.0-rc1); written Debian-style (8.1.0~rc1) with the revision. */
  upstreamVersion: string;
  revision: string;
  distribution: string;
  urgency: string;
  /** `Full Name <email>`. */
  maintainer: string;
  changes: readonly string[];
  /** Release date, YYYY-MM-DD (the entry is dated at midnight UTC, so a rerun writes the same bytes). */
  date: string;
}

const HEADER = /^([a-z0-9][a-z0-9+.-]+) \(([^()\s]+)\) ([^;]+); (.+)$/;

/** The Debian version of an upstream release: a pre-release sorts before its release (`~`). */
export function debianVersion(upstream: string, revision: string): string {
  return `${upstream.replace("-", "~")}-${revision}`;
}

/** RFC 2822 date of a YYYY-MM-DD day at midnight UTC, as dpkg-parsechangelog reads it. */
function changelogDate(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(d.getTime()))
    throw new ReleaseRelayError(
      "E_INPUT",
      `release date ${JSON.stringify(day)} is not YYYY-MM-DD`,
      "pass the release date",
    );
  const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d.getUTCDay()];
  const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][
    d.getUTCMonth()
  ];
  return `${weekday}, ${String(d.getUTCDate()).padStart(2, "0")} ${month} ${d.getUTCFullYear()} 00:00:00 +0000`;
}

/** The upstream part of a Debian version as semver (epoch and revision dropped, `~` read as a pre-release). */
function upstreamOf(debian: string): semver.SemVer | null {
  const noEpoch = debian.replace(/^\d+:/, "");
  const upstream = noEpoch.includes("-") ? noEpoch.slice(0, noEpoch.lastIndexOf("-")) : noEpoch;
  return semver.parse(upstream.replace("~", "-")) ?? semver.coerce(upstream);
}

/**
 * Puts a new entry on top of a Debian changelog. An entry for this upstream version already in the
 * file is a no-op (the release was recorded); a version older than the newest entry is refused, since
 * a changelog is one line of history (an older line's packaging lives on its own branch).
 */
export function prependChangelogEntry(content: string, entry: ChangelogEntry, file: string): string {
  const lines = content.split("\n");
  const top = lines.find((l) => l.trim() !== "");
  const head = top ? HEADER.exec(top) : null;
  if (top !== undefined && !head)
    throw new ReleaseRelayError(
      "E_DOWNSTREAM",
      `${file} does not start with a Debian changelog entry: ${JSON.stringify(top.slice(0, 120))}`,
      "point the edit at debian/changelog (the first line reads: package (version) distribution; urgency=…)",
    );
  const pkg = entry.package ?? head?.[1];
  if (!pkg)
    throw new ReleaseRelayError(
      "E_DOWNSTREAM",
      `${file} is empty and the edit names no package`,
      "set package:",
    );
  const version = debianVersion(entry.upstreamVersion, entry.revision);
  const released = upstreamOf(version);
  for (const line of lines) {
    const m = HEADER.exec(line);
    if (m && m[1] === pkg && upstreamOf(m[2] as string)?.compare(released ?? "0.0.0") === 0) return content;
  }
  const newest = head ? upstreamOf(head[2] as string) : null;
  if (newest && released && semver.lt(released, newest))
    throw new ReleaseRelayError(
      "E_DOWNSTREAM",
      `${file}'s newest entry is ${head?.[2]}; ${version} is older`,
      "an older line's packaging lives on its own branch: give that downstream the line's base-branch",
    );
  for (const [what, text] of [
    ["maintainer", entry.maintainer],
    ["distribution", entry.distribution],
    ["urgency", entry.urgency],
    ...entry.changes.map((c) => ["change", c]),
  ] as const)
    if (/[\r\n]/.test(text))
      throw new ReleaseRelayError(
        "E_DOWNSTREAM",
        `${file}: the ${what} spans several lines`,
        "one line each",
      );
  const block = [
    `${pkg} (${version}) ${entry.distribution}; urgency=${entry.urgency}`,
    "",
    ...entry.changes.map((c) => `  * ${c}`),
    "",
    ` -- ${entry.maintainer}  ${changelogDate(entry.date)}`,
  ].join("\n");
  return content.trim() === "" ? `${block}\n` : `${block}\n\n${content}`;
}

export const debianChangelogUpdater = defineUpdater({
  kind: "debian-changelog",
  shape: {
    file: z.string().min(1).default("debian/changelog"),
    // The source package; the newest entry's when not given.
    package: z
      .string()
      .regex(/^[a-z0-9][a-z0-9+.-]+$/, { error: "expected a Debian source package name" })
      .optional(),
    revision: z
      .string()
      .regex(/^[A-Za-z0-9+.~]+$/, { error: "expected a Debian revision such as 1" })
      .default("1"),
    distribution: z
      .string()
      .regex(/^[a-z0-9][a-z0-9 .+-]*$/)
      .default("unstable"),
    urgency: z.enum(["low", "medium", "high", "emergency", "critical"]).default("medium"),
    maintainer: z.string().regex(/^[^<>\r\n]+ <[^<>\s]+@[^<>\s]+>$/, {
      error: "expected `Full Name <email>`",
    }),
    changes: z.array(z.string().min(1)).min(1).default(["New upstream release {version}."]),
  },
  apply: (edit, content, { file, render, values }) =>
    prependChangelogEntry(
      content,
      {
        package: edit.package,
        upstreamVersion: String(values.version),
        revision: edit.revision,
        distribution: edit.distribution,
        urgency: edit.urgency,
        maintainer: edit.maintainer,
        changes: edit.changes.map((c, j) => render(c, `changes[${j}]`)),
        date: String(values.date),
      },
      file,
    ),
});
