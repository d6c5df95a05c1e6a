/**
 * A provider for a fixed token: a personal API token (sent raw) or an OAuth or
 * audit token (sent as `Bearer`).
 *
 * @module
 */

import type { CredentialProvider } from "./types.ts";

/** Options for {@linkcode staticToken}. */
export interface StaticTokenOptions {
  /**
   * `raw` sends the token as is (personal API tokens); `bearer` sends
   * `Bearer <token>` (OAuth access tokens, audit tokens).
   *
   * @default {"raw"}
   */
  scheme?: "raw" | "bearer";
}

/**
 * Creates a provider that always answers the same token.
 *
 * @param token The token (kept private; `Deno.inspect` shows only its last 4
 * characters).
 * @param options How to send it.
 * @returns The provider.
 * @throws {TypeError} If the token is empty or has whitespace or control characters.
 *
 * @example A personal API token
 * ```ts
 * import { staticToken } from "./static_token.ts";
 * import assert from "node:assert/strict";
 *
 * const credentials = staticToken("abc123-token");
 * assert.equal(await credentials.authorization(), "abc123-token");
 * assert.equal(await staticToken("xyz", { scheme: "bearer" }).authorization(), "Bearer xyz");
 * assert.doesNotMatch(Deno.inspect(credentials), /abc123/);
 * ```
 */
export function staticToken(
  token: string,
  options: StaticTokenOptions = {},
): CredentialProvider {
  return new StaticToken(token, options.scheme ?? "raw");
}

class StaticToken implements CredentialProvider {
  readonly #header: string;
  readonly #last4: string;

  constructor(token: string, scheme: "raw" | "bearer") {
    assertToken(token, "token");
    if (scheme !== "raw" && scheme !== "bearer") {
      throw new TypeError(
        `Cannot create static token provider: unknown scheme '${
          String(scheme)
        }' (expected 'raw' or 'bearer')`,
      );
    }
    this.#header = scheme === "bearer" ? `Bearer ${token}` : token;
    this.#last4 = token.length > 8 ? token.slice(-4) : "";
  }

  authorization(): Promise<string> {
    return Promise.resolve(this.#header);
  }

  [Symbol.for("Deno.customInspect")](): string {
    return `StaticToken { token: "…${this.#last4}" }`;
  }

  toJSON(): Record<string, string> {
    return { token: `…${this.#last4}` };
  }
}

/** Checks that a token is a non-empty header-safe string (internal). */
export function assertToken(
  token: unknown,
  what: string,
): asserts token is string {
  if (typeof token !== "string" || token.length === 0) {
    throw new TypeError(
      `Cannot use ${what}: expected a non-empty string`,
    );
  }
  // deno-lint-ignore no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(token)) {
    throw new TypeError(
      `Cannot use ${what}: it contains whitespace or control characters`,
    );
  }
}
