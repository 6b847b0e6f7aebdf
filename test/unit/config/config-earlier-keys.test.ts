import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/core/config/parse.js";

const today = readFileSync(join(import.meta.dirname, "../../../examples/valkey/release-relay.yml"), "utf8");
// The same config as it was written before the keys of downstream reports were renamed.
const earlier = today
  .replaceAll("    reports:", "    report-back:")
  .replace("  downstream-report:", "  downstream-status:");

describe("release-relay.yml written with earlier key names", () => {
  it("reads report-back as reports and senders.downstream-status as senders.downstream-report", () => {
    expect(earlier).toContain("report-back:");
    expect(earlier).toContain("downstream-status:");
    expect(parseConfig(earlier)).toEqual(parseConfig(today));
    expect(parseConfig(earlier).downstream[1]?.reports).toEqual(["ci", "merge", "image-build"]);
    expect(parseConfig(earlier).senders?.downstreamReport).toEqual(["valkey-release-relay[bot]"]);
  });

  it("refuses a downstream that gives both names", () => {
    const both = today.replace(
      "    reports: [ci, merge]\n",
      "    reports: [ci, merge]\n    report-back: [ci]\n",
    );
    expect(both).not.toBe(today);
    expect(() => parseConfig(both)).toThrow(/report-back/);
  });
});
