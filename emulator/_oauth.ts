/**
 * The emulated monday.com OAuth server: authorize (with an optional consent
 * page), the legacy OAuth 2.0 token endpoint, the OAuth 2.1 token endpoint
 * (PKCE, rotating refresh tokens) and revocation.
 *
 * @module
 */

import type { TokenRegistry } from "./_tokens.ts";
import { consentPage, errorPage } from "./_oauth_page.ts";
import { randomString } from "./_random.ts";

/**
 * The scopes monday's OAuth server knows (API-FACTS §3).
 *
 * @example Known scope
 * ```ts
 * import assert from "node:assert/strict";
 * import { OAUTH_SCOPES } from "./_oauth.ts";
 *
 * assert.ok(OAUTH_SCOPES.includes("boards:read"));
 * ```
 */
export const OAUTH_SCOPES: readonly string[] = [
  "account:read",
  "assets:read",
  "boards:read",
  "boards:write",
  "docs:read",
  "docs:write",
  "me:read",
  "notifications:write",
  "tags:read",
  "teams:read",
  "teams:write",
  "updates:read",
  "updates:write",
  "users:read",
  "users:write",
  "webhooks:read",
  "webhooks:write",
  "workspaces:read",
  "workspaces:write",
];

/** Options of {@linkcode OAuthService}. */
export interface OAuthServiceOptions {
  /** The emulator clock (ms since epoch): code and access-token expiry. */
  clock: { now(): number };
  /** Where issued tokens are registered (shared with every surface). */
  tokens: TokenRegistry;
  /** The registered app's client id. */
  clientId: string;
  /** The registered app's client secret. */
  clientSecret: string;
  /** The app's registered redirect URIs (matched exactly). */
  redirectUris: string[];
  /** `auto`: authorize redirects at once; `page`: an HTML page with Approve and Deny. */
  consent: "auto" | "page";
  /** OAuth 2.1 access-token lifetime in seconds. */
  accessTokenTtlSeconds: number;
  /** The user who signs in and consents. */
  userId: string;
  /** Random source for codes. */
  random: () => number;
  /**
   * The `region` sent back to the redirect URI.
   *
   * @default {"use1"}
   */
  region?: string;
  /**
   * Scopes granted when the request asks for none.
   *
   * @default {["me:read", "boards:read"]}
   */
  defaultScopes?: string[];
  /**
   * How long an authorization code lives, in ms.
   *
   * @default {600000}
   */
  codeTtlMs?: number;
}

interface AuthorizationRequest {
  redirectUri: string;
  redirectUriGiven: boolean;
  state: string | undefined;
  scopes: string[];
  challenge: string | undefined;
  expiresAt: number;
}

interface CodeRecord extends AuthorizationRequest {
  used: boolean;
  /** Tokens issued from this code (revoked if the code is presented again). */
  legacyToken?: string;
  family?: string;
}

class OAuthError extends Error {
  readonly error: string;
  readonly status: number;
  readonly basic: boolean;
  constructor(error: string, description: string, status = 400, basic = false) {
    super(description);
    this.error = error;
    this.status = status;
    this.basic = basic;
  }
}

const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(
    /=+$/,
    "",
  );
}

async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(verifier),
  );
  return base64url(new Uint8Array(digest));
}

function constantTimeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  }
  return diff === 0;
}

function json(
  status: number,
  body: unknown,
  headers: HeadersInit = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      pragma: "no-cache",
      ...headers,
    },
  });
}

function oauthErrorResponse(error: OAuthError): Response {
  const headers: Record<string, string> = {};
  if (error.status === 401) {
    headers["www-authenticate"] = error.basic
      ? 'Basic realm="oauth", error="invalid_client"'
      : 'Basic realm="oauth"';
  }
  return json(error.status, {
    error: error.error,
    error_description: error.message,
  }, headers);
}

function redirect(location: string): Response {
  return new Response(null, {
    status: 302,
    headers: { location, "cache-control": "no-store" },
  });
}

