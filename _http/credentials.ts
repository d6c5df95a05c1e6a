/**
 * The one interface the clients and the credential providers share: which
 * `Authorization` header value to send now. It lives here, in the transport
 * every client shares, so that `graphql/`, `auditlog/` and `auth/` name the
 * same type without importing each other.
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
 * import type { CredentialProvider } from "./credentials.ts";
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
