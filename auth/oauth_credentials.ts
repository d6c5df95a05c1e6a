/**
 * The OAuth credential provider: answers `Bearer <access token>` from the
 * store, refreshing it before it expires with one refresh in flight per
 * process and one across processes sharing a settings file.
 *
 * @module
 */

import type { OAuthClient } from "./oauth_client.ts";
import {
  isDue,
  isRejected,
  isUnusable,
  needsRefresh,
  refreshWindow,
} from "./_refresh_policy.ts";
import { LoginRequiredError, OAuthError } from "./errors.ts";
import type {
  AuthorizationOptions,
  CredentialProvider,
  OAuthTokens,
} from "./types.ts";

/** Options for {@linkcode OAuthCredentials}. */
export interface OAuthCredentialsOptions {
  /**
   * `GETANDREFRESH`: use the store, refresh when due, and run `login` when
   * nothing usable is stored. `REFRESH`: exchange `verifier` if nothing is
   * stored, otherwise refresh what is stored; never log in interactively.
   * `OFF`: use the stored (or given) access token as is, never refresh.
   *
   * @default {"REFRESH"}
   */
  mode?: "GETANDREFRESH" | "REFRESH" | "OFF";
  /**
   * How long before expiry the access token is refreshed, in ms.
   *
   * @default {300000}
   */
  refreshWindowMs?: number;
  /** Runs an interactive login (for example the desktop flow) in `GETANDREFRESH` mode; returns the saved tokens. */
  login?: (options: { signal?: AbortSignal }) => Promise<OAuthTokens>;
  /** An authorization code or redirect URL (`OAuthVerifier`) to exchange when nothing is stored (REFRESH mode). */
  verifier?: string;
  /** An access token (`OAuthAccessToken`) to start from when nothing is stored. */
  accessToken?: string;
  /** A refresh token (`OAuthRefreshToken`) to start from when nothing is stored. */
  refreshToken?: string;
}

/**
 * A {@linkcode CredentialProvider} backed by an {@linkcode OAuthClient} and its
 * store. Tokens are cached in memory and re-read from the store only when due
 * or rejected, so other processes' refreshes are picked up without reusing a
 * rotated refresh token.
 *
 * @example Use stored tokens
 * ```ts
 * import { OAuthClient } from "./oauth_client.ts";
 * import { OAuthCredentials } from "./oauth_credentials.ts";
 * import assert from "node:assert/strict";
 *
 * const client = new OAuthClient({ clientId: "app" });
 * await client.saveTokens(client.tokensFrom("legacy-access-token"));
 * const credentials = new OAuthCredentials(client);
 * assert.equal(await credentials.authorization(), "Bearer legacy-access-token");
 * ```
 */
export class OAuthCredentials implements CredentialProvider {
  readonly #client: OAuthClient;
  readonly #mode: "GETANDREFRESH" | "REFRESH" | "OFF";
  readonly #windowMs: number;
  readonly #login:
    | ((options: { signal?: AbortSignal }) => Promise<OAuthTokens>)
    | undefined;
  #verifier: string | undefined;
  #seedAccess: string | undefined;
  #seedRefresh: string | undefined;
  #cached: OAuthTokens | undefined;
  #rejected: string | undefined;
  #inflight:
    | {
      promise: Promise<OAuthTokens>;
      controller: AbortController;
      waiters: number;
    }
    | undefined;

  /**
   * Creates the provider. Does no I/O.
   *
   * @param client The OAuth client (with its store).
   * @param options Mode, refresh window, login, seeds.
   * @throws {RangeError} If `refreshWindowMs` is negative.
   * @throws {TypeError} If `mode` is unknown.
   */
  constructor(client: OAuthClient, options: OAuthCredentialsOptions = {}) {
    const mode = options.mode ?? "REFRESH";
    if (!["GETANDREFRESH", "REFRESH", "OFF"].includes(mode)) {
      throw new TypeError(
        `Cannot create OAuth credentials: unknown mode '${
          String(mode)
        }' (expected 'OFF', 'GETANDREFRESH' or 'REFRESH')`,
      );
    }
    const windowMs = refreshWindow(
      options.refreshWindowMs,
      "Cannot create OAuth credentials",
    );
    this.#client = client;
    this.#mode = mode;
    this.#windowMs = windowMs;
    this.#login = options.login;
    this.#verifier = options.verifier;
    this.#seedAccess = options.accessToken;
    this.#seedRefresh = options.refreshToken;
  }

  /** The OAuth client. */
  get client(): OAuthClient {
    return this.#client;
  }

