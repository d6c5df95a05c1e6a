// Internal: how the auth module lays out its data inside a settings record.
//
// {
//   "oauth": { version, clientId, accessToken, refreshToken?, tokenType, scope?, expiresAt?, obtainedAt },
//   "oauthPending": [ { state, verifier?, callbackUrl, scope?, expiresAt, session? } ]
// }
// Other keys in the record belong to other parts of the toolkit and are kept as they are.

import type { SettingsRecord } from "../storage/mod.ts";
import type { OAuthTokens, OAuthVersion } from "./types.ts";

/** The record key holding the tokens. */
export const TOKENS_KEY = "oauth";
/** The record key holding pending authorizations. */
export const PENDING_KEY = "oauthPending";
/** At most this many pending authorizations are kept (oldest dropped). */
export const MAX_PENDING = 20;

/** A pending authorization request (state, PKCE verifier) awaiting its callback. */
export interface PendingAuthorization {
  state: string;
  verifier?: string;
  callbackUrl: string;
  scope?: string;
  expiresAt: number;
  session?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Reads the tokens from a record, or undefined when absent or malformed. */
export function readTokens(
  record: SettingsRecord | undefined,
): (OAuthTokens & { clientId?: string }) | undefined {
  const raw = record?.[TOKENS_KEY];
  if (!isObject(raw)) return undefined;
  if (typeof raw.accessToken !== "string" || raw.accessToken === "") {
    return undefined;
  }
  const version: OAuthVersion = raw.version === "legacy" ? "legacy" : "2.1";
  const tokens: OAuthTokens & { clientId?: string } = {
    accessToken: raw.accessToken,
    tokenType: typeof raw.tokenType === "string" ? raw.tokenType : "Bearer",
    obtainedAt: typeof raw.obtainedAt === "number" ? raw.obtainedAt : 0,
    version,
  };
  if (typeof raw.refreshToken === "string" && raw.refreshToken !== "") {
    tokens.refreshToken = raw.refreshToken;
  }
  if (typeof raw.scope === "string") tokens.scope = raw.scope;
  if (typeof raw.expiresAt === "number" && Number.isFinite(raw.expiresAt)) {
    tokens.expiresAt = raw.expiresAt;
  }
  if (typeof raw.clientId === "string") tokens.clientId = raw.clientId;
  return tokens;
}

/** Returns a copy of the record with the tokens replaced (or removed). */
export function writeTokens(
  record: SettingsRecord | undefined,
  tokens: (OAuthTokens & { clientId?: string }) | undefined,
): SettingsRecord {
  const next: SettingsRecord = { ...record };
  if (tokens === undefined) {
    delete next[TOKENS_KEY];
  } else {
    const raw: Record<string, unknown> = {
      version: tokens.version,
      accessToken: tokens.accessToken,
      tokenType: tokens.tokenType,
      obtainedAt: tokens.obtainedAt,
    };
    if (tokens.clientId !== undefined) raw.clientId = tokens.clientId;
    if (tokens.refreshToken !== undefined) {
      raw.refreshToken = tokens.refreshToken;
    }
    if (tokens.scope !== undefined) raw.scope = tokens.scope;
    if (tokens.expiresAt !== undefined) raw.expiresAt = tokens.expiresAt;
    next[TOKENS_KEY] = raw;
  }
  return next;
}

/** Reads the pending authorizations from a record. */
export function readPending(
  record: SettingsRecord | undefined,
): PendingAuthorization[] {
  const raw = record?.[PENDING_KEY];
  if (!Array.isArray(raw)) return [];
  const out: PendingAuthorization[] = [];
  for (const entry of raw) {
    if (
      !isObject(entry) || typeof entry.state !== "string" ||
      typeof entry.callbackUrl !== "string" ||
      typeof entry.expiresAt !== "number"
    ) continue;
    const pending: PendingAuthorization = {
      state: entry.state,
      callbackUrl: entry.callbackUrl,
      expiresAt: entry.expiresAt,
    };
    if (typeof entry.verifier === "string") pending.verifier = entry.verifier;
    if (typeof entry.scope === "string") pending.scope = entry.scope;
    if (typeof entry.session === "string") pending.session = entry.session;
    out.push(pending);
  }
  return out;
}

/** Returns a copy of the record with the pending list replaced. */
export function writePending(
  record: SettingsRecord | undefined,
  pending: readonly PendingAuthorization[],
): SettingsRecord {
  const next: SettingsRecord = { ...record };
  if (pending.length === 0) delete next[PENDING_KEY];
  else next[PENDING_KEY] = pending.map((p) => ({ ...p }));
  return next;
}
