/**
 * The OAuth client for monday.com: authorization URLs with PKCE and `state`,
 * code exchange, refresh and revoke, for OAuth 2.1 (default) and legacy
 * OAuth 2.0.
 *
 * @module
 */

import {
  assertSecureUrl,
  type Clock,
  DEFAULT_MAX_RESPONSE_BYTES,
  type HttpEvent,
  type RetryPolicy,
  SecretSet,
  systemClock,
} from "../_http/mod.ts";
import { MemoryStore, type SettingsStore } from "../storage/mod.ts";
import { DEFAULT_AUTH_URL } from "../connection.ts";
import { secureRandomBytes } from "./_base64url.ts";
import { parseCallbackInput } from "./_callback_input.ts";
import {
  addPending,
  takePending,
  updateRecord,
} from "./_pending_authorizations.ts";
import {
  MAX_PENDING,
  type PendingAuthorization,
  readTokens,
  writeTokens,
} from "./_record.ts";
import { needsRefresh, refreshWindow } from "./_refresh_policy.ts";
import { TokenEndpoint, type TokenResponse } from "./_token_endpoint.ts";
import { LoginRequiredError, OAuthCallbackError } from "./errors.ts";
import { jwtExpiry } from "./jwt.ts";
import { createPkcePair, generateState } from "./pkce.ts";
import type { OAuthTokens, OAuthVersion } from "./types.ts";

/** Options for {@linkcode OAuthClient}. */
export interface OAuthClientOptions {
  /** The app's OAuth client id. */
  clientId: string;
  /** The app's client secret (kept private, never shown). */
  clientSecret?: string;
  /**
   * `2.1` (PKCE, expiring JWT access tokens, rotating refresh tokens) or
   * `legacy` (OAuth 2.0, tokens that never expire).
   *
   * @default {"2.1"}
   */
  version?: OAuthVersion;
  /**
   * The OAuth server's base URL; https, or http to a loopback host.
   *
   * @default {"https://auth.monday.com"}
   */
  authUrl?: string;
  /** The registered redirect URI (`CallbackURL`), used when a call names none. */
  callbackUrl?: string;
  /** Scopes to request, space-separated, used when a call names none. */
  scope?: string;
  /**
   * Where tokens and pending authorizations are kept.
   *
   * @default {a new in-memory store}
   */
  store?: SettingsStore;
  /**
   * How the client authenticates at the token endpoint.
   *
   * @default {"client_secret_post"}
   */
  clientAuthentication?: "client_secret_post" | "client_secret_basic";
  /**
   * The fetch to use.
   *
   * @default {globalThis.fetch}
   */
  fetch?: typeof fetch;
  /**
   * Time source for expiry and retry waits.
   *
   * @default {systemClock}
   */
  clock?: Clock;
  /**
   * Random bytes for PKCE verifiers and states.
   *
   * @default {crypto.getRandomValues}
   */
  randomBytes?: (length: number) => Uint8Array;
  /**
   * Retry policy for network errors, 429 and 5xx; `false` disables retries.
   *
   * @default {{ maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30000 }}
   */
  retry?: RetryPolicy | false;
  /**
   * Per-attempt timeout in ms.
   *
   * @default {60000}
   */
  timeoutMs?: number;
  /** Debug hook for each HTTP event (already redacted). */
  onEvent?: (event: HttpEvent) => void;
  /**
   * How long a pending authorization (`state`, verifier) stays valid, in ms.
   *
   * @default {600000}
   */
  stateTtlMs?: number;
  /**
   * How many unexpired pending authorizations are kept; the oldest is dropped
   * beyond that. Raise it for a web app where many users log in at once.
   *
   * @default {20}
   */
  maxPendingAuthorizations?: number;
  /**
   * The largest answer read from the token and revoke endpoints, in bytes;
   * a larger one fails with `ResponseTooLargeError`.
   *
   * @default {DEFAULT_MAX_RESPONSE_BYTES}
   */
  maxResponseBytes?: number;
}

/** Options for {@linkcode OAuthClient.getAuthorizationUrl}. */
export interface GetAuthorizationUrlOptions {
  /** The redirect URI; must exactly match one registered for the app. Defaults to the client's `callbackUrl`. */
  callbackUrl?: string;
  /** Scopes, space-separated. Defaults to the client's `scope`. */
  scope?: string;
  /** A caller-chosen state of at least 22 unreserved characters; by default 256 random bits. */
  state?: string;
  /** Binds the authorization to a browser session (web flow); the callback must name the same session. */
  session?: string;
  /** Extra query parameters, e.g. `app_version_id` or `force_install_if_needed`. */
  extraParams?: Record<string, string>;
  /** Aborts saving the pending authorization. */
  signal?: AbortSignal;
}