function parseScopes(raw: string | null): string[] {
  if (raw === null) return [];
  return [...new Set(raw.split(/[\s,]+/).filter((scope) => scope !== ""))];
}

/**
 * The emulated OAuth server of monday.com, as a plain request handler:
 *
 * - `GET /oauth2/authorize`: checks `client_id` and the exact `redirect_uri`
 *   (an HTML 400 page when either is wrong), then redirects back with `code`,
 *   `state`, `region` and `scope` (consent `auto`), or shows a page with
 *   Approve and Deny that posts to `POST /oauth2/authorize` (consent `page`;
 *   Deny redirects with `error=access_denied`). Codes are single-use and live
 *   10 minutes on the emulator clock; `code_challenge` (S256 only) is recorded.
 * - `POST /oauth2/token` (legacy OAuth 2.0): `code`, `client_id`,
 *   `client_secret`, `redirect_uri` → a non-expiring access token, no refresh token.
 * - `POST /oauth_ms/oauth/token` (OAuth 2.1, form-encoded): grants
 *   `authorization_code` (PKCE S256 required) and `refresh_token` (rotating,
 *   reuse revokes the family); `client_secret_post` or `client_secret_basic`;
 *   JWT access tokens with `exp`, no `expires_in`.
 * - `POST /oauth_ms/oauth/revoke`: `{"success": true}`.
 *
 * Token-endpoint errors follow RFC 6749 §5.2: `{"error", "error_description"}`
 * with 400, or 401 for `invalid_client`. A code presented a second time is
 * refused and the tokens issued from it are revoked (RFC 6749 §4.1.2).
 *
 * @example Authorization code with PKCE
 * ```ts
 * import assert from "node:assert/strict";
 * import { TokenRegistry } from "./_tokens.ts";
 * import { OAuthService } from "./_oauth.ts";
 *
 * const clock = { now: () => Date.UTC(2026, 10, 1) };
 * const tokens = new TokenRegistry(clock);
 * const oauth = new OAuthService({
 *   clock, tokens, clientId: "app", clientSecret: "secret",
 *   redirectUris: ["http://127.0.0.1:8080/callback"], consent: "auto",
 *   accessTokenTtlSeconds: 3600, userId: "1", random: Math.random,
 * });
 * const verifier = "a".repeat(43);
 * const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
 * const challenge = btoa(String.fromCharCode(...new Uint8Array(digest)))
 *   .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
 * const authorize = await oauth.handle(new Request(
 *   "http://127.0.0.1/oauth2/authorize?client_id=app&response_type=code" +
 *     "&redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Fcallback&state=xyz&scope=me%3Aread" +
 *     `&code_challenge=${challenge}&code_challenge_method=S256`,
 * ));
 * const callback = new URL(authorize.headers.get("location")!);
 * assert.equal(callback.searchParams.get("state"), "xyz");
 * const response = await oauth.handle(new Request("http://127.0.0.1/oauth_ms/oauth/token", {
 *   method: "POST",
 *   body: new URLSearchParams({
 *     grant_type: "authorization_code", code: callback.searchParams.get("code")!,
 *     redirect_uri: "http://127.0.0.1:8080/callback", code_verifier: verifier,
 *     client_id: "app", client_secret: "secret",
 *   }),
 * }));
 * const body = await response.json();
 * assert.equal(body.token_type, "Bearer");
 * assert.equal(body.expires_in, undefined);
 * assert.equal(tokens.check(body.access_token).ok, true);
 * ```
 */
export class OAuthService {
  #clock: { now(): number };
  #tokens: TokenRegistry;
  #clientId: string;
  #clientSecret: string;
  #redirectUris: string[];
  #consent: "auto" | "page";
  #ttlSeconds: number;
  #userId: string;
  #random: () => number;
  #region: string;
  #defaultScopes: string[];
  #codeTtlMs: number;
  #codes = new Map<string, CodeRecord>();
  #pending = new Map<string, AuthorizationRequest>();
  #codesIssued = 0;

