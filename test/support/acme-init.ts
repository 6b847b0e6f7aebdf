import { join } from "node:path";

/** The checkouts of the made-up project "acme" the init tests write into. */
export interface AcmeCheckouts {
  main: string;
  automation: string;
  hashes: string;
}

/** `release-relay init --yes` for "acme" (main repo, automation repo, one hashes downstream) into its checkouts. */
export function acmeInitArgs(dirs: AcmeCheckouts): string[] {
  return [
    "init",
    "--yes",
    "--project",
    "acme",
    "--source",
    "acme-org/acme",
    "--automation",
    "acme-org/acme-release",
    "--bucket",
    "downloads.acme.example",
    "--downstream",
    "hashes=acme-org/acme-hashes",
    "--main-dir",
    dirs.main,
    "--automation-dir",
    dirs.automation,
    "--downstream-dir",
    `hashes=${dirs.hashes}`,
  ];
}

/** The checkouts `acmeInitArgs` names, as the folders main, automation and hashes under `root`. */
export const acmeCheckoutsUnder = (root: string): AcmeCheckouts => ({
  main: join(root, "main"),
  automation: join(root, "automation"),
  hashes: join(root, "hashes"),
});