/** A started authorization: the URL to open and what identifies it. */
export interface AuthorizationRequest {
  /** The URL the user opens to consent. */
  url: string;
  /** The `state` value, single use. */
  state: string;
  /** The redirect URI the callback will arrive at. */
  callbackUrl: string;
  /** When the pending authorization expires, ms since epoch. */
  expiresAt: number;
}

/** Options for {@linkcode OAuthClient.exchangeCode}. */
export interface ExchangeCodeOptions {
  /** The `state` of the callback when only a code is given. */
  state?: string;
  /** The session the authorization was bound to (web flow). */
  session?: string;
  /** The redirect URI, when no pending authorization records it (legacy only). */
  callbackUrl?: string;
  /**
   * Whether to save the tokens in the client's store.
   *
   * @default {true}
   */
  save?: boolean;
  /** Aborts the exchange. */
  signal?: AbortSignal;
}

/**
 * Options for {@linkcode OAuthClient.getAccessToken}, the CData-named alias
 * of {@linkcode OAuthClient.exchangeCode}: the same as
 * {@linkcode ExchangeCodeOptions}.
 */
export type GetAccessTokenOptions = ExchangeCodeOptions;

/** Options for {@linkcode OAuthClient.refreshTokens}. */
export interface RefreshTokensOptions {
  /**
   * Refresh only when the stored access token is due (expires within
   * `refreshWindowMs`) or equals `rejected`; otherwise return the stored
   * tokens. Used to skip a refresh another process already made.
   *
   * @default {false}
   */
  onlyIfDue?: boolean;
  /** An access token the API rejected: refresh even if it looks fresh. */
  rejected?: string;
  /**
   * How long before expiry a token is due, in ms.
   *
   * @default {300000}
   */
  refreshWindowMs?: number;
  /** A refresh token to use when the store holds none (it is then saved). */
  refreshToken?: string;
  /** Aborts waiting for the lock and the request. */
  signal?: AbortSignal;
}

/**
 * Options for {@linkcode OAuthClient.refreshAccessToken}, the CData-named
 * alias of {@linkcode OAuthClient.refreshTokens}: the same as
 * {@linkcode RefreshTokensOptions}.
 */
export type RefreshAccessTokenOptions = RefreshTokensOptions;

/** Options for {@linkcode OAuthClient.revoke}. */
export interface RevokeOptions {
  /** The token to revoke; by default the stored refresh token, else the stored access token. */
  token?: string;
  /** `access_token` or `refresh_token`. */
  tokenTypeHint?: "access_token" | "refresh_token";
  /** Aborts the request. */
  signal?: AbortSignal;
}

/** What {@linkcode OAuthClient.logout} did. */
export interface LogoutResult {
  /** Whether tokens were stored. */
  hadTokens: boolean;
  /** Whether the server confirmed the revocation. */
  revoked: boolean;
  /** Why revocation failed, if it did (no secrets). */
  error?: string;
}

/**
 * An OAuth client for monday.com. It keeps tokens and pending authorizations
 * in a {@linkcode SettingsStore} (an encrypted file, memory or Deno KV), so a
 * login survives restarts and other processes can share it.
 *
 * Needs `--allow-net` for the OAuth server, plus what the store needs.
 *
 * @example Authorize, exchange, refresh against the emulator
 * ```ts
 * import { OAuthClient } from "./oauth_client.ts";
 * import { startEmulator } from "../emulator/mod.ts";
 * import assert from "node:assert/strict";
 *
 * await using emulator = await startEmulator({ startTime: Date.now() });
 * const { clientId, clientSecret, redirectUris } = emulator.credentials.oauth;
 * const client = new OAuthClient({
 *   clientId,
 *   clientSecret,
 *   authUrl: emulator.authUrl,
 *   callbackUrl: redirectUris[0]!,
 *   scope: "boards:read me:read",
 * });
 * const { url } = await client.getAuthorizationUrl();
 * // The emulator consents at once and redirects to the callback with a code.
 * const consent = await fetch(url, { redirect: "manual" });
 * await consent.body?.cancel();
 * const tokens = await client.exchangeCode(consent.headers.get("location")!);
 * assert.equal(tokens.version, "2.1");
 * const refreshed = await client.refreshTokens();
 * assert.notEqual(refreshed.refreshToken, tokens.refreshToken);
 * ```
 */