  /**
   * Creates the service for one registered app.
   *
   * @param options Clock, token registry, the app's credentials and redirect URIs, consent mode, token lifetime, user, random source.
   * @throws {TypeError} If the client id or secret is empty or no redirect URI is registered.
   * @throws {RangeError} If the access-token lifetime is not positive.
   */
  constructor(options: OAuthServiceOptions) {
    if (!options.clientId) {
      throw new TypeError("Cannot create OAuth service: 'clientId' is empty");
    }
    if (!options.clientSecret) {
      throw new TypeError(
        "Cannot create OAuth service: 'clientSecret' is empty",
      );
    }
    if (
      !Array.isArray(options.redirectUris) || options.redirectUris.length === 0
    ) {
      throw new TypeError(
        "Cannot create OAuth service: 'redirectUris' must list at least one URI",
      );
    }
    if (
      !(Number.isFinite(options.accessTokenTtlSeconds) &&
        options.accessTokenTtlSeconds > 0)
    ) {
      throw new RangeError(
        `Cannot create OAuth service: 'accessTokenTtlSeconds' must be a positive number, got ${options.accessTokenTtlSeconds}`,
      );
    }
    this.#clock = options.clock;
    this.#tokens = options.tokens;
    this.#clientId = options.clientId;
    this.#clientSecret = options.clientSecret;
    this.#redirectUris = [...options.redirectUris];
    this.#consent = options.consent;
    this.#ttlSeconds = options.accessTokenTtlSeconds;
    this.#userId = options.userId;
    this.#random = options.random;
    this.#region = options.region ?? "use1";
    this.#defaultScopes = options.defaultScopes ?? ["me:read", "boards:read"];
    this.#codeTtlMs = options.codeTtlMs ?? 600_000;
  }

  /** How many authorization codes were issued. */
  get codesIssued(): number {
    return this.#codesIssued;
  }

  /**
   * Switches the consent mode (`auto` redirects at once, `page` shows Approve/Deny).
   *
   * @param consent The new mode.
   *
   * @example Show the page
   * ```ts
   * import { TokenRegistry } from "./_tokens.ts";
   * import { OAuthService } from "./_oauth.ts";
   *
   * const clock = { now: () => 0 };
   * const oauth = new OAuthService({
   *   clock, tokens: new TokenRegistry(clock), clientId: "app", clientSecret: "s",
   *   redirectUris: ["http://127.0.0.1/cb"], consent: "auto",
   *   accessTokenTtlSeconds: 3600, userId: "1", random: Math.random,
   * });
   * oauth.setConsent("page");
   * ```
   */
  setConsent(consent: "auto" | "page"): void {
    this.#consent = consent;
  }

