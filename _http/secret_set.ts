/**
 * The secrets a client has seen, so that everything it reports can be
 * redacted: pinned ones (a client secret, a static token) stay for the
 * object's life, learned ones (tokens fetched or refreshed) are kept up to a
 * bound, oldest dropped first.
 *
 * @module
 */

import { redact } from "./redact.ts";

/** Options for {@linkcode SecretSet}. */
export interface SecretSetOptions {
  /**
   * How many learned (not pinned) secrets to keep; the oldest go first.
   *
   * @default {64}
   */
  maxLearned?: number;
}

/** An `Authorization` value, and its bare token when it has a scheme. */
function authorizationForms(header: string): string[] {
  const bare = header.replace(/^bearer\s+/i, "");
  return bare === header || bare === "" ? [header] : [header, bare];
}

/**
 * A bounded set of secret values with a redactor over them. One per client
 * object; the single place where a client remembers what to hide.
 *
 * @example Hide a pinned secret and a learned bearer token
 * ```ts
 * import { SecretSet } from "./secret_set.ts";
 * import assert from "node:assert/strict";
 *
 * const secrets = new SecretSet();
 * secrets.pin("client-secret-0001");
 * secrets.learnAuthorization("Bearer access-token-0002");
 * assert.equal(
 *   secrets.redact("client-secret-0001 and access-token-0002"),
 *   "…0001 and …0002",
 * );
 * ```
 */
export class SecretSet {
  #pinned = new Set<string>();
  #learned = new Set<string>();
  #maxLearned: number;

  /**
   * Makes an empty set.
   *
   * @param options The bound on learned secrets.
   */
  constructor(options: SecretSetOptions = {}) {
    this.#maxLearned = options.maxLearned ?? 64;
  }

  /**
   * Remembers a secret for the object's whole life (never dropped).
   *
   * @param secret The secret; empty values are ignored.
   */
  pin(secret: string | undefined): void {
    if (secret) this.#pinned.add(secret);
  }

  /**
   * Remembers a secret that may be dropped once newer ones push it out.
   *
   * @param secret The secret; empty values are ignored.
   */
  learn(secret: string | undefined): void {
    if (!secret || this.#pinned.has(secret)) return;
    this.#learned.delete(secret);
    this.#learned.add(secret);
    while (this.#learned.size > this.#maxLearned) {
      const oldest = this.#learned.values().next().value;
      if (oldest === undefined) break;
      this.#learned.delete(oldest);
    }
  }

  /**
   * Remembers an `Authorization` header value and its bare token (without
   * a `Bearer ` prefix).
   *
   * @param header The header value.
   */
  learnAuthorization(header: string): void {
    for (const secret of authorizationForms(header)) this.learn(secret);
  }

  /**
   * Pins an `Authorization` value for good: the value and, after `Bearer `,
   * the bare token (a static token given with its scheme).
   *
   * @param header The header value.
   */
  pinAuthorization(header: string): void {
    for (const secret of authorizationForms(header)) this.pin(secret);
  }

  /**
   * Every secret now known, pinned first.
   *
   * @returns The secrets.
   */
  list(): string[] {
    return [...this.#pinned, ...this.#learned];
  }

  /**
   * Redacts every known secret (and well-known secret patterns) in `text`.
   *
   * @param text The text to clean.
   * @returns `text` without the secrets.
   */
  redact(text: string): string {
    return redact(text, this.list());
  }
}
