/**
 * The errors that callers of the auth module catch.
 *
 * @module
 */

/**
 * A provider has no credentials to offer (for example the environment
 * variable is unset). A {@linkcode credentialChain} moves on to its next
 * provider on this error.
 *
 * @example Catch it
 * ```ts
 * import { CredentialsUnavailableError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new CredentialsUnavailableError("No token: set 'MONDAY_API_TOKEN'");
 * assert.ok(error instanceof Error);
 * assert.equal(error.name, "CredentialsUnavailableError");
 * ```
 */
export class CredentialsUnavailableError extends Error {
  /**
   * Creates the error.
   *
   * @param message What is missing and how to provide it.
   * @param options The cause, if any.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CredentialsUnavailableError";
  }
}

/**
 * The stored OAuth grant can no longer be used (RFC 6749 `invalid_grant` and
 * the other permanent token-endpoint errors, a revoked or reused refresh
 * token, or nothing stored at all): the user must log in again. Never retried.
 *
 * @example Tell the user
 * ```ts
 * import { LoginRequiredError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new LoginRequiredError("The refresh token was rejected", { code: "invalid_grant", status: 400 });
 * assert.equal(error.code, "invalid_grant");
 * assert.match(error.message, /log in again/);
 * ```
 */
export class LoginRequiredError extends CredentialsUnavailableError {
  /** The RFC 6749 error code (`invalid_grant`, ...) or `no_tokens`. */
  readonly code: string;
  /** The HTTP status of the token endpoint's answer, when there was one. */
  readonly status: number | undefined;
  /** The server's `error_description`, with secrets removed. */
  readonly description: string | undefined;

  /**
   * Creates the error; the message gets a hint to log in again.
   *
   * @param message What went wrong.
   * @param options The code, status, description and cause.
   */
  constructor(
    message: string,
    options: {
      code: string;
      status?: number;
      description?: string;
      cause?: unknown;
    },
  ) {
    super(
      `${message}: log in again (for example 'mondaykit auth login')`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "LoginRequiredError";
    this.code = options.code;
    this.status = options.status;
    this.description = options.description;
  }
}

/**
 * The token endpoint failed in a way that is not a permanent grant error
 * (HTTP 429 or 5xx after the retries ran out, an unexpected answer).
 *
 * @example Inspect it
 * ```ts
 * import { OAuthError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new OAuthError("Token request failed: HTTP 503", { code: "http_503", status: 503, retryable: true });
 * assert.equal(error.retryable, true);
 * ```
 */
export class OAuthError extends Error {
  /** The RFC 6749 error code, or `http_<status>` / `invalid_response`. */
  readonly code: string;
  /** The HTTP status, when there was an answer. */
  readonly status: number | undefined;
  /** Whether the shared transport may retry the request. */
  readonly retryable: boolean;
  /** How long the server asked us to wait, in ms. */
  readonly retryAfterMs: number | undefined;

  /**
   * Creates the error.
   *
   * @param message What went wrong (no secrets).
   * @param options The code, status and retry hints.
   */
  constructor(
    message: string,
    options: {
      code: string;
      status?: number;
      retryable?: boolean;
      retryAfterMs?: number;
      cause?: unknown;
    },
  ) {
    super(
      message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "OAuthError";
    this.code = options.code;
    this.status = options.status;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Why an authorization callback was refused; see {@linkcode OAuthCallbackError}. */
export type OAuthCallbackErrorCode =
  | "state_mismatch"
  | "state_expired"
  | "missing_code"
  | "no_pending_authorization"
  | "session_mismatch"
  | "timeout"
  | string;

/**
 * An authorization callback could not be accepted: its `state` is unknown,
 * used or expired, it carries `error=` (for example `access_denied`), it has
 * no code, or no callback arrived in time.
 *
 * @example Denied consent
 * ```ts
 * import { OAuthCallbackError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new OAuthCallbackError("Authorization failed: 'access_denied'", { code: "access_denied" });
 * assert.equal(error.code, "access_denied");
 * ```
 */
export class OAuthCallbackError extends Error {
  /** `state_mismatch`, `state_expired`, `missing_code`, `no_pending_authorization`, `session_mismatch`, `timeout`, or the server's `error` value. */
  readonly code: OAuthCallbackErrorCode;
  /** The server's `error_description`, if any. */
  readonly description: string | undefined;
  /**
   * For a desktop login's `timeout`: how many other requests to the
   * callback address were refused while it waited (wrong or missing state,
   * wrong Host or path).
   */
  readonly refusedRequests: number | undefined;

  /**
   * Creates the error.
   *
   * @param message What went wrong (no secrets).
   * @param options The code, the server's description and, for a timeout,
   * the number of refused requests.
   */
  constructor(
    message: string,
    options: {
      code: OAuthCallbackErrorCode;
      description?: string;
      refusedRequests?: number;
    },
  ) {
    super(message);
    this.name = "OAuthCallbackError";
    this.code = options.code;
    this.description = options.description;
    this.refusedRequests = options.refusedRequests;
  }
}
