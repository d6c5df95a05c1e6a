/**
 * Logging in on a host without a browser: print the authorization URL there
 * (the pending PKCE verifier and state stay encrypted in the store) and paste
 * back the code or the whole redirect URL; or move a desktop login over in a
 * passphrase-protected file.
 *
 * @module
 */

import {
  exportSettings,
  importSettings,
  type SettingsStore,
} from "../storage/mod.ts";
import { stderrWriter } from "./_writer.ts";
import type {
  AuthorizationRequest,
  GetAuthorizationUrlOptions,
  OAuthClient,
} from "./oauth_client.ts";
import type { OAuthTokens, Writer } from "./types.ts";

/** Options for {@linkcode headlessAuthorizationUrl}. */
export interface HeadlessAuthorizationUrlOptions
  extends Omit<GetAuthorizationUrlOptions, "session"> {
  /**
   * Receives the instructions and the URL; `false` prints nothing.
   *
   * @default {a writer to stderr}
   */
  writer?: Writer | false;
}

/**
 * Step 1 on a headless host (`mondaykit auth url`): builds the authorization
 * URL, keeps the pending PKCE verifier and state in the client's store
 * (encrypted when it is a settings file) and prints instructions.
 *
 * @param client The OAuth client; its store must persist (a settings file or
 * KV) for step 2 to run in another process.
 * @param options Callback URL, scope, writer.
 * @returns The authorization request (URL, state, expiry).
 * @throws {TypeError} If no callback URL is configured.
 *
 * @example Print a URL, then exchange the pasted redirect URL
 * ```ts
 * import { headlessAuthorizationUrl, headlessExchange } from "./headless_flow.ts";
 * import { OAuthClient } from "./oauth_client.ts";
 * import { startEmulator } from "../emulator/mod.ts";
 * import assert from "node:assert/strict";
 *
 * await using emulator = await startEmulator({ startTime: Date.now() });
 * const { clientId, clientSecret, redirectUris } = emulator.credentials.oauth;
 * const client = new OAuthClient({ clientId, clientSecret, authUrl: emulator.authUrl, callbackUrl: redirectUris[0]! });
 * const { url } = await headlessAuthorizationUrl(client, { writer: false });
 * // ... the user opens the URL elsewhere and copies the address they land on:
 * const consent = await fetch(url, { redirect: "manual" });
 * await consent.body?.cancel();
 * const tokens = await headlessExchange(client, consent.headers.get("location")!);
 * assert.ok(tokens.refreshToken);
 * ```
 */
export async function headlessAuthorizationUrl(
  client: OAuthClient,
  options: HeadlessAuthorizationUrlOptions = {},
): Promise<AuthorizationRequest> {
  const { writer: given, ...rest } = options;
  const request = await client.getAuthorizationUrl(rest);
  const writer = given ?? stderrWriter;
  if (writer !== false) {
    const minutes = Math.max(
      1,
      Math.round((request.expiresAt - client.clock.now()) / 60_000),
    );
    await writer(
      `Open this URL in a browser on any machine and approve access:\n\n  ${request.url}\n\n` +
        `The browser then goes to ${request.callbackUrl} (it may show an error page if nothing listens there).\n` +
        `Copy the whole address from the browser's address bar (or just the 'code' value) and run:\n\n` +
        `  mondaykit auth exchange '<the address or code>'\n\n` +
        `This authorization expires in ${minutes} minutes and can be used once.\n`,
    );
  }
  return request;
}

/** Options for {@linkcode headlessExchange}. */
export interface HeadlessExchangeOptions {
  /** The `state`, when only a code is pasted and several authorizations are pending. */
  state?: string;
  /** Aborts the exchange. */
  signal?: AbortSignal;
}

