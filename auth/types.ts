/**
 * The interfaces shared by every credential provider and OAuth flow.
 *
 * @module
 */

export type {
  AuthorizationOptions,
  CredentialProvider,
} from "../_http/credentials.ts";

/** The OAuth flavour monday.com offers: OAuth 2.1 with PKCE (default) or legacy OAuth 2.0. */
export type OAuthVersion = "2.1" | "legacy";

/** Tokens obtained from monday.com's OAuth server, as kept in the settings store. */
export interface OAuthTokens {
  /** The access token (secret). */
  accessToken: string;
  /** The refresh token (secret); legacy OAuth 2.0 has none. */
  refreshToken?: string;
  /** `Bearer`. */
  tokenType: string;
  /** The granted scopes, space-separated, when the server named them. */
  scope?: string;
  /** When the access token expires, in ms since the epoch; absent for tokens that never expire. */
  expiresAt?: number;
  /** When the tokens were obtained, in ms since the epoch. */
  obtainedAt: number;
  /** The OAuth flavour that issued them. */
  version: OAuthVersion;
}

/** Opens a URL for the user, usually in a browser. Failures are reported but not fatal. */
export type Opener = (url: string) => void | Promise<void>;

/** Receives text meant for the user (the URL to open, notes); stderr by default. */
export type Writer = (text: string) => void | Promise<void>;
