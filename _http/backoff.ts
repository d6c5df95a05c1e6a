/**
 * The retry policy's arithmetic: which statuses are worth retrying and how
 * long to back off.
 *
 * @module
 */

/** How often and how patiently to retry. */
export interface RetryPolicy {
  /**
   * The most attempts in total, the first included (1 = never retry).
   *
   * @default {5}
   */
  maxAttempts?: number;
  /**
   * The backoff's base: the cap of the first retry's delay, doubling after
   * each attempt.
   *
   * @default {500}
   */
  baseDelayMs?: number;
  /**
   * The largest backoff delay.
   *
   * @default {30_000}
   */
  maxDelayMs?: number;
  /**
   * The longest server-requested wait (`Retry-After`, `retry_in_seconds`,
   * RateLimit `t`) the transport will honour; a longer one ends the retries
   * and the error is thrown to the caller.
   *
   * @default {120_000}
   */
  maxRetryAfterMs?: number;
}

/** The defaults of every {@linkcode RetryPolicy} field. */
export const DEFAULT_RETRY_POLICY: Readonly<Required<RetryPolicy>> = Object
  .freeze({
    maxAttempts: 5,
    baseDelayMs: 500,
    maxDelayMs: 30_000,
    maxRetryAfterMs: 120_000,
  });

/**
 * Fills in a policy's defaults and checks its values.
 *
 * @param policy The caller's policy.
 * @returns The complete policy.
 * @throws {RangeError} When a value is not a non-negative number, or
 * `maxAttempts` is not a positive integer.
 *
 * @example Fill the defaults
 * ```ts
 * import { resolveRetryPolicy } from "./backoff.ts";
 * import assert from "node:assert/strict";
 * assert.equal(resolveRetryPolicy({ maxAttempts: 2 }).baseDelayMs, 500);
 * ```
 */
export function resolveRetryPolicy(
  policy: RetryPolicy = {},
): Required<RetryPolicy> {
  const out = { ...DEFAULT_RETRY_POLICY };
  for (const key of Object.keys(out) as (keyof RetryPolicy)[]) {
    const value = policy[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
      throw new RangeError(
        `Invalid retry policy: '${key}' must be a non-negative number, got '${
          String(value)
        }'`,
      );
    }
    out[key] = value;
  }
  if (!Number.isInteger(out.maxAttempts) || out.maxAttempts < 1) {
    throw new RangeError(
      `Invalid retry policy: 'maxAttempts' must be a positive integer, got '${out.maxAttempts}'`,
    );
  }
  return out;
}

/**
 * Whether an HTTP status is worth retrying: 408, 425, 429 and every 5xx but
 * 501 (Not Implemented) and 505 (HTTP Version Not Supported).
 *
 * @param status The HTTP status code.
 * @returns `true` when a retry may succeed.
 *
 * @example Classify statuses
 * ```ts
 * import { isRetryableStatus } from "./backoff.ts";
 * import assert from "node:assert/strict";
 * assert.equal(isRetryableStatus(503), true);
 * assert.equal(isRetryableStatus(429), true);
 * assert.equal(isRetryableStatus(400), false);
 * assert.equal(isRetryableStatus(501), false);
 * ```
 */
export function isRetryableStatus(status: number): boolean {
  if (status === 408 || status === 425 || status === 429) return true;
  return status >= 500 && status <= 599 && status !== 501 && status !== 505;
}

/**
 * The full-jitter backoff delay after failed attempt number `attempt`
 * (1-based): a random value in `[0, min(maxDelayMs, baseDelayMs × 2^(attempt-1)))`.
 *
 * @param attempt The number of the attempt that just failed, from 1.
 * @param policy The backoff's base and cap (a complete policy will do).
 * @param random A source of numbers in `[0, 1)`.
 * @returns The delay in whole milliseconds.
 *
 * @example Deterministic with a fixed random source
 * ```ts
 * import { backoffDelay, DEFAULT_RETRY_POLICY } from "./backoff.ts";
 * import assert from "node:assert/strict";
 * assert.equal(backoffDelay(3, DEFAULT_RETRY_POLICY, () => 0.5), 1000);
 * ```
 */
export function backoffDelay(
  attempt: number,
  policy: Pick<Required<RetryPolicy>, "baseDelayMs" | "maxDelayMs">,
  random: () => number,
): number {
  const exponent = Math.max(0, attempt - 1);
  const ceiling = Math.min(
    policy.maxDelayMs,
    policy.baseDelayMs * 2 ** Math.min(exponent, 52),
  );
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(ceiling * r);
}
