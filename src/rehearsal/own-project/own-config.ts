import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseDocument } from "yaml";
import { parseConfig } from "../../core/config/parse.js";
import type { Config } from "../../core/config/schema.js";
import { templateFileProblems } from "../../core/config/template-files.js";
import { ReleaseRelayError } from "../../core/errors.js";
import { checkTemplateFiles } from "../../steps/validate-config.js";
import { worldSenders } from "../example-world.js";

/** A maintainer's release-relay.yml as the rehearsal world runs it, and every change made to it. */
export interface RehearsalConfig {
  config: Config;
  configText: string;
  /** The template files the config names, by their path beside release-relay.yml. */
  templates: Record<string, Buffer>;
  skippedTargets: string[];
  /** One line per change made for the rehearsal. */
  notes: string[];
}

/** This machine's architecture as release-relay.yml names it. */
export function hostArch(): string {
  return process.arch === "x64" ? "x86_64" : process.arch;
}

/**
 * Reads and validates the project's own release-relay.yml (errors as `validate` gives them, the
 * template files beside it included), then adapts it to the rehearsal world: only the targets this
 * machine builds, the world's Apps as senders, the world's signing key, and nothing that would reach
 * the network (a public key URL, an S3 endpoint) or wait for CI the rehearsal never runs.
 */
export function rehearsalConfig(configPath: string): RehearsalConfig {
  if (!existsSync(configPath))
    throw new ReleaseRelayError(
      "E_CONFIG",
      `${configPath}: no such file`,
      "give --config the path of the project's release-relay.yml",
    );
  const text = readFileSync(configPath, "utf8");
  const original = parseConfig(text, configPath);
  checkTemplateFiles(original, configPath);
  const templates: Record<string, Buffer> = {};
  templateFileProblems(original, (path) => {
    const full = resolve(configPath, "..", path);
    if (!existsSync(full)) return undefined;
    templates[path] = readFileSync(full);
    return templates[path].toString("utf8");
  });
  const doc = parseDocument(text);
  const notes: string[] = [];

  const arch = hostArch();
  const skippedTargets: string[] = [];
  const keep = original.build.targets.map((t) => {
    const why =
      t.os !== "linux"
        ? `this machine runs linux, not ${t.os}`
        : t.arch !== arch && !t.architectureIndependent
          ? `this machine is ${arch}; the rehearsal builds only for the host's architecture`
          : undefined;
    if (why) skippedTargets.push(`${t.os}/${t.arch}${t.distro ? `/${t.distro}` : ""}: ${why}`);
    return why === undefined;
  });
  if (!keep.includes(true))
    throw new ReleaseRelayError(
      "E_REHEARSAL",
      `no build target of ${configPath} can be built here: ${skippedTargets.join("; ")}`,
      `add a target { os: linux, arch: ${arch}, runner: … } to build.targets, or rehearse on a machine of a listed target`,
    );
  const targets = doc.getIn(["build", "targets"]) as { items: unknown[] };
  targets.items = targets.items.filter((_, i) => keep[i]);

  const senders = worldSenders(original);
  const named = original.senders;
  if (
    named?.releaseRequested.join() !== senders.releaseRequested ||
    named?.downstreamReport.join() !== senders.downstreamReport
  ) {
    doc.setIn(["senders"], {
      "release-requested": [senders.releaseRequested],
      "downstream-report": [senders.downstreamReport],
    });
    notes.push(
      `senders: the rehearsal's Apps send as ${senders.releaseRequested} and ${senders.downstreamReport}; senders in release-relay.yml are set to them for the rehearsal (yours name ${named ? [...named.releaseRequested, ...named.downstreamReport].join(", ") : "nobody"})`,
    );
  }
  if (original.signing.method === "gpg") {
    doc.setIn(["signing"], { method: "ed25519", "key-secret": original.signing.keySecret });
    notes.push(
      "signing: gpg is rehearsed as ed25519 with the rehearsal's own throwaway key; your signing key is never read",
    );
  } else if (original.signing.method === "ed25519" && original.signing.publicKeyUrl) {
    doc.deleteIn(["signing", "public-key-url"]);
    notes.push(
      `signing: public-key-url (${original.signing.publicKeyUrl}) left out: the rehearsal signs with its own key and reaches no network`,
    );
  }
  if (original.upload.endpoint) {
    doc.deleteIn(["upload", "endpoint"]);
    notes.push(`upload: endpoint ${original.upload.endpoint} left out: files go to the local S3`);
  }
  if (original.source.requiredChecks) {
    doc.deleteIn(["source", "required-checks"]);
    notes.push(
      "source: required-checks left out: the rehearsal runs no CI on the tagged commit before the tag; the gate checks the release branch only",
    );
  }
  const configText = doc.toString();
  return { config: parseConfig(configText, configPath), configText, templates, skippedTargets, notes };
}