export class OAuthClient {
  readonly #clientId: string;
  readonly #version: OAuthVersion;
  readonly #authUrl: string;
  readonly #callbackUrl: string | undefined;
  readonly #scope: string | undefined;
  readonly #store: SettingsStore;
  readonly #clock: Clock;
  readonly #randomBytes: (length: number) => Uint8Array;
  readonly #stateTtlMs: number;
  readonly #maxPending: number;
  readonly #endpoint: TokenEndpoint;
  readonly #options: OAuthClientOptions;
  readonly #secrets: SecretSet = new SecretSet();

  /**
   * Creates a client. Does no I/O.
   *
   * @param options Client id and secret, OAuth flavour, URLs, store, and injectables.
   * @throws {TypeError} If `clientId` is missing, `authUrl` is not https (or
   * http to loopback), or `callbackUrl` is not an absolute URL.
   * @throws {RangeError} If `stateTtlMs`, `maxPendingAuthorizations` or
   * `maxResponseBytes` is out of range.
   */
  constructor(options: OAuthClientOptions) {
    if (
      typeof options?.clientId !== "string" || options.clientId.trim() === ""
    ) {
      throw new TypeError(
        "Cannot create OAuth client: 'clientId' must be a non-empty string",
      );
    }
    const version = options.version ?? "2.1";
    if (version !== "2.1" && version !== "legacy") {
      throw new TypeError(
        `Cannot create OAuth client: unknown version '${
          String(version)
        }' (expected '2.1' or 'legacy')`,
      );
    }
    const authUrl = (options.authUrl ?? DEFAULT_AUTH_URL).replace(/\/+$/, "");
    assertSecureUrl(authUrl, "authUrl");
    if (options.callbackUrl !== undefined) {
      checkCallbackUrl(options.callbackUrl);
    }
    const stateTtlMs = options.stateTtlMs ?? 600_000;
    if (!(stateTtlMs > 0) || !Number.isFinite(stateTtlMs)) {
      throw new RangeError(
        `Cannot create OAuth client: 'stateTtlMs' must be a positive number, got ${stateTtlMs}`,
      );
    }
    const maxPending = options.maxPendingAuthorizations ?? MAX_PENDING;
    if (!Number.isInteger(maxPending) || maxPending < 1) {
      throw new RangeError(
        `Cannot create OAuth client: 'maxPendingAuthorizations' must be a positive integer, got ${maxPending}`,
      );
    }
    this.#maxPending = maxPending;
    this.#options = options;
    this.#clientId = options.clientId.trim();
    this.#version = version;
    this.#authUrl = authUrl;
    this.#callbackUrl = options.callbackUrl;
    this.#scope = options.scope;
    this.#store = options.store ?? new MemoryStore(crypto.randomUUID());
    this.#clock = options.clock ?? systemClock;
    this.#randomBytes = options.randomBytes ?? secureRandomBytes;
    this.#stateTtlMs = stateTtlMs;
    const maxResponseBytes = options.maxResponseBytes ??
      DEFAULT_MAX_RESPONSE_BYTES;
    if (!Number.isInteger(maxResponseBytes) || maxResponseBytes < 1) {
      throw new RangeError(
        `Cannot create OAuth client: 'maxResponseBytes' must be a positive integer, got ${maxResponseBytes}`,
      );
    }
    const endpointOptions: ConstructorParameters<typeof TokenEndpoint>[0] = {
      clientId: this.#clientId,
      clientSecret: options.clientSecret,
      clientAuthentication: options.clientAuthentication ??
        "client_secret_post",
      secrets: this.#secrets,
      clock: this.#clock,
      maxResponseBytes,
    };
    if (options.fetch) endpointOptions.fetch = options.fetch;
    if (options.retry !== undefined) endpointOptions.retry = options.retry;
    if (options.timeoutMs !== undefined) {
      endpointOptions.timeoutMs = options.timeoutMs;
    }
    if (options.onEvent) endpointOptions.onEvent = options.onEvent;
    this.#endpoint = new TokenEndpoint(endpointOptions);
  }

