// Proactive throttling, in one place: when a response says a budget is spent
// (a `RateLimit` item at 0 with its reset, or an account-wide 429 or
// complexity error with its wait), every later request of the client waits
// for the reset before it is sent. The wait is bounded like a wait after a
// 429: past the bound, or past the call's deadline, the call fails at once
// with RateLimitError; the caller's signal cancels it.
//
// A field's own limit (FIELD_LIMIT_EXCEEDED: monday limits concurrent calls
// per field, e.g. create_board) pauses only the requests whose document
// names that field; every other request goes on.

import { type Clock, parseRateLimit } from "../_http/mod.ts";
import {
  ComplexityBudgetError,
  FieldLimitError,
  type MondayApiError,
  RateLimitError,
} from "./errors.ts";

/** A `RateLimit` item whose remaining count `r` is 0 or negative. */
const SPENT_BUDGET = /(?:^|[\s;,])r\s*=\s*(?:-|0+(?:\.0*)?\s*(?:[;,]|$))/;

/** The client-wide "do not send before" instant, fed by responses. */
export class RequestBudget {
  #clock: Clock;
  #maxWaitMs: number;
  #blockedUntil = 0;
  /** Per field: the instant its calls may be sent again, and its matcher. */
  #fields = new Map<string, { until: number; pattern: RegExp }>();

  /**
   * @param clock The client's clock.
   * @param maxWaitMs The longest wait before sending; longer fails at once.
   */
  constructor(clock: Clock, maxWaitMs: number) {
    this.#clock = clock;
    this.#maxWaitMs = maxWaitMs;
  }

  /**
   * Learns from a response's `RateLimit` header (read once by the caller) and
   * the error it was classified as.
   */
  note(header: string | null, error: MondayApiError | undefined): void {
    const now = this.#clock.now();
    // Only a budget at 0 (or below) matters here; skip the parse otherwise.
    const spent = header !== null && SPENT_BUDGET.test(header);
    for (const item of spent ? parseRateLimit(header) : []) {
      if (item.remaining <= 0 && item.resetSeconds !== undefined) {
        this.#block(now + item.resetSeconds * 1000);
      }
    }
    if (
      error instanceof FieldLimitError && error.field !== undefined &&
      error.retryAfterMs !== undefined
    ) {
      const until = now + error.retryAfterMs;
      const known = this.#fields.get(error.field);
      if (!known || until > known.until) {
        this.#fields.set(error.field, {
          until,
          pattern: new RegExp(`(?<![\\w$])${error.field}(?!\\w)`),
        });
      }
    }
    // Account-wide limits pause every request of this client, not only the
    // one that hit them.
    if (
      error?.retryAfterMs !== undefined &&
      (error instanceof ComplexityBudgetError ||
        (error instanceof RateLimitError &&
          !(error instanceof FieldLimitError)))
    ) {
      this.#block(now + error.retryAfterMs);
    }
  }

  #block(until: number): void {
    if (until > this.#blockedUntil) this.#blockedUntil = until;
  }

  /** Until when a document's fields are paused (0 when none is). */
  #fieldsUntil(document: string | undefined, now: number): number {
    if (document === undefined || this.#fields.size === 0) return 0;
    let until = 0;
    for (const [field, block] of this.#fields) {
      if (block.until <= now) {
        this.#fields.delete(field);
      } else if (block.until > until && block.pattern.test(document)) {
        until = block.until;
      }
    }
    return until;
  }

  /**
   * Waits until the budget resets (nothing to do on the hot path).
   *
   * @param signal The caller's signal, which cancels the wait.
   * @param deadlineAt When the call's deadline passes, if it has one.
   * @param document The request's document, to wait for its paused fields.
   * @throws {RateLimitError} When the wait is longer than the bound or would
   * pass the deadline; `retryAfterMs` says how long it would have been.
   */
  async wait(
    signal: AbortSignal | undefined,
    deadlineAt: number | undefined,
    document?: string,
  ): Promise<void> {
    // The block may move while we sleep (another response): look again.
    for (let i = 0; i < 3; i++) {
      const now = this.#clock.now();
      const wait = Math.max(
        this.#blockedUntil,
        this.#fieldsUntil(document, now),
      ) - now;
      if (!(wait > 0)) return;
      signal?.throwIfAborted();
      if (wait > this.#maxWaitMs) {
        throw new RateLimitError(
          `Cannot send the request: the rate-limit budget resets in ${
            Math.ceil(wait)
          } ms, longer than the longest wait allowed (${this.#maxWaitMs} ms, 'retry.maxRetryAfterMs')`,
          { retryAfterMs: wait },
        );
      }
      if (deadlineAt !== undefined && now + wait >= deadlineAt) {
        throw new RateLimitError(
          `Cannot send the request: the rate-limit budget resets in ${
            Math.ceil(wait)
          } ms, after the call's deadline ('deadlineMs')`,
          { retryAfterMs: wait },
        );
      }
      await this.#clock.sleep(wait, signal);
    }
  }

  /**
   * Whether a request would have to wait now.
   *
   * @param document The request's document, for its paused fields.
   */
  blocked(document?: string): boolean {
    const now = this.#clock.now();
    return this.#blockedUntil > now || this.#fieldsUntil(document, now) > now;
  }
}