  /**
   * Answers one OAuth request (see the class description for the routes).
   *
   * @param request The HTTP request.
   * @returns The response: a redirect, an HTML page or a JSON body.
   *
   * @example Unknown route
   * ```ts
   * import assert from "node:assert/strict";
   * import { TokenRegistry } from "./_tokens.ts";
   * import { OAuthService } from "./_oauth.ts";
   *
   * const clock = { now: () => 0 };
   * const oauth = new OAuthService({
   *   clock, tokens: new TokenRegistry(clock), clientId: "app", clientSecret: "s",
   *   redirectUris: ["http://127.0.0.1/cb"], consent: "auto",
   *   accessTokenTtlSeconds: 3600, userId: "1", random: Math.random,
   * });
   * const response = await oauth.handle(new Request("http://127.0.0.1/oauth2/nope"));
   * assert.equal(response.status, 404);
   * await response.body?.cancel();
   * ```
   */
  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname.replace(/\/+$/, "");
    const method = request.method;
    switch (path) {
      case "/oauth2/authorize":
        if (method === "GET" || method === "HEAD") return this.#authorize(url);
        if (method === "POST") return await this.#decide(request);
        return this.#notAllowed(method, "GET, POST");
      case "/oauth2/token":
        if (method !== "POST") return this.#notAllowed(method, "POST");
        return await this.#guard(() => this.#legacyToken(request));
      case "/oauth_ms/oauth/token":
        if (method !== "POST") return this.#notAllowed(method, "POST");
        return await this.#guard(() => this.#token(request));
      case "/oauth_ms/oauth/revoke":
        if (method !== "POST") return this.#notAllowed(method, "POST");
        return await this.#guard(() => this.#revoke(request));
      default:
        return json(404, {
          error: "not_found",
          error_description: `Not found: '${url.pathname}'`,
        });
    }
  }

  #notAllowed(method: string, allow: string): Response {
    return json(405, {
      error: "invalid_request",
      error_description: `Method not allowed: '${method}' (use ${allow})`,
    }, { allow });
  }

  async #guard(fn: () => Promise<Response>): Promise<Response> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof OAuthError) return oauthErrorResponse(error);
      throw error;
    }
  }

  #randomString(length: number): string {
    return randomString(this.#random, length);
  }

  #authorize(url: URL): Response {
    const params = url.searchParams;
    const clientId = params.get("client_id");
    if (!clientId) {
      return errorPage(
        "invalid_request",
        "Missing 'client_id' parameter",
        400,
      );
    }
    if (clientId !== this.#clientId) {
      return errorPage(
        "invalid_client",
        `Unknown client: no app has client id '${clientId}'`,
        400,
      );
    }
    const given = params.get("redirect_uri");
    let redirectUri: string;
    if (given === null || given === "") {
      if (this.#redirectUris.length !== 1) {
        return errorPage(
          "invalid_request",
          "Missing 'redirect_uri' parameter (the app registers several)",
          400,
        );
      }
      redirectUri = this.#redirectUris[0]!;
    } else if (!this.#redirectUris.includes(given)) {
      return errorPage(
        "invalid_request",
        `Redirect URI mismatch: '${given}' is not registered for this app (it must match exactly)`,
        400,
      );
    } else {
      redirectUri = given;
    }

    const state = params.get("state") ?? undefined;
    const back = (error: string, description: string): Response => {
      const target = new URL(redirectUri);
      target.searchParams.set("error", error);
      target.searchParams.set("error_description", description);
      if (state !== undefined) target.searchParams.set("state", state);
      return redirect(target.href);
    };

    const responseType = params.get("response_type");
    if (responseType !== null && responseType !== "code") {
      return back(
        "unsupported_response_type",
        `Unsupported 'response_type' '${responseType}' (use 'code')`,
      );
    }
    let scopes = parseScopes(params.get("scope"));
    const unknown = scopes.filter((scope) => !OAUTH_SCOPES.includes(scope));
    if (unknown.length > 0) {
      return back(
        "invalid_scope",
        `Unknown scope ${unknown.map((s) => `'${s}'`).join(", ")}`,
      );
    }
    if (scopes.length === 0) scopes = [...this.#defaultScopes];
    const challenge = params.get("code_challenge") ?? undefined;
    const method = params.get("code_challenge_method");
    if (challenge !== undefined) {
      if (method !== "S256") {
        return back(
          "invalid_request",
          `Unsupported 'code_challenge_method' '${
            method ?? "plain"
          }' (only 'S256')`,
        );
      }
      if (!CHALLENGE.test(challenge)) {
        return back(
          "invalid_request",
          "Invalid 'code_challenge': expected 43 base64url characters (SHA-256 of the verifier)",
        );
      }
    } else if (method !== null) {
      return back(
        "invalid_request",
        "'code_challenge_method' given without 'code_challenge'",
      );
    }

    const pending: AuthorizationRequest = {
      redirectUri,
      redirectUriGiven: given !== null && given !== "",
      state,
      scopes,
      challenge,
      expiresAt: this.#clock.now() + this.#codeTtlMs,
    };
    if (this.#consent === "page") {
      this.#prune();
      const id = this.#randomString(24);
      this.#pending.set(id, pending);
      return consentPage(id, clientId, scopes);
    }
    return this.#approve(pending);
  }

  /** Forgets expired codes and consent requests once there are many, so a long-running emulator does not grow without bound. */
  #prune(): void {
    const now = this.#clock.now();
    for (const map of [this.#codes, this.#pending]) {
      if (map.size < 1000) continue;
      for (const [key, value] of map) {
        if (now >= value.expiresAt) map.delete(key);
      }
    }
  }

  #approve(pending: AuthorizationRequest): Response {
    this.#prune();
    const code = this.#randomString(32);
    this.#codes.set(code, {
      ...pending,
      expiresAt: this.#clock.now() + this.#codeTtlMs,
      used: false,
    });
    this.#codesIssued++;
    const target = new URL(pending.redirectUri);
    target.searchParams.set("code", code);
    if (pending.state !== undefined) {
      target.searchParams.set("state", pending.state);
    }
    target.searchParams.set("region", this.#region);
    target.searchParams.set("scope", pending.scopes.join(" "));
    return redirect(target.href);
  }

  async #decide(request: Request): Promise<Response> {
    let form: URLSearchParams;
    try {
      form = new URLSearchParams(await request.text());
    } catch {
      return errorPage("invalid_request", "Cannot read the consent form", 400);
    }
    const id = form.get("request") ?? "";
    const pending = this.#pending.get(id);
    if (pending === undefined) {
      return errorPage(
        "invalid_request",
        "Unknown or already answered authorization request: start again from the app",
        400,
      );
    }
    this.#pending.delete(id);
    if (this.#clock.now() >= pending.expiresAt) {
      return errorPage(
        "invalid_request",
        "The authorization request expired: start again from the app",
        400,
      );
    }
    const decision = form.get("decision");
    if (decision === "approve") return this.#approve(pending);
    const target = new URL(pending.redirectUri);
    target.searchParams.set("error", "access_denied");
    target.searchParams.set(
      "error_description",
      "The user denied the request",
    );
    if (pending.state !== undefined) {
      target.searchParams.set("state", pending.state);
    }
    return redirect(target.href);
  }

  /** Reads the body as form fields (or JSON when `allowJson`), plus the query string. */
  async #params(
    request: Request,
    allowJson: boolean,
  ): Promise<URLSearchParams> {
    const type = (request.headers.get("content-type") ?? "").toLowerCase();
    const text = await request.text();
    const params = new URLSearchParams();
    if (type.includes("application/json")) {
      if (!allowJson) {
        throw new OAuthError(
          "invalid_request",
          "The request body must be application/x-www-form-urlencoded",
        );
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new OAuthError("invalid_request", "The JSON body is not valid");
      }
      if (parsed === null || typeof parsed !== "object") {
        throw new OAuthError(
          "invalid_request",
          "The JSON body must be an object",
        );
      }
      for (const [key, value] of Object.entries(parsed)) {
        if (typeof value === "string" || typeof value === "number") {
          params.set(key, String(value));
        }
      }
    } else if (
      type === "" || type.includes("application/x-www-form-urlencoded")
    ) {
      for (const [key, value] of new URLSearchParams(text)) {
        if (params.has(key)) {
          throw new OAuthError(
            "invalid_request",
            `Parameter '${key}' is repeated`,
          );
        }
        params.set(key, value);
      }
    } else if (!allowJson || text !== "") {
      throw new OAuthError(
        "invalid_request",
        `Unsupported content type '${type}' (use application/x-www-form-urlencoded)`,
      );
    }
    if (allowJson) {
      for (const [key, value] of new URL(request.url).searchParams) {
        if (!params.has(key)) params.set(key, value);
      }
    }
    return params;
  }

  /** Authenticates the client (`client_secret_basic` or `client_secret_post`). */
  #authenticate(request: Request, params: URLSearchParams): void {
    const header = request.headers.get("authorization");
    const bodyId = params.get("client_id");
    const bodySecret = params.get("client_secret");
    if (header !== null && /^Basic\s/i.test(header)) {
      if (bodySecret !== null) {
        throw new OAuthError(
          "invalid_request",
          "Use one client authentication method: 'client_secret_basic' or 'client_secret_post', not both",
        );
      }
      let id: string;
      let secret: string;
      try {
        const decoded = atob(header.replace(/^Basic\s+/i, "").trim());
        const colon = decoded.indexOf(":");
        if (colon < 0) throw new Error("no colon");
        id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " "));
        secret = decodeURIComponent(
          decoded.slice(colon + 1).replace(/\+/g, " "),
        );
      } catch {
        throw new OAuthError(
          "invalid_client",
          "Malformed Basic authorization header",
          401,
          true,
        );
      }
      if (bodyId !== null && bodyId !== id) {
        throw new OAuthError(
          "invalid_client",
          "'client_id' differs from the Basic authorization header",
          401,
          true,
        );
      }
      this.#checkClient(id, secret, true);
      return;
    }
    if (bodyId === null || bodyId === "") {
      throw new OAuthError(
        "invalid_client",
        "Client authentication failed: missing 'client_id' (send 'client_id' and 'client_secret', or a Basic authorization header)",
        401,
      );
    }
    if (bodySecret === null || bodySecret === "") {
      throw new OAuthError(
        "invalid_client",
        "Client authentication failed: missing 'client_secret'",
        401,
      );
    }
    this.#checkClient(bodyId, bodySecret, false);
  }

  #checkClient(id: string, secret: string, basic: boolean): void {
    if (id !== this.#clientId) {
      throw new OAuthError(
        "invalid_client",
        `Client authentication failed: unknown client '${id}'`,
        401,
        basic,
      );
    }
    if (!constantTimeEqual(secret, this.#clientSecret)) {
      throw new OAuthError(
        "invalid_client",
        "Client authentication failed: wrong client secret",
        401,
        basic,
      );
    }
  }

  /** Finds a code and checks it: known, unused (else revoke what it gave), fresh, same redirect URI. */
  #redeem(params: URLSearchParams): CodeRecord {
    const code = params.get("code");
    if (code === null || code === "") {
      throw new OAuthError("invalid_request", "Missing 'code' parameter");
    }
    const record = this.#codes.get(code);
    if (record === undefined) {
      throw new OAuthError("invalid_grant", "Unknown authorization code");
    }
    if (record.used) this.#reused(record);
    if (this.#clock.now() >= record.expiresAt) {
      throw new OAuthError("invalid_grant", "Authorization code expired");
    }
    const redirectUri = params.get("redirect_uri");
    if (record.redirectUriGiven || redirectUri !== null) {
      if (redirectUri !== record.redirectUri) {
        throw new OAuthError(
          "invalid_grant",
          redirectUri === null
            ? "Missing 'redirect_uri': it must match the one sent to authorize"
            : "'redirect_uri' does not match the one sent to authorize",
        );
      }
    }
    return record;
  }

  /** A code presented again: revoke what it gave (RFC 6749 §4.1.2) and refuse. */
  #reused(record: CodeRecord): never {
    if (record.legacyToken !== undefined) {
      this.#tokens.revoke(record.legacyToken);
    }
    if (record.family !== undefined) this.#tokens.revokeFamily(record.family);
    throw new OAuthError(
      "invalid_grant",
      "Authorization code already used (the tokens issued from it are revoked)",
    );
  }

  /** Marks a redeemed code used, after any await: a concurrent exchange may have won. */
  #consume(record: CodeRecord): void {
    if (record.used) this.#reused(record);
    record.used = true;
  }

  async #legacyToken(request: Request): Promise<Response> {
    const params = await this.#params(request, true);
    this.#authenticate(request, params);
    const record = this.#redeem(params);
    const verifier = params.get("code_verifier");
    if (verifier !== null && record.challenge !== undefined) {
      await this.#verifyPkce(record, verifier);
    }
    this.#consume(record);
    const token = this.#tokens.issueLegacy(this.#userId, record.scopes, {
      clientId: this.#clientId,
    });
    record.legacyToken = token;
    return json(200, {
      access_token: token,
      token_type: "Bearer",
      scope: record.scopes.join(" "),
    });
  }

  async #verifyPkce(
    record: CodeRecord,
    verifier: string | null,
  ): Promise<void> {
    if (record.challenge === undefined) {
      throw new OAuthError(
        "invalid_grant",
        "PKCE is required: the authorization request had no 'code_challenge'",
      );
    }
    if (verifier === null || verifier === "") {
      throw new OAuthError(
        "invalid_request",
        "Missing 'code_verifier' parameter (PKCE is required)",
      );
    }
    if (!VERIFIER.test(verifier)) {
      throw new OAuthError(
        "invalid_request",
        "Invalid 'code_verifier': 43 to 128 characters from A-Z a-z 0-9 - . _ ~",
      );
    }
    if (!constantTimeEqual(await s256(verifier), record.challenge)) {
      throw new OAuthError(
        "invalid_grant",
        "PKCE verification failed: 'code_verifier' does not match the 'code_challenge'",
      );
    }
  }

  async #token(request: Request): Promise<Response> {
    const params = await this.#params(request, false);
    this.#authenticate(request, params);
    const grant = params.get("grant_type");
    if (grant === null || grant === "") {
      throw new OAuthError("invalid_request", "Missing 'grant_type' parameter");
    }
    if (grant === "authorization_code") {
      const record = this.#redeem(params);
      await this.#verifyPkce(record, params.get("code_verifier"));
      this.#consume(record);
      const pair = this.#tokens.issueOAuth(this.#userId, record.scopes, {
        clientId: this.#clientId,
        ttlSeconds: this.#ttlSeconds,
      });
      record.family = pair.family;
      return json(200, {
        access_token: pair.accessToken,
        refresh_token: pair.refreshToken,
        token_type: "Bearer",
        scope: pair.scopes.join(" "),
      });
    }
    if (grant === "refresh_token") {
      const refreshToken = params.get("refresh_token");
      if (refreshToken === null || refreshToken === "") {
        throw new OAuthError(
          "invalid_request",
          "Missing 'refresh_token' parameter",
        );
      }
      const requested = parseScopes(params.get("scope"));
      const granted = this.#tokens.refreshInfo(refreshToken)?.scopes;
      const extra = requested.filter((s) => !granted?.includes(s));
      if (granted !== undefined && extra.length > 0) {
        throw new OAuthError(
          "invalid_scope",
          `Scope ${extra.map((s) => `'${s}'`).join(", ")} was not granted`,
        );
      }
      const result = this.#tokens.refresh(refreshToken, {
        clientId: this.#clientId,
      });
      if (!result.ok) {
        const why = {
          unknown: "Unknown refresh token",
          revoked: "Refresh token revoked",
          reused:
            "Refresh token already used: every token of this grant is now revoked (sign in again)",
          client_mismatch: "Refresh token was issued to another client",
        }[result.reason];
        throw new OAuthError("invalid_grant", why);
      }
      return json(200, {
        access_token: result.tokens.accessToken,
        refresh_token: result.tokens.refreshToken,
        token_type: "Bearer",
        scope: result.tokens.scopes.join(" "),
      });
    }
    throw new OAuthError(
      "unsupported_grant_type",
      `Unsupported 'grant_type' '${grant}' (use 'authorization_code' or 'refresh_token')`,
    );
  }

  async #revoke(request: Request): Promise<Response> {
    const params = await this.#params(request, true);
    this.#authenticate(request, params);
    const token = params.get("token");
    if (token === null || token === "") {
      throw new OAuthError("invalid_request", "Missing 'token' parameter");
    }
    const hint = params.get("token_type_hint");
    if (
      hint !== null && hint !== "" && hint !== "access_token" &&
      hint !== "refresh_token"
    ) {
      throw new OAuthError(
        "unsupported_token_type",
        `Unsupported 'token_type_hint' '${hint}' (use 'access_token' or 'refresh_token')`,
      );
    }
    // RFC 7009 §2.2: unknown tokens are answered like revoked ones.
    this.#tokens.revoke(token, { clientId: this.#clientId });
    return json(200, { success: true });
  }
}
