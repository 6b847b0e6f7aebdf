// The tokens the emulator accepts: who each one is, what it may do and, for App installation
// tokens, until when.
import { normaliseGrant, type TokenGrant } from "./permissions.js";

export class TokenRegistry {
  private grants = new Map<string, TokenGrant>();
  /** When each expiring token stops working (ms on the emulator's clock). */
  private expiries = new Map<string, number>();

  constructor(private readonly now: () => Date) {}

  /**
   * GitHub App installation tokens expire one hour after they are minted (GitHub Apps docs
   * "Authenticating as a GitHub App installation"; the create-github-app-token README), after which
   * GitHub answers 401 "Bad credentials".
   */
  add(token: string, grant: TokenGrant, options: { expiresInMinutes?: number } = {}): void {
    this.grants.set(token, normaliseGrant(grant));
    if (options.expiresInMinutes !== undefined)
      this.expiries.set(token, this.now().getTime() + options.expiresInMinutes * 60_000);
  }

  /** When an expiring token stops working (ISO 8601), as GitHub returns it with the token. */
  expiryOf(token: string): string | undefined {
    const at = this.expiries.get(token);
    return at === undefined ? undefined : new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  /** What a token may do, as registered; undefined for a token the emulator does not know or that expired. */
  grantOf(token: string): TokenGrant | undefined {
    const expires = this.expiries.get(token);
    if (expires !== undefined && this.now().getTime() >= expires) return undefined;
    return this.grants.get(token);
  }
}
