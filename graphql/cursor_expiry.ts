/**
 * When an items-page cursor counts as expired: the one rule that both
 * `paginateItems` and the sync's group reads use to decide to restart a walk.
 * monday's own code for an expired cursor is undocumented, so besides the
 * classified {@linkcode CursorExpiredError}, any other non-retryable API error
 * counts when the cursor is past its 60-minute lifetime or the error names
 * the cursor. Errors a restart cannot fix (credentials, permissions, limits,
 * the API version) never count.
 *
 * @module
 */

import {
  AuthenticationError,
  ComplexityBudgetError,
  CursorExpiredError,
  DailyLimitError,
  InvalidVersionError,
  MondayApiError,
  PermissionError,
  RateLimitError,
} from "./errors.ts";

/** How long monday keeps a cursor alive: 60 minutes from the first request. */
export const CURSOR_LIFETIME_MS: number = 60 * 60_000;

/**
 * Whether an error from a cursor walk means the cursor expired.
 *
 * @param error What the walk's request threw.
 * @param cursorAgeMs How long ago the walk's first request was sent.
 * @returns `true` when restarting the walk is the right answer.
 *
 * @example An unknown code past the cursor's lifetime counts
 * ```ts
 * import { CURSOR_LIFETIME_MS, isCursorExpiry, MondayApiError } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new MondayApiError("Something went wrong", { code: "NEW_CODE" });
 * assert.equal(isCursorExpiry(error, CURSOR_LIFETIME_MS), true);
 * assert.equal(isCursorExpiry(error, 1_000), false);
 * ```
 */
export function isCursorExpiry(
  error: unknown,
  cursorAgeMs: number,
): error is MondayApiError {
  if (error instanceof CursorExpiredError) return true;
  if (!(error instanceof MondayApiError) || error.retryable) return false;
  if (
    error instanceof AuthenticationError ||
    error instanceof PermissionError ||
    error instanceof RateLimitError ||
    error instanceof ComplexityBudgetError ||
    error instanceof DailyLimitError ||
    error instanceof InvalidVersionError
  ) return false;
  return cursorAgeMs >= CURSOR_LIFETIME_MS || /cursor/i.test(error.message) ||
    /cursor/i.test(error.code ?? "");
}
