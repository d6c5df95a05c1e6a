/**
 * Builds the right credential provider from connection options or a
 * connection string, honouring `AuthScheme` and `InitiateOAuth` as the
 * driver's users know them.
 *
 * @module
 */

import type { Clock, HttpEvent, RetryPolicy } from "../_http/mod.ts";
import {
  type ConnectionOptions,
  parseConnectionString,
  validateConnectionOptions,
} from "../connection.ts";
import type {
  OpenSettingsStoreOptions,
  SettingsStore,
} from "../storage/mod.ts";
import { desktopLogin } from "./desktop_flow.ts";
import { envCredentials } from "./env_credentials.ts";
import { createOAuthClient } from "./create_oauth_client.ts";
import { OAuthCredentials } from "./oauth_credentials.ts";
import { staticToken } from "./static_token.ts";
import type {
  CredentialProvider,
  OAuthVersion,
  Opener,
  Writer,
} from "./types.ts";

/** Extra, non-connection-string settings for {@linkcode createCredentials}. */
export interface CreateCredentialsOptions {
  /**
   * Where OAuth tokens are kept.
   *
   * @default {openSettingsStore(OAuthSettingsLocation ?? defaultSettingsPath())}
   */
  store?: SettingsStore;
  /** Key options for the settings store when it is opened here. */
  storeOptions?: OpenSettingsStoreOptions;
  /**
   * Reads environment variables for the token fallback.
   *
   * @default {Deno.env.get, without a permission prompt}
   */
  env?: (name: string) => string | undefined;
  /**
   * `2.1` (default) or `legacy` OAuth.
   *
   * @default {"2.1"}
   */
  oauthVersion?: OAuthVersion;
  /** Opens the browser in `GETANDREFRESH` logins (`false`: only print the URL). */
  opener?: Opener | false;
  /** Receives the login URL and notes (default: stderr). */
  writer?: Writer;
  /**
   * How long a `GETANDREFRESH` login waits for the browser, in ms.
   *
   * @default {300000}
   */
  loginTimeoutMs?: number;
  /**
   * How long before expiry tokens are refreshed, in ms.
   *
   * @default {300000}
   */
  refreshWindowMs?: number;
  /** The fetch to use for the OAuth server. */
  fetch?: typeof fetch;
  /** The clock for expiry and waits. */
  clock?: Clock;
  /** Retry policy for the OAuth server. */
  retry?: RetryPolicy | false;
  /** Debug hook (already redacted). */
  onEvent?: (event: HttpEvent) => void;
}

/**
 * Creates the credential provider a connection asks for:
 *
 * - `AuthScheme=Token` (default): `APIToken` (raw for GraphQL, `Bearer` for
 *   the AuditLog schema), else the `MONDAY_API_TOKEN` / `MONDAY_AUDIT_TOKEN`
 *   environment variable, read when asked.
 * - `AuthScheme=OAuth` with `InitiateOAuth`:
 *   - `OFF` (default when `OAuthAccessToken` is given): use that token (or the
 *     stored one) as is, never refresh.
 *   - `REFRESH` (default otherwise): exchange `OAuthVerifier` if given and
 *     nothing is stored, otherwise refresh what is stored; never opens a browser.
 *   - `GETANDREFRESH`: use the store, refresh when due, and run the desktop
 *     login (loopback `CallbackURL`, opener) when nothing usable is stored.
 *
 * Does no I/O until the provider is asked.
 *
 * @param options Typed connection options or a connection string.
 * @param extra Store, opener, writer, injectables.
 * @returns The provider.
 * @throws {TypeError} If the options are invalid or `OAuthClientId` is missing where needed.
 *
 * @example From a connection string
 * ```ts
 * import { createCredentials } from "./create_credentials.ts";
 * import assert from "node:assert/strict";
 *
 * const credentials = createCredentials("APIToken=my-personal-token");
 * assert.equal(await credentials.authorization(), "my-personal-token");
 * ```
 */
export function createCredentials(
  options: ConnectionOptions | string,
  extra: CreateCredentialsOptions = {},
): CredentialProvider {
  // Partial: values are checked, but a missing APIToken may come from the
  // environment and OAuth needs are checked below, per InitiateOAuth mode.
  const connection = typeof options === "string"
    ? parseConnectionString(options, { partial: true })
    : validateConnectionOptions(options, { partial: true });
  const audit = connection.schema === "AuditLog";
  if ((connection.authScheme ?? "Token") === "Token") {
    if (connection.apiToken !== undefined) {
      return staticToken(connection.apiToken, {
        scheme: audit ? "bearer" : "raw",
      });
    }
    return envCredentials({
      variable: audit ? "MONDAY_AUDIT_TOKEN" : "MONDAY_API_TOKEN",
      ...(extra.env ? { env: extra.env } : {}),
    });
  }

  const mode = connection.initiateOAuth ??
    (connection.oauthAccessToken !== undefined ? "OFF" : "REFRESH");
  if (mode === "OFF" && connection.oauthAccessToken !== undefined) {
    return staticToken(connection.oauthAccessToken, { scheme: "bearer" });
  }
  const clientId = connection.oauthClientId;
  if (clientId === undefined && mode !== "OFF") {
    throw new TypeError(
      `Cannot create OAuth credentials: 'OAuthClientId' is required with InitiateOAuth=${mode}`,
    );
  }
  const client = createOAuthClient(
    clientId === undefined
      ? { ...connection, oauthClientId: "mondaykit" } // OFF: stored tokens only
      : connection,
    extra,
  );

  return new OAuthCredentials(client, {
    mode,
    ...(extra.refreshWindowMs === undefined
      ? {}
      : { refreshWindowMs: extra.refreshWindowMs }),
    ...(connection.oauthVerifier === undefined
      ? {}
      : { verifier: connection.oauthVerifier }),
    ...(connection.oauthAccessToken === undefined
      ? {}
      : { accessToken: connection.oauthAccessToken }),
    ...(connection.oauthRefreshToken === undefined
      ? {}
      : { refreshToken: connection.oauthRefreshToken }),
    login: ({ signal }) =>
      desktopLogin(client, {
        ...(extra.opener === undefined ? {} : { opener: extra.opener }),
        ...(extra.writer === undefined ? {} : { writer: extra.writer }),
        ...(extra.loginTimeoutMs === undefined
          ? {}
          : { timeoutMs: extra.loginTimeoutMs }),
        ...(signal ? { signal } : {}),
      }),
  });
}
