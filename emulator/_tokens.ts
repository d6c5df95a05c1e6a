/**
 * The emulator's token registry: every credential the emulated monday.com
 * accepts, on every surface (GraphQL, audit log, OAuth revoke).
 *
 * @module
 */

import { createHmac } from "node:crypto";
import { randomString } from "./_random.ts";

/** What a valid token stands for. */
export interface TokenInfo {
  /** Personal API token, audit token, legacy OAuth 2.0 token or OAuth 2.1 JWT access token. */
  kind: "personal" | "audit" | "oauth_legacy" | "oauth";
  /** The user the token acts for. */
  userId: string;
  /** OAuth scopes granted, or `"all"` for personal and audit tokens. */
  scopes: string[] | "all";
  /** When the token stops working (ms since epoch, emulator clock); absent for tokens that never expire. */
  expiresAt?: number;
  /** The refresh-token family an OAuth 2.1 access token belongs to. */
  family?: string;
  /** The OAuth client the token was issued to. */
  clientId?: string;
}

/** The answer of {@linkcode TokenRegistry.check}: the token's info, or why it is refused. */
export type TokenCheck =
  | { ok: true; info: TokenInfo }
  | { ok: false; reason: "unknown" | "expired" | "revoked" };

/** Tokens an OAuth 2.1 grant returns. */
export interface OAuthTokenPair {
  /** A signed JWT (HS256) whose payload holds `sub`, `scp`, `iat`, `exp`. */
  accessToken: string;
  /** A signed JWT that can be exchanged exactly once for a new pair. */
  refreshToken: string;
  /** The granted scopes. */
  scopes: string[];
  /** When the access token expires (ms since epoch, emulator clock). */
  expiresAt: number;
  /** The token family (one per authorization grant). */
  family: string;
}

/** The answer of {@linkcode TokenRegistry.refresh}. */
export type RefreshResult =
  | { ok: true; tokens: OAuthTokenPair }
  | {
    ok: false;
    /** `reused`: the refresh token was already used, so its whole family was revoked. */
    reason: "unknown" | "revoked" | "reused" | "client_mismatch";
  };

/** Options of {@linkcode TokenRegistry}. */
export interface TokenRegistryOptions {
  /**
   * Random source for token identifiers and the signing key.
   *
   * @default {Math.random}
   */
  random?: () => number;
  /**
   * HMAC key that signs JWTs.
   *
   * @default {a key made from `random`}
   */
  signingKey?: string;
  /**
   * JWT issuer claim.
   *
   * @default {"https://auth.monday.com"}
   */
  issuer?: string;
}

/** Options of {@linkcode TokenRegistry.issueOAuth}. */
export interface IssueOAuthOptions {
  /** The OAuth client the tokens are issued to. */
  clientId?: string;
  /**
   * Access-token lifetime in seconds.
   *
   * @default {3600}
   */
  ttlSeconds?: number;
}

interface AccessRecord {
  info: TokenInfo;
  revoked: boolean;
}

interface RefreshRecord {
  family: string;
  used: boolean;
  revoked: boolean;
}

interface FamilyRecord {
  userId: string;
  clientId: string | undefined;
  scopes: string[];
  ttlSeconds: number;
  revoked: boolean;
  accessTokens: string[];
  refreshTokens: string[];
}

function base64url(bytes: Uint8Array | string): string {
  const data = typeof bytes === "string"
    ? new TextEncoder().encode(bytes)
    : bytes;
  let binary = "";
  for (const byte of data) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(
    /=+$/,
    "",
  );
}

