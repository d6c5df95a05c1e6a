/**
 * Reads the claims of a JWT access token (without verifying it) to learn its
 * expiry and subject.
 *
 * @module
 */

import { base64urlDecodeText } from "./_base64url.ts";

/**
 * Decodes the payload of a JWT without verifying its signature. Only for
 * reading hints such as `exp` from a token the server just sent us.
 *
 * @param token A compact JWT (`header.payload.signature`).
 * @returns The payload's claims, or `undefined` if the token is not a JWT.
 *
 * @example Read a claim
 * ```ts
 * import { decodeJwtPayload } from "./jwt.ts";
 * import assert from "node:assert/strict";
 *
 * const payload = btoa(JSON.stringify({ uid: 7 })).replace(/=+$/, "");
 * assert.deepEqual(decodeJwtPayload(`e30.${payload}.sig`), { uid: 7 });
 * assert.equal(decodeJwtPayload("opaque-token"), undefined);
 * ```
 */
export function decodeJwtPayload(
  token: string,
): Record<string, unknown> | undefined {
  if (typeof token !== "string") return undefined;
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const claims: unknown = JSON.parse(base64urlDecodeText(parts[1]));
    if (
      claims === null || typeof claims !== "object" || Array.isArray(claims)
    ) {
      return undefined;
    }
    return claims as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * Returns when a JWT expires, from its `exp` claim.
 *
 * @param token A compact JWT.
 * @returns Milliseconds since the epoch, or `undefined` when the token is not a
 * JWT or has no numeric `exp`.
 *
 * @example Read `exp`
 * ```ts
 * import { jwtExpiry } from "./jwt.ts";
 * import assert from "node:assert/strict";
 *
 * const payload = btoa(JSON.stringify({ exp: 1800000000 })).replace(/=+$/, "");
 * assert.equal(jwtExpiry(`e30.${payload}.sig`), 1800000000000);
 * ```
 */
export function jwtExpiry(token: string): number | undefined {
  const exp = decodeJwtPayload(token)?.exp;
  return typeof exp === "number" && Number.isFinite(exp) && exp > 0
    ? exp * 1000
    : undefined;
}
