/**
 * How long the server asks us to wait: `Retry-After` (seconds or an HTTP
 * date), else the `RateLimit` header's `t` for an exhausted quota.
 *
 * @module
 */

import { parseRateLimit } from "./rate_limit.ts";

const IMF_FIXDATE =
  /^[A-Za-z]{3}, \d{1,2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC850_DATE =
  /^[A-Za-z]{6,9}, \d{1,2}-[A-Za-z]{3}-\d{2,4} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME_DATE =
  /^[A-Za-z]{3} [A-Za-z]{3} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * Parses a `Retry-After` value: delay-seconds (`"120"`, fractions accepted)
 * or an HTTP date (IMF-fixdate, RFC 850 or asctime). A date in the past
 * gives 0. Anything else gives `undefined`; never throws.
 *
 * @param value The header's value.
 * @param nowMs The current time in milliseconds, to turn a date into a delay.
 * @returns The delay in milliseconds, or `undefined`.
 *
 * @example Both forms
 * ```ts
 * import { parseRetryAfter } from "./retry_after.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseRetryAfter("3", 0), 3000);
 * const now = Date.UTC(2026, 10, 1, 12, 0, 0);
 * assert.equal(parseRetryAfter("Sun, 01 Nov 2026 12:00:10 GMT", now), 10_000);
 * assert.equal(parseRetryAfter("soon", now), undefined);
 * ```
 */
export function parseRetryAfter(
  value: string | null,
  nowMs: number,
): number | undefined {
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  let date = NaN;
  if (IMF_FIXDATE.test(text) || RFC850_DATE.test(text)) {
    date = Date.parse(text);
  } else if (ASCTIME_DATE.test(text)) {
    date = Date.parse(`${text} GMT`);
  }
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/**
 * The server's own wait for a response: `Retry-After` when it parses, else
 * the largest `t` among `RateLimit` items whose remaining count `r` is 0.
 *
 * @param response The response to read headers from (the body is untouched).
 * @param nowMs The current time in milliseconds.
 * @returns The delay in milliseconds, or `undefined` when the server gave none.
 *
 * @example An exhausted complexity budget
 * ```ts
 * import { defaultRetryAfterMs } from "./retry_after.ts";
 * import assert from "node:assert/strict";
 * const response = new Response(null, {
 *   status: 429,
 *   headers: { RateLimit: '"minuteRate";r=10, "complexityMinute";r=0;t=45' },
 * });
 * assert.equal(defaultRetryAfterMs(response, Date.now()), 45_000);
 * ```
 */
export function defaultRetryAfterMs(
  response: Response,
  nowMs: number,
): number | undefined {
  const fromHeader = parseRetryAfter(
    response.headers.get("retry-after"),
    nowMs,
  );
  if (fromHeader !== undefined) return fromHeader;
  let wait: number | undefined;
  for (const item of parseRateLimit(response.headers.get("ratelimit"))) {
    if (item.remaining === 0 && item.resetSeconds !== undefined) {
      wait = Math.max(wait ?? 0, Math.ceil(item.resetSeconds * 1000));
    }
  }
  return wait;
}