/**
 * Every token the emulator knows: personal API tokens, the audit token,
 * legacy OAuth tokens (never expire), OAuth 2.1 JWT access tokens (expire on
 * the injected clock) and rotating refresh tokens grouped in families, with
 * reuse detection (RFC 9700: presenting a used refresh token revokes the whole
 * family, access tokens included).
 *
 * Counters: `issued` counts access tokens issued through OAuth (code exchanges
 * and refreshes), `revoked` counts tokens (access or refresh) newly revoked,
 * `refreshes` counts successful refresh-token grants.
 *
 * @example Issue, refresh, detect reuse
 * ```ts
 * import assert from "node:assert/strict";
 * import { TokenRegistry } from "./_tokens.ts";
 *
 * let now = 0;
 * const tokens = new TokenRegistry({ now: () => now });
 * tokens.addPersonal("personal-token", "1");
 * assert.equal(tokens.check("personal-token").ok, true);
 *
 * const first = tokens.issueOAuth("1", ["boards:read"], { ttlSeconds: 60 });
 * const second = tokens.refresh(first.refreshToken);
 * assert.equal(second.ok, true);
 * // Reusing the first refresh token revokes the whole family.
 * assert.deepEqual(tokens.refresh(first.refreshToken), { ok: false, reason: "reused" });
 * if (second.ok) {
 *   assert.deepEqual(tokens.check(second.tokens.accessToken), { ok: false, reason: "revoked" });
 * }
 * now += 61_000;
 * assert.deepEqual(tokens.check(first.accessToken), { ok: false, reason: "revoked" });
 * ```
 */
export class TokenRegistry {
  #clock: { now(): number };
  #random: () => number;
  #key: string;
  #issuer: string;
  #access = new Map<string, AccessRecord>();
  #refresh = new Map<string, RefreshRecord>();
  #families = new Map<string, FamilyRecord>();
  #sequence = 0;
  #issued = 0;
  #revoked = 0;
  #refreshes = 0;

  /**
   * Creates an empty registry.
   *
   * @param clock The emulator clock (`now()` in ms since epoch) that decides expiry.
   * @param options Random source, signing key and issuer.
   * @throws {TypeError} If `clock` has no `now` function.
   */
  constructor(clock: { now(): number }, options: TokenRegistryOptions = {}) {
    if (typeof clock?.now !== "function") {
      throw new TypeError(
        "Cannot create token registry: 'clock.now' is not a function",
      );
    }
    this.#clock = clock;
    this.#random = options.random ?? Math.random;
    this.#key = options.signingKey ?? this.#randomString(32);
    this.#issuer = options.issuer ?? "https://auth.monday.com";
  }

  /** Access tokens issued through OAuth (code exchanges and refreshes). */
  get issued(): number {
    return this.#issued;
  }

  /** Tokens (access or refresh) newly revoked. */
  get revoked(): number {
    return this.#revoked;
  }

  /** Successful refresh-token grants. */
  get refreshes(): number {
    return this.#refreshes;
  }

  /**
   * Registers a personal API token (all scopes, never expires).
   *
   * @param token The token as clients send it (raw `Authorization` value).
   * @param userId The user it belongs to.
   * @throws {TypeError} If `token` is empty.
   *
   * @example Register and check
   * ```ts
   * import assert from "node:assert/strict";
   * import { TokenRegistry } from "./_tokens.ts";
   *
   * const tokens = new TokenRegistry({ now: () => 0 });
   * tokens.addPersonal("abc", "7");
   * const check = tokens.check("abc");
   * assert.equal(check.ok && check.info.kind, "personal");
   * ```
   */
  addPersonal(token: string, userId: string): void {
    this.#add(token, { kind: "personal", userId, scopes: "all" });
  }

  /**
   * Registers the audit-log API token (valid only on `/audit-api`).
   *
   * @param token The token as clients send it after `Bearer `.
   * @param userId The admin user it belongs to.
   * @throws {TypeError} If `token` is empty.
   *
   * @example Register and check
   * ```ts
   * import assert from "node:assert/strict";
   * import { TokenRegistry } from "./_tokens.ts";
   *
   * const tokens = new TokenRegistry({ now: () => 0 });
   * tokens.addAudit("audit-token");
   * const check = tokens.check("audit-token");
   * assert.equal(check.ok && check.info.kind, "audit");
   * ```
   */
  addAudit(token: string, userId = ""): void {
    this.#add(token, { kind: "audit", userId, scopes: "all" });
  }