  /**
   * Returns `Bearer <access token>`, refreshing first when the token is due
   * (or was rejected), logging in when allowed and nothing usable is stored.
   * Concurrent calls share one refresh.
   *
   * @param options Abort signal.
   * @returns The header value.
   * @throws {LoginRequiredError} When nothing usable is stored and no login is possible, or the grant was refused.
   * @throws {OAuthError} When a refresh keeps failing and the current token already expired.
   */
  async authorization(options: AuthorizationOptions = {}): Promise<string> {
    options.signal?.throwIfAborted();
    const cached = this.#cached;
    if (
      cached && this.#rejected === undefined &&
      (this.#mode === "OFF" ||
        !isDue(cached, this.#client.clock.now(), this.#windowMs))
    ) {
      return `Bearer ${cached.accessToken}`;
    }
    const tokens = await this.#shared(options.signal);
    return `Bearer ${tokens.accessToken}`;
  }

  /**
   * Marks a rejected header value: the next `authorization()` re-reads the
   * store and refreshes unless another process already did.
   *
   * @param rejected The rejected header value.
   */
  invalidate(rejected: string): void {
    const cached = this.#cached;
    if (cached && rejected === `Bearer ${cached.accessToken}`) {
      this.#rejected = cached.accessToken;
      this.#cached = undefined;
    }
  }

  /** Hides tokens from `Deno.inspect`. */
  [Symbol.for("Deno.customInspect")](): string {
    return `OAuthCredentials { mode: "${this.#mode}", store: "${this.#client.store.location}" }`;
  }

  #shared(signal: AbortSignal | undefined): Promise<OAuthTokens> {
    let inflight = this.#inflight;
    if (inflight === undefined) {
      const controller = new AbortController();
      const entry = {
        controller,
        waiters: 0,
        promise: this.#obtain(controller.signal).finally(() => {
          if (this.#inflight === entry) this.#inflight = undefined;
        }),
      };
      inflight = this.#inflight = entry;
    }
    const current = inflight;
    current.waiters++;
    return new Promise<OAuthTokens>((resolve, reject) => {
      const onAbort = () => {
        current.waiters--;
        if (current.waiters === 0) current.controller.abort(signal?.reason);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      current.promise.then(
        (tokens) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(tokens);
        },
        (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      );
    });
  }

  async #obtain(signal: AbortSignal): Promise<OAuthTokens> {
    const client = this.#client;
    const opts = { signal };
    let stored = await client.loadTokens(opts);
    if (stored === undefined) stored = await this.#firstTokens(signal);
    const rejected = this.#rejected;
    const now = client.clock.now();
    if (this.#mode === "OFF") {
      if (isRejected(stored, rejected)) {
        throw new LoginRequiredError(
          "The OAuth access token was rejected and InitiateOAuth is OFF (no refresh)",
          { code: "token_rejected" },
        );
      }
    } else if (
      needsRefresh(stored, now, { windowMs: this.#windowMs, rejected })
    ) {
      stored = await this.#renew(stored, rejected, signal);
    }
    this.#cached = stored;
    this.#rejected = undefined;
    return stored;
  }

  async #renew(
    stored: OAuthTokens,
    rejected: string | undefined,
    signal: AbortSignal,
  ): Promise<OAuthTokens> {
    const client = this.#client;
    const expired = isUnusable(stored, client.clock.now(), rejected);
    if (stored.refreshToken === undefined || stored.version === "legacy") {
      if (!expired) return stored;
      return await this.#loginOr(
        new LoginRequiredError(
          rejected !== undefined
            ? "The OAuth access token was rejected and no refresh token is stored"
            : "The OAuth access token expired and no refresh token is stored",
          { code: "no_refresh_token" },
        ),
        signal,
      );
    }
    try {
      const options: Parameters<OAuthClient["refreshTokens"]>[0] = {
        onlyIfDue: true,
        refreshWindowMs: this.#windowMs,
        signal,
      };
      if (rejected !== undefined) options.rejected = rejected;
      return await client.refreshTokens(options);
    } catch (error) {
      if (error instanceof LoginRequiredError) {
        return await this.#loginOr(error, signal);
      }
      // A transient failure while the token still works: keep using it.
      if (error instanceof OAuthError && !expired) return stored;
      throw error;
    }
  }

  async #firstTokens(signal: AbortSignal): Promise<OAuthTokens> {
    const client = this.#client;
    if (this.#seedAccess !== undefined || this.#seedRefresh !== undefined) {
      const access = this.#seedAccess;
      const refresh = this.#seedRefresh;
      this.#seedAccess = this.#seedRefresh = undefined;
      if (access !== undefined) {
        const tokens = client.tokensFrom(access, refresh);
        await client.saveTokens(tokens, { signal });
        return tokens;
      }
      if (this.#mode !== "OFF" && refresh !== undefined) {
        return await client.refreshTokens({
          refreshToken: refresh,
          signal,
        });
      }
    }
    if (this.#mode === "REFRESH" && this.#verifier !== undefined) {
      const verifier = this.#verifier;
      this.#verifier = undefined;
      return await client.exchangeCode(verifier, { signal });
    }
    return await this.#loginOr(
      new LoginRequiredError(
        `No OAuth tokens stored in ${client.store.location}`,
        { code: "no_tokens" },
      ),
      signal,
    );
  }

  async #loginOr(
    error: LoginRequiredError,
    signal: AbortSignal,
  ): Promise<OAuthTokens> {
    if (this.#mode !== "GETANDREFRESH" || this.#login === undefined) {
      throw error;
    }
    return await this.#login({ signal });
  }
}
