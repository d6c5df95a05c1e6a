/**
 * PKCE (RFC 7636, method S256) and `state` values for OAuth authorization
 * requests.
 *
 * @module
 */

import {
  base64url,
  type RandomBytes,
  secureRandomBytes,
} from "./_base64url.ts";

/** A PKCE verifier and its S256 challenge. */
export interface PkcePair {
  /** The secret verifier sent with the token request (43 base64url characters). */
  verifier: string;
  /** `BASE64URL(SHA-256(verifier))`, sent with the authorization request. */
  challenge: string;
  /** Always `S256`. */
  method: "S256";
}

/** Options for {@linkcode createPkcePair} and {@linkcode generateState}. */
export interface RandomOptions {
  /**
   * Source of random bytes (tests inject a deterministic one).
   *
   * @default {crypto.getRandomValues}
   */
  randomBytes?: (length: number) => Uint8Array;
}

const VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * Computes the S256 code challenge for a PKCE verifier.
 *
 * @param verifier A verifier of 43 to 128 unreserved characters.
 * @returns The base64url SHA-256 of the verifier.
 * @throws {TypeError} If the verifier is not 43-128 unreserved characters.
 *
 * @example RFC 7636 appendix B
 * ```ts
 * import { pkceChallenge } from "./pkce.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(
 *   await pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
 *   "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
 * );
 * ```
 */
export async function pkceChallenge(verifier: string): Promise<string> {
  if (typeof verifier !== "string" || !VERIFIER_PATTERN.test(verifier)) {
    throw new TypeError(
      "Cannot compute PKCE challenge: the verifier must be 43-128 unreserved characters",
    );
  }
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(verifier),
  );
  return base64url(new Uint8Array(digest));
}

/**
 * Creates a fresh PKCE pair from 32 random bytes.
 *
 * @param options The random source.
 * @returns The verifier, its challenge and the method (`S256`).
 *
 * @example Create a pair
 * ```ts
 * import { createPkcePair, pkceChallenge } from "./pkce.ts";
 * import assert from "node:assert/strict";
 *
 * const pair = await createPkcePair();
 * assert.equal(pair.verifier.length, 43);
 * assert.equal(pair.challenge, await pkceChallenge(pair.verifier));
 * ```
 */
export async function createPkcePair(
  options: RandomOptions = {},
): Promise<PkcePair> {
  const verifier = randomToken(options.randomBytes ?? secureRandomBytes);
  return {
    verifier,
    challenge: await pkceChallenge(verifier),
    method: "S256",
  };
}

/**
 * Creates an OAuth `state` value: 256 random bits, base64url encoded.
 *
 * @param options The random source.
 * @returns A 43-character state value.
 *
 * @example Two states differ
 * ```ts
 * import { generateState } from "./pkce.ts";
 * import assert from "node:assert/strict";
 *
 * assert.notEqual(generateState(), generateState());
 * assert.equal(generateState().length, 43);
 * ```
 */
export function generateState(options: RandomOptions = {}): string {
  return randomToken(options.randomBytes ?? secureRandomBytes);
}

function randomToken(randomBytes: RandomBytes): string {
  const bytes = randomBytes(32);
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) {
    throw new TypeError(
      "Cannot create random value: randomBytes(32) must return 32 bytes",
    );
  }
  return base64url(bytes);
}