  /**
   * Checks a token presented by a client.
   *
   * @param token The token (without `Bearer `).
   * @returns The token's info, or the reason it is refused.
   *
   * @example Unknown token
   * ```ts
   * import assert from "node:assert/strict";
   * import { TokenRegistry } from "./_tokens.ts";
   *
   * const tokens = new TokenRegistry({ now: () => 0 });
   * assert.deepEqual(tokens.check("nope"), { ok: false, reason: "unknown" });
   * ```
   */
  check(token: string): TokenCheck {
    const record = this.#access.get(token);
    if (record === undefined) return { ok: false, reason: "unknown" };
    if (record.revoked) return { ok: false, reason: "revoked" };
    const { expiresAt } = record.info;
    if (expiresAt !== undefined && this.#clock.now() >= expiresAt) {
      return { ok: false, reason: "expired" };
    }
    return { ok: true, info: { ...record.info } };
  }

  /**
   * Issues a legacy OAuth 2.0 access token: a JWT without `exp` that never
   * expires and has no refresh token.
   *
   * @param userId The user the token acts for.
   * @param scopes The granted scopes.
   * @param options The client the token is issued to.
   * @returns The access token.
   *
   * @example Legacy tokens never expire
   * ```ts
   * import assert from "node:assert/strict";
   * import { TokenRegistry } from "./_tokens.ts";
   *
   * let now = 0;
   * const tokens = new TokenRegistry({ now: () => now });
   * const token = tokens.issueLegacy("1", ["me:read"]);
   * now += 10 * 365 * 86_400_000;
   * assert.equal(tokens.check(token).ok, true);
   * ```
   */
  issueLegacy(
    userId: string,
    scopes: string[],
    options: { clientId?: string } = {},
  ): string {
    const now = this.#clock.now();
    const token = this.#sign({
      iss: this.#issuer,
      sub: userId,
      uid: Number(userId) || userId,
      ...(options.clientId === undefined ? {} : { aud: options.clientId }),
      scp: scopes.join(" "),
      iat: Math.floor(now / 1000),
      jti: this.#jti(),
    });
    const info: TokenInfo = {
      kind: "oauth_legacy",
      userId,
      scopes: [...scopes],
    };
    if (options.clientId !== undefined) info.clientId = options.clientId;
    this.#access.set(token, { info, revoked: false });
    this.#issued++;
    return token;
  }

  /**
   * Issues an OAuth 2.1 token pair (JWT access token with `exp`, rotating
   * refresh token) in a new family.
   *
   * @param userId The user the tokens act for.
   * @param scopes The granted scopes.
   * @param options Client id and access-token lifetime.
   * @returns The access token, refresh token, scopes, expiry and family.
   * @throws {RangeError} If `ttlSeconds` is not a positive number.
   *
   * @example The access token is a JWT with `exp`
   * ```ts
   * import assert from "node:assert/strict";
   * import { TokenRegistry } from "./_tokens.ts";
   *
   * const tokens = new TokenRegistry({ now: () => 1_000_000 });
   * const pair = tokens.issueOAuth("1", ["boards:read"], { ttlSeconds: 60 });
   * const payload = JSON.parse(atob(pair.accessToken.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")));
   * assert.equal(payload.exp, 1_000 + 60);
   * ```
   */
  issueOAuth(
    userId: string,
    scopes: string[],
    options: IssueOAuthOptions = {},
  ): OAuthTokenPair {
    const ttlSeconds = options.ttlSeconds ?? 3600;
    if (!(Number.isFinite(ttlSeconds) && ttlSeconds > 0)) {
      throw new RangeError(
        `Cannot issue OAuth tokens: 'ttlSeconds' must be a positive number, got ${ttlSeconds}`,
      );
    }
    const family = `fam_${this.#randomString(12)}`;
    this.#families.set(family, {
      userId,
      clientId: options.clientId,
      scopes: [...scopes],
      ttlSeconds,
      revoked: false,
      accessTokens: [],
      refreshTokens: [],
    });
    return this.#issuePair(family);
  }

  /**
   * Exchanges a refresh token for a new pair (rotation). A refresh token works
   * once: presenting it again revokes its whole family (access tokens included)
   * and answers `reused`.
   *
   * @param refreshToken The refresh token presented.
   * @param options When `clientId` is given, it must match the client the family was issued to.
   * @returns The new pair, or the reason it was refused.
   *
   * @example Rotation
   * ```ts
   * import assert from "node:assert/strict";
   * import { TokenRegistry } from "./_tokens.ts";
   *
   * const tokens = new TokenRegistry({ now: () => 0 });
   * const pair = tokens.issueOAuth("1", ["me:read"]);
   * const next = tokens.refresh(pair.refreshToken);
   * assert.equal(next.ok, true);
   * assert.equal(tokens.refreshes, 1);
   * ```
   */
  refresh(
    refreshToken: string,
    options: { clientId?: string } = {},
  ): RefreshResult {
    const record = this.#refresh.get(refreshToken);
    if (record === undefined) return { ok: false, reason: "unknown" };
    const family = this.#families.get(record.family);
    if (family === undefined) return { ok: false, reason: "unknown" };
    if (
      options.clientId !== undefined && family.clientId !== undefined &&
      options.clientId !== family.clientId
    ) {
      return { ok: false, reason: "client_mismatch" };
    }
    if (family.revoked || record.revoked) {
      return { ok: false, reason: "revoked" };
    }
    if (record.used) {
      this.revokeFamily(record.family);
      return { ok: false, reason: "reused" };
    }
    record.used = true;
    this.#refreshes++;
    return { ok: true, tokens: this.#issuePair(record.family) };
  }

  /**
   * Revokes a token. Revoking a refresh token revokes its whole family
   * (RFC 7009: the grant goes with it); revoking an access token revokes that
   * token only.
   *
   * @param token An access token or a refresh token.
   * @param options When `clientId` is given, only tokens issued to that client are revoked (personal and audit tokens are left alone).
   * @returns Whether the token is known (revoked now or before).
   *
   * @example Revoke an access token
   * ```ts
   * import assert from "node:assert/strict";
   * import { TokenRegistry } from "./_tokens.ts";
   *
   * const tokens = new TokenRegistry({ now: () => 0 });
   * const token = tokens.issueLegacy("1", []);
   * assert.equal(tokens.revoke(token), true);
   * assert.deepEqual(tokens.check(token), { ok: false, reason: "revoked" });
   * ```
   */
  revoke(token: string, options: { clientId?: string } = {}): boolean {
    const access = this.#access.get(token);
    if (access !== undefined) {
      if (
        options.clientId !== undefined &&
        access.info.clientId !== options.clientId
      ) {
        return false;
      }
      if (!access.revoked) {
        access.revoked = true;
        this.#revoked++;
      }
      return true;
    }
    const refresh = this.#refresh.get(token);
    if (refresh !== undefined) {
      const family = this.#families.get(refresh.family);
      if (
        options.clientId !== undefined && family?.clientId !== options.clientId
      ) {
        return false;
      }
      this.revokeFamily(refresh.family);
      return true;
    }
    return false;
  }

  /**
   * Revokes every access and refresh token of a family.
   *
   * @param family The family id (from {@linkcode TokenInfo.family}).
   * @returns Whether the family exists.
   *
   * @example Revoke a family
   * ```ts
   * import assert from "node:assert/strict";
   * import { TokenRegistry } from "./_tokens.ts";
   *
   * const tokens = new TokenRegistry({ now: () => 0 });
   * const pair = tokens.issueOAuth("1", []);
   * assert.equal(tokens.revokeFamily(pair.family), true);
   * assert.equal(tokens.check(pair.accessToken).ok, false);
   * ```
   */
  revokeFamily(family: string): boolean {
    const record = this.#families.get(family);
    if (record === undefined) return false;
    record.revoked = true;
    for (const token of record.accessTokens) {
      const access = this.#access.get(token);
      if (access !== undefined && !access.revoked) {
        access.revoked = true;
        this.#revoked++;
      }
    }
    for (const token of record.refreshTokens) {
      const refresh = this.#refresh.get(token);
      if (refresh !== undefined && !refresh.revoked) {
        refresh.revoked = true;
        this.#revoked++;
      }
    }
    return true;
  }

  /**
   * Describes a refresh token without using it.
   *
   * @param token The refresh token.
   * @returns Its family's scopes, client and user, or `undefined` for an unknown token.
   *
   * @example Look up the scopes
   * ```ts
   * import assert from "node:assert/strict";
   * import { TokenRegistry } from "./_tokens.ts";
   *
   * const tokens = new TokenRegistry({ now: () => 0 });
   * const pair = tokens.issueOAuth("1", ["me:read"]);
   * assert.deepEqual(tokens.refreshInfo(pair.refreshToken)?.scopes, ["me:read"]);
   * ```
   */
  refreshInfo(
    token: string,
  ):
    | { scopes: string[]; clientId?: string; userId: string; family: string }
    | undefined {
    const record = this.#refresh.get(token);
    const family = record && this.#families.get(record.family);
    if (record === undefined || family === undefined) return undefined;
    return {
      scopes: [...family.scopes],
      userId: family.userId,
      family: record.family,
      ...(family.clientId === undefined ? {} : { clientId: family.clientId }),
    };
  }

  /**
   * Whether a string is a refresh token this registry issued.
   *
   * @param token The string to look up.
   * @returns `true` for a known refresh token (used, revoked or not).
   *
   * @example Access tokens are not refresh tokens
   * ```ts
   * import assert from "node:assert/strict";
   * import { TokenRegistry } from "./_tokens.ts";
   *
   * const tokens = new TokenRegistry({ now: () => 0 });
   * const pair = tokens.issueOAuth("1", []);
   * assert.equal(tokens.isRefreshToken(pair.refreshToken), true);
   * assert.equal(tokens.isRefreshToken(pair.accessToken), false);
   * ```
   */
  isRefreshToken(token: string): boolean {
    return this.#refresh.has(token);
  }

  #add(token: string, info: TokenInfo): void {
    if (typeof token !== "string" || token === "") {
      throw new TypeError(
        "Cannot register token: 'token' must be a non-empty string",
      );
    }
    this.#access.set(token, { info, revoked: false });
  }

  #issuePair(familyId: string): OAuthTokenPair {
    const family = this.#families.get(familyId)!;
    const now = this.#clock.now();
    const iat = Math.floor(now / 1000);
    const exp = iat + Math.ceil(family.ttlSeconds);
    const expiresAt = exp * 1000;
    const accessToken = this.#sign({
      iss: this.#issuer,
      sub: family.userId,
      uid: Number(family.userId) || family.userId,
      ...(family.clientId === undefined ? {} : { aud: family.clientId }),
      scp: family.scopes.join(" "),
      iat,
      exp,
      jti: this.#jti(),
    });
    const refreshToken = this.#sign({
      iss: this.#issuer,
      sub: family.userId,
      typ: "refresh",
      ...(family.clientId === undefined ? {} : { aud: family.clientId }),
      iat,
      jti: this.#jti(),
    });
    const info: TokenInfo = {
      kind: "oauth",
      userId: family.userId,
      scopes: [...family.scopes],
      expiresAt,
      family: familyId,
    };
    if (family.clientId !== undefined) info.clientId = family.clientId;
    this.#access.set(accessToken, { info, revoked: false });
    this.#refresh.set(refreshToken, {
      family: familyId,
      used: false,
      revoked: false,
    });
    family.accessTokens.push(accessToken);
    family.refreshTokens.push(refreshToken);
    this.#issued++;
    return {
      accessToken,
      refreshToken,
      scopes: [...family.scopes],
      expiresAt,
      family: familyId,
    };
  }

  #sign(payload: Record<string, unknown>): string {
    const head = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
    const body = base64url(JSON.stringify(payload));
    const signature = createHmac("sha256", this.#key).update(`${head}.${body}`)
      .digest();
    return `${head}.${body}.${base64url(new Uint8Array(signature))}`;
  }

  #jti(): string {
    this.#sequence++;
    return `${this.#sequence.toString(36)}.${this.#randomString(10)}`;
  }

  #randomString(length: number): string {
    return randomString(this.#random, length);
  }
}
