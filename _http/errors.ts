/**
 * The transport's own errors: a timed-out attempt or deadline, and a failed
 * network exchange. Both carry `retryable`, the flag the retry loop reads.
 *
 * @module
 */

import { isRetryableStatus } from "./backoff.ts";

/** Options for {@linkcode HttpTimeoutError}. */
export interface HttpTimeoutErrorOptions {
  /**
   * Which limit ran out: one attempt's timeout or the overall deadline.
   *
   * @default {"attempt"}
   */
  kind?: "attempt" | "deadline";
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * A request took longer than its per-attempt timeout or its overall deadline.
 * A per-attempt timeout is retryable; a deadline is not.
 *
 * @example Catch a timeout
 * ```ts
 * import { HttpTimeoutError } from "./errors.ts";
 * import assert from "node:assert/strict";
 * const error = new HttpTimeoutError("Request timed out after 60000 ms", 60_000);
 * assert.equal(error.timeoutMs, 60_000);
 * assert.equal(error.retryable, true);
 * ```
 */
export class HttpTimeoutError extends Error {
  /** The limit that ran out, in milliseconds. */
  readonly timeoutMs: number;
  /** Which limit ran out. */
  readonly kind: "attempt" | "deadline";
  /** Whether another attempt may succeed (`true` for per-attempt timeouts). */
  readonly retryable: boolean;

  /**
   * Makes a timeout error.
   *
   * @param message What timed out (already redacted).
   * @param timeoutMs The limit that ran out, in milliseconds.
   * @param options Which limit, and the cause.
   */
  constructor(
    message: string,
    timeoutMs: number,
    options: HttpTimeoutErrorOptions = {},
  ) {
    super(
      message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "HttpTimeoutError";
    this.timeoutMs = timeoutMs;
    this.kind = options.kind ?? "attempt";
    this.retryable = this.kind === "attempt";
  }
}

/**
 * The request never got a response: DNS, connection refused or reset, TLS.
 * Its message and cause are redacted. Retryable (when the call allows
 * retries at all).
 *
 * @example Catch a network failure
 * ```ts
 * import { NetworkError } from "./errors.ts";
 * import assert from "node:assert/strict";
 * const error = new NetworkError("Network error: connection refused");
 * assert.equal(error.retryable, true);
 * ```
 */
export class NetworkError extends Error {
  /** Always `true`: another attempt may succeed. */
  readonly retryable: boolean = true;

  /**
   * Makes a network error.
   *
   * @param message What failed (already redacted).
   * @param options The (redacted) underlying error.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "NetworkError";
  }
}

/** Options for {@linkcode HttpStatusError}. */
export interface HttpStatusErrorOptions {
  /**
   * Whether another attempt may succeed.
   *
   * @default {isRetryableStatus(status)}
   */
  retryable?: boolean;
  /** The server's requested wait in milliseconds, if it gave one. */
  retryAfterMs?: number;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * A generic unexpected HTTP status, for `interpret` callbacks that have no
 * richer error of their own. Set `retryable` and `retryAfterMs` to steer the
 * transport's retries.
 *
 * @example Throw from an interpret callback
 * ```ts
 * import { HttpStatusError } from "./errors.ts";
 * import assert from "node:assert/strict";
 * const error = new HttpStatusError("Unexpected HTTP status: 503", 503, { retryAfterMs: 1000 });
 * assert.equal(error.retryable, true);
 * assert.equal(error.retryAfterMs, 1000);
 * ```
 */
export class HttpStatusError extends Error {
  /** The HTTP status. */
  readonly status: number;
  /** Whether another attempt may succeed. */
  readonly retryable: boolean;
  /** The server's requested wait in milliseconds, if it gave one. */
  readonly retryAfterMs: number | undefined;

  /**
   * Makes a status error.
   *
   * @param message What happened (already redacted).
   * @param status The HTTP status.
   * @param options Retry hints and the cause.
   */
  constructor(
    message: string,
    status: number,
    options: HttpStatusErrorOptions = {},
  ) {
    super(
      message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "HttpStatusError";
    this.status = status;
    this.retryable = options.retryable ?? isRetryableStatus(status);
    this.retryAfterMs = options.retryAfterMs;
  }
}
