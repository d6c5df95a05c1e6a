/**
 * What is stored: who is logged in, until when, and the last 4 characters of
 * the tokens (never more).
 *
 * @module
 */

import { type Clock, maskSecret, systemClock } from "../_http/mod.ts";
import type { SettingsStore } from "../storage/mod.ts";
import { readPending, readTokens } from "./_record.ts";
import { decodeJwtPayload } from "./jwt.ts";
import type { OAuthVersion } from "./types.ts";

/** The stored login, safe to print. */
export interface CredentialStatus {
  /** The store's (redacted) location. */
  location: string;
  /** Whether OAuth tokens are stored. */
  loggedIn: boolean;
  /** The OAuth flavour of the stored tokens. */
  version?: OAuthVersion;
  /** The client id the tokens were issued to. */
  clientId?: string;
  /** The granted scopes. */
  scope?: string;
  /** The access token, masked to its last 4 characters. */
  accessToken?: string;
  /** The refresh token, masked to its last 4 characters. */
  refreshToken?: string;
  /** When the access token expires (ms since epoch); absent if it never does. */
  expiresAt?: number;
  /** Whether it has expired (a refresh token may still renew it). */
  expired?: boolean;
  /** When the tokens were obtained (ms since epoch). */
  obtainedAt?: number;
  /** The user the token acts for (JWT `sub` or `uid`), when readable. */
  userId?: string;
  /** The account (JWT `actid`), when readable. */
  accountId?: string;
  /** Authorizations started (`auth url`) and not yet completed or expired. */
  pendingAuthorizations: number;
}

/**
 * Reads the login kept in a store, masking tokens to their last 4 characters.
 *
 * @param store The store.
 * @param options Clock (for `expired`) and signal.
 * @returns The status.
 * @throws {SettingsDecryptError} If the store cannot be decrypted with the key.
 *
 * @example Empty store
 * ```ts
 * import { credentialStatus } from "./credential_status.ts";
 * import { MemoryStore } from "../storage/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const status = await credentialStatus(new MemoryStore(crypto.randomUUID()));
 * assert.equal(status.loggedIn, false);
 * ```
 */
export async function credentialStatus(
  store: SettingsStore,
  options: { clock?: Clock; signal?: AbortSignal } = {},
): Promise<CredentialStatus> {
  const record = await store.load(
    options.signal ? { signal: options.signal } : {},
  );
  const now = (options.clock ?? systemClock).now();
  const tokens = readTokens(record);
  const status: CredentialStatus = {
    location: store.location,
    loggedIn: tokens !== undefined,
    pendingAuthorizations: readPending(record).filter((p) => p.expiresAt > now)
      .length,
  };
  if (tokens === undefined) return status;
  status.version = tokens.version;
  if (tokens.clientId !== undefined) status.clientId = tokens.clientId;
  if (tokens.scope !== undefined) status.scope = tokens.scope;
  status.accessToken = maskSecret(tokens.accessToken);
  if (tokens.refreshToken) {
    status.refreshToken = maskSecret(tokens.refreshToken);
  }
  if (tokens.expiresAt !== undefined) {
    status.expiresAt = tokens.expiresAt;
    status.expired = tokens.expiresAt <= now;
  }
  if (tokens.obtainedAt) status.obtainedAt = tokens.obtainedAt;
  const claims = decodeJwtPayload(tokens.accessToken);
  const user = claims?.sub ?? claims?.uid;
  if (typeof user === "string" || typeof user === "number") {
    status.userId = String(user);
  }
  const account = claims?.actid;
  if (typeof account === "string" || typeof account === "number") {
    status.accountId = String(account);
  }
  return status;
}
