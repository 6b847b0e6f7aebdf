/** Machine-readable error codes; each names one thing a user can fix. */
export type ErrorCode =
  | "E_CONFIG"
  | "E_CONFIG_YAML"
  | "E_TAG_PATTERN"
  | "E_TAG_UNSAFE"
  | "E_VERSION_INVALID"
  | "E_VERSION_CONFLICT"
  | "E_INPUT"
  | "E_USAGE"
  | "E_DOCTOR"
  | "E_PAYLOAD"
  | "E_PAYLOAD_TOO_LARGE"
  | "E_TOKEN"
  | "E_SOURCE_REPO"
  | "E_RELEASE_BRANCH"
  | "E_SOURCE_CHECKS"
  | "E_TEMPLATE"
  | "E_GITHUB"
  | "E_RATE_LIMITED"
  | "E_IMMUTABLE"
  | "E_UPLOAD_VERIFY"
  | "E_TAMPERED"
  | "E_LEDGER"
  | "E_DOWNSTREAM"
  | "E_YANKED"
  | "E_WORKFLOW"
  | "E_EXPRESSION"
  | "E_RUNNER_UNSUPPORTED"
  | "E_RUNNER_UNPINNED"
  | "E_RUNNER_STEP"
  | "E_REHEARSAL"
  | "E_REQUEST_FORGED"
  | "E_REPORT_FORGED"
  | "E_SENDER";

/** An error a user can act on: what was wrong (message) and how to fix it (hint). */
export class ReleaseRelayError extends Error {
  override readonly name = "ReleaseRelayError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }

  /** One line for logs and `core.setFailed`: code, problem, fix. */
  describe(): string {
    return `${this.code}: ${this.message} — ${this.hint}`;
  }
}

/** Renders any thrown value as one actionable line. */
export function describeError(error: unknown): string {
  if (error instanceof ReleaseRelayError) return error.describe();
  if (error instanceof Error) return error.message;
  return String(error);
}
