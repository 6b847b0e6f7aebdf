import { describe, expect, it } from "vitest";
import { parseChecksums, renderChecksums } from "../../../src/core/artifacts/checksums.js";

const hex = (c: string) => c.repeat(64);

describe("renderChecksums", () => {
  it("writes each line as `<hex>␠␠<name>\\n`, sorted bytewise by name, and nothing else", () => {
    const text = renderChecksums([
      { name: "valkey-8.0.2.tar.gz", digest: hex("b") },
      { name: "Valkey-8.0.2-src.zip", digest: hex("c") },
      { name: "valkey-8.0.2-jammy-arm64.tar.gz", digest: hex("a") },
    ]);
    expect(text).toBe(
      `${hex("c")}  Valkey-8.0.2-src.zip\n` +
        `${hex("a")}  valkey-8.0.2-jammy-arm64.tar.gz\n` +
        `${hex("b")}  valkey-8.0.2.tar.gz\n`,
    );
  });

  it("is what `sha256sum -c` reads back as text-mode lines", () => {
    const entries = [{ name: "a.tar.gz", digest: hex("d") }];
    expect(parseChecksums(renderChecksums(entries))).toEqual([{ ...entries[0], binary: false }]);
  });

  it("refuses a name sha256sum would have to escape, and a name given twice", () => {
    expect(() => renderChecksums([{ name: "a\nb", digest: hex("a") }])).toThrow("has a backslash or newline");
    expect(() =>
      renderChecksums([
        { name: "a", digest: hex("a") },
        { name: "a", digest: hex("b") },
      ]),
    ).toThrow("two artifacts are named a");
  });
});
