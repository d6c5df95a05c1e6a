/**
 * The transport's own errors, which every client (GraphQL, audit log, OAuth,
 * sinks) throws as they are: a timed-out attempt or deadline, a failed
 * network exchange and a refused redirect. Each declares `retryable`, the
 * flag the retry loop reads.
 *
 * @module
 */

import { isRetryableStatus } from "./backoff.ts";

/** Options for {@linkcode RequestTimeoutError}. */
export interface RequestTimeoutErrorOptions {
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
 * A per-attempt timeout is retryable (the client retries it when the call
 * allows); a deadline is not. Not a `MondayApiError`: no response arrived.
 * (Named so as not to shadow the platform's `DOMException` `TimeoutError`.)
 *
 * @example Catch a timeout
 * ```ts
 * import { RequestTimeoutError } from "./errors.ts";
 * import assert from "node:assert/strict";
 * const error = new RequestTimeoutError("Request timed out after 60000 ms", 60_000);
 * assert.equal(error.timeoutMs, 60_000);
 * assert.equal(error.retryable, true);
 * ```
 */
export class RequestTimeoutError extends Error {
  /** Always `"RequestTimeoutError"`. */
  override name = "RequestTimeoutError";
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
    options: RequestTimeoutErrorOptions = {},
  ) {
    super(
      message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.timeoutMs = timeoutMs;
    this.kind = options.kind ?? "attempt";
    this.retryable = this.kind === "attempt";
  }
}

/** Options for {@linkcode NetworkError}. */
export interface NetworkErrorOptions {
  /** The (redacted) underlying error. */
  cause?: unknown;
  /**
   * Whether the request certainly never reached the server: the connection
   * was refused or the host name did not resolve, so nothing was sent.
   *
   * @default {false}
   */
  beforeSend?: boolean;
}

/**
 * The request never got a response: DNS, connection refused or reset, TLS.
 * Its message and cause are redacted. Retryable (when the call allows
 * retries at all). The one class every client throws for this (GraphQL,
 * audit log); not a `MondayApiError`, since no response arrived.
 *
 * `beforeSend` tells the two cases apart: `true` when the request certainly
 * never left (connection refused, host not found), `false` when it may have
 * reached the server and run there (connection reset, response lost).
 *
 * @example Catch a network failure
 * ```ts
 * import { NetworkError } from "./errors.ts";
 * import assert from "node:assert/strict";
 * const error = new NetworkError("Network error: connection refused", { beforeSend: true });
 * assert.equal(error.retryable, true);
 * assert.equal(error.beforeSend, true);
 * ```
 */
export class NetworkError extends Error {
  /** Always `"NetworkError"`. */
  override name = "NetworkError";
  /** Always `true`: another attempt may succeed. */
  readonly retryable: boolean = true;
  /** Whether the request certainly never reached the server. */
  readonly beforeSend: boolean;

  /**
   * Makes a network error.
   *
   * @param message What failed (already redacted).
   * @param options The (redacted) underlying error, and whether nothing was sent.
   */
  constructor(message: string, options: NetworkErrorOptions = {}) {
    super(
      message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.beforeSend = options.beforeSend ?? false;
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

/**
 * A request that carries a credential was redirected somewhere it must not
 * follow: to another origin, or to plain `http://` off loopback. Nothing was
 * sent to the target. Not retryable.
 *
 * @example Inspect a refused redirect
 * ```ts
 * import { RedirectError } from "./errors.ts";
 * import assert from "node:assert/strict";
 * const error = new RedirectError(302, "https://elsewhere.example/v2");
 * assert.equal(error.status, 302);
 * assert.equal(error.location, "https://elsewhere.example/v2");
 * assert.equal(error.retryable, false);
 * ```
 */
export class RedirectError extends Error {
  /** Always `"RedirectError"`. */
  override name = "RedirectError";
  /** The redirect's HTTP status (301, 302, 303, 307, 308). */
  readonly status: number;
  /** Where the server pointed, with secrets masked. */
  readonly location: string;
  /** Always `false`: the same request gets the same redirect. */
  readonly retryable: boolean = false;

  /**
   * Makes the error.
   *
   * @param status The redirect's HTTP status.
   * @param location The redirect target, already redacted.
   * @param reason Why it was refused.
   */
  constructor(
    status: number,
    location: string,
    reason = "redirects are followed only to the same origin",
  ) {
    super(
      `Refused to follow a redirect (HTTP ${status}) to '${location}': ${reason}`,
    );
    this.status = status;
    this.location = location;
  }
}
