/**
 * The interfaces shared by every credential provider and OAuth flow.
 *
 * @module
 */

/** Options for {@linkcode CredentialProvider.authorization}. */
export interface AuthorizationOptions {
  /** Aborts a refresh or login that the provider runs to answer. */
  signal?: AbortSignal;
}

/**
 * Answers one question for a client: which `Authorization` header value to
 * send now.
 *
 * Personal API tokens are answered raw (as monday.com expects them), OAuth
 * access tokens as `Bearer <token>`.
 *
 * @example Implement a provider
 * ```ts
 * import type { CredentialProvider } from "./types.ts";
 * import assert from "node:assert/strict";
 *
 * const provider: CredentialProvider = {
 *   authorization: () => Promise.resolve("my-token"),
 * };
 * assert.equal(await provider.authorization(), "my-token");
 * ```
 */
export interface CredentialProvider {
  /**
   * Returns the `Authorization` header value to send now.
   *
   * @param options Signal for any refresh or login the provider runs.
   * @returns The header value.
   */
  authorization(options?: AuthorizationOptions): Promise<string>;
  /**
   * Called by a client after the server rejected a header value (HTTP 401):
   * a provider that can refresh does so on its next `authorization()` call.
   *
   * @param rejected The header value that was rejected.
   */
  invalidate?(rejected: string): void;
}

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
