import { ReleaseRelayError } from "../errors.js";

/** How long the doctor waits for GitHub's first answer before it says GitHub cannot be reached. */
export const REACH_TIMEOUT_SECONDS = 10;

/** What "no answer in time" is called among the network error codes. */
export const TIMEOUT_CODE = "TIMEOUT";

// TLS failures are reported by Node under many codes; they all come down to one fix.
const isCertificateCode = (code: string) =>
  code.includes("CERT") || code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE";

const API_URL_FIX = "--api-url (GITHUB_API_URL in a workflow; GitHub Enterprise: https://HOST/api/v3)";

/** The cause of a network failure, in words, and the fix that matches it. */
export function unreachableCause(
  code: string,
  timeoutSeconds = REACH_TIMEOUT_SECONDS,
): { cause: string; fix: string } {
  if (code === "ECONNREFUSED")
    return {
      cause: "connection refused",
      fix: `nothing listens there: check the host and port in ${API_URL_FIX}, and any proxy or firewall on the way`,
    };
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return {
      cause: "host not found (DNS)",
      fix: `check the host name in ${API_URL_FIX}, and this machine's network and DNS`,
    };
  if (code === TIMEOUT_CODE || code === "ETIMEDOUT" || code === "UND_ERR_CONNECT_TIMEOUT")
    return {
      cause: `no answer in ${timeoutSeconds} s`,
      fix: `check this machine's network, proxy and firewall, and ${API_URL_FIX}`,
    };
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET")
    return {
      cause: "the connection was closed before an answer",
      fix: "check a proxy or firewall between here and the host, and that the URL speaks HTTP(S)",
    };
  if (code === "ENETUNREACH" || code === "EHOSTUNREACH")
    return {
      cause: "no route to the host",
      fix: "check this machine's network connection (and VPN), proxy and firewall",
    };
  if (isCertificateCode(code))
    return {
      cause: `its TLS certificate is not trusted (${code})`,
      fix: "point NODE_EXTRA_CA_CERTS at the CA bundle of your GitHub Enterprise server or TLS-intercepting proxy",
    };
  return {
    cause: code,
    fix: `check this machine's network, proxy and firewall, and ${API_URL_FIX}`,
  };
}

/** GitHub (or the API at `host`) gave no HTTP answer at all: one line, with the fix for its cause. */
export function unreachableError(
  host: string,
  code: string,
  timeoutSeconds = REACH_TIMEOUT_SECONDS,
): ReleaseRelayError {
  const { cause, fix } = unreachableCause(code, timeoutSeconds);
  return new ReleaseRelayError("E_GITHUB", `cannot reach ${host}: ${cause}`, fix);
}
