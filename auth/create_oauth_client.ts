/**
 * Builds an {@linkcode OAuthClient} from connection options: the one mapping
 * from `OAuthClientId`, `OAuthClientSecret`, `AuthUrl`, `CallbackURL`,
 * `Scope`, `Timeout` and `OAuthSettingsLocation` to client options, shared by
 * {@linkcode createCredentials} and the CLI's `auth` commands.
 *
 * @module
 */

import type { Clock, HttpEvent, RetryPolicy } from "../_http/mod.ts";
import type { ConnectionOptions } from "../connection.ts";
import {
  defaultSettingsPath,
  openSettingsStore,
  type OpenSettingsStoreOptions,
  type SettingsStore,
} from "../storage/mod.ts";
import { OAuthClient, type OAuthClientOptions } from "./oauth_client.ts";
import type { OAuthVersion } from "./types.ts";

/** Settings for {@linkcode createOAuthClient} beyond the connection. */
export interface CreateOAuthClientOptions {
  /**
   * Where tokens and pending authorizations are kept.
   *
   * @default {openSettingsStore(OAuthSettingsLocation ?? defaultSettingsPath())}
   */
  store?: SettingsStore;
  /** Key options for the settings store when it is opened here. */
  storeOptions?: OpenSettingsStoreOptions;
  /**
   * `2.1` (default) or `legacy` OAuth.
   *
   * @default {"2.1"}
   */
  oauthVersion?: OAuthVersion;
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
 * Creates the OAuth client a connection describes. Does no I/O.
 *
 * @param connection Validated connection options; `OAuthClientId` is
 *   required.
 * @param options Store and injectables.
 * @returns The client.
 * @throws {TypeError} When `OAuthClientId` is missing.
 *
 * @example From typed options
 * ```ts
 * import assert from "node:assert/strict";
 * import { createOAuthClient } from "./create_oauth_client.ts";
 * import { MemoryStore } from "../storage/mod.ts";
 *
 * const client = createOAuthClient(
 *   { authScheme: "OAuth", oauthClientId: "app-id", callbackUrl: "http://127.0.0.1:8976/callback" },
 *   { store: new MemoryStore("example") },
 * );
 * const { url } = await client.getAuthorizationUrl();
 * assert.equal(new URL(url).searchParams.get("client_id"), "app-id");
 * ```
 */
export function createOAuthClient(
  connection: ConnectionOptions,
  options: CreateOAuthClientOptions = {},
): OAuthClient {
  if (connection.oauthClientId === undefined) {
    throw new TypeError(
      "Cannot create an OAuth client: 'OAuthClientId' is required",
    );
  }
  const store = options.store ??
    openSettingsStore(
      connection.oauthSettingsLocation ?? defaultSettingsPath(),
      options.storeOptions ?? {},
    );
  const clientOptions: OAuthClientOptions = {
    clientId: connection.oauthClientId,
    store,
  };
  if (connection.oauthClientSecret !== undefined) {
    clientOptions.clientSecret = connection.oauthClientSecret;
  }
  if (connection.authUrl !== undefined) {
    clientOptions.authUrl = connection.authUrl;
  }
  if (connection.callbackUrl !== undefined) {
    clientOptions.callbackUrl = connection.callbackUrl;
  }
  if (connection.scope !== undefined) clientOptions.scope = connection.scope;
  if (connection.timeout !== undefined && connection.timeout > 0) {
    clientOptions.timeoutMs = connection.timeout * 1000;
  }
  if (options.oauthVersion !== undefined) {
    clientOptions.version = options.oauthVersion;
  }
  if (options.fetch) clientOptions.fetch = options.fetch;
  if (options.clock) clientOptions.clock = options.clock;
  if (options.retry !== undefined) clientOptions.retry = options.retry;
  if (options.onEvent) clientOptions.onEvent = options.onEvent;
  return new OAuthClient(clientOptions);
}