  /** The app's client id. */
  get clientId(): string {
    return this.#clientId;
  }

  /** `2.1` or `legacy`. */
  get version(): OAuthVersion {
    return this.#version;
  }

  /** The OAuth server's base URL. */
  get authUrl(): string {
    return this.#authUrl;
  }

  /** The default redirect URI, if configured. */
  get callbackUrl(): string | undefined {
    return this.#callbackUrl;
  }

  /** The default scopes, if configured. */
  get scope(): string | undefined {
    return this.#scope;
  }

  /** The store holding tokens and pending authorizations. */
  get store(): SettingsStore {
    return this.#store;
  }

  /** The clock used for expiry. */
  get clock(): Clock {
    return this.#clock;
  }

  /**
   * Returns a client with the same configuration that keeps its tokens in
   * another store (for example one store per user in a web app).
   *
   * @param store The other store.
   * @returns The new client.
   */
  withStore(store: SettingsStore): OAuthClient {
    return new OAuthClient({ ...this.#options, store });
  }

  /**
   * Builds the authorization URL (the CData driver's
   * `GetOAuthAuthorizationURL`) and keeps the
   * pending PKCE verifier and `state` in the store; the state is single use and
   * expires after `stateTtlMs`.
   *
   * @param options Callback URL, scope, state and session.
   * @returns The URL and the state.
   * @throws {TypeError} If no callback URL is configured or given, or `state` is too short.
   */
  async getAuthorizationUrl(
    options: GetAuthorizationUrlOptions = {},
  ): Promise<AuthorizationRequest> {
    const callbackUrl = options.callbackUrl ?? this.#callbackUrl;
    if (callbackUrl === undefined) {
      throw new TypeError(
        "Cannot build authorization URL: no 'callbackUrl' given or configured",
      );
    }
    checkCallbackUrl(callbackUrl);
    let state = options.state;
    if (state === undefined) {
      state = generateState({ randomBytes: this.#randomBytes });
    } else if (!/^[A-Za-z0-9\-._~]{22,512}$/.test(state)) {
      throw new TypeError(
        "Cannot build authorization URL: 'state' must be 22-512 unreserved characters (at least 128 bits)",
      );
    }
    const scope = options.scope ?? this.#scope;
    const url = new URL(`${this.#authUrl}/oauth2/authorize`);
    url.searchParams.set("client_id", this.#clientId);
    url.searchParams.set("redirect_uri", callbackUrl);
    url.searchParams.set("response_type", "code");
    url.searchParams.set("state", state);
    if (scope) url.searchParams.set("scope", scope);
    const pending: PendingAuthorization = {
      state,
      callbackUrl,
      expiresAt: this.#clock.now() + this.#stateTtlMs,
    };
    if (this.#version === "2.1") {
      const pkce = await createPkcePair({ randomBytes: this.#randomBytes });
      url.searchParams.set("code_challenge", pkce.challenge);
      url.searchParams.set("code_challenge_method", pkce.method);
      pending.verifier = pkce.verifier;
    }
    if (scope) pending.scope = scope;
    if (options.session !== undefined) pending.session = options.session;
    for (const [name, value] of Object.entries(options.extraParams ?? {})) {
      url.searchParams.set(name, value);
    }
    await addPending(this.#store, pending, {
      now: this.#clock.now(),
      max: this.#maxPending,
      signal: options.signal,
    });
    return {
      url: url.toString(),
      state,
      callbackUrl,
      expiresAt: pending.expiresAt,
    };
  }

  /**
   * Exchanges an authorization code for tokens. Give the
   * code, or the whole redirect URL pasted back (its `state` is checked, and
   * its `error=` reported). The pending authorization is consumed first, so a
   * callback can be used once. Tokens are saved in the store.
   *
   * @param codeOrUrl The code, or the redirect URL with `code` and `state`.
   * @param options State, session, callback URL, whether to save.
   * @returns The tokens.
   * @throws {OAuthCallbackError} On an unknown, used or expired state, an `error=` callback, or no pending authorization (OAuth 2.1 needs its verifier).
   * @throws {LoginRequiredError} If the server refuses the code (`invalid_grant`, ...).
   * @throws {OAuthError} If the server keeps failing (429, 5xx) or answers nonsense.
   */
  async exchangeCode(
    codeOrUrl: string,
    options: ExchangeCodeOptions = {},
  ): Promise<OAuthTokens> {
    const callback = parseCallbackInput(codeOrUrl);
    const state = callback.state ?? options.state;
    if (callback.fromUrl && state === undefined) {
      throw new OAuthCallbackError(
        "Authorization callback refused: it carries no state",
        { code: "state_mismatch" },
      );
    }
    const pending = await takePending(this.#store, {
      state,
      session: options.session,
      isError: callback.error !== undefined,
      now: this.#clock.now(),
      signal: options.signal,
    });
    if (callback.error !== undefined) {
      const description = callback.errorDescription;
      throw new OAuthCallbackError(
        `Authorization failed: '${callback.error}'${
          description ? `: ${description}` : ""
        }`,
        description === undefined
          ? { code: callback.error }
          : { code: callback.error, description },
      );
    }
    if (callback.code === undefined) {
      throw new OAuthCallbackError(
        "Authorization callback has no 'code' parameter",
        { code: "missing_code" },
      );
    }
    const code = callback.code;
    if (pending === undefined && this.#version === "2.1") {
      throw new OAuthCallbackError(
        "No pending authorization: the PKCE verifier is missing; get a new authorization URL first (for example 'mondaykit auth url')",
        { code: "no_pending_authorization" },
      );
    }
    const callbackUrl = pending?.callbackUrl ?? options.callbackUrl ??
      this.#callbackUrl;
    if (callbackUrl === undefined) {
      throw new TypeError(
        "Cannot exchange code: no 'callbackUrl' given or configured",
      );
    }
    this.#secrets.learn(code);
    const body = new URLSearchParams();
    if (this.#version === "2.1") body.set("grant_type", "authorization_code");
    body.set("code", code);
    body.set("redirect_uri", callbackUrl);
    if (pending?.verifier !== undefined) {
      this.#secrets.learn(pending.verifier);
      body.set("code_verifier", pending.verifier);
    }
    const response = await this.#tokenRequest(body, options.signal);
    const tokens = this.#toTokens(response, undefined);
    if (options.save ?? true) {
      await this.#update(
        (record) =>
          writeTokens(record, { ...tokens, clientId: this.#clientId }),
        options.signal,
      );
    }
    return tokens;
  }

  /**
   * The CData driver's name (`GetOAuthAccessToken`) for
   * {@linkcode OAuthClient.exchangeCode}, kept for users who come from it;
   * it does exactly the same.
   *
   * @param codeOrUrl The code, or the redirect URL with `code` and `state`.
   * @param options State, session, callback URL, whether to save.
   * @returns The tokens.
   * @throws {OAuthCallbackError} As {@linkcode OAuthClient.exchangeCode}.
   * @throws {LoginRequiredError} If the server refuses the code.
   * @throws {OAuthError} If the server keeps failing or answers nonsense.
   */
  getAccessToken(
    codeOrUrl: string,
    options: GetAccessTokenOptions = {},
  ): Promise<OAuthTokens> {
    return this.exchangeCode(codeOrUrl, options);
  }

  /**
   * Reads the stored tokens.
   *
   * @param options Abort signal.
   * @returns The tokens, or `undefined` when none are stored.
   */
  async loadTokens(
    options: { signal?: AbortSignal } = {},
  ): Promise<OAuthTokens | undefined> {
    const record = await this.#store.load(
      options.signal ? { signal: options.signal } : {},
    );
    const tokens = readTokens(record);
    if (tokens === undefined) return undefined;
    this.#secrets.learn(tokens.accessToken);
    if (tokens.refreshToken) this.#secrets.learn(tokens.refreshToken);
    const { clientId: _, ...rest } = tokens;
    return rest;
  }

  /**
   * Saves tokens in the store (for example tokens given in a connection
   * string, or from a web flow), keeping the record's other data.
   *
   * @param tokens The tokens.
   * @param options Abort signal.
   */
  async saveTokens(
    tokens: OAuthTokens,
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    this.#secrets.learn(tokens.accessToken);
    if (tokens.refreshToken) this.#secrets.learn(tokens.refreshToken);
    await this.#update(
      (record) => writeTokens(record, { ...tokens, clientId: this.#clientId }),
      options.signal,
    );
  }

  /**
   * Builds token data from a bare access token (and refresh token), reading
   * the expiry from the JWT when there is one.
   *
   * @param accessToken The access token.
   * @param refreshToken The refresh token, if any.
   * @returns The tokens, not yet saved.
   */
  tokensFrom(accessToken: string, refreshToken?: string): OAuthTokens {
    const tokens: OAuthTokens = {
      accessToken,
      tokenType: "Bearer",
      obtainedAt: this.#clock.now(),
      version: this.#version,
    };
    if (refreshToken) tokens.refreshToken = refreshToken;
    const expiresAt = jwtExpiry(accessToken);
    if (expiresAt !== undefined) tokens.expiresAt = expiresAt;
    return tokens;
  }

  /**
   * Refreshes the access token with the stored
   * refresh token, under the store's lock: the store is re-read first, and the
   * rotated refresh token is saved before the lock is released, so processes
   * sharing a settings file never reuse a refresh token.
   *
   * @param options Skip-if-fresh, rejected token, window, signal.
   * @returns The new (or, with `onlyIfDue`, the still-fresh stored) tokens.
   * @throws {LoginRequiredError} If nothing is stored, there is no refresh
   * token, or the server refuses it (`invalid_grant`: revoked, expired or reused).
   * @throws {OAuthError} If the server keeps failing (429, 5xx).
   * @throws {RangeError} If `refreshWindowMs` is negative.
   */
  async refreshTokens(
    options: RefreshTokensOptions = {},
  ): Promise<OAuthTokens> {
    const windowMs = refreshWindow(
      options.refreshWindowMs,
      "Cannot refresh OAuth tokens",
    );
    const lockOptions = options.signal ? { signal: options.signal } : {};
    return await this.#store.withLock(async () => {
      const record = await this.#store.load(lockOptions);
      let stored = readTokens(record);
      if (stored) {
        this.#secrets.learn(stored.accessToken);
        if (stored.refreshToken) this.#secrets.learn(stored.refreshToken);
      }
      if (
        options.onlyIfDue && stored &&
        !needsRefresh(stored, this.#clock.now(), {
          windowMs,
          rejected: options.rejected,
        })
      ) {
        const { clientId: _, ...rest } = stored;
        return rest;
      }
      let refreshToken = stored?.refreshToken;
      if (refreshToken === undefined && options.refreshToken !== undefined) {
        refreshToken = options.refreshToken;
        this.#secrets.learn(refreshToken);
      }
      if (refreshToken === undefined) {
        throw new LoginRequiredError(
          stored === undefined
            ? `No OAuth tokens stored in ${this.#store.location}`
            : stored.version === "legacy"
            ? "Legacy OAuth tokens cannot be refreshed"
            : "No refresh token is stored",
          { code: stored === undefined ? "no_tokens" : "no_refresh_token" },
        );
      }
      if (this.#version === "legacy") {
        throw new LoginRequiredError(
          "Legacy OAuth 2.0 has no refresh tokens",
          { code: "no_refresh_token" },
        );
      }
      const body = new URLSearchParams();
      body.set("grant_type", "refresh_token");
      body.set("refresh_token", refreshToken);
      const response = await this.#tokenRequest(body, options.signal);
      const tokens = this.#toTokens(response, refreshToken);
      stored = { ...tokens, clientId: this.#clientId };
      await this.#store.save(writeTokens(record, stored), lockOptions);
      return tokens;
    }, lockOptions);
  }

  /**
   * The CData driver's name (`RefreshOAuthAccessToken`) for
   * {@linkcode OAuthClient.refreshTokens}, kept for users who come from it;
   * it does exactly the same.
   *
   * @param options Skip-if-fresh, rejected token, window, signal.
   * @returns The new (or, with `onlyIfDue`, the still-fresh stored) tokens.
   * @throws {LoginRequiredError} If nothing is stored, there is no refresh
   * token, or the server refuses it.
   * @throws {OAuthError} If the server keeps failing (429, 5xx).
   */
  refreshAccessToken(
    options: RefreshAccessTokenOptions = {},
  ): Promise<OAuthTokens> {
    return this.refreshTokens(options);
  }

  /**
   * Revokes a token at the OAuth server (`/oauth_ms/oauth/revoke`). Revoking a
   * refresh token ends its whole family.
   *
   * @param options The token (default: the stored refresh token, else access token) and hint.
   * @returns Nothing once the server confirmed.
   * @throws {LoginRequiredError} If nothing is stored and no token is given.
   * @throws {OAuthError} If the server refuses or keeps failing.
   */
  async revoke(options: RevokeOptions = {}): Promise<void> {
    let token = options.token;
    let hint = options.tokenTypeHint;
    if (token === undefined) {
      const stored = await this.loadTokens(
        options.signal ? { signal: options.signal } : {},
      );
      if (stored === undefined) {
        throw new LoginRequiredError(
          `Nothing to revoke: no OAuth tokens stored in ${this.#store.location}`,
          { code: "no_tokens" },
        );
      }
      token = stored.refreshToken ?? stored.accessToken;
      hint ??= stored.refreshToken ? "refresh_token" : "access_token";
    }
    this.#secrets.learn(token);
    const body = new URLSearchParams();
    body.set("token", token);
    if (hint) body.set("token_type_hint", hint);
    await this.#endpoint.revoke(
      `${this.#authUrl}/oauth_ms/oauth/revoke`,
      body,
      options.signal,
    );
  }

  /**
   * Logs out: revokes the stored tokens at the server (refresh token first,
   * then the access token) and removes them from the store, even when
   * revocation fails (the failure is reported in the result).
   *
   * @param options Abort signal.
   * @returns Whether tokens were stored and whether the server revoked them.
   */
  async logout(options: { signal?: AbortSignal } = {}): Promise<LogoutResult> {
    const stored = await this.loadTokens(options);
    if (stored === undefined) return { hadTokens: false, revoked: false };
    const result: LogoutResult = { hadTokens: true, revoked: false };
    try {
      if (stored.refreshToken) {
        await this.revoke({
          token: stored.refreshToken,
          tokenTypeHint: "refresh_token",
          ...(options.signal ? { signal: options.signal } : {}),
        });
      }
      await this.revoke({
        token: stored.accessToken,
        tokenTypeHint: "access_token",
        ...(options.signal ? { signal: options.signal } : {}),
      });
      result.revoked = true;
    } catch (error) {
      if (options.signal?.aborted) throw error;
      result.error = this.#secrets.redact(
        error instanceof Error ? error.message : String(error),
      );
    }
    await this.#update(
      (record) => writeTokens(record, undefined),
      options.signal,
    );
    return result;
  }

  /** Hides the client secret and tokens from `Deno.inspect`. */
  [Symbol.for("Deno.customInspect")](): string {
    return `OAuthClient { clientId: "${this.#clientId}", version: "${this.#version}", authUrl: "${this.#authUrl}", store: "${this.#store.location}" }`;
  }

  /** Hides secrets from `JSON.stringify`. */
  toJSON(): Record<string, string> {
    return {
      clientId: this.#clientId,
      version: this.#version,
      authUrl: this.#authUrl,
    };
  }

  #update(
    change: (
      record: Record<string, unknown> | undefined,
    ) => Record<string, unknown> | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    return updateRecord(this.#store, change, signal);
  }

  #toTokens(response: TokenResponse, previousRefresh: string | undefined) {
    const now = this.#clock.now();
    const tokens: OAuthTokens = {
      accessToken: response.access_token,
      tokenType: response.token_type ?? "Bearer",
      obtainedAt: now,
      version: this.#version,
    };
    this.#secrets.learn(response.access_token);
    const refresh = response.refresh_token ??
      (this.#version === "2.1" ? previousRefresh : undefined);
    if (refresh) {
      this.#secrets.learn(refresh);
      tokens.refreshToken = refresh;
    }
    if (typeof response.scope === "string") tokens.scope = response.scope;
    const expiresIn = response.expires_in;
    if (typeof expiresIn === "number" && Number.isFinite(expiresIn)) {
      tokens.expiresAt = now + expiresIn * 1000;
    } else {
      const exp = jwtExpiry(response.access_token);
      if (exp !== undefined) tokens.expiresAt = exp;
    }
    return tokens;
  }

  #tokenRequest(
    body: URLSearchParams,
    signal: AbortSignal | undefined,
  ): Promise<TokenResponse> {
    const path = this.#version === "2.1"
      ? "/oauth_ms/oauth/token"
      : "/oauth2/token";
    return this.#endpoint.requestTokens(
      `${this.#authUrl}${path}`,
      body,
      signal,
    );
  }
}

function checkCallbackUrl(callbackUrl: string): void {
  let url: URL;
  try {
    url = new URL(callbackUrl);
  } catch {
    throw new TypeError(
      `Cannot use callbackUrl '${callbackUrl}': not an absolute URL`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(
      `Cannot use callbackUrl '${callbackUrl}': expected an http(s) URL`,
    );
  }
}
