/**
 * What is stored: who is logged in, until when, and the last 4 characters of
 * the tokens (never more).
 *
 * @module
 */

import { type Clock, maskSecret, redact, systemClock } from "../_http/mod.ts";
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
  /** The user's name, from {@linkcode CredentialStatusOptions.lookupUser}. */
  userName?: string;
  /** The user's email address, from {@linkcode CredentialStatusOptions.lookupUser}. */
  userEmail?: string;
  /**
   * Why {@linkcode CredentialStatusOptions.lookupUser} failed (secrets
   * removed); the rest of the status is still read from the store.
   */
  userLookupError?: string;
  /** Authorizations started (`auth url`) and not yet completed or expired. */
  pendingAuthorizations: number;
}

/** Who a user lookup found; every field optional. */
export interface UserInfo {
  /** The user's id. */
  id?: string;
  /** The user's name. */
  name?: string;
  /** The user's email address. */
  email?: string;
}

/** Options for {@linkcode credentialStatus}. */
export interface CredentialStatusOptions {
  /**
   * Decides whether the access token has expired.
   *
   * @default {systemClock}
   */
  clock?: Clock;
  /**
   * Stops reading the store and the lookup.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
  /**
   * Asks the API who the stored access token acts for (for example a
   * `me { id name email }` query), given the `Authorization` header to send.
   * Called only when a login is stored and its access token has not expired;
   * the token itself never appears in the status. A failure is kept in
   * `userLookupError` instead of being thrown.
   *
   * @default {undefined}
   */
  lookupUser?: (
    authorization: string,
    options: { signal?: AbortSignal },
  ) => Promise<UserInfo>;
}

/**
 * Reads the login kept in a store, masking tokens to their last 4 characters.
 *
 * @param store The store.
 * @param options Clock (for `expired`), signal, and an optional user lookup.
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
 *
 * @example Ask the API who is logged in
 * ```ts
 * import { credentialStatus } from "./credential_status.ts";
 * import { OAuthClient } from "./oauth_client.ts";
 * import { MemoryStore } from "../storage/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const store = new MemoryStore(crypto.randomUUID());
 * const client = new OAuthClient({ clientId: "app", store });
 * await client.saveTokens(client.tokensFrom("opaque-access-token-1234"));
 * const status = await credentialStatus(store, {
 *   // In real use: a MondayClient sending this header runs `query { me { id name email } }`.
 *   lookupUser: (authorization) => {
 *     assert.equal(authorization, "Bearer opaque-access-token-1234");
 *     return Promise.resolve({ id: "1", name: "Ada Lovelace" });
 *   },
 * });
 * assert.equal(status.userName, "Ada Lovelace");
 * assert.equal(status.accessToken, "…1234");
 * ```
 */
export async function credentialStatus(
  store: SettingsStore,
  options: CredentialStatusOptions = {},
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
  if (options.lookupUser && !status.expired) {
    try {
      const user = await options.lookupUser(`Bearer ${tokens.accessToken}`, {
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (user.id !== undefined && user.id !== "") status.userId = user.id;
      if (user.name) status.userName = user.name;
      if (user.email) status.userEmail = user.email;
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const secrets = [tokens.accessToken, tokens.refreshToken ?? ""].filter(
        (value) => value !== "",
      );
      status.userLookupError = redact(
        error instanceof Error ? error.message : String(error),
        secrets,
      );
    }
  }
  return status;
}