/**
 * Step 2 on a headless host (`mondaykit auth exchange`): exchanges the pasted
 * code or redirect URL for tokens using the pending verifier in the store, and
 * saves the tokens; from then on they are refreshed automatically.
 *
 * @param client The same client (and store) as in step 1.
 * @param codeOrUrl The code, or the whole redirect URL.
 * @param options State and signal.
 * @returns The saved tokens.
 * @throws {OAuthCallbackError} On an unknown, used or expired state, an `error=` callback, or no pending authorization.
 * @throws {LoginRequiredError} If the server refuses the code.
 *
 * @example Paste a code
 * ```ts
 * import { headlessAuthorizationUrl, headlessExchange } from "./headless_flow.ts";
 * import { OAuthClient } from "./oauth_client.ts";
 * import { startEmulator } from "../emulator/mod.ts";
 * import assert from "node:assert/strict";
 *
 * await using emulator = await startEmulator({ startTime: Date.now() });
 * const { clientId, clientSecret, redirectUris } = emulator.credentials.oauth;
 * const client = new OAuthClient({ clientId, clientSecret, authUrl: emulator.authUrl, callbackUrl: redirectUris[0]! });
 * const { url } = await headlessAuthorizationUrl(client, { writer: false });
 * const consent = await fetch(url, { redirect: "manual" });
 * await consent.body?.cancel();
 * const code = new URL(consent.headers.get("location")!).searchParams.get("code")!;
 * const tokens = await headlessExchange(client, code);
 * assert.equal(tokens.tokenType, "Bearer");
 * ```
 */
export function headlessExchange(
  client: OAuthClient,
  codeOrUrl: string,
  options: HeadlessExchangeOptions = {},
): Promise<OAuthTokens> {
  return client.exchangeCode(codeOrUrl, options);
}

/**
 * Exports a store's settings (tokens included) as a passphrase-protected blob
 * for `mondaykit auth import` on another host.
 *
 * @param store The store holding the login.
 * @param passphrase The passphrase (never stored; tell it to the other side separately).
 * @param options Abort signal.
 * @returns The blob to write to a file.
 * @throws {TypeError} If the passphrase is too short or nothing is stored.
 *
 * @example Move a login between stores
 * ```ts
 * import { exportCredentials, importCredentials } from "./headless_flow.ts";
 * import { MemoryStore } from "../storage/mod.ts";
 * import assert from "node:assert/strict";
 *
 * const desktop = new MemoryStore(crypto.randomUUID());
 * await desktop.save({ oauth: { accessToken: "a-token", version: "legacy" } });
 * const blob = await exportCredentials(desktop, "correct horse battery staple");
 * const headless = new MemoryStore(crypto.randomUUID());
 * await importCredentials(headless, blob, "correct horse battery staple");
 * assert.deepEqual(await headless.load(), await desktop.load());
 * ```
 */
export async function exportCredentials(
  store: SettingsStore,
  passphrase: string,
  options: { signal?: AbortSignal } = {},
): Promise<Uint8Array> {
  const record = await store.load(options);
  if (record === undefined) {
    throw new TypeError(
      `Cannot export credentials: nothing is stored in ${store.location} (log in first)`,
    );
  }
  return await exportSettings(store, passphrase, options);
}

/**
 * Imports a blob made by {@linkcode exportCredentials} into a store, replacing
 * what it holds.
 *
 * @param store The store on this host.
 * @param blob The exported bytes.
 * @param passphrase The passphrase used for the export.
 * @param options Abort signal.
 * @returns Once saved.
 * @throws {SettingsDecryptError} On a wrong passphrase or a tampered file.
 * @throws {SettingsFormatError} If the bytes are not an export.
 *
 * @example See {@linkcode exportCredentials}
 * ```ts
 * import { importCredentials } from "./headless_flow.ts";
 * import { MemoryStore } from "../storage/mod.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(importCredentials(new MemoryStore(crypto.randomUUID()), new Uint8Array(4), "passphrase-123"));
 * ```
 */
export async function importCredentials(
  store: SettingsStore,
  blob: Uint8Array,
  passphrase: string,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  await importSettings(store, blob, passphrase, options);
}
