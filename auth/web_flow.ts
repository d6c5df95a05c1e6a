/**
 * The web flow for server-side apps (including Deno Deploy): start an
 * authorization bound to the browser's session cookie, handle the callback
 * request, and keep each user's tokens in their own store.
 *
 * @module
 */

import type { SettingsStore } from "../storage/mod.ts";
import { base64url, secureRandomBytes } from "./_base64url.ts";
import { OAuthCallbackError } from "./errors.ts";
import type { OAuthClient } from "./oauth_client.ts";
import {
  OAuthCredentials,
  type OAuthCredentialsOptions,
} from "./oauth_credentials.ts";
import type { OAuthTokens } from "./types.ts";

/** Options for {@linkcode createWebFlow}. */
export interface WebFlowOptions {
  /**
   * The app's registered redirect URI, served by your app.
   *
   * @default {the client's callbackUrl}
   */
  callbackUrl?: string;
  /**
   * The cookie that binds an authorization to the browser that started it.
   *
   * @default {"mondaykit_oauth"}
   */
  cookieName?: string;
  /**
   * Whether the cookie is `Secure`.
   *
   * @default {true when the callback URL is https}
   */
  secureCookie?: boolean;
  /**
   * The store for one user's tokens, e.g. `kv://tokens/<userKey>` or a file
   * per user. Needed by `handleCallback` with a `userKey`, `credentials` and
   * `logout`.
   */
  tokenStore?: (userKey: string) => SettingsStore | Promise<SettingsStore>;
}

/** A started web authorization. */
export interface WebAuthorization {
  /** The URL to send the browser to. */
  url: string;
  /** The session id (also in the cookie). */
  sessionId: string;
  /** The `Set-Cookie` header value binding the authorization to this browser. */
  setCookie: string;
  /** A ready 302 response to the URL that sets the cookie. */
  response: Response;
}

/** The outcome of a callback. */
export interface WebCallbackResult {
  /** The tokens (saved in the user's store when a `userKey` was given). */
  tokens: OAuthTokens;
  /** The session id the authorization was bound to. */
  sessionId: string;
  /** A `Set-Cookie` value that clears the session cookie. */
  clearCookie: string;
}

/** The web flow's operations; see {@linkcode createWebFlow}. */
export interface WebFlow {
  /**
   * Starts an authorization for the browser making the request.
   *
   * @param options Scope and signal.
   * @returns The URL, the session and a ready redirect response.
   */
  start(
    options?: { scope?: string; signal?: AbortSignal },
  ): Promise<WebAuthorization>;
  /**
   * Handles the redirect request: checks the session cookie and `state`,
   * exchanges the code, and saves the tokens for `userKey` when given.
   *
   * @param request The callback request.
   * @param options The user the tokens belong to, and a signal.
   * @returns The tokens and the cookie to clear.
   * @throws {OAuthCallbackError} On a missing cookie, a foreign session, a state mismatch or an `error=` callback.
   * @throws {LoginRequiredError} If the server refuses the code.
   */
  handleCallback(
    request: Request,
    options?: { userKey?: string; signal?: AbortSignal },
  ): Promise<WebCallbackResult>;
  /**
   * Saves tokens for a user.
   *
   * @param userKey The user's key in your app.
   * @param tokens The tokens.
   */
  saveTokens(userKey: string, tokens: OAuthTokens): Promise<void>;
  /**
   * A refreshing provider for one user's tokens (never opens a browser).
   *
   * @param userKey The user's key.
   * @param options Provider options (refresh window).
   * @returns The provider.
   */
  credentials(
    userKey: string,
    options?: Omit<OAuthCredentialsOptions, "mode" | "login">,
  ): Promise<OAuthCredentials>;
  /**
   * Revokes and forgets one user's tokens.
   *
   * @param userKey The user's key.
   * @returns Whether the server revoked them.
   */
  logout(userKey: string): Promise<{ revoked: boolean }>;
}

