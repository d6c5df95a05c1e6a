/**
 * Credentials for monday.com: the providers that clients ask "which
 * `Authorization` header now?", and the OAuth flows that obtain and refresh
 * tokens on desktops, web servers and headless hosts.
 *
 * - {@linkcode staticToken}, {@linkcode envCredentials},
 *   {@linkcode credentialChain}: personal API and audit tokens.
 * - {@linkcode OAuthClient}: OAuth 2.1 with PKCE (default) or legacy OAuth
 *   2.0: `getAuthorizationUrl`, `exchangeCode`, `refreshTokens`, `revoke`,
 *   `logout`, tokens kept in a settings store (`getAccessToken` and
 *   `refreshAccessToken` are the CData driver's names for the middle two).
 * - {@linkcode OAuthCredentials}: a provider that refreshes 5 minutes before
 *   expiry, once per process and once across processes sharing a settings file.
 * - {@linkcode desktopLogin} (loopback callback and browser),
 *   {@linkcode createWebFlow} (web apps, Deno Deploy),
 *   {@linkcode headlessAuthorizationUrl} / {@linkcode headlessExchange} and
 *   {@linkcode exportCredentials} / {@linkcode importCredentials} (headless hosts).
 * - {@linkcode createCredentials}: the right provider from a connection string.
 *
 * Permissions: `--allow-net` for the OAuth server (and the loopback callback
 * port), `--allow-read`/`--allow-write` for a settings file, `--allow-env` for
 * environment tokens and the default settings path, and optionally
 * `--allow-run` to open a browser.
 *
 * @example A personal API token from a connection string
 * ```ts
 * import { createCredentials } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const credentials = createCredentials("APIToken=my-personal-token");
 * assert.equal(await credentials.authorization(), "my-personal-token");
 * ```
 *
 * @module
 */

export type {
  AuthorizationOptions,
  CredentialProvider,
  OAuthTokens,
  OAuthVersion,
  Opener,
  Writer,
} from "./types.ts";
export {
  CredentialsUnavailableError,
  LoginRequiredError,
  OAuthCallbackError,
  type OAuthCallbackErrorCode,
  OAuthError,
} from "./errors.ts";
export { staticToken, type StaticTokenOptions } from "./static_token.ts";
export {
  envCredentials,
  type EnvCredentialsOptions,
} from "./env_credentials.ts";
export { credentialChain } from "./credential_chain.ts";
export {
  createPkcePair,
  generateState,
  pkceChallenge,
  type PkcePair,
  type RandomOptions,
} from "./pkce.ts";
export { decodeJwtPayload, jwtExpiry } from "./jwt.ts";
export {
  type AuthorizationRequest,
  type ExchangeCodeOptions,
  type GetAccessTokenOptions,
  type GetAuthorizationUrlOptions,
  type LogoutResult,
  OAuthClient,
  type OAuthClientOptions,
  type RefreshAccessTokenOptions,
  type RefreshTokensOptions,
  type RevokeOptions,
} from "./oauth_client.ts";
export {
  OAuthCredentials,
  type OAuthCredentialsOptions,
} from "./oauth_credentials.ts";
export { openBrowser, type OpenBrowserOptions } from "./open_browser.ts";
export { desktopLogin, type DesktopLoginOptions } from "./desktop_flow.ts";
export {
  createWebFlow,
  type WebAuthorization,
  type WebCallbackResult,
  type WebFlow,
  type WebFlowOptions,
} from "./web_flow.ts";
export {
  exportCredentials,
  headlessAuthorizationUrl,
  type HeadlessAuthorizationUrlOptions,
  headlessExchange,
  type HeadlessExchangeOptions,
  importCredentials,
} from "./headless_flow.ts";
export {
  type CredentialStatus,
  credentialStatus,
  type CredentialStatusOptions,
  type UserInfo,
} from "./credential_status.ts";
export {
  createOAuthClient,
  type CreateOAuthClientOptions,
} from "./create_oauth_client.ts";
export {
  createCredentials,
  type CreateCredentialsOptions,
} from "./create_credentials.ts";
export type { Clock, HttpEvent, RetryPolicy } from "../_http/mod.ts";
export { ResponseTooLargeError } from "../_http/mod.ts";
export type {
  AuthScheme,
  ConnectionOptions,
  InitiateOAuthMode,
  SchemaName,
} from "../connection.ts";
export type {
  DeleteOptions,
  KeyOptions,
  KvStoreOptions,
  LoadOptions,
  LockOptions,
  OpenSettingsStoreOptions,
  SaveOptions,
  SettingsRecord,
  SettingsStore,
} from "../storage/mod.ts";
