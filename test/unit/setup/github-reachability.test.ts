import { describe, expect, it } from "vitest";
import {
  TIMEOUT_CODE,
  unreachableCause,
  unreachableError,
} from "../../../src/core/setup/github-reachability.js";

describe("why GitHub cannot be reached, and the fix that matches", () => {
  it("names each network failure in words, with its own fix", () => {
    expect(unreachableCause("ECONNREFUSED")).toMatchObject({
      cause: "connection refused",
      fix: expect.stringContaining("--api-url"),
    });
    expect(unreachableCause("ENOTFOUND")).toMatchObject({
      cause: "host not found (DNS)",
      fix: expect.stringContaining("host name"),
    });
    expect(unreachableCause("EAI_AGAIN").cause).toBe("host not found (DNS)");
    expect(unreachableCause(TIMEOUT_CODE, 7)).toMatchObject({
      cause: "no answer in 7 s",
      fix: expect.stringContaining("proxy"),
    });
    expect(unreachableCause("SELF_SIGNED_CERT_IN_CHAIN")).toMatchObject({
      cause: expect.stringContaining("certificate is not trusted"),
      fix: expect.stringContaining("NODE_EXTRA_CA_CERTS"),
    });
    expect(unreachableCause("ECONNRESET").fix).toContain("proxy");
    // An unknown code is still said as it is, never hidden.
    expect(unreachableCause("EWHATEVER").cause).toBe("EWHATEVER");
  });

  it("is one line: the host, the cause, then the fix", () => {
    const error = unreachableError("api.github.com", "ENOTFOUND");
    expect(error.code).toBe("E_GITHUB");
    expect(error.message).toBe("cannot reach api.github.com: host not found (DNS)");
    expect(error.describe()).not.toContain("\n");
  });
});