/**
 * Creates the web flow helpers over an OAuth client whose store keeps the
 * pending authorizations (use a shared store such as Deno KV on Deploy).
 *
 * @param client The OAuth client.
 * @param options Callback URL, cookie, per-user token stores.
 * @returns The helpers.
 * @throws {TypeError} If no callback URL is given or configured, or the cookie name is invalid.
 *
 * @example Sign a user in within a Deno.serve handler
 * ```ts
 * import { createWebFlow } from "./web_flow.ts";
 * import { OAuthClient } from "./oauth_client.ts";
 * import { MemoryStore } from "../storage/mod.ts";
 * import { startEmulator } from "../emulator/mod.ts";
 * import assert from "node:assert/strict";
 *
 * await using emulator = await startEmulator({ startTime: Date.now() });
 * const { clientId, clientSecret, redirectUris } = emulator.credentials.oauth;
 * const client = new OAuthClient({ clientId, clientSecret, authUrl: emulator.authUrl });
 * const flow = createWebFlow(client, {
 *   callbackUrl: redirectUris[0]!,
 *   tokenStore: (user) => new MemoryStore(`tokens-${user}`),
 * });
 * const started = await flow.start();
 * const consent = await fetch(started.url, { redirect: "manual" });
 * await consent.body?.cancel();
 * const callback = new Request(consent.headers.get("location")!, {
 *   headers: { cookie: started.setCookie.split(";")[0]! },
 * });
 * await flow.handleCallback(callback, { userKey: "alice" });
 * const credentials = await flow.credentials("alice");
 * assert.match(await credentials.authorization(), /^Bearer /);
 * ```
 */
export function createWebFlow(
  client: OAuthClient,
  options: WebFlowOptions = {},
): WebFlow {
  const callbackUrl = options.callbackUrl ?? client.callbackUrl;
  if (callbackUrl === undefined) {
    throw new TypeError(
      "Cannot create web flow: no 'callbackUrl' given or configured",
    );
  }
  const cookieName = options.cookieName ?? "mondaykit_oauth";
  if (!/^[A-Za-z0-9_\-]{1,64}$/.test(cookieName)) {
    throw new TypeError(
      `Cannot create web flow: invalid cookie name '${cookieName}'`,
    );
  }
  const secure = options.secureCookie ??
    new URL(callbackUrl).protocol === "https:";
  const attributes = `Path=/; HttpOnly; SameSite=Lax${
    secure ? "; Secure" : ""
  }`;

  async function storeFor(userKey: string): Promise<SettingsStore> {
    if (typeof userKey !== "string" || userKey === "") {
      throw new TypeError("Invalid userKey: expected a non-empty string");
    }
    if (options.tokenStore === undefined) {
      throw new TypeError(
        "Cannot keep tokens per user: the web flow has no 'tokenStore'",
      );
    }
    return await options.tokenStore(userKey);
  }

  return {
    async start(startOptions = {}) {
      const sessionId = base64url(secureRandomBytes(32));
      const request = await client.getAuthorizationUrl({
        callbackUrl,
        session: sessionId,
        ...(startOptions.scope === undefined
          ? {}
          : { scope: startOptions.scope }),
        ...(startOptions.signal ? { signal: startOptions.signal } : {}),
      });
      const maxAge = Math.max(
        1,
        Math.round((request.expiresAt - client.clock.now()) / 1000),
      );
      const setCookie =
        `${cookieName}=${sessionId}; ${attributes}; Max-Age=${maxAge}`;
      return {
        url: request.url,
        sessionId,
        setCookie,
        response: new Response(null, {
          status: 302,
          headers: {
            location: request.url,
            "set-cookie": setCookie,
            "cache-control": "no-store",
          },
        }),
      };
    },

    async handleCallback(request, callbackOptions = {}) {
      const sessionId = readCookie(request.headers.get("cookie"), cookieName);
      if (sessionId === undefined) {
        throw new OAuthCallbackError(
          `Authorization callback refused: the session cookie '${cookieName}' is missing (start the login in this browser)`,
          { code: "session_mismatch" },
        );
      }
      const tokens = await client.exchangeCode(request.url, {
        session: sessionId,
        save: false,
        ...(callbackOptions.signal ? { signal: callbackOptions.signal } : {}),
      });
      if (callbackOptions.userKey !== undefined) {
        const store = await storeFor(callbackOptions.userKey);
        await client.withStore(store).saveTokens(tokens);
      }
      return {
        tokens,
        sessionId,
        clearCookie: `${cookieName}=; ${attributes}; Max-Age=0`,
      };
    },

    async saveTokens(userKey, tokens) {
      await client.withStore(await storeFor(userKey)).saveTokens(tokens);
    },

    async credentials(userKey, credentialOptions = {}) {
      return new OAuthCredentials(
        client.withStore(await storeFor(userKey)),
        { ...credentialOptions, mode: "REFRESH" },
      );
    },

    async logout(userKey) {
      const result = await client.withStore(await storeFor(userKey)).logout();
      return { revoked: result.revoked };
    },
  };
}

function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) {
      const value = part.slice(index + 1).trim();
      return value === "" ? undefined : value;
    }
  }
  return undefined;
}
